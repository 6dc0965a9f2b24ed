package stack

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// busLogicalID returns the logical id of the bus deployed as name.
func busLogicalID(t *testing.T, tj obj, name string) string {
	t.Helper()
	for id, r := range resources(tj, "AWS::Events::EventBus") {
		if props(r)["Name"] == name {
			return id
		}
	}
	t.Fatalf("no event bus named %q", name)
	return ""
}

// eventDLQ returns the logical id of event function name's queue.
func eventDLQ(t *testing.T, tj obj, name string) string {
	t.Helper()
	for id := range resources(tj, "AWS::SQS::Queue") {
		if strings.HasPrefix(id, constructID(name)+"DLQ") {
			return id
		}
	}
	t.Fatalf("no dead-letter queue for %s", name)
	return ""
}

// GIVEN the stack WHEN its event buses and rules are inspected THEN each bus
// of the event-driven functions exists once, named for the stage, and each event
// function gets the events of its sources and detail types, delivered and
// invoked with two retries within an hour, failures parked in its own
// encrypted queue (kept 14 days) that alarms on any message.
func TestEventFunctions(t *testing.T) {
	tp, tj := synth(t)
	ids := functionIDs(t, tj)
	cases := []assertCase{
		{"one bus per named bus", func(t *testing.T) {
			check(t, func() { tp.ResourceCountIs(jsii.String("AWS::Events::EventBus"), jsii.Number(len(busNames()))) })
		}},
		{"one event invoke config per event and per scheduled function", func(t *testing.T) {
			check(t, func() {
				tp.ResourceCountIs(jsii.String("AWS::Lambda::EventInvokeConfig"), jsii.Number(len(functions.EventDriven())+len(functions.Scheduled())))
			})
		}},
	}
	for _, f := range functions.EventDriven() {
		e := *f.Events
		fnARN := obj{"Fn::GetAtt": arr{ids[f.Name], "Arn"}}
		cases = append(cases, assertCase{f.Name, func(t *testing.T) {
			bus := busLogicalID(t, tj, busName(testProps.Stage, e.Bus))
			dlq := eventDLQ(t, tj, f.Name)
			dlqARN := obj{"Fn::GetAtt": arr{dlq, "Arn"}}
			for _, r := range e.Rules {
				var sources arr
				for _, s := range r.Sources {
					sources = append(sources, obj{"prefix": s})
				}
				check(t, func() {
					tp.HasResourceProperties(jsii.String("AWS::Events::Rule"), obj{
						"EventBusName": obj{"Ref": bus},
						"State":        "ENABLED",
						"EventPattern": obj{"source": sources, "detail-type": toArr(r.DetailTypes)},
						"Targets": arr{obj{
							"Arn":              fnARN,
							"RetryPolicy":      obj{"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600},
							"DeadLetterConfig": obj{"Arn": dlqARN},
						}},
					})
				})
			}
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), obj{
					"FunctionName":             obj{"Ref": ids[f.Name]},
					"MaximumRetryAttempts":     2,
					"MaximumEventAgeInSeconds": 3600,
					"DestinationConfig":        obj{"OnFailure": obj{"Destination": dlqARN}},
				})
			})
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), obj{
					"Action": "lambda:InvokeFunction", "FunctionName": fnARN, "Principal": "events.amazonaws.com",
				})
			})
			q := props(resources(tj, "AWS::SQS::Queue")[dlq])
			if q["SqsManagedSseEnabled"] != true && q["KmsMasterKeyId"] == nil {
				t.Errorf("queue not encrypted: %v", q)
			}
			if got := q["MessageRetentionPeriod"]; got != float64(dlqRetentionDays*24*3600) {
				t.Errorf("MessageRetentionPeriod %v, want %d days", got, dlqRetentionDays)
			}
			if !granted(functionPolicy(t, tj, ids[f.Name]), "sqs:SendMessage", dlqARN) {
				t.Errorf("%s may not send its failures to %s", f.Name, dlq)
			}
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj{
					"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
					"Dimensions":         arr{obj{"Name": "QueueName", "Value": obj{"Fn::GetAtt": arr{dlq, "QueueName"}}}},
					"ComparisonOperator": "GreaterThanThreshold", "Threshold": 0, "EvaluationPeriods": 1,
					"AlarmActions": assertions.Match_AnyValue(),
				})
			})
		}})
	}
	for _, name := range busNames() {
		cases = append(cases, assertCase{"bus " + name + " is output", func(t *testing.T) {
			check(t, func() {
				tp.HasOutput(jsii.String(busID(name)+"Name"),
					obj{"Value": obj{"Ref": busLogicalID(t, tj, busName(testProps.Stage, name))}})
			})
		}})
	}
	run(t, cases)
}

// GIVEN a bus name WHEN deployed in a stage THEN the stage follows the
// kabinet- prefix, and a name without it is refused.
func TestBusName(t *testing.T) {
	if got := busName("prod", "kabinet-agencies"); got != "kabinet-prod-agencies" {
		t.Errorf("busName = %q", got)
	}
	for _, bad := range []string{"agencies", "kabinet-", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("busName(%q) accepted", bad)
				}
			}()
			busName("prod", bad)
		}()
	}
}
