package applications

import (
	"fmt"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/workdays"
)

// DefaultResponseDays is how many days an applicant has to answer a
// request for information when the service names none.
const DefaultResponseDays = 30

// ResponseDeadlineDays is s's response term in days.
func (s ServiceInfo) ResponseDeadlineDays() int {
	if s.ResponseDays > 0 {
		return s.ResponseDays
	}
	return DefaultResponseDays
}

// DecisionDate is the expected decision date of an application to svc
// submitted on day: DecisionDays calendar or working days later, never on a
// day off (a calendar-day term ending on one moves to the next working
// day). Errors: Internal (workdays no_calendar) when the term reaches a
// year the calendar lacks — never a silent calendar-day answer.
func DecisionDate(cal *workdays.Calendar, svc ServiceInfo, day civil.Date) (civil.Date, error) {
	if svc.WorkingDays {
		return cal.AddWorking(day, svc.DecisionDays)
	}
	return cal.NextWorking(day.AddDays(svc.DecisionDays))
}

// MaxDecisionDays bounds every service's decision term (DecisionDays,
// working or calendar days; TestTermsWithinTheirSpan checks the catalogue).
const MaxDecisionDays = 30

// termSpanDays bounds the calendar days from the day after a submission to
// its decision date, for any term of at most MaxDecisionDays on the
// production calendar (TestTermsWithinTheirSpan checks it on every day of
// the embedded calendar).
const termSpanDays = 3*MaxDecisionDays + 30

// CheckTerms computes every service's decision date from today, so a
// deployment whose calendar lacks a year the catalogue's terms reach fails
// at start-up instead of at the first submission. Composition calls it.
// When cal holds every year from today to termSpanDays after tomorrow, no
// term can reach a year it lacks, and neither the catalogue nor the
// calendar's data is read: a start costs no parse (init instructions,
// BENCHMARKS.md). Errors: Internal (workdays no_calendar), naming the service.
func CheckTerms(cal *workdays.Calendar, today civil.Date) error {
	if holdsYears(cal, today.Year, today.AddDays(1+termSpanDays).Year) {
		return nil
	}
	for _, svc := range Catalogue() {
		// tomorrow too: an applicant east of UTC may already be there
		if _, err := DecisionDate(cal, svc, today.AddDays(1)); err != nil {
			return errs.E("applications.CheckTerms", errs.Internal, errs.ReasonOf(err),
				fmt.Errorf("service %s from %s: %w", svc.Code, today, err))
		}
	}
	return nil
}

// holdsYears reports whether cal holds every year from first to last.
func holdsYears(cal *workdays.Calendar, first, last int) bool {
	for y := first; y <= last; y++ {
		if !cal.Holds(y) {
			return false
		}
	}
	return true
}

func (s *Service) calendar() *workdays.Calendar {
	if s.Calendar != nil {
		return s.Calendar
	}
	return workdays.Default()
}
