package stack

import (
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/queue"
)

// cdk-nag's AwsSolutions and Serverless packs check both stacks
// (TestCdkNag). What they found and was a real gap is fixed where the
// resource is made (the web bucket's access logs and CloudFront's, web.go;
// each function's own role and log group, iam.go; a scheduled run failing
// after Lambda's retries recorded with its error, schedules.go). What stays is suppressed below, on its resource
// by path and, for wildcard findings, only for the exact wildcards named,
// each with the reason it stays; a path that no longer exists fails the
// synth, so a suppression cannot outlive its resource.

// nagSuppression is one rule suppressed on one resource (by path under
// the stack), for the findings appliesTo names (all of the rule's findings
// on that resource when empty).
type nagSuppression struct {
	path, rule, reason string
	appliesTo          []string
}

// suppressNag applies the main stack's suppressions.
func suppressNag(st awscdk.Stack) {
	var s []nagSuppression
	for _, f := range functions.All {
		id := constructID(f.Name)
		applies := []string{
			// X-Ray (tracing on every function) has no resource-level
			// permissions.
			"Resource::*",
		}
		if len(f.Needs.Table.Actions) > 0 || len(f.Needs.Publish) > 0 {
			// kms:GenerateDataKey* and kms:ReEncrypt* are the names of
			// those actions' families (GenerateDataKey,
			// GenerateDataKeyWithoutPlaintext, ...), on the one key, and
			// for the table only through DynamoDB (kms:ViaService).
			applies = append(applies, "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*")
		}
		if f.Needs.Files != 0 {
			// objects under the function's own prefixes of the files
			// bucket (files/, staging/): keys are made per person,
			// document and file
			applies = append(applies, `/^Resource::<Files[0-9A-F]{8}\.Arn>\/(files|staging)\/\*$/g`)
		}
		if f.Stream != nil {
			// ListStreams on the table's streams (a stream's ARN ends in
			// its creation time)
			applies = append(applies, `/^Resource::<Table[0-9A-F]{8}\.Arn>\/stream\/\*$/g`)
		}
		if len(f.Needs.Subscriptions) > 0 {
			// a subscription's ARN is <topic ARN>:<id>, made by SNS
			applies = append(applies, `/^Resource::<`+notify.Reminders.ID+`[0-9A-F]{8}>:\*$/g`)
		}
		s = append(s, nagSuppression{id + "Role/DefaultPolicy/Resource", "AwsSolutions-IAM5",
			"only the wildcards with no narrower form: X-Ray's resource, KMS action families on the stack's key, subscription ARNs under the function's topic", applies})
		s = append(s, nagSuppression{id + "Function/Resource", "Serverless-LambdaDLQ", lambdaDLQReason(f), nil})
		for _, t := range f.Queues {
			// The mapping's construct id is CDK's: SqsEventSource:<the
			// queue's unique id>.
			q := st.Node().FindChild(jsii.String(jobQueueID(t.Name)))
			s = append(s, nagSuppression{id + "Function/SqsEventSource:" + *awscdk.Names_NodeUniqueId(q.Node()) + "/Resource",
				"Serverless-LambdaEventSourceMappingDestination",
				"an SQS event source mapping has no on-failure destination (Lambda offers one only for streams and Kafka): a job that fails returns to its queue and, after its receives, goes to the queue's dead-letter queue (redrive policy, alarmed)", nil})
		}
	}
	cdkFunction := "CDK's own deploy-time function (provider of a custom resource), whose role, managed policy and runtime CDK controls; it runs only during deployments"
	for _, p := range []string{"Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C", "AWS679f53fac002430cb0da5b7982bd2287"} {
		s = append(s,
			nagSuppression{p + "/ServiceRole/Resource", "AwsSolutions-IAM4", cdkFunction,
				[]string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
			nagSuppression{p + "/Resource", "AwsSolutions-L1", cdkFunction, nil},
			nagSuppression{p + "/Resource", "Serverless-LambdaLatestVersion", cdkFunction, nil},
			nagSuppression{p + "/Resource", "Serverless-LambdaDefaultMemorySize", cdkFunction, nil},
			nagSuppression{p + "/Resource", "Serverless-LambdaTracing", cdkFunction, nil},
			nagSuppression{p + "/Resource", "Serverless-LambdaDLQ", cdkFunction + "; CloudFormation invokes it and reads its answer, a failure fails the deployment", nil})
	}
	// A dead-letter queue is where failures end: a redrive policy of its
	// own would move them once more, out of the alarm's sight.
	dlqs := map[string]string{"DeliveryDLQ": "the contact subscriptions", "ScheduleDLQ": "the schedules",
		"IngestDLQ": "the agency events", "ScanResultsDLQ": "GuardDuty's scan results"}
	for _, q := range queue.Queues {
		dlqs[q.ID+"DLQ"] = "the " + q.Name + " job queue"
	}
	for _, f := range functions.StreamFed() {
		dlqs[constructID(f.Name)+"Failures"] = "the " + f.Name + " function's stream mapping"
		s = append(s, nagSuppression{constructID(f.Name) + "Failures/Resource", "AwsSolutions-SQS3",
			"it is itself the on-failure destination of the " + f.Name + " function's stream mapping", nil})
	}
	for _, id := range slices.Sorted(maps.Keys(dlqs)) {
		s = append(s, nagSuppression{id + "/Resource", "Serverless-SQSRedrivePolicy",
			"it is itself the dead-letter queue (of " + dlqs[id] + "), alarmed on any message", nil})
	}
	s = append(s,
		nagSuppression{"Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/ServiceRole/DefaultPolicy/Resource", "AwsSolutions-IAM5",
			"CDK's BucketDeployment copies the built web cabinet from the asset bucket into the web bucket: object wildcards under those two buckets", nil},
		nagSuppression{"SmsSettings/CustomResourcePolicy/Resource", "AwsSolutions-IAM5",
			"sns:SetSMSAttributes (the account's SMS settings) has no resource-level permissions", []string{"Resource::*"}},
		nagSuppression{"UserPool/smsRole/Resource", "AwsSolutions-IAM5",
			"Cognito sends SMS by publishing to phone numbers, which have no ARN; the role is for Cognito alone, with an external id", []string{"Resource::*"}},
		nagSuppression{"TicketSigningSeed/Resource", "AwsSolutions-SMG4",
			"never rotated automatically: printed QR codes verify with it; a rotation is a key ring put by hand (README 'Rotating the ticket-signing key')", nil},
		nagSuppression{"CursorKey/Resource", "AwsSolutions-SMG4",
			"rotated by hand (README 'Keys from the stack'): a rotation only voids open cursors, and needs no rotation function", nil},
		nagSuppression{"OriginSecret/Resource", "AwsSolutions-SMG4",
			"rotated by hand with a redeployment: CloudFront's origin header and the functions must change together", nil},
		nagSuppression{"MalwareProtectionRole/DefaultPolicy/Resource", "AwsSolutions-IAM5",
			"GuardDuty Malware Protection reads and tags every new object of the files bucket, and manages its own rules, whose names it chooses (DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3...)",
			[]string{`/^Resource::<Files[0-9A-F]{8}\.Arn>\/\*$/g`, `/^Resource::arn:.*:rule\/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3\*$/g`}},
		nagSuppression{"PdfSigning/Resource", "AwsSolutions-SMG4",
			"a certificate and its key, put by an operator when the certificate is issued; no rotation function can issue one", nil},
		nagSuppression{"ScanResultsDLQ/Resource", "AwsSolutions-SQS3", "it is itself a dead-letter queue (of GuardDuty's scan results)", nil},
		nagSuppression{"DeliveryDLQ/Resource", "AwsSolutions-SQS3", "it is itself a dead-letter queue (of the contact subscriptions)", nil},
		nagSuppression{"ScheduleDLQ/Resource", "AwsSolutions-SQS3", "it is itself a dead-letter queue (of the schedules)", nil},
		nagSuppression{"IngestDLQ/Resource", "AwsSolutions-SQS3", "it is itself a dead-letter queue (of the agency events)", nil},
		nagSuppression{"WebDistribution/Resource", "AwsSolutions-CFR4",
			"the distribution uses CloudFront's default certificate (*.cloudfront.net), whose minimum protocol CloudFront fixes; a custom domain with an ACM certificate would set TLSv1.2_2021", nil},
		nagSuppression{"WebDistribution/Resource", "AwsSolutions-CFR1",
			"no geo restriction: citizens use the cabinet from abroad (consulates, travel)", nil},
		nagSuppression{"AccessLogs/Resource", "AwsSolutions-S1",
			"the access-log bucket itself: logging its own access would log the log writes", nil},
	)
	apply(st, s)
}

// lambdaDLQReason says why function f needs no dead-letter queue of its
// own (Serverless-LambdaDLQ), by how it is invoked.
func lambdaDLQReason(f functions.Function) string {
	switch {
	case len(f.Routes) > 0:
		return "invoked synchronously by API Gateway: the caller gets the error; Lambda keeps no event to lose"
	case len(f.Queues) > 0:
		return "invoked synchronously by SQS event source mappings: a failed job returns to its queue, then goes to the queue's dead-letter queue (redrive policy)"
	case f.Schedule != nil:
		return "invoked asynchronously by its schedule: a run failing after Lambda's retries is recorded in ScheduleDLQ by an on-failure destination (EventInvokeConfig), which keeps the error with the event; cdk-nag reads only the older DeadLetterConfig"
	case f.Stream != nil:
		return "invoked synchronously by its stream's event source mapping: a batch failing after its bounded retries is described in the mapping's on-failure queue (alarmed)"
	case f.Events != nil:
		return "invoked asynchronously by its bus rule: an event failing after Lambda's retries goes to its own DLQ by an on-failure destination (EventInvokeConfig), which keeps the error with the event; cdk-nag reads only the older DeadLetterConfig"
	}
	panic("stack: function " + f.Name + " has no trigger")
}

func apply(st awscdk.Stack, s []nagSuppression) {
	for _, x := range s {
		sup := &cdknag.NagPackSuppression{Id: jsii.String(x.rule), Reason: jsii.String(x.reason)}
		if len(x.appliesTo) > 0 {
			var to []any
			for _, a := range x.appliesTo {
				if strings.HasPrefix(a, "/") { // an ECMA-262 regex
					to = append(to, &cdknag.RegexAppliesTo{Regex: jsii.String(a)})
					continue
				}
				to = append(to, a)
			}
			sup.AppliesTo = &to
		}
		cdknag.NagSuppressions_AddResourceSuppressionsByPath(st, jsii.String("/"+*st.Node().Path()+"/"+x.path),
			&[]*cdknag.NagPackSuppression{sup}, jsii.Bool(false))
	}
}
