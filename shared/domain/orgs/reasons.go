package orgs

import "github.com/kabinet/kabinet/shared/domain/errs"

// Reasons the organisations service decides (errs.Reason).
const (
	// ReasonTooManyConsents (Conflict): the person gave MaxConsents consents.
	ReasonTooManyConsents errs.Reason = "too_many_consents"
	// ReasonConsentExists (Conflict): the person already consents to this
	// organisation (the store's guard item says so).
	ReasonConsentExists errs.Reason = "consent_exists"
	// ReasonOrgAdminOnly (Forbidden): only an organisation's administrators.
	ReasonOrgAdminOnly errs.Reason = "org_admin_only"
	// ReasonOtherOrganization (Forbidden): an administrator of another organisation.
	ReasonOtherOrganization errs.Reason = "other_organization"
)
