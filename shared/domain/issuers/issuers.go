// Package issuers is the table of which party issues what: the document
// types each agency on the agencies' bus may issue, replace and revoke.
// An agency's event names its party twice (the event's source
// gov.agency.<party> and detail.agency); both are chosen by the sender, so
// they prove nothing on their own. What a party may touch is decided here,
// and the bus's resource policy (infra) pins each agency account to its own
// source, so the source is the sender's.
//
// Payments are a further kind of a row (the Treasury's); lab results join
// the same way when they exist. A party not in the table issues nothing.
package issuers

import (
	"slices"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Parties on the agencies' bus: the <party> of source gov.agency.<party>.
const (
	MVD      = "mvd"      // Ministry of Internal Affairs: internal and foreign passports
	GIBDD    = "gibdd"    // traffic police: driver's licences
	SFR      = "sfr"      // Social Fund: SNILS
	FNS      = "fns"      // tax service: INN
	FOMS     = "foms"     // compulsory health insurance fund: OMS policies
	RSA      = "rsa"      // Russian Union of Motor Insurers: OSAGO policies
	Minzdrav = "minzdrav" // health: medical certificates
	// Treasury is the Federal Treasury's ГИС ГМП: it issues no document
	// and confirms the payments of state fees (PaymentConfirmed).
	Treasury = "treasury"
)

// Issuer is one party and the document types it issues.
type Issuer struct {
	Party     string
	Documents []registry.DocType
	// Payments says the party confirms payments against accruals' УИН.
	Payments bool
}

// Table lists the parties that may issue documents. A type appears under
// the party that issues it in law; contracts and custom documents are the
// owner's own and under no party.
type Table []Issuer

// Default is the table Kabinet runs with.
var Default = Table{
	{Party: MVD, Documents: []registry.DocType{registry.InternalPassport, registry.ForeignPassport}},
	{Party: GIBDD, Documents: []registry.DocType{registry.DriversLicence}},
	{Party: SFR, Documents: []registry.DocType{registry.SNILS}},
	{Party: FNS, Documents: []registry.DocType{registry.INN}},
	{Party: FOMS, Documents: []registry.DocType{registry.OMSPolicy}},
	{Party: RSA, Documents: []registry.DocType{registry.OSAGO}},
	{Party: Minzdrav, Documents: []registry.DocType{registry.MedicalCertificate}},
	{Party: Treasury, Payments: true},
}

// ConfirmsPayments reports whether party may confirm payments.
func (tb Table) ConfirmsPayments(party string) bool {
	for _, i := range tb {
		if i.Party == party {
			return i.Payments
		}
	}
	return false
}

// Issues reports whether party issues documents of type t.
func (tb Table) Issues(party string, t registry.DocType) bool {
	for _, i := range tb {
		if i.Party == party {
			return slices.Contains(i.Documents, t)
		}
	}
	return false
}

// Parties lists the table's parties in order: the sources the agencies'
// bus accepts.
func (tb Table) Parties() []string {
	out := make([]string, 0, len(tb))
	for _, i := range tb {
		out = append(out, i.Party)
	}
	return out
}

// MayChange reports whether party may revoke or replace d: only a document
// that party issued. A document the owner typed (any source but agency) is
// no agency's: it is never revoked, and an issue of its type by a party
// that issues that type archives it with a link to the new one (see
// ingest): kept, readable, linked, never marked revoked.
func MayChange(party string, d registry.Document) bool {
	return d.Source == registry.SourceAgency && d.Issuer == party
}

// UserEntered reports whether d was typed by its owner rather than pushed
// by an agency.
func UserEntered(d registry.Document) bool { return d.Source != registry.SourceAgency }

// Laboratories on the agencies' bus: the <lab> of source gov.lab.<lab>.
// A laboratory sends lab results (registry.LabResult documents) of the
// people it tested, after writing each result's file under its own
// staging prefix of the files bucket (staging/<lab>/).
const (
	Invitro  = "invitro"  // INVITRO
	Helix    = "helix"    // Helix
	Gemotest = "gemotest" // Gemotest
	KDL      = "kdl"      // KDL
)

// Laboratories lists the laboratories Kabinet takes lab results from, in
// order: the lab sources the agencies' bus accepts. A laboratory not
// listed sends nothing (ingest refuses its events as unknown_laboratory).
var Laboratories = []string{Invitro, Helix, Gemotest, KDL}

// IsLaboratory reports whether lab is one of Laboratories.
func IsLaboratory(lab string) bool { return slices.Contains(Laboratories, lab) }
