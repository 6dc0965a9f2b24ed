package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// Delivery of scheduled events to their function: EventBridge retries a
// failed delivery, and Lambda a failed run, this often for at most this
// long, then puts the event in the schedule dead-letter queue, which keeps
// it for dlqRetentionDays.
const (
	scheduleRetryAttempts = 2
	scheduleMaxEventAge   = 1  // hours
	dlqRetentionDays      = 14 // the SQS maximum
)

// newScheduleDLQ creates the queue that keeps scheduled events EventBridge
// could not deliver. It is encrypted with an SQS-managed key: a
// customer-managed one would need a key policy for events.amazonaws.com.
func newScheduleDLQ(scope constructs.Construct) awssqs.Queue {
	return awssqs.NewQueue(scope, jsii.String("ScheduleDLQ"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(dlqRetentionDays)),
	})
}

// newSchedule invokes fn every s.RateMinutes minutes through an EventBridge
// rule, retrying failed deliveries and parking those that still fail in dlq.
//
// EventBridge invokes the function asynchronously, so the retry policy and
// the queue cover delivery (throttling, a missing permission); a run that
// fails is retried by Lambda's own asynchronous retries and then recorded
// in the same queue (recordFailedRuns).
func newSchedule(scope constructs.Construct, f functions.Function, fn awslambda.IFunction, dlq awssqs.IQueue) awsevents.Rule {
	s := schedule(f)
	if _, _, ok := notRunWindowOf(s.RateMinutes); !ok {
		panic(fmt.Sprintf("stack: scheduled function %s: rate of %d minutes is neither in (0, 720] nor whole days up to 7", f.Name, s.RateMinutes))
	}
	return awsevents.NewRule(scope, jsii.String(constructID(f.Name)+"Schedule"), &awsevents.RuleProps{
		Description: jsii.String(fmt.Sprintf("Runs the Kabinet %s function every %d minutes", f.Name, s.RateMinutes)),
		Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(s.RateMinutes))),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			RetryAttempts:   jsii.Number(scheduleRetryAttempts),
			MaxEventAge:     awscdk.Duration_Hours(jsii.Number(scheduleMaxEventAge)),
			DeadLetterQueue: dlq,
		})},
	})
}

// recordFailedRuns sets scheduled function fn's asynchronous invocation:
// a failed run is retried as often and for as long as a failed delivery,
// then recorded in dlq with its error (an on-failure destination), so a run
// that never succeeded is seen there (the queue's alarm), not only as a
// count of Errors. The next run does the failed run's work (the due index
// keeps what was not sent), so the record is for operators, not for replay.
func recordFailedRuns(fn awslambda.IFunction, dlq awssqs.IQueue) {
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(scheduleRetryAttempts),
		MaxEventAge:   awscdk.Duration_Hours(jsii.Number(scheduleMaxEventAge)),
		OnFailure:     awslambdadestinations.NewSqsDestination(dlq),
	})
}

// Limits of CloudWatch alarms: one period is at most a day, and periods ×
// evaluation periods at most 7 days.
const (
	minutesPerDay  = 24 * 60
	maxAlarmWindow = 7 * minutesPerDay
)

// notRunWindowOf is how the not-run alarm of a function scheduled every
// rate minutes watches it: periods of periodMinutes, all of the last
// evaluationPeriods without an invocation. Up to 12 hours, one period of
// notRunWindow or two intervals, whichever is longer; beyond, one-day
// periods over exactly one interval, which CloudWatch allows for whole days
// up to a week (every window of that many consecutive days holds one run).
// ok is false for rates neither form can watch.
func notRunWindowOf(rate int) (periodMinutes, evaluationPeriods int, ok bool) {
	switch {
	case rate <= 0:
		return 0, 0, false
	case 2*rate <= minutesPerDay:
		return max(notRunWindow, 2*rate), 1, true
	case rate%minutesPerDay == 0 && rate <= maxAlarmWindow:
		return minutesPerDay, rate / minutesPerDay, true
	}
	return 0, 0, false
}

// newNotRunAlarm alarms when scheduled function s was not invoked within
// its window (see notRunWindowOf). No data means no invocation, so missing
// data is breaching: a disabled or deleted schedule is exactly what this
// alarm is for.
func newNotRunAlarm(scope constructs.Construct, f functions.Function, fn awslambda.IFunction) awscloudwatch.Alarm {
	period, periods, ok := notRunWindowOf(schedule(f).RateMinutes)
	if !ok {
		panic(fmt.Sprintf("stack: scheduled function %s: no not-run alarm for a rate of %d minutes", f.Name, schedule(f).RateMinutes))
	}
	window := period * periods
	return awscloudwatch.NewAlarm(scope, jsii.String(constructID(f.Name)+"NotRunAlarm"), &awscloudwatch.AlarmProps{
		Metric: fn.MetricInvocations(&awscloudwatch.MetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(period)), Statistic: jsii.String("Sum"),
		}),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(periods),
		ComparisonOperator: awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_BREACHING,
		AlarmDescription:   jsii.String(fmt.Sprintf("Kabinet %s function has not run for %d minutes", f.Name, window)),
	})
}

// schedule is f's schedule; a function without one panics.
func schedule(f functions.Function) functions.Schedule {
	if f.Schedule == nil {
		panic(fmt.Sprintf("stack: function %s has no schedule", f.Name))
	}
	return *f.Schedule
}
