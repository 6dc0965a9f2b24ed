package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Alarm windows: errors and throttles are counted over alarmPeriod; a
// scheduled function has "not run" when it was not invoked for notRunWindow
// (or two of its intervals, if that is longer).
const (
	alarmPeriod  = 5  // minutes
	notRunWindow = 60 // minutes
)

// newAlarms creates, for every function, an alarm on any error and one on
// any throttle within alarmPeriod. No data means no invocations, so it is
// not breaching.
func newAlarms(scope constructs.Construct, names []string, fns map[string]awslambda.Function) []awscloudwatch.Alarm {
	var out []awscloudwatch.Alarm
	opts := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Sum")}
	for _, name := range names {
		fn, id := fns[name], constructID(name)
		out = append(out,
			anyAlarm(scope, id+"ErrorsAlarm", fn.MetricErrors(opts),
				fmt.Sprintf("Kabinet %s function failed at least once in %d minutes", name, alarmPeriod)),
			anyAlarm(scope, id+"ThrottlesAlarm", fn.MetricThrottles(opts),
				fmt.Sprintf("Kabinet %s function was throttled at least once in %d minutes", name, alarmPeriod)))
	}
	return out
}

// newDLQAlarm alarms as soon as a scheduled event waits in the dead-letter
// queue: a run was not delivered or failed after its retries, and has to
// be looked at (the next run does its work; the message is then dropped).
func newDLQAlarm(scope constructs.Construct, dlq awssqs.IQueue) awscloudwatch.Alarm {
	m := dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Maximum"),
	})
	return anyAlarm(scope, "ScheduleDLQAlarm", m, "A scheduled event could not be delivered, or its run failed after Lambda's retries, and waits in the dead-letter queue")
}

// anyAlarm alarms when metric m is above zero in one period.
func anyAlarm(scope constructs.Construct, id string, m awscloudwatch.IMetric, description string) awscloudwatch.Alarm {
	return awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             m,
		Threshold:          jsii.Number(0),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(description),
	})
}
