package booking

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/stats/inststats"
)

type appointments struct {
	Offered                int64   `json:"offered"`
	Booked                 int64   `json:"booked"`
	CancelledByPatient     int64   `json:"cancelledByPatient"`
	CancelledByInstitution int64   `json:"cancelledByInstitution"`
	NoShows                int64   `json:"noShows"`
	Visits                 int64   `json:"visits"`
	Utilisation            float64 `json:"utilisation"`
}

func fromAppointments(a inststats.Appointments) appointments {
	return appointments{Offered: a.Offered, Booked: a.Booked, CancelledByPatient: a.CancelledByPatient,
		CancelledByInstitution: a.CancelledByInstitution, NoShows: a.NoShows, Visits: a.Visits, Utilisation: a.Utilisation()}
}

type institutionDay struct {
	Date         string `json:"date"`
	SpecialistID string `json:"specialistId"`
	appointments
}

type specialistStats struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	appointments
	LeadTimeDays httpapi.StatsPercentiles `json:"leadTimeDays"`
	Waitlist     int64                    `json:"waitlist"`
}

type institutionStats struct {
	Institution string            `json:"institution"`
	From        string            `json:"from"`
	To          string            `json:"to"`
	Specialist  string            `json:"specialist,omitempty"`
	AsOf        string            `json:"asOf"`
	Days        []institutionDay  `json:"days"`
	Specialists []specialistStats `json:"specialists"`
}

// handleInstitutionStats serves GET /institutions/{id}/stats.
func handleInstitutionStats(svc inststats.Service) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, _ := httpapi.IdentityFrom(r.Context())
		s, err := svc.Institution(r.Context(), httpapi.StatsViewer(id), r.PathValue("id"), httpapi.StatsQuery(r))
		if err != nil {
			return err
		}
		out := institutionStats{Institution: s.Institution, From: s.From.String(), To: s.To.String(), Specialist: s.Specialist,
			AsOf: s.AsOf.Format(time.RFC3339), Days: []institutionDay{}, Specialists: []specialistStats{}}
		for _, d := range s.Days {
			out.Days = append(out.Days, institutionDay{Date: d.Date.String(), SpecialistID: d.SpecialistID, appointments: fromAppointments(d.Appointments)})
		}
		for _, sp := range s.Specialists {
			out.Specialists = append(out.Specialists, specialistStats{ID: sp.ID, Name: sp.Name, appointments: fromAppointments(sp.Appointments),
				LeadTimeDays: httpapi.FromPercentiles(sp.LeadTime), Waitlist: sp.Waitlist})
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}
