// Package limits holds the per-person caps that keep one account from
// generating unbounded work: every active document and open application
// can make reminders and status messages, and the send quotas are shared
// by every citizen. The numbers live here, once; the registry and the
// applications domain apply them (TestNumbers keeps them as documented).
package limits

const (
	// ActiveDocuments is how many documents that are not archived one
	// person (the holder, or each of their dependents) may hold. A
	// household's real documents are a few dozen.
	ActiveDocuments = 200
	// OpenApplications is how many applications one person may have open
	// (a draft, or submitted and not yet decided or withdrawn).
	OpenApplications = 50
)
