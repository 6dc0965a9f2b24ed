package reminders

import (
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/domain/metrics"
)

// Metrics are a job's outcomes as metric lines (package metrics), for the
// worker to log once a job is drained: reminders sent and failed and the
// pipeline's lateness, in all and by class, then one line per channel with
// the messages published on it (a line carries one value per dimension).
func (s Summary) Metrics(class Class, at time.Time) []metrics.Line {
	lines := []metrics.Line{{
		At: at,
		Directives: []metrics.Directive{{Dimensions: [][]metrics.Dimension{{}, {metrics.Class}},
			Metrics: []metrics.Name{metrics.RemindersSent, metrics.RemindersFailed, metrics.PipelineLateness}}},
		Values: map[metrics.Name]float64{metrics.RemindersSent: float64(s.Sent), metrics.RemindersFailed: float64(s.Failed),
			metrics.PipelineLateness: float64(s.LateMs)},
		Dims: map[metrics.Dimension]string{metrics.Class: string(class)},
	}}
	channels := make([]string, 0, len(s.ByChannel))
	for ch := range s.ByChannel {
		channels = append(channels, ch)
	}
	slices.Sort(channels)
	for _, ch := range channels {
		lines = append(lines, metrics.Line{
			At:         at,
			Directives: []metrics.Directive{{Dimensions: [][]metrics.Dimension{{metrics.Channel}}, Metrics: []metrics.Name{metrics.MessagesSent}}},
			Values:     map[metrics.Name]float64{metrics.MessagesSent: float64(s.ByChannel[ch])},
			Dims:       map[metrics.Dimension]string{metrics.Channel: ch},
		})
	}
	return lines
}
