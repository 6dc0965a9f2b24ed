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
	// ReasonContactInUse (Conflict): the phone or e-mail address is shared
	// by too many people to take on another one's notifications.
	ReasonContactInUse errs.Reason = "contact_in_use"
)
