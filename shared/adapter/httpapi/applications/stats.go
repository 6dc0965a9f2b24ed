package applications

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/stats/agencystats"
)

type agencyDay struct {
	Date      string `json:"date"`
	Received  int64  `json:"received"`
	Decided   int64  `json:"decided"`
	Approved  int64  `json:"approved"`
	Rejected  int64  `json:"rejected"`
	Withdrawn int64  `json:"withdrawn"`
}

type term struct {
	WorkingDays  *int `json:"workingDays,omitempty"`
	CalendarDays *int `json:"calendarDays,omitempty"`
}

type processing struct {
	Service      string                   `json:"service"`
	Decided      int64                    `json:"decided"`
	CalendarDays httpapi.StatsPercentiles `json:"calendarDays"`
	WorkingDays  httpapi.StatsPercentiles `json:"workingDays"`
	Term         term                     `json:"term"`
}

type clerkLoad struct {
	Clerk string `json:"clerk"`
	Open  int64  `json:"open"`
}

type agencyStats struct {
	Agency     string       `json:"agency"`
	From       string       `json:"from"`
	To         string       `json:"to"`
	Service    string       `json:"service,omitempty"`
	AsOf       string       `json:"asOf"`
	Days       []agencyDay  `json:"days"`
	Processing []processing `json:"processing"`
	NeedsInfo  struct {
		Rounds       int64                    `json:"rounds"`
		CalendarDays httpapi.StatsPercentiles `json:"calendarDays"`
	} `json:"needsInfo"`
	Overdue int64 `json:"overdue"`
	Queue   struct {
		ByStatus   map[string]int64 `json:"byStatus"`
		ByClerk    []clerkLoad      `json:"byClerk"`
		Unassigned int64            `json:"unassigned"`
	} `json:"queue"`
}

// handleAgencyStats serves GET /agency/stats: the caller's agency's dashboard.
func handleAgencyStats(svc agencystats.Service) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, _ := httpapi.IdentityFrom(r.Context())
		s, err := svc.Agency(r.Context(), httpapi.StatsViewer(id), httpapi.StatsQuery(r))
		if err != nil {
			return err
		}
		out := agencyStats{Agency: s.Agency, From: s.From.String(), To: s.To.String(), Service: s.Service, AsOf: s.AsOf.Format(time.RFC3339),
			Days: []agencyDay{}, Processing: []processing{}, Overdue: s.Overdue}
		for _, d := range s.Days {
			out.Days = append(out.Days, agencyDay{Date: d.Date.String(), Received: d.Received, Decided: d.Decided(), Approved: d.Approved,
				Rejected: d.Rejected, Withdrawn: d.Withdrawn})
		}
		for _, p := range s.Processing {
			days := p.TermDays
			t := term{CalendarDays: &days}
			if p.TermWorking {
				t = term{WorkingDays: &days}
			}
			out.Processing = append(out.Processing, processing{Service: p.Service, Decided: p.Decided,
				CalendarDays: httpapi.FromPercentiles(p.Calendar), WorkingDays: httpapi.FromPercentiles(p.Working), Term: t})
		}
		out.NeedsInfo.Rounds, out.NeedsInfo.CalendarDays = s.NeedsInfoRounds, httpapi.FromPercentiles(s.NeedsInfo)
		out.Queue.ByStatus, out.Queue.ByClerk, out.Queue.Unassigned = s.ByStatus, []clerkLoad{}, s.Unassigned
		for _, c := range s.ByClerk {
			out.Queue.ByClerk = append(out.Queue.ByClerk, clerkLoad{Clerk: c.Clerk, Open: c.Open})
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}
