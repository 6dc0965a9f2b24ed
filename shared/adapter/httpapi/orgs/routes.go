// Package orgs is the orgs function's HTTP handlers: consents and
// organisations' views of their employees' documents. Routes are
// functions.All's; Handlers maps each to its handler. (Inside this package,
// orgs names the domain package shared/domain/orgs.)
package orgs

import (
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

// Handlers are the orgs function's handlers, by route: consents and
// organisations' views of their employees' documents. profiles gives the
// CSV download the caller's language when the request names none
// (httpapi.WithReaderLanguage); nil gives the default language.
// dashboards serves the organisation's dashboard.
func Handlers(svc *orgs.Service, profiles httpapi.Profiles, dashboards *stats.Service) httpapi.Handlers {
	return httpapi.Handlers{
		"POST /consents":                           handleGrantConsent(svc),
		"GET /consents":                            handleListConsents(svc),
		"DELETE /consents/{id}":                    handleRevokeConsent(svc),
		"GET /organizations/{orgId}/documents":     handleOrgDocuments(svc),
		"GET /organizations/{orgId}/documents.csv": httpapi.WithReaderLanguage(profiles, handleOrgDocumentsCSV(svc)),
		"GET /organizations/{orgId}/stats":         handleOrgStats(dashboards),
	}
}
