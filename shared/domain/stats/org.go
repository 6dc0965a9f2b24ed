package stats

import (
	"slices"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// orgStatus is the counter of an organisation's point: st#<status>.
const orgStatus = "st"

// OrgStats is an organisation's dashboard: its employees' consented
// documents by status, one point per run of the weekly digest.
type OrgStats struct {
	Org      string
	From, To civil.Date
	AsOf     time.Time
	Points   []OrgPoint
}

// OrgPoint is the counts one digest run found.
type OrgPoint struct {
	Date     civil.Date
	ByStatus map[string]int64
}

// OrgCounter is the counter of org points' documents in status.
func OrgCounter(status string) string { return Name(orgStatus, status) }

func orgView(org string, from, to civil.Date, days []Bucket) OrgStats {
	out := OrgStats{Org: org, From: from, To: to, Points: []OrgPoint{}}
	slices.SortFunc(days, CompareDays)
	for _, b := range days {
		if b.Day.Before(from) || b.Day.After(to) {
			continue
		}
		p := OrgPoint{Date: b.Day, ByStatus: map[string]int64{}}
		for attr, n := range b.Counts {
			if status, ok := strings.CutPrefix(attr, orgStatus+"#"); ok {
				p.ByStatus[status] += n
			}
		}
		out.Points = append(out.Points, p)
	}
	return out
}
