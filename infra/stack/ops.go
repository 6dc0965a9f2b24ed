package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/customresources"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// api5xxThreshold is how many 5xx answers of the API within alarmPeriod
// raise its alarm.
const api5xxThreshold = 5

// newAPI5xxAlarm alarms when the API answered api5xxThreshold or more 5xx
// within alarmPeriod (AWS/ApiGateway 5xx by ApiId, Sum). No data means no
// requests, so it is not breaching.
func newAPI5xxAlarm(scope constructs.Construct, api awsapigatewayv2.HttpApi) awscloudwatch.Alarm {
	m := api.MetricServerError(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Sum"),
	})
	return awscloudwatch.NewAlarm(scope, jsii.String("Api5xxAlarm"), &awscloudwatch.AlarmProps{
		Metric:             m,
		Threshold:          jsii.Number(api5xxThreshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(fmt.Sprintf("Kabinet HTTP API answered at least %d 5xx in %d minutes", api5xxThreshold, alarmPeriod)),
	})
}

// deliveryDLQEnv is the variable a function managing subscriptions (the
// profile function) reads the delivery dead-letter queue's ARN from (see
// core.ReadConfig); it sets the queue as the RedrivePolicy of the contact
// subscriptions it makes.
const deliveryDLQEnv = "DELIVERY_DLQ_ARN"

// giveDeliveryDLQ puts the delivery dead-letter queue's ARN in the
// environment of every function that manages subscriptions, and of no other.
func giveDeliveryDLQ(fns map[string]awslambda.Function, dlq awssqs.IQueue) {
	for _, f := range functions.All {
		if len(f.Needs.Subscriptions) > 0 {
			fns[f.Name].AddEnvironment(jsii.String(deliveryDLQEnv), dlq.QueueArn(), nil)
		}
	}
}

// newDeliveryDLQ creates the queue SNS moves messages to that it could not
// deliver to a contact subscription, named kabinet-<stage>-delivery-dlq.
// Only SNS may send to it, and only for topic. It is encrypted with an
// SQS-managed key: a customer-managed one would need a key policy for
// sns.amazonaws.com.
func newDeliveryDLQ(scope constructs.Construct, stage string, topic awssns.ITopic) awssqs.Queue {
	q := awssqs.NewQueue(scope, jsii.String("DeliveryDLQ"), &awssqs.QueueProps{
		QueueName:       jsii.String(topicName(stage, "delivery-dlq")),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(dlqRetentionDays)),
	})
	q.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowSNSDeadLetters"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("sns.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sqs:SendMessage"),
		Resources:  jsii.Strings(*q.QueueArn()),
		Conditions: &map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": topic.TopicArn()}},
	}))
	return q
}

// newDeliveryDLQAlarm alarms as soon as an undeliverable message waits in
// the delivery dead-letter queue.
func newDeliveryDLQAlarm(scope constructs.Construct, dlq awssqs.IQueue) awscloudwatch.Alarm {
	m := dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Maximum"),
	})
	return anyAlarm(scope, "DeliveryDLQAlarm", m, "A notification could not be delivered and waits in the delivery dead-letter queue")
}

// SMS account settings, as stack parameters so an operator can change them
// at deploy time without a code change.
const (
	smsSpendLimitParam     = "SmsMonthlySpendLimit"
	smsSenderIDParam       = "SmsDefaultSenderId"
	defaultSMSSpendLimit   = 100 // USD per month
	defaultSMSSenderID     = "Kabinet"
	smsSenderIDPattern     = "^[A-Za-z0-9]{1,11}$"
	smsSettingsPhysicalID  = "kabinet-sms-settings"
	smsSetAttributesAction = "sns:SetSMSAttributes"
)

// newSMSSettings declares the SMS parameters and applies them to the
// account's SNS SMS settings (setSMSAttributes) on create and update. The
// settings are account-wide and have no "previous value" to restore, so
// nothing is done on delete.
func newSMSSettings(scope constructs.Construct) customresources.AwsCustomResource {
	limit := awscdk.NewCfnParameter(scope, jsii.String(smsSpendLimitParam), &awscdk.CfnParameterProps{
		Type:        jsii.String("Number"),
		Default:     jsii.Number(defaultSMSSpendLimit),
		MinValue:    jsii.Number(0),
		Description: jsii.String("Monthly SNS SMS spend limit of the account, in USD"),
	})
	sender := awscdk.NewCfnParameter(scope, jsii.String(smsSenderIDParam), &awscdk.CfnParameterProps{
		Type:           jsii.String("String"),
		Default:        jsii.String(defaultSMSSenderID),
		AllowedPattern: jsii.String(smsSenderIDPattern),
		Description:    jsii.String("Default SMS sender id: 1 to 11 letters and digits"),
	})
	call := &customresources.AwsSdkCall{
		Service: jsii.String("SNS"),
		Action:  jsii.String("setSMSAttributes"),
		Parameters: map[string]any{"attributes": map[string]any{
			"MonthlySpendLimit": limit.ValueAsString(),
			"DefaultSenderID":   sender.ValueAsString(),
			"DefaultSMSType":    "Transactional",
		}},
		PhysicalResourceId: customresources.PhysicalResourceId_Of(jsii.String(smsSettingsPhysicalID)),
	}
	return customresources.NewAwsCustomResource(scope, jsii.String("SmsSettings"), &customresources.AwsCustomResourceProps{
		OnCreate:            call,
		OnUpdate:            call,
		InstallLatestAwsSdk: jsii.Bool(false),
		// sns:SetSMSAttributes has no resource-level permissions: "*" is
		// the only resource it can be allowed on.
		Policy: customresources.AwsCustomResourcePolicy_FromStatements(&[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings(smsSetAttributesAction),
				Resources: jsii.Strings("*"),
			}),
		}),
	})
}

// newCustomDomain serves api's default stage at p.DomainName with the ACM
// certificate p.CertificateARN (regional, in the stack's region) and outputs
// the regional domain name the DNS record must point at. Without both, it
// does nothing.
func newCustomDomain(scope constructs.Construct, p Props, api awsapigatewayv2.HttpApi, stage awsapigatewayv2.HttpStage) {
	if p.DomainName == "" || p.CertificateARN == "" {
		return
	}
	domain := awsapigatewayv2.NewDomainName(scope, jsii.String("ApiDomain"), &awsapigatewayv2.DomainNameProps{
		DomainName:  jsii.String(p.DomainName),
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(scope, jsii.String("ApiCertificate"), jsii.String(p.CertificateARN)),
	})
	awsapigatewayv2.NewApiMapping(scope, jsii.String("ApiDomainMapping"), &awsapigatewayv2.ApiMappingProps{
		Api:        api,
		DomainName: domain,
		Stage:      stage,
	})
	awscdk.NewCfnOutput(scope, jsii.String("CustomDomainTarget"), &awscdk.CfnOutputProps{
		Value:       domain.RegionalDomainName(),
		Description: jsii.String("Regional domain name the custom domain's DNS record (CNAME or alias) points at"),
	})
}
