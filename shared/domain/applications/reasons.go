package applications

import "github.com/kabinet/kabinet/shared/domain/errs"

// Reasons the applications service decides (errs.Reason).
const (
	// ReasonInvalidTransition (Conflict): the status does not allow the change.
	ReasonInvalidTransition errs.Reason = "invalid_transition"
	// ReasonNotDraft (Conflict): only a draft can be changed or deleted.
	ReasonNotDraft errs.Reason = "not_draft"
	// ReasonApplicantOnly (Forbidden): only the applicant may do this.
	ReasonApplicantOnly errs.Reason = "applicant_only"
	// ReasonNotRenewable (Conflict): the document cannot be renewed here.
	ReasonNotRenewable errs.Reason = "not_renewable"
	// ReasonResponseOverdue (Conflict): the time to answer the request for
	// information has ended.
	ReasonResponseOverdue errs.Reason = "response_overdue"
	// ReasonLeadOnly (Forbidden): only a lead clerk (claim agencyRole=lead) may do this.
	ReasonLeadOnly errs.Reason = "lead_only"
	// ReasonTooManyApplications (Conflict): the person has
	// limits.OpenApplications open applications.
	ReasonTooManyApplications errs.Reason = "too_many_applications"
	// ReasonNotSubmitted (Conflict): a draft has no receipt; submit it first.
	ReasonNotSubmitted errs.Reason = "not_submitted"
)
