// Package dailycap counts costly actions per person and day. An action a
// person can repeat at will and that makes Kabinet send them an SMS (an
// application submitted or withdrawn: a status message on every channel)
// costs money per message and could drown the account's SMS quota, which
// every citizen's reminders share; the HTTP API's stage throttling is for
// everyone together, so the cap is per person here, in the domain.
package dailycap

import (
	"context"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// SMSActionsPerDay is how many SMS-generating actions one person may take
// in a day (their own civil day): far above what a person filing
// applications needs, far below what a script would.
const SMSActionsPerDay = 20

// SMSActions names the counter of SMS-generating actions.
const SMSActions = "sms"

// ReasonDailyLimit (Conflict): the day's cap is reached.
const ReasonDailyLimit errs.Reason = "daily_limit"

// Counter is the port a store implements.
type Counter interface {
	// Take counts one action on owner's counter name for day, unless limit
	// were counted already. Errors: Conflict (reason daily_limit) when the
	// cap is reached, Unavailable, Internal.
	Take(ctx context.Context, owner, name string, day civil.Date, limit int) error
}

// ErrLimit is the error Counter.Take returns at the cap.
func ErrLimit(op string) error { return errs.E(op, errs.Conflict, ReasonDailyLimit) }
