package httpapi

import (
	"net/http"

	"github.com/kabinet/kabinet/shared/domain/stats"
)

// The managers' dashboards' common HTTP parts; each function serves its
// scope's dashboard (applications the agency's, booking the
// institution's, orgs the organisation's).

// StatsViewer is the caller as the dashboards see them.
func StatsViewer(id Identity) stats.Viewer {
	return stats.Viewer{Sub: id.Sub, Manager: id.InGroup(GroupManager), Agency: id.Agency, Institution: id.Institution, Org: id.Org,
		LeadClerk: id.InGroup("staff") && id.AgencyRole == "lead", OrgAdmin: id.InGroup(GroupOrgAdmin)}
}

// StatsQuery is a dashboard's range and filter from the query string.
func StatsQuery(r *http.Request) stats.Query {
	q := r.URL.Query()
	return stats.Query{From: q.Get("from"), To: q.Get("to"), Service: q.Get("service"), Specialist: q.Get("specialist")}
}

// StatsPercentiles is the JSON of stats.Percentiles (null where empty).
type StatsPercentiles struct {
	P50 *int `json:"p50"`
	P90 *int `json:"p90"`
	Max *int `json:"max"`
}

// FromPercentiles is p's JSON.
func FromPercentiles(p stats.Percentiles) StatsPercentiles {
	return StatsPercentiles{P50: p.P50, P90: p.P90, Max: p.Max}
}
