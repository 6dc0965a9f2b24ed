package stack

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// GIVEN the stack WHEN the reminder pipeline is inspected THEN every job
// queue of queue.Queues is a FIFO queue with a dead-letter queue and an age
// alarm, the dispatcher runs every minute, the worker is fed by each queue
// with the table's concurrency, and only those that need the queues may
// send to them or receive from them.
func TestReminderPipeline(t *testing.T) {
	tpl, tj := synth(t)
	ids := functionIDs(t, tj)
	queueIDs := map[string]string{} // queue name → logical id
	for id, r := range resources(tj, "AWS::SQS::Queue") {
		if name, ok := props(r)["QueueName"].(string); ok {
			for _, q := range queue.Queues {
				if name == fmt.Sprintf("kabinet-%s-%s", testProps.Stage, q.Name) {
					queueIDs[q.Name] = id
				}
			}
		}
	}
	run(t, []assertCase{
		{"a FIFO job queue per class, redriven to a FIFO dead-letter queue", func(t *testing.T) {
			if len(queueIDs) != len(queue.Queues) {
				t.Fatalf("job queues found: %v, want one for each of %d", queueIDs, len(queue.Queues))
			}
			for _, q := range queue.Queues {
				p := props(resources(tj, "AWS::SQS::Queue")[queueIDs[q.Name]])
				if p["FifoQueue"] != true || p["ContentBasedDeduplication"] != false || p["SqsManagedSseEnabled"] != true {
					t.Errorf("%s: FIFO %v, content dedupe %v, SSE %v", q.Name, p["FifoQueue"], p["ContentBasedDeduplication"], p["SqsManagedSseEnabled"])
				}
				if got, want := p["VisibilityTimeout"], float64(q.Visibility.Seconds()); got != want {
					t.Errorf("%s: visibility %v, want %v", q.Name, got, want)
				}
				rp, _ := p["RedrivePolicy"].(obj)
				if rp == nil || rp["maxReceiveCount"] != float64(q.MaxReceives) {
					t.Errorf("%s: redrive policy %v, want maxReceiveCount %d", q.Name, rp, q.MaxReceives)
				}
			}
		}},
		{"the dispatcher runs every minute", func(t *testing.T) {
			tpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
				"ScheduleExpression": "rate(1 minute)",
				"Targets":            assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{"Arn": map[string]any{"Fn::GetAtt": []any{ids[functions.ReminderDispatch], "Arn"}}})}),
			})
		}},
		{"the worker is fed by each queue, one job a batch, bounded, with partial failures", func(t *testing.T) {
			worker := entry(t, functions.ReminderWorker)
			if len(worker.Queues) != len(queue.Queues) {
				t.Fatalf("worker triggers %v, want one per queue", worker.Queues)
			}
			for _, trig := range worker.Queues {
				tpl.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
					"FunctionName":          map[string]any{"Ref": ids[functions.ReminderWorker]},
					"EventSourceArn":        map[string]any{"Fn::GetAtt": []any{queueIDs[trig.Name], "Arn"}},
					"BatchSize":             1,
					"FunctionResponseTypes": []any{"ReportBatchItemFailures"},
					"ScalingConfig":         map[string]any{"MaximumConcurrency": trig.MaxConcurrency},
				})
			}
			// besides the stream-fed functions' mappings (TestStreamFedFunctions)
			tpl.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(len(worker.Queues)+len(functions.StreamFed())))
		}},
		{"the worker gets the queues, the send rates as parameters and its concurrency", func(t *testing.T) {
			env := props(resources(tj, "AWS::Lambda::Function")[ids[functions.ReminderWorker]])["Environment"].(obj)["Variables"].(obj)
			for _, q := range queue.Queues {
				if env[q.Env] == nil {
					t.Errorf("worker has no %s", q.Env)
				}
			}
			for v, param := range map[string]string{"SMS_PER_SECOND": smsRateParam, "EMAIL_PER_SECOND": emailRateParam, "PUBLISH_PER_SECOND": publishRateParam} {
				if got, _ := env[v].(obj); got == nil || got["Ref"] != param {
					t.Errorf("worker %s = %v, want the %s parameter", v, env[v], param)
				}
			}
			if got, want := env["WORKER_CONCURRENCY"], strconv.Itoa(workerConcurrency(entry(t, functions.ReminderWorker))); got != want {
				t.Errorf("WORKER_CONCURRENCY = %v, want %s", got, want)
			}
			params, _ := tj["Parameters"].(obj)
			for param, def := range map[string]float64{smsRateParam: reminders.DefaultRates.SMS, emailRateParam: reminders.DefaultRates.Email, publishRateParam: reminders.DefaultRates.Publish} {
				p, _ := params[param].(obj)
				if p == nil || p["Default"] != def || p["Type"] != "Number" {
					t.Errorf("parameter %s = %v, want a Number defaulting to %v", param, p, def)
				}
			}
		}},
		{"only the functions that need the queues may use them", func(t *testing.T) {
			for _, f := range functions.All {
				stmts := functionPolicy(t, tj, ids[f.Name])
				for _, q := range queue.Queues {
					arn := map[string]any{"Fn::GetAtt": []any{queueIDs[q.Name], "Arn"}}
					if got, want := granted(stmts, "sqs:SendMessage", arn), f.Needs.JobQueues; got != want {
						t.Errorf("%s may send to %s: %v, want %v", f.Name, q.Name, got, want)
					}
					fed := slices.ContainsFunc(f.Queues, func(x functions.Queue) bool { return x.Name == q.Name })
					if got := granted(stmts, "sqs:ReceiveMessage", arn); got != fed {
						t.Errorf("%s may receive from %s: %v, want %v", f.Name, q.Name, got, fed)
					}
				}
			}
		}},
		{"an age alarm per queue, tighter for the urgent class, and a dead-letter alarm", func(t *testing.T) {
			for _, q := range queue.Queues {
				limit := jobAgeAlarmDocumentSeconds
				if q.Class == reminders.ClassUrgent {
					limit = jobAgeAlarmUrgentSeconds
				}
				tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
					"MetricName":   "ApproximateAgeOfOldestMessage",
					"Threshold":    limit,
					"Dimensions":   []any{map[string]any{"Name": "QueueName", "Value": map[string]any{"Fn::GetAtt": []any{queueIDs[q.Name], "QueueName"}}}},
					"AlarmActions": assertions.Match_AnyValue(),
				})
			}
			if jobAgeAlarmUrgentSeconds >= jobAgeAlarmDocumentSeconds {
				t.Errorf("urgent jobs alarm at %d s, documents at %d s: urgent must be tighter", jobAgeAlarmUrgentSeconds, jobAgeAlarmDocumentSeconds)
			}
		}},
	})
}
