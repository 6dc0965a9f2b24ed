package registry

import "github.com/kabinet/kabinet/shared/domain/errs"

// Reasons the document registry and the profile decide (errs.Reason).
const (
	// ReasonAlreadyArchived (Conflict): archiving an archived document.
	ReasonAlreadyArchived errs.Reason = "already_archived"
	// ReasonNotArchived (Conflict): unarchiving a document not in the archive.
	ReasonNotArchived errs.Reason = "not_archived"
	// ReasonArchived (Conflict): changing an archived document.
	ReasonArchived errs.Reason = "archived"
	// ReasonNothingToAck (Conflict): no reminder waits for acknowledgement.
	ReasonNothingToAck errs.Reason = "nothing_to_ack"
	// ReasonNothingDue (Conflict): no reminder is scheduled to snooze.
	ReasonNothingDue errs.Reason = "nothing_due"
	// ReasonTooManyDocuments (Conflict): the person holds
	// limits.ActiveDocuments active documents; archive or delete one.
	ReasonTooManyDocuments errs.Reason = "too_many_documents"
	// ReasonContactVerified (Conflict): a code asked for a contact that is
	// proved already.
	ReasonContactVerified errs.Reason = "contact_verified"
	// ReasonCodeLimit (Conflict): verify.CodesPerHour codes were sent to
	// the contact, or for the account, within the hour.
	ReasonCodeLimit errs.Reason = "code_limit"
	// ReasonContactSharersFull (Conflict): MaxContactSharers people have
	// proved the contact already. Only someone holding the contact (who
	// entered its code) ever meets it.
	ReasonContactSharersFull errs.Reason = "contact_sharers_full"
)
