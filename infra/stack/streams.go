package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// newStreamMapping feeds the table's change stream to f's Lambda fn as
// f.Stream says: an event source mapping from the stream's oldest record
// (TRIM_HORIZON: a new mapping misses nothing the stream still holds),
// filtered on the old or new image's kind, batched, bisected on error,
// with partial batch responses, bounded retries and record age, and an
// on-failure queue of its own, alarmed on any message. The role reads the
// stream itself (DescribeStream, GetShardIterator, GetRecords on its ARN;
// ListStreams on the table's streams) and sends to that queue, besides
// what grantTable gives; no CDK grant adds more.
func newStreamMapping(scope constructs.Construct, stage string, f functions.Function, table awsdynamodb.Table, fn awslambda.Function) awscloudwatch.Alarm {
	id := constructID(f.Name)
	s := f.Stream
	failures := awssqs.NewQueue(scope, jsii.String(id+"Failures"), &awssqs.QueueProps{
		QueueName:       jsii.String("kabinet-" + stage + "-" + f.Name + "-failures"),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(dlqRetentionDays)),
	})
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("TableStream"),
		Actions:   jsii.Strings(functions.StreamActions[:3]...),
		Resources: &[]*string{table.TableStreamArn()},
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ListStreams"),
		Actions:   jsii.Strings(functions.StreamActions[3]),
		Resources: jsii.Strings(*table.TableArn() + "/stream/*"), // the table's streams, whichever is the latest
	}))
	kinds := make([]any, len(s.Kinds))
	for i, k := range s.Kinds {
		kinds[i] = k
	}
	byKind := func(image string) *map[string]any {
		return awslambda.FilterCriteria_Filter(&map[string]any{"dynamodb": map[string]any{image: map[string]any{"kind": map[string]any{"S": kinds}}}})
	}
	awslambda.NewEventSourceMapping(scope, jsii.String(id+"StreamMapping"), &awslambda.EventSourceMappingProps{
		Target:                  fn,
		EventSourceArn:          table.TableStreamArn(),
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(s.BatchSize),
		MaxBatchingWindow:       awscdk.Duration_Seconds(jsii.Number(s.BatchWindow.Seconds())),
		BisectBatchOnError:      jsii.Bool(true),
		ReportBatchItemFailures: jsii.Bool(true),
		RetryAttempts:           jsii.Number(s.MaxRetries),
		MaxRecordAge:            awscdk.Duration_Seconds(jsii.Number(s.MaxRecordAge.Seconds())),
		OnFailure:               awslambdaeventsources.NewSqsDlq(failures),
		Filters:                 &[]*map[string]any{byKind("NewImage"), byKind("OldImage")},
	})
	dead := failures.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Maximum"),
	})
	return anyAlarm(scope, id+"FailuresAlarm", dead,
		"Stream records of "+f.Name+" failed after the mapping's retries: their batch's description waits in "+f.Name+"'s failure queue, the dashboards' counters miss them")
}
