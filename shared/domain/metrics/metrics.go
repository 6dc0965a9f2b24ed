// Package metrics is the vocabulary of Kabinet's operational metrics (their
// names, units and dimensions) and their encoding as CloudWatch Embedded
// Metric Format (EMF) members of a structured log line. The handlers and
// workers write them into the log lines they write anyway; CloudWatch Logs
// extracts them, so no PutMetricData call is made on any hot path. The
// stack's dashboard and alarms read the same names from here, so a metric
// is named once.
//
// The format (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
// the line's root holds an "_aws" object with a millisecond Timestamp and
// CloudWatchMetrics, a list of directives each naming a Namespace, the
// dimension sets (names of root members holding strings) and the metrics
// (names of root members holding numbers, with a unit).
package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Namespace is the CloudWatch namespace of every Kabinet metric.
const Namespace = "Kabinet"

// Unit is a CloudWatch unit.
type Unit string

// The units Kabinet's metrics use.
const (
	Count        Unit = "Count"
	Milliseconds Unit = "Milliseconds"
)

// Name is a metric's name.
type Name string

// The metrics. Requests, Latency, ServerErrors and ClientErrors are written
// for every HTTP request, with no dimension and by Route; Errors by
// ErrorKind and by Route and ErrorKind for every refused or failed one (a
// booking's conflicts are Errors{Route="POST /bookings", ErrorKind="conflict"});
// the business counters by the handler that did the thing; the reminder
// metrics once a worker's job, by Channel and by Class.
const (
	Requests     Name = "Requests"
	Latency      Name = "Latency"
	ServerErrors Name = "ServerErrors"
	ClientErrors Name = "ClientErrors"
	Errors       Name = "Errors"

	BookingsMade      Name = "BookingsMade"
	BookingsCancelled Name = "BookingsCancelled"
	ApplicationsFiled Name = "ApplicationsSubmitted"

	RemindersSent    Name = "RemindersSent"
	RemindersFailed  Name = "RemindersFailed"
	MessagesSent     Name = "MessagesPublished"
	PipelineLateness Name = "PipelineLateness"
)

// Dimension is a dimension's name.
type Dimension string

// The dimensions.
const (
	Route     Dimension = "Route"
	ErrorKind Dimension = "ErrorKind"
	Channel   Dimension = "Channel"
	Class     Dimension = "Class"
)

// Units are the metrics' units.
var Units = map[Name]Unit{
	Requests: Count, Latency: Milliseconds, ServerErrors: Count, ClientErrors: Count, Errors: Count,
	BookingsMade: Count, BookingsCancelled: Count, ApplicationsFiled: Count,
	RemindersSent: Count, RemindersFailed: Count, MessagesSent: Count, PipelineLateness: Milliseconds,
}

// Directive is one EMF metric directive: metrics with the dimension sets
// they are aggregated by. An empty dimension set aggregates over everything.
type Directive struct {
	Dimensions [][]Dimension
	Metrics    []Name
}

// Line is what one log line reports: its directives, the metrics' values
// and the dimensions' values. A metric or dimension a directive names and
// the line has no value for is left out of that directive, and a directive
// left with no metric is dropped, so the line is always valid EMF.
type Line struct {
	At         time.Time
	Directives []Directive
	Values     map[Name]float64
	Dims       map[Dimension]string
}

// Attrs are the line's EMF members: "_aws" and then each dimension and
// metric value, to add to a slog record at its root (no group).
func (l Line) Attrs() []any {
	type metric struct {
		Name string `json:"Name"`
		Unit Unit   `json:"Unit"`
	}
	type directive struct {
		Namespace  string     `json:"Namespace"`
		Dimensions [][]string `json:"Dimensions"`
		Metrics    []metric   `json:"Metrics"`
	}
	var dirs []directive
	usedDims := map[Dimension]bool{}
	usedMetrics := map[Name]bool{}
	for _, d := range l.Directives {
		dir := directive{Namespace: Namespace, Dimensions: [][]string{}}
		for _, set := range d.Dimensions {
			if slices.ContainsFunc(set, func(k Dimension) bool { return l.Dims[k] == "" }) {
				continue
			}
			names := make([]string, len(set))
			for i, k := range set {
				names[i] = string(k)
				usedDims[k] = true
			}
			dir.Dimensions = append(dir.Dimensions, names)
		}
		for _, m := range d.Metrics {
			if _, ok := l.Values[m]; ok {
				dir.Metrics = append(dir.Metrics, metric{Name: string(m), Unit: Units[m]})
				usedMetrics[m] = true
			}
		}
		if len(dir.Metrics) > 0 && len(dir.Dimensions) > 0 {
			dirs = append(dirs, dir)
		}
	}
	if len(dirs) == 0 {
		return nil
	}
	out := []any{slog.Any("_aws", map[string]any{"Timestamp": l.At.UnixMilli(), "CloudWatchMetrics": dirs})}
	for _, k := range sortedKeys(usedDims) {
		out = append(out, slog.String(string(k), l.Dims[k]))
	}
	for _, m := range sortedKeys(usedMetrics) {
		out = append(out, slog.Float64(string(m), l.Values[m]))
	}
	return out
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Datum is one metric value a line reports under one dimension set.
type Datum struct {
	Name  Name
	Unit  Unit
	Value float64
	// Dims are the dimension set's names and values; empty for the set
	// without dimensions.
	Dims map[Dimension]string
}

// Parse reads an EMF log line back the way CloudWatch Logs does: every
// metric of every directive under each of its dimension sets. It refuses
// a line that is not valid EMF: no "_aws" object, a Timestamp that is not
// a number, a directive without a Namespace, dimensions or metrics, a
// dimension set over 30 keys, a dimension that is not a string member of
// the root or a metric that is not a number member of it, or an unknown
// unit. A line without "_aws" is reported as no data and no error: it is
// an ordinary log line.
func Parse(line []byte) ([]Datum, error) {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(line, &root); err != nil {
		return nil, fmt.Errorf("metrics: not a JSON object: %w", err)
	}
	raw, ok := root["_aws"]
	if !ok {
		return nil, nil
	}
	var meta struct {
		Timestamp         *json.Number `json:"Timestamp"`
		CloudWatchMetrics []struct {
			Namespace  string     `json:"Namespace"`
			Dimensions [][]string `json:"Dimensions"`
			Metrics    []struct {
				Name string `json:"Name"`
				Unit Unit   `json:"Unit"`
			} `json:"Metrics"`
		} `json:"CloudWatchMetrics"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&meta); err != nil {
		return nil, fmt.Errorf("metrics: _aws: %w", err)
	}
	if meta.Timestamp == nil {
		return nil, errors.New("metrics: _aws has no Timestamp")
	}
	if _, err := meta.Timestamp.Int64(); err != nil {
		return nil, fmt.Errorf("metrics: _aws.Timestamp %q is not a whole number of milliseconds", *meta.Timestamp)
	}
	if len(meta.CloudWatchMetrics) == 0 {
		return nil, errors.New("metrics: _aws has no CloudWatchMetrics")
	}
	str := func(k string) (string, error) {
		var v string
		if err := json.Unmarshal(root[k], &v); err != nil || root[k] == nil {
			return "", fmt.Errorf("metrics: dimension %q is not a string member of the root", k)
		}
		return v, nil
	}
	num := func(k string) (float64, error) {
		var v float64
		if err := json.Unmarshal(root[k], &v); err != nil || root[k] == nil {
			return 0, fmt.Errorf("metrics: metric %q is not a number member of the root", k)
		}
		return v, nil
	}
	var out []Datum
	for _, d := range meta.CloudWatchMetrics {
		if d.Namespace == "" || len(d.Dimensions) == 0 || len(d.Metrics) == 0 {
			return nil, errors.New("metrics: a directive without Namespace, Dimensions or Metrics")
		}
		for _, set := range d.Dimensions {
			if len(set) > 30 {
				return nil, fmt.Errorf("metrics: a dimension set of %d keys (at most 30)", len(set))
			}
			dims := map[Dimension]string{}
			for _, k := range set {
				v, err := str(k)
				if err != nil {
					return nil, err
				}
				dims[Dimension(k)] = v
			}
			for _, m := range d.Metrics {
				switch m.Unit {
				case Count, Milliseconds, "":
				default:
					return nil, fmt.Errorf("metrics: metric %q has unknown unit %q", m.Name, m.Unit)
				}
				v, err := num(m.Name)
				if err != nil {
					return nil, err
				}
				out = append(out, Datum{Name: Name(m.Name), Unit: m.Unit, Value: v, Dims: dims})
			}
		}
	}
	return out, nil
}
