package metrics

import (
	"bytes"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

// logLine writes l through slog's JSON handler, as the functions do, and
// returns the line.
func logLine(t *testing.T, l Line) []byte {
	t.Helper()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).With("function", "booking").Info("request", l.Attrs()...)
	return bytes.TrimSpace(buf.Bytes())
}

func TestLinesAreEMF(t *testing.T) {
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	dirs := []Directive{
		{Dimensions: [][]Dimension{{}, {Route}}, Metrics: []Name{Requests, Latency}},
		{Dimensions: [][]Dimension{{ErrorKind}, {Route, ErrorKind}}, Metrics: []Name{Errors}},
	}
	tests := []struct {
		name string
		line Line
		want []Datum
	}{
		{"every set has its values",
			Line{At: at, Directives: dirs, Values: map[Name]float64{Requests: 1, Latency: 2.5, Errors: 1},
				Dims: map[Dimension]string{Route: "POST /bookings", ErrorKind: "conflict"}},
			[]Datum{
				{Requests, Count, 1, map[Dimension]string{}}, {Latency, Milliseconds, 2.5, map[Dimension]string{}},
				{Requests, Count, 1, map[Dimension]string{Route: "POST /bookings"}},
				{Latency, Milliseconds, 2.5, map[Dimension]string{Route: "POST /bookings"}},
				{Errors, Count, 1, map[Dimension]string{ErrorKind: "conflict"}},
				{Errors, Count, 1, map[Dimension]string{Route: "POST /bookings", ErrorKind: "conflict"}},
			}},
		{"a set whose dimension has no value is left out, a directive without values dropped",
			Line{At: at, Directives: dirs, Values: map[Name]float64{Requests: 1, Latency: 3}, Dims: map[Dimension]string{}},
			[]Datum{{Requests, Count, 1, map[Dimension]string{}}, {Latency, Milliseconds, 3, map[Dimension]string{}}}},
		{"nothing to report is no EMF at all",
			Line{At: at, Directives: dirs[1:], Values: map[Name]float64{Requests: 1}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line := logLine(t, tc.line)
			got, err := Parse(line)
			if err != nil {
				t.Fatalf("Parse(%s): %v", line, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%s)\n got %v\nwant %v", line, got, tc.want)
			}
			if tc.want != nil && !bytes.Contains(line, []byte(`"Timestamp":1796202000000`)) {
				t.Errorf("line %s lacks the millisecond timestamp of %v", line, at)
			}
		})
	}
}

func TestParseRefusesWhatIsNotEMF(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"no timestamp", `{"_aws":{"CloudWatchMetrics":[{"Namespace":"K","Dimensions":[[]],"Metrics":[{"Name":"A"}]}]},"A":1}`, "Timestamp"},
		{"timestamp a string", `{"_aws":{"Timestamp":"now","CloudWatchMetrics":[]},"A":1}`, "_aws"},
		{"no directives", `{"_aws":{"Timestamp":1}}`, "CloudWatchMetrics"},
		{"no namespace", `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Dimensions":[[]],"Metrics":[{"Name":"A"}]}]},"A":1}`, "Namespace"},
		{"metric missing at the root", `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"K","Dimensions":[[]],"Metrics":[{"Name":"A"}]}]}}`, `"A"`},
		{"metric not a number", `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"K","Dimensions":[[]],"Metrics":[{"Name":"A"}]}]},"A":"1"}`, `"A"`},
		{"dimension missing", `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"K","Dimensions":[["R"]],"Metrics":[{"Name":"A"}]}]},"A":1}`, `"R"`},
		{"unknown unit", `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"K","Dimensions":[[]],"Metrics":[{"Name":"A","Unit":"Parsecs"}]}]},"A":1}`, "unit"},
		{"not JSON", `level=INFO msg=request`, "JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.line))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse(%s) = %v, want an error naming %s", tc.line, err, tc.want)
			}
		})
	}
	if got, err := Parse([]byte(`{"msg":"plain"}`)); got != nil || err != nil {
		t.Errorf("a line without _aws = %v, %v; want no data and no error", got, err)
	}
}
