// Package dailycap counts costly actions per person and day. An action a
// person can repeat at will and that makes Kabinet send them an SMS (an
// application submitted or withdrawn: a status message on every channel)
// costs money per message and could drown the account's SMS quota, which
// every citizen's reminders share; the HTTP API's stage throttling is for
// everyone together, so the cap is per person here, in the domain.
package dailycap

import (
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

// Count is one action counted on Owner's counter Name for Day, in the
// very write that makes the action (the store adds it to the change's
// transaction), unless Limit were counted already: the change then fails
// with ReasonDailyLimit and nothing of it is written. So only actions that
// happen count, and concurrent ones never count past the cap.
type Count struct {
	Owner, Name string
	Day         civil.Date
	Limit       int
}
