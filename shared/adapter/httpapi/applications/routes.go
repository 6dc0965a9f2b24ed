// Package applications is the applications function's HTTP handlers:
// applications for government services and their status, renewals of
// documents, and the agency staff's queue. Routes are functions.All's;
// Handlers maps each to its handler. (Inside this package, applications
// names the domain package shared/domain/applications.)
package applications

import (
	"net/http"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/stats/agencystats"
)

// Handlers are the applications function's handlers, by route: the
// service catalogue, drafts, submission, status, withdrawal, the
// applicant's answer to a request for information, the receipt PDF
// (signed by pdf; nil leaves it unsigned), a lead clerk's reassignment,
// renewals, the agency staff's queue and transitions, the files an answer
// sent, the payments that did not settle an accrual exactly, and the
// agency's dashboard (dashboards).
func Handlers(svc *applications.Service, pdf PDFSigner, dashboards agencystats.Service) httpapi.Handlers {
	// The receipt is written for its reader: the language the request asks
	// for, else the profile's.
	var profiles httpapi.Profiles
	if svc != nil && svc.Profiles != nil {
		profiles = svc.Profiles
	}
	lang := func(h http.Handler) http.Handler { return httpapi.WithReaderLanguage(profiles, h) }
	return httpapi.Handlers{
		"POST /documents/{id}/renew":            handleRenewDocument(svc),
		"GET /services":                         handleServices(svc),
		"POST /applications/validate":           handleValidateApplication(svc),
		"POST /applications":                    handleCreateApplication(svc),
		"GET /applications":                     handleListApplications(svc),
		"GET /applications/{id}":                handleGetApplication(svc),
		"PATCH /applications/{id}":              handleUpdateApplication(svc),
		"DELETE /applications/{id}":             handleDeleteApplication(svc),
		"POST /applications/{id}/submit":        handleSubmitApplication(svc),
		"POST /applications/{id}/withdraw":      handleWithdrawApplication(svc),
		"POST /applications/{id}/respond":       handleRespondApplication(svc),
		"GET /applications/{id}/files/{fileId}": handleResponseFile(svc),
		"GET /applications/{id}/payment-qr.png": handlePaymentQR(svc),
		"GET /applications/{id}/receipt.pdf":    lang(handleReceipt(svc, pdf)),
		"POST /applications/{id}/assign":        handleAssignApplication(svc),
		"POST /applications/{id}/transitions":   handleApplicationTransition(svc),
		"GET /agency/applications":              handleAgencyQueue(svc),
		"GET /agency/payments":                  handleUnmatchedPayments(svc),
		"GET /agency/stats":                     handleAgencyStats(dashboards),
	}
}
