package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/domain/metrics"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// Kabinet's own metrics (package metrics) come from the functions' log
// lines in the Embedded Metric Format: CloudWatch Logs extracts them, no
// function calls PutMetricData. The dashboard shows them beside the
// services' own metrics (Lambda, API Gateway, DynamoDB, SNS, SQS), and the
// alarms below read the very metric objects the dashboard draws.

// internalErrorsThreshold is how many internal errors (Errors{ErrorKind=
// internal}) within alarmPeriod raise the alarm: one is already a defect.
const internalErrorsThreshold = 1

// ownMetric is Kabinet's metric name with dims, by stat over alarmPeriod.
func ownMetric(name metrics.Name, stat string, dims map[metrics.Dimension]string) awscloudwatch.Metric {
	m := map[string]*string{}
	for k, v := range dims {
		m[string(k)] = jsii.String(v)
	}
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace: jsii.String(metrics.Namespace), MetricName: jsii.String(string(name)), DimensionsMap: &m,
		Statistic: jsii.String(stat), Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)),
		Unit: cloudWatchUnits[metrics.Units[name]],
	})
}

// cloudWatchUnits are the CDK's names of the units package metrics uses.
var cloudWatchUnits = map[metrics.Unit]awscloudwatch.Unit{
	metrics.Count: awscloudwatch.Unit_COUNT, metrics.Milliseconds: awscloudwatch.Unit_MILLISECONDS,
}

// ownSearch is every series of metric name by the dimension keys dims
// (one line per Route, ErrorKind, Channel or Class that occurred).
func ownSearch(name metrics.Name, stat, label string, dims ...metrics.Dimension) awscloudwatch.MathExpression {
	keys := ""
	for _, d := range dims {
		keys += "," + string(d)
	}
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String(fmt.Sprintf(`SEARCH('{%s%s} MetricName="%s"', '%s', %d)`, metrics.Namespace, keys, name, stat, alarmPeriod*60)),
		Label:      jsii.String(label), Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)),
	})
}

// opsAlarms are the alarms on Kabinet's own metrics: any internal error
// answered, and each reminder class beginning its jobs later than its
// budget (the same budgets as its queue's age alarm, measured by the
// workers themselves).
type opsAlarms struct {
	internal awscloudwatch.Alarm
	lateness map[reminders.Class]awscloudwatch.Alarm
}

func newOpsAlarms(scope constructs.Construct) opsAlarms {
	out := opsAlarms{lateness: map[reminders.Class]awscloudwatch.Alarm{}}
	out.internal = awscloudwatch.NewAlarm(scope, jsii.String("InternalErrorsAlarm"), &awscloudwatch.AlarmProps{
		Metric:             ownMetric(metrics.Errors, "Sum", map[metrics.Dimension]string{metrics.ErrorKind: "internal"}),
		Threshold:          jsii.Number(internalErrorsThreshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(fmt.Sprintf("Kabinet answered an internal error (a defect) in %d minutes: see the request ids in the logs", alarmPeriod)),
	})
	for _, q := range queue.Queues {
		limit := jobAgeAlarmDocumentSeconds
		if q.Class == reminders.ClassUrgent {
			limit = jobAgeAlarmUrgentSeconds
		}
		out.lateness[q.Class] = awscloudwatch.NewAlarm(scope, jsii.String(q.ID+"LatenessAlarm"), &awscloudwatch.AlarmProps{
			Metric:             ownMetric(metrics.PipelineLateness, "Maximum", map[metrics.Dimension]string{metrics.Class: string(q.Class)}),
			Threshold:          jsii.Number(float64(limit * 1000)),
			EvaluationPeriods:  jsii.Number(2),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription: jsii.String(fmt.Sprintf("Reminder workers of class %s began jobs more than %d s after their instant, twice in a row",
				q.Class, limit)),
		})
	}
	return out
}

// all is every alarm of o, in a stable order.
func (o opsAlarms) all() []awscloudwatch.Alarm {
	out := []awscloudwatch.Alarm{o.internal}
	for _, q := range queue.Queues {
		out = append(out, o.lateness[q.Class])
	}
	return out
}

// dashboardParts is what the operations dashboard draws.
type dashboardParts struct {
	api    awsapigatewayv2.HttpApi
	table  awsdynamodb.Table
	fns    map[string]awslambda.Function
	topics []awssns.Topic
	jobs   map[string]jobQueue
	ops    opsAlarms
	alarms []awscloudwatch.Alarm
}

// newDashboard creates the operations dashboard kabinet-<stage>: the API
// as Kabinet sees it (requests, latency, errors by kind), what it did
// (bookings, applications, reminders by class and messages by channel,
// the pipeline's lateness), then Lambda, API Gateway, DynamoDB, SNS and
// the job queues, and the state of every alarm.
func newDashboard(scope constructs.Construct, stage string, p dashboardParts) awscloudwatch.Dashboard {
	sum := func(n metrics.Name) awscloudwatch.IMetric { return ownMetric(n, "Sum", nil) }
	lat := func(stat string) awscloudwatch.IMetric { return ownMetric(metrics.Latency, stat, nil) }
	graph := func(title string, width float64, left ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Width: jsii.Number(width), Left: &left})
	}
	var fnErrors, fnDurations, fnThrottles []awscloudwatch.IMetric
	opts := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod))}
	for _, f := range functions.All {
		fn := p.fns[f.Name]
		fnErrors = append(fnErrors, fn.MetricErrors(&awscloudwatch.MetricOptions{Period: opts.Period, Statistic: jsii.String("Sum"), Label: jsii.String(f.Name)}))
		fnThrottles = append(fnThrottles, fn.MetricThrottles(&awscloudwatch.MetricOptions{Period: opts.Period, Statistic: jsii.String("Sum"), Label: jsii.String(f.Name)}))
		fnDurations = append(fnDurations, fn.MetricDuration(&awscloudwatch.MetricOptions{Period: opts.Period, Statistic: jsii.String("p99"), Label: jsii.String(f.Name)}))
	}
	var published, failed []awscloudwatch.IMetric
	for _, t := range p.topics {
		published = append(published, t.MetricNumberOfMessagesPublished(&awscloudwatch.MetricOptions{Period: opts.Period, Statistic: jsii.String("Sum")}))
		failed = append(failed, t.MetricNumberOfNotificationsFailed(&awscloudwatch.MetricOptions{Period: opts.Period, Statistic: jsii.String("Sum")}))
	}
	var ages []awscloudwatch.IMetric
	for _, q := range queue.Queues {
		ages = append(ages, p.jobs[q.Name].queue.MetricApproximateAgeOfOldestMessage(&awscloudwatch.MetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum"), Label: jsii.String(string(q.Class))}))
	}
	alarms := make([]awscloudwatch.IAlarm, len(p.alarms))
	for i, a := range p.alarms {
		alarms[i] = a
	}
	d := awscloudwatch.NewDashboard(scope, jsii.String("OperationsDashboard"), &awscloudwatch.DashboardProps{
		DashboardName:   jsii.String("kabinet-" + stage),
		DefaultInterval: awscdk.Duration_Hours(jsii.Number(3)),
	})
	d.AddWidgets(
		graph("Requests and errors (Kabinet)", 8, sum(metrics.Requests), sum(metrics.ClientErrors), sum(metrics.ServerErrors)),
		graph("Latency, ms (Kabinet)", 8, lat("p50"), lat("p90"), lat("p99")),
		graph("Errors by kind (Kabinet)", 8, ownSearch(metrics.Errors, "Sum", "", metrics.ErrorKind)),
	)
	d.AddWidgets(
		graph("Bookings and applications", 8, sum(metrics.BookingsMade), sum(metrics.BookingsCancelled), sum(metrics.ApplicationsFiled),
			ownMetric(metrics.Errors, "Sum", map[metrics.Dimension]string{metrics.Route: "POST /bookings", metrics.ErrorKind: "conflict"}).
				With(&awscloudwatch.MetricOptions{Label: jsii.String("booking conflicts")})),
		graph("Reminders sent by class; messages by channel", 8, ownSearch(metrics.RemindersSent, "Sum", "", metrics.Class),
			ownSearch(metrics.MessagesSent, "Sum", "", metrics.Channel), sum(metrics.RemindersFailed)),
		awscloudwatch.NewAlarmWidget(&awscloudwatch.AlarmWidgetProps{Title: jsii.String("Pipeline lateness, urgent (ms)"), Width: jsii.Number(8),
			Alarm: p.ops.lateness[reminders.ClassUrgent]}),
	)
	d.AddWidgets(
		graph("Lambda errors", 8, fnErrors...),
		graph("Lambda duration p99", 8, fnDurations...),
		graph("Lambda throttles", 8, fnThrottles...),
	)
	d.AddWidgets(
		graph("API Gateway", 8, p.api.MetricCount(opts), p.api.MetricClientError(opts), p.api.MetricServerError(opts)),
		graph("DynamoDB", 8,
			p.table.MetricConsumedReadCapacityUnits(opts), p.table.MetricConsumedWriteCapacityUnits(opts),
			p.table.MetricUserErrors(opts),
			p.table.MetricThrottledRequestsForOperations(&awsdynamodb.OperationsMetricOptions{Period: opts.Period})),
		graph("SNS published / failed", 8, append(published, failed...)...),
	)
	d.AddWidgets(
		graph("Reminder jobs: oldest waiting (s)", 8, ages...),
		awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{Title: jsii.String("Alarms"), Width: jsii.Number(16),
			Alarms: &alarms}),
	)
	return d
}
