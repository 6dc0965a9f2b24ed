package orgs

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

type orgPoint struct {
	Date     string           `json:"date"`
	ByStatus map[string]int64 `json:"byStatus"`
}

// handleOrgStats serves GET /organizations/{orgId}/stats.
func handleOrgStats(svc *stats.Service) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, _ := httpapi.IdentityFrom(r.Context())
		s, err := svc.Org(r.Context(), httpapi.StatsViewer(id), r.PathValue("orgId"), httpapi.StatsQuery(r))
		if err != nil {
			return err
		}
		out := struct {
			Org    string     `json:"org"`
			From   string     `json:"from"`
			To     string     `json:"to"`
			AsOf   string     `json:"asOf"`
			Points []orgPoint `json:"points"`
		}{Org: s.Org, From: s.From.String(), To: s.To.String(), AsOf: s.AsOf.Format(time.RFC3339), Points: []orgPoint{}}
		for _, p := range s.Points {
			out.Points = append(out.Points, orgPoint{Date: p.Date.String(), ByStatus: p.ByStatus})
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}
