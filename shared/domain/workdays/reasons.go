package workdays

import "github.com/kabinet/kabinet/shared/domain/errs"

// Reasons the production calendar decides (errs.Reason).
const (
	// ReasonNoCalendar (Internal): a date falls in a year the production
	// calendar has no data for. It is a deployment fault (the data must be
	// added), not the caller's, so a client meets only an internal error.
	ReasonNoCalendar errs.Reason = "no_calendar"
)
