package stack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// The reminder pipeline's job queues (queue.Queues, one FIFO queue per
// class whose message group is a due-index shard): the dispatcher sends a
// job per shard with something due every minute, the worker function drains
// them through event source mappings whose maximum concurrency bounds the
// workers of each class, and a job that keeps failing goes to its queue's
// dead-letter queue after queue.Queue.MaxReceives deliveries (the next
// minute's job for the shard does the work meanwhile, so nothing waits on
// it; the dead letter is for an operator to look at).
//
// Age alarms: a job is taken within seconds when workers keep up, so the
// age of a queue's oldest message is its class's lateness. The urgent class
// alarms at jobAgeAlarmUrgent (a booking's "in 2 hours" must never be
// late by more than a few minutes); the document class at
// jobAgeAlarmDocument (its 09:00 peak must be drained before 10:00).
const (
	jobAgeAlarmUrgentSeconds   = 3 * 60
	jobAgeAlarmDocumentSeconds = 30 * 60
	jobRetentionHours          = 12 // a job older than that is superseded by newer ones of its shard
	jobDLQRetentionDays        = 14
)

// The send-rate parameters (reminders.Rates): the account's quotas, which
// AWS raises on request; the worker divides them over its concurrency.
const (
	smsRateParam     = "SmsPerSecond"
	emailRateParam   = "EmailPerSecond"
	publishRateParam = "PublishPerSecond"
)

// jobQueue is one class's queue and its dead-letter queue.
type jobQueue struct {
	def   queue.Queue
	queue awssqs.Queue
	dlq   awssqs.Queue
}

// newJobQueues creates every queue of queue.Queues with its dead-letter
// queue, by queue name. Encrypted with an SQS-managed key (Lambda's event
// source mapping and the functions use it without a key policy), TLS only.
func newJobQueues(scope constructs.Construct, stage string) map[string]jobQueue {
	out := map[string]jobQueue{}
	for _, q := range queue.Queues {
		if !strings.HasSuffix(q.Name, ".fifo") {
			panic(fmt.Sprintf("stack: job queue %s: a FIFO queue's name ends in .fifo", q.Name))
		}
		base := strings.TrimSuffix(q.Name, ".fifo")
		dlq := awssqs.NewQueue(scope, jsii.String(q.ID+"DLQ"), &awssqs.QueueProps{
			QueueName:       jsii.String(fmt.Sprintf("kabinet-%s-%s-dlq.fifo", stage, base)),
			Fifo:            jsii.Bool(true),
			Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:      jsii.Bool(true),
			RetentionPeriod: awscdk.Duration_Days(jsii.Number(jobDLQRetentionDays)),
		})
		main := awssqs.NewQueue(scope, jsii.String(q.ID), &awssqs.QueueProps{
			QueueName:                 jsii.String(fmt.Sprintf("kabinet-%s-%s", stage, q.Name)),
			Fifo:                      jsii.Bool(true),
			ContentBasedDeduplication: jsii.Bool(false), // a job's Key is its deduplication id
			VisibilityTimeout:         awscdk.Duration_Seconds(jsii.Number(q.Visibility.Seconds())),
			RetentionPeriod:           awscdk.Duration_Hours(jsii.Number(jobRetentionHours)),
			Encryption:                awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:                jsii.Bool(true),
			DeadLetterQueue:           &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(q.MaxReceives)},
		})
		out[q.Name] = jobQueue{def: q, queue: main, dlq: dlq}
	}
	return out
}

// wireJobQueues gives each function what functions.All says of the job
// queues: the queues' URLs and leave to send (Needs.JobQueues), the send
// rates as stack parameters with the worker concurrency they are divided
// over (Needs.SendRates), and an event source mapping per queue trigger,
// one job a batch with partial batch responses, at most MaxConcurrency
// invocations at once. A queue's visibility must exceed the function's
// timeout (Lambda refuses the mapping otherwise).
func wireJobQueues(scope constructs.Construct, fns map[string]awslambda.Function, qs map[string]jobQueue) {
	var rates map[string]*string
	for _, f := range functions.All {
		fn := fns[f.Name]
		if f.Needs.JobQueues {
			for _, q := range queue.Queues {
				jq := qs[q.Name]
				fn.AddEnvironment(jsii.String(q.Env), jq.queue.QueueUrl(), nil)
				jq.queue.GrantSendMessages(fn)
			}
		}
		if f.Needs.SendRates {
			if rates == nil {
				rates = sendRateParams(scope)
			}
			for env, v := range rates {
				fn.AddEnvironment(jsii.String(env), v, nil)
			}
			fn.AddEnvironment(jsii.String("WORKER_CONCURRENCY"), jsii.String(strconv.Itoa(workerConcurrency(f))), nil)
		}
		for _, t := range f.Queues {
			jq, ok := qs[t.Name]
			if !ok {
				panic(fmt.Sprintf("stack: function %s is fed by queue %q, which queue.Queues does not define", f.Name, t.Name))
			}
			if jq.def.Visibility <= f.Timeout {
				panic(fmt.Sprintf("stack: queue %s: visibility %s must exceed function %s's timeout %s", t.Name, jq.def.Visibility, f.Name, f.Timeout))
			}
			if t.MaxConcurrency < 2 || t.MaxConcurrency > 1000 {
				panic(fmt.Sprintf("stack: function %s on queue %s: maximum concurrency %d is outside Lambda's 2..1000", f.Name, t.Name, t.MaxConcurrency))
			}
			fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(jq.queue, &awslambdaeventsources.SqsEventSourceProps{
				BatchSize:               jsii.Number(1),
				ReportBatchItemFailures: jsii.Bool(true),
				MaxConcurrency:          jsii.Number(t.MaxConcurrency),
			}))
		}
	}
}

// workerConcurrency is how many of f run at once at most: the sum of its
// queue triggers' maximum concurrency.
func workerConcurrency(f functions.Function) int {
	n := 0
	for _, t := range f.Queues {
		n += t.MaxConcurrency
	}
	return n
}

// sendRateParams declares the send-rate parameters, defaulting to SNS's
// default quotas (reminders.DefaultRates), by the variable that carries each.
func sendRateParams(scope constructs.Construct) map[string]*string {
	param := func(id string, def float64, what string) *string {
		return awscdk.NewCfnParameter(scope, jsii.String(id), &awscdk.CfnParameterProps{
			Type:     jsii.String("Number"),
			Default:  jsii.Number(def),
			MinValue: jsii.Number(1),
			Description: jsii.String(what + " the reminder workers may use together (the account's quota; " +
				"raise it with AWS first, then here)"),
		}).ValueAsString()
	}
	d := reminders.DefaultRates
	return map[string]*string{
		"SMS_PER_SECOND":     param(smsRateParam, d.SMS, "SMS a second"),
		"EMAIL_PER_SECOND":   param(emailRateParam, d.Email, "E-mails a second"),
		"PUBLISH_PER_SECOND": param(publishRateParam, d.Publish, "SNS publishes a second"),
	}
}

// newJobQueueAlarms alarms when a class's oldest job is older than its
// lateness budget, and as soon as a job lands in a dead-letter queue.
func newJobQueueAlarms(scope constructs.Construct, qs map[string]jobQueue) []awscloudwatch.Alarm {
	var out []awscloudwatch.Alarm
	for _, q := range queue.Queues {
		jq := qs[q.Name]
		limit := jobAgeAlarmDocumentSeconds
		if q.Class == reminders.ClassUrgent {
			limit = jobAgeAlarmUrgentSeconds
		}
		age := jq.queue.MetricApproximateAgeOfOldestMessage(&awscloudwatch.MetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum"),
		})
		out = append(out, awscloudwatch.NewAlarm(scope, jsii.String(q.ID+"AgeAlarm"), &awscloudwatch.AlarmProps{
			Metric:             age,
			Threshold:          jsii.Number(float64(limit)),
			EvaluationPeriods:  jsii.Number(3),
			DatapointsToAlarm:  jsii.Number(2),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
			AlarmDescription: jsii.String(fmt.Sprintf("Reminder jobs of class %s wait more than %d s: workers do not keep up (concurrency or send rates)",
				q.Class, limit)),
		}))
		dead := jq.dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Maximum"),
		})
		out = append(out, anyAlarm(scope, q.ID+"DLQAlarm", dead,
			fmt.Sprintf("A reminder job of class %s failed %d times and waits in its dead-letter queue", q.Class, q.MaxReceives)))
	}
	return out
}

// jobQueueID is the construct id of the job queue named name
// (queue.Queues); an unknown name panics.
func jobQueueID(name string) string {
	for _, q := range queue.Queues {
		if q.Name == name {
			return q.ID
		}
	}
	panic(fmt.Sprintf("stack: no job queue %q in queue.Queues", name))
}
