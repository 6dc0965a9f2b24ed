// Package renewal is the applications domain's catalogue of renewals: which
// government service renews a document of each type. applications.Service's
// Renew starts an application of that service; the document registry shows
// it in the type catalogue (GET /document-types, registry.Service's
// Renewal). It is a package of its own so that the documents function links
// this table and not the applications service.
package renewal

import "github.com/kabinet/kabinet/shared/domain/registry"

// Services says which service renews a document of each type.
var Services = map[registry.DocType]string{
	registry.InternalPassport:   "passport_replacement",
	registry.ForeignPassport:    "foreign_passport",
	registry.DriversLicence:     "drivers_licence_exchange",
	registry.MedicalCertificate: "medical_certificate",
}

// Service names the service that renews a document of type t, "" when none
// does. Composition hands it to the registry (registry.Service's Renewal),
// which shows it in the type catalogue without importing the applications
// domain. Anyone may call it.
func Service(t registry.DocType) string { return Services[t] }
