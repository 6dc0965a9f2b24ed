package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/shared/adapter/store"
)

// newTableKey creates the customer-managed key the table and the topics are
// encrypted with, so access to the data can be audited and revoked through
// the key policy. (Its construct id predates the topics; renaming it would
// replace the key the table's backups need.)
//
// CloudWatch must be allowed to use the key in its key policy: an alarm
// publishing to the encrypted operators topic needs kms:GenerateDataKey* and
// kms:Decrypt, and without them the alarm's action fails silently. The
// grant holds only for this account's alarms in this region
// (aws:SourceAccount, aws:SourceArn), so no other account's CloudWatch can
// use the key through the service (the confused deputy). No other service
// principal is in the key policy: functions use the key through DynamoDB,
// SNS and Secrets Manager with their own roles' permissions (iam.go).
func newTableKey(scope constructs.Construct) awskms.Key {
	st := awscdk.Stack_Of(scope)
	key := awskms.NewKey(scope, jsii.String("TableKey"), &awskms.KeyProps{
		Description:       jsii.String("Encrypts the Kabinet DynamoDB table and SNS topics"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarmsToPublishToEncryptedTopics"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"), // in a key policy, "*" is this key
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": st.Account()},
			"ArnLike": map[string]any{"aws:SourceArn": awscdk.Fn_Join(jsii.String(""), &[]*string{
				jsii.String("arn:"), st.Partition(), jsii.String(":cloudwatch:"), st.Region(), jsii.String(":"), st.Account(), jsii.String(":alarm:*")})},
		},
	}), nil)
	return key
}

// newTopics creates every topic of notify.Topics, named

// newTable creates the single table from store.Schema. It holds the only
// copy of user data, so it is protected against deletion in three ways:
// deletion protection, a retained resource, and point-in-time recovery.
//
// It is a Table, not a TableV2: TableV2 renders its customer-managed key per
// replica region and so refuses a region-agnostic stack, which would tie
// `cdk synth` to AWS credentials or a hard-coded region.
func newTable(scope constructs.Construct, key awskms.IKey) awsdynamodb.Table {
	s := store.Schema
	table := awsdynamodb.NewTable(scope, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey:        stringAttr(s.PK),
		SortKey:             stringAttr(s.SK),
		TimeToLiveAttribute: jsii.String(s.TTLAttribute),
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:          awsdynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey:       key,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
		// The change stream the stats aggregator reads (both images).
		Stream: awsdynamodb.StreamViewType(string(s.Stream)),
	})
	for _, ix := range s.Indexes {
		table.AddGlobalSecondaryIndex(globalIndex(ix))
	}
	return table
}

// globalIndex maps one of the schema's indexes to CDK index props: string
// keys, all attributes projected (what the store's queries read).
func globalIndex(ix store.Index) *awsdynamodb.GlobalSecondaryIndexProps {
	return &awsdynamodb.GlobalSecondaryIndexProps{
		IndexName:      jsii.String(ix.Name),
		PartitionKey:   stringAttr(ix.PK),
		SortKey:        stringAttr(ix.SK),
		ProjectionType: awsdynamodb.ProjectionType_ALL,
	}
}

func stringAttr(name string) *awsdynamodb.Attribute {
	return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
}
