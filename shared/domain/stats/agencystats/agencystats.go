// Package agencystats is an agency's dashboard: what an application means
// for its agency's counters (Of), and the dashboard read back from them.
// Counts and durations only: a clerk appears by their staff sub, an
// applicant never.
package agencystats

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"github.com/kabinet/kabinet/shared/domain/workdays"
)

// The counters. A day's bucket of an agency counts, per service:
// applications received (rcv), approved (apr: ready_for_pickup
// included), rejected (rej) and withdrawn (wdr) that day, the decisions'
// processing times in calendar (pc) and working (pw) days and the
// requests for information answered or ended that day by how many
// calendar days they took (ni): pc#<service>#<days> is how many of that
// day's decisions took <days>. Its bucket of now counts the open
// applications (received to invited) by service and status (st), by
// service and clerk (cl; an empty clerk is unassigned) and by service and
// expected decision date (due: what is overdue on any day is the sum
// before it, no scan).
const (
	cReceived  = "rcv"
	cApproved  = "apr"
	cRejected  = "rej"
	cWithdrawn = "wdr"
	cProcCal   = "pc"
	cProcWork  = "pw"
	cNeedsInfo = "ni"
	gStatus    = "st"
	gClerk     = "cl"
	gDue       = "due"
)

// Open reports whether an application in status s is in its agency's
// queue: received to invited (awaiting_payment is not the agency's yet).
func Open(s applications.Status) bool {
	switch s {
	case applications.StatusReceived, applications.StatusProcessing, applications.StatusNeedsInfo, applications.StatusInvited:
		return true
	}
	return false
}

// Of adds to c what application a, as it stands, contributes to its
// agency's counters: its receipt, decision or withdrawal on their days
// (Moscow time), its processing time in calendar days and in working days
// of cal, its requests for information, and while open its status, clerk
// and expected decision date. A draft contributes nothing.
func Of(c stats.Counts, a applications.Application, cal *workdays.Calendar) {
	if a.Status == applications.StatusDraft || a.Agency == "" {
		return
	}
	scope := stats.Scope{Kind: stats.ScopeAgency, ID: a.Agency}
	svc := a.ServiceCode
	day := func(t time.Time) civil.Date { return civil.Of(t.In(stats.Moscow())) }
	var received, asked *civil.Date
	var decided *applications.Entry
	for i, e := range a.Timeline {
		d := day(e.At)
		if e.To == applications.StatusReceived && received == nil {
			received = &d
			c.Add(stats.Key{Scope: scope, Day: d}, stats.Name(cReceived, svc), 1)
		}
		if e.From == applications.StatusNeedsInfo && e.To != applications.StatusNeedsInfo && asked != nil {
			c.Add(stats.Key{Scope: scope, Day: d}, stats.Name(cNeedsInfo, svc, strconv.Itoa(asked.DaysUntil(d))), 1)
			asked = nil
		}
		if e.To == applications.StatusNeedsInfo && e.From != applications.StatusNeedsInfo {
			asked = &d
		}
		if e.To == a.Status && e.From != e.To {
			decided = &a.Timeline[i]
		}
	}
	if a.Status.Final() && decided != nil {
		d := day(decided.At)
		k := stats.Key{Scope: scope, Day: d}
		switch a.Status {
		case applications.StatusApproved, applications.StatusReadyForPickup:
			c.Add(k, stats.Name(cApproved, svc), 1)
		case applications.StatusRejected:
			c.Add(k, stats.Name(cRejected, svc), 1)
		case applications.StatusWithdrawn:
			c.Add(k, stats.Name(cWithdrawn, svc), 1)
		}
		if a.Status != applications.StatusWithdrawn && received != nil {
			c.Add(k, stats.Name(cProcCal, svc, strconv.Itoa(received.DaysUntil(d))), 1)
			if n, ok := workingDays(cal, *received, d); ok {
				c.Add(k, stats.Name(cProcWork, svc, strconv.Itoa(n)), 1)
			}
		}
	}
	if Open(a.Status) {
		now := stats.Key{Scope: scope}
		c.Add(now, stats.Name(gStatus, svc, string(a.Status)), 1)
		c.Add(now, stats.Name(gClerk, svc, a.Assignee), 1)
		if a.ExpectedDecision != nil {
			c.Add(now, stats.Name(gDue, svc, a.ExpectedDecision.String()), 1)
		}
	}
}

// workingDays counts the working days after from up to and including to;
// ok is false when the calendar lacks a year between them, and the
// decision is then left out of the working-day histogram (the same for the
// item's old and new state, so the counters stay a recount).
func workingDays(cal *workdays.Calendar, from, to civil.Date) (int, bool) {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		w, err := cal.Working(d)
		if err != nil {
			return 0, false
		}
		if w {
			n++
		}
	}
	return n, true
}

// Stats is an agency's dashboard.
type Stats struct {
	Agency   string
	From, To civil.Date
	Service  string // "" for every service
	AsOf     time.Time
	// Days is every day of the range, oldest first, zeros included.
	Days []Day
	// Processing is every service of the agency (or the one asked for):
	// receipt to decision of the range's decisions.
	Processing []Processing
	// NeedsInfoRounds is the requests for information answered or ended in
	// the range; NeedsInfo their calendar days.
	NeedsInfoRounds int64
	NeedsInfo       stats.Percentiles
	// Overdue, ByStatus, ByClerk and Unassigned are now: open applications
	// past their expected decision date, by status, by clerk, with none.
	Overdue    int64
	ByStatus   map[string]int64
	ByClerk    []ClerkLoad
	Unassigned int64
}

// Day is one day of an agency's applications.
type Day struct {
	Date                                    civil.Date
	Received, Approved, Rejected, Withdrawn int64
}

// Decided is the day's decisions: approved and rejected.
func (d Day) Decided() int64 { return d.Approved + d.Rejected }

// Processing is one service's processing times against its term.
type Processing struct {
	Service  string
	Decided  int64 // decisions of received applications in the range
	Calendar stats.Percentiles
	Working  stats.Percentiles
	// TermDays is the service's decision term, in working days when
	// TermWorking, else calendar days.
	TermDays    int
	TermWorking bool
}

// ClerkLoad is a clerk's open applications now.
type ClerkLoad struct {
	Clerk string
	Open  int64
}

// view reads an agency's dashboard off its buckets; services are the
// agency's services to report (all of them, or the one asked for).
func view(agency string, from, to, today civil.Date, services []applications.ServiceInfo, service string,
	days []stats.Bucket, now stats.Bucket) Stats {
	wanted := func(svc string) bool { return service == "" || svc == service }
	out := Stats{Agency: agency, From: from, To: to, Service: service, ByStatus: map[string]int64{}}
	for d := from; !d.After(to); d = d.AddDays(1) {
		out.Days = append(out.Days, Day{Date: d})
	}
	byDay := map[civil.Date]*Day{}
	for i := range out.Days {
		byDay[out.Days[i].Date] = &out.Days[i]
	}
	cal, work, ni := map[string]stats.Histogram{}, map[string]stats.Histogram{}, stats.Histogram{}
	hist := func(h map[string]stats.Histogram, svc string) stats.Histogram {
		if h[svc] == nil {
			h[svc] = stats.Histogram{}
		}
		return h[svc]
	}
	for _, b := range days {
		row := byDay[b.Day]
		if row == nil {
			continue
		}
		for attr, n := range b.Counts {
			parts := stats.Split(attr, 3)
			if len(parts) < 2 || !wanted(parts[1]) {
				continue
			}
			switch svc := parts[1]; {
			case parts[0] == cReceived:
				row.Received += n
			case parts[0] == cApproved:
				row.Approved += n
			case parts[0] == cRejected:
				row.Rejected += n
			case parts[0] == cWithdrawn:
				row.Withdrawn += n
			case len(parts) < 3:
			case parts[0] == cNeedsInfo:
				ni.Add(parts[2], n)
			case parts[0] == cProcCal:
				hist(cal, svc).Add(parts[2], n)
			case parts[0] == cProcWork:
				hist(work, svc).Add(parts[2], n)
			}
		}
	}
	for _, svc := range services {
		if !wanted(svc.Code) {
			continue
		}
		out.Processing = append(out.Processing, Processing{Service: svc.Code, Decided: cal[svc.Code].Total(),
			Calendar: cal[svc.Code].Percentiles(), Working: work[svc.Code].Percentiles(),
			TermDays: svc.DecisionDays, TermWorking: svc.WorkingDays})
	}
	out.NeedsInfoRounds, out.NeedsInfo = ni.Total(), ni.Percentiles()
	clerks := map[string]int64{}
	for attr, n := range now.Counts {
		parts := stats.Split(attr, 3)
		if len(parts) < 3 || !wanted(parts[1]) || n == 0 {
			continue
		}
		switch parts[0] {
		case gStatus:
			out.ByStatus[parts[2]] += n
		case gClerk:
			if parts[2] == "" {
				out.Unassigned += n
			} else {
				clerks[parts[2]] += n
			}
		case gDue:
			if d, err := civil.Parse(parts[2]); err == nil && d.Before(today) {
				out.Overdue += n
			}
		}
	}
	for clerk, n := range clerks {
		if n > 0 {
			out.ByClerk = append(out.ByClerk, ClerkLoad{Clerk: clerk, Open: n})
		}
	}
	slices.SortFunc(out.ByClerk, func(a, b ClerkLoad) int {
		if a.Open != b.Open {
			return int(b.Open - a.Open)
		}
		return strings.Compare(a.Clerk, b.Clerk)
	})
	return out
}

// Service reads agencies' dashboards.
type Service struct{ *stats.Service }

// Agency is the dashboard of the viewer's agency. Who may call: a manager
// of an agency, or its lead clerk.
// Errors: Forbidden (manager_only) for anyone else; Malformed with field
// errors for a bad range (stats.Service.Range) or a service not of the
// agency (service: unknown_service); those of the store.
func (s Service) Agency(ctx context.Context, v stats.Viewer, q stats.Query) (Stats, error) {
	const op = "agencystats.Agency"
	if v.Agency == "" || !v.Manager && !v.LeadClerk {
		return Stats{}, errs.E(op, errs.Forbidden, stats.ReasonManagerOnly)
	}
	var fe errs.Fields
	from, to, today := s.Range(q, stats.Moscow(), &fe)
	var services []applications.ServiceInfo
	for _, svc := range applications.Catalogue() {
		if svc.Agency == v.Agency {
			services = append(services, svc)
		}
	}
	if q.Service != "" {
		if svc, ok := applications.Lookup(q.Service); !ok || svc.Agency != v.Agency {
			fe.Add("service", "unknown_service")
		}
	}
	if err := fe.ErrKind(op, errs.Malformed); err != nil {
		return Stats{}, err
	}
	days, now, err := s.Read(ctx, stats.Scope{Kind: stats.ScopeAgency, ID: v.Agency}, from, to, true)
	if err != nil {
		return Stats{}, err
	}
	out := view(v.Agency, from, to, today, services, q.Service, days, now)
	out.AsOf = s.Now().UTC()
	return out, nil
}
