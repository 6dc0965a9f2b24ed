package stack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/domain/metrics"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// dashboardWidgets are the widgets of the stack's one dashboard, with its name.
func dashboardWidgets(t *testing.T, tj obj) (name string, widgets []obj) {
	t.Helper()
	ds := resources(tj, "AWS::CloudWatch::Dashboard")
	if len(ds) != 1 {
		t.Fatalf("want one dashboard, got %d", len(ds))
	}
	for _, d := range ds {
		props := d["Properties"].(obj)
		var body struct{ Widgets []obj }
		if err := json.Unmarshal([]byte(flatten(props["DashboardBody"])), &body); err != nil {
			t.Fatalf("dashboard body is not JSON once joined: %v\n%s", err, flatten(props["DashboardBody"]))
		}
		name, widgets = flatten(props["DashboardName"]), body.Widgets
	}
	return name, widgets
}

// GIVEN the stack WHEN its dashboard is inspected THEN it draws Kabinet's
// own metrics (from the functions' EMF log lines) — requests, latency
// percentiles, errors by kind, bookings, booking conflicts, applications,
// reminders by class, messages by channel — and Lambda (every function),
// API Gateway, DynamoDB, SNS and the job queues, and shows every alarm of
// the stack.
func TestOperationsDashboard(t *testing.T) {
	_, tj := synth(t)
	name, widgets := dashboardWidgets(t, tj)
	if name != "kabinet-"+testProps.Stage {
		t.Errorf("dashboard name %q, want kabinet-%s", name, testProps.Stage)
	}
	type series struct{ ns, name string }
	drawn := map[series]bool{}
	var expressions []string
	var alarmIDs []string
	functionsDrawn := map[string]bool{}
	for _, w := range widgets {
		p, _ := w["properties"].(map[string]any)
		for _, m := range asList(p["metrics"]) {
			row := asList(m)
			if len(row) == 1 { // [{expression, ...}]
				if e, ok := row[0].(map[string]any)["expression"].(string); ok {
					expressions = append(expressions, e)
				}
				continue
			}
			if len(row) >= 2 {
				ns, _ := row[0].(string)
				mn, _ := row[1].(string)
				drawn[series{ns, mn}] = true
				if ns == "AWS/Lambda" && mn == "Errors" {
					for i, v := range row {
						if v == "FunctionName" && i+1 < len(row) {
							functionsDrawn[fmt.Sprint(row[i+1])] = true
						}
					}
				}
			}
		}
		for _, a := range asList(p["alarms"]) {
			alarmIDs = append(alarmIDs, fmt.Sprint(a))
		}
		if a, ok := p["annotations"].(map[string]any); ok {
			for _, al := range asList(a["alarms"]) {
				alarmIDs = append(alarmIDs, fmt.Sprint(al))
			}
		}
	}
	for _, s := range []series{
		{metrics.Namespace, string(metrics.Requests)}, {metrics.Namespace, string(metrics.Latency)},
		{metrics.Namespace, string(metrics.ClientErrors)}, {metrics.Namespace, string(metrics.ServerErrors)},
		{metrics.Namespace, string(metrics.BookingsMade)}, {metrics.Namespace, string(metrics.BookingsCancelled)},
		{metrics.Namespace, string(metrics.ApplicationsFiled)}, {metrics.Namespace, string(metrics.RemindersFailed)},
		{metrics.Namespace, string(metrics.Errors)},
		{"AWS/Lambda", "Errors"}, {"AWS/Lambda", "Duration"}, {"AWS/Lambda", "Throttles"},
		{"AWS/ApiGateway", "Count"}, {"AWS/ApiGateway", "5xx"}, {"AWS/DynamoDB", "ConsumedWriteCapacityUnits"},
		{"AWS/SNS", "NumberOfNotificationsFailed"}, {"AWS/SQS", "ApproximateAgeOfOldestMessage"},
	} {
		if !drawn[s] {
			t.Errorf("the dashboard does not draw %s %s", s.ns, s.name)
		}
	}
	for _, want := range []string{
		`SEARCH('{Kabinet,ErrorKind} MetricName="Errors"'`,
		`SEARCH('{Kabinet,Class} MetricName="RemindersSent"'`,
		`SEARCH('{Kabinet,Channel} MetricName="MessagesPublished"'`,
	} {
		if !slices.ContainsFunc(expressions, func(e string) bool { return strings.HasPrefix(e, want) }) {
			t.Errorf("no search expression %s in %q", want, expressions)
		}
	}
	if len(functionsDrawn) != len(functions.All) {
		t.Errorf("Lambda errors drawn for %d functions, want all %d", len(functionsDrawn), len(functions.All))
	}
	all := resources(tj, "AWS::CloudWatch::Alarm")
	for id := range all {
		if !slices.ContainsFunc(alarmIDs, func(a string) bool { return strings.Contains(a, id) }) {
			t.Errorf("alarm %s is not on the dashboard", id)
		}
	}
}

// GIVEN the stack WHEN its alarms on Kabinet's own metrics are inspected
// THEN one fires on any internal error, and each reminder class's workers
// beginning jobs later than that class's budget (3 min urgent, 30 min
// documents) fire its lateness alarm; all notify the operators.
func TestAlarmsOnOwnMetrics(t *testing.T) {
	tp, tj := synth(t)
	check(t, func() {
		tp.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj{
			"Namespace": metrics.Namespace, "MetricName": string(metrics.Errors),
			"Dimensions": arr{obj{"Name": string(metrics.ErrorKind), "Value": "internal"}},
			"Statistic":  "Sum", "Threshold": internalErrorsThreshold,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold",
			"AlarmActions":       arr{obj{"Ref": topicID(t, tj, operatorsTopic)}},
		})
	})
	for _, q := range queue.Queues {
		limit := map[reminders.Class]float64{reminders.ClassUrgent: 180_000}[q.Class]
		if limit == 0 {
			limit = 1_800_000
		}
		check(t, func() {
			tp.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj{
				"Namespace": metrics.Namespace, "MetricName": string(metrics.PipelineLateness),
				"Dimensions": arr{obj{"Name": string(metrics.Class), "Value": string(q.Class)}},
				"Statistic":  "Maximum", "Threshold": limit, "Unit": "Milliseconds",
				"AlarmActions": arr{obj{"Ref": topicID(t, tj, operatorsTopic)}},
			})
		})
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
