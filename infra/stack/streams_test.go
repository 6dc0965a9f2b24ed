package stack

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/store/statsfeed"
)

// GIVEN the stack WHEN the stream-fed functions are inspected THEN the
// table streams both images; each function has one event source mapping
// from that stream, from its oldest record, filtered on the kinds its
// entry names (old or new image), batched, bisected, with partial batch
// responses, bounded retries and record age and an on-failure queue of its
// own, alarmed; and its role reads that stream and sends to that queue,
// and has nothing else beyond its entry's table actions.
func TestStreamFedFunctions(t *testing.T) {
	tp, tj := synth(t)
	tableID := onlyID(t, tj, "AWS::DynamoDB::Table")
	streamArn := obj{"Fn::GetAtt": arr{tableID, "StreamArn"}}
	ids := functionIDs(t, tj)
	fed := functions.StreamFed()
	if len(fed) == 0 {
		t.Fatal("no stream-fed function")
	}
	if !slices.Equal(functions.StatsKinds, statsfeed.Kinds) {
		t.Errorf("functions.StatsKinds %v, statsfeed.Kinds %v: the filter must pass what the aggregator reads", functions.StatsKinds, statsfeed.Kinds)
	}
	cases := []assertCase{
		{"the table streams both images", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), obj{"StreamSpecification": obj{"StreamViewType": "NEW_AND_OLD_IMAGES"}})
			})
		}},
		{"one mapping per stream-fed function and per job queue", func(t *testing.T) {
			worker, _ := functions.Get(functions.ReminderWorker)
			check(t, func() {
				tp.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(len(fed)+len(worker.Queues)))
			})
		}},
	}
	for _, f := range fed {
		s := f.Stream
		fn := ids[f.Name]
		failures := idWithPrefix(t, tj, "AWS::SQS::Queue", constructID(f.Name)+"Failures")
		var kinds arr
		for _, k := range s.Kinds {
			kinds = append(kinds, k)
		}
		filter := func(image string) string {
			return mustJSON(obj{"dynamodb": obj{image: obj{"kind": obj{"S": kinds}}}})
		}
		cases = append(cases,
			assertCase{f.Name + " mapping", func(t *testing.T) {
				check(t, func() {
					tp.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), obj{
						"FunctionName":                   obj{"Ref": fn},
						"EventSourceArn":                 streamArn,
						"StartingPosition":               "TRIM_HORIZON",
						"BatchSize":                      s.BatchSize,
						"MaximumBatchingWindowInSeconds": int(s.BatchWindow.Seconds()),
						"BisectBatchOnFunctionError":     true,
						"FunctionResponseTypes":          arr{"ReportBatchItemFailures"},
						"MaximumRetryAttempts":           s.MaxRetries,
						"MaximumRecordAgeInSeconds":      int(s.MaxRecordAge.Seconds()),
						"DestinationConfig":              obj{"OnFailure": obj{"Destination": obj{"Fn::GetAtt": arr{failures, "Arn"}}}},
						"FilterCriteria": obj{"Filters": arr{
							obj{"Pattern": filter("NewImage")}, obj{"Pattern": filter("OldImage")},
						}},
					})
				})
			}},
			assertCase{f.Name + " failure queue alarmed", func(t *testing.T) {
				found := false
				for _, a := range resources(tj, "AWS::CloudWatch::Alarm") {
					if strings.Contains(mustJSON(props(a)["Dimensions"]), failures) {
						found = true
					}
				}
				if !found {
					t.Errorf("no alarm on %s", failures)
				}
			}},
			assertCase{f.Name + " role: the stream, the failure queue, its table actions", func(t *testing.T) {
				var streamActs, sendOn []string
				for _, st := range functionPolicy(t, tj, fn) {
					res := mustJSON(st["Resource"])
					for _, a := range actions(st) {
						switch {
						case strings.Contains(res, "StreamArn"):
							streamActs = append(streamActs, a)
						case a == "dynamodb:ListStreams":
							if !strings.Contains(res, tableID) || !strings.Contains(res, "/stream/*") {
								t.Errorf("ListStreams on %s, want the table's streams", res)
							}
							streamActs = append(streamActs, a)
						case a == "sqs:SendMessage":
							sendOn = append(sendOn, res)
						}
					}
				}
				slices.Sort(streamActs)
				want := slices.Sorted(slices.Values(functions.StreamActions))
				if !slices.Equal(streamActs, want) {
					t.Errorf("stream actions %v, want %v", streamActs, want)
				}
				if len(sendOn) != 1 || !strings.Contains(sendOn[0], failures) {
					t.Errorf("sqs:SendMessage on %v, want its failure queue alone", sendOn)
				}
			}},
		)
	}
	run(t, cases)
}
