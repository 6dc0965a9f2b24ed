package stack

import (
	"path"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsguardduty"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// Prefixes of the files bucket: people's files (files/<sub>/<doc>/<file>,
// shared/domain/files.ObjectKey) and what laboratories stage for ingest
// (staging/<lab>/, ingest.StagingPrefix).
const (
	filesPrefix   = "files/"
	stagingPrefix = "staging/"
	// stagingDays is how long a staged lab upload stays: ingest copies it
	// within minutes, so anything older was rejected or never announced.
	stagingDays = 7
)

// filesStack is the files bucket and what reads it.
type filesStack struct {
	bucket awss3.Bucket
	key    awskms.Key
	// scanAlarm fires when a scan verdict waits in its dead-letter queue:
	// the file it is about stays pending_scan until an operator redrives it.
	scanAlarm awscloudwatch.Alarm
}

// newFiles makes the bucket of electronic copies: KMS-encrypted with its
// own key, versioned, no public access, TLS only, server access logs to a
// bucket of their own, lifecycle rules for incomplete uploads, staged lab
// uploads and old versions, and CORS for the browser's presigned PUT and
// GET from the cabinet's origins. GuardDuty Malware Protection scans what
// lands under both prefixes; its verdicts reach the ingest function.
func newFiles(scope constructs.Construct, p Props, origins *[]*string, fns map[string]awslambda.Function) filesStack {
	key := awskms.NewKey(scope, jsii.String("FilesKey"), &awskms.KeyProps{
		Description:       jsii.String("Kabinet " + p.Stage + ": people's files"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	logs := awss3.NewBucket(scope, jsii.String("FilesAccessLogs"), &awss3.BucketProps{
		// Server access log delivery cannot write to a bucket encrypted
		// with a customer key: S3-managed keys here.
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		LifecycleRules:    &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(365))}},
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	bucket := awss3.NewBucket(scope, jsii.String("Files"), &awss3.BucketProps{
		// Named, so that the web cabinet's Content-Security-Policy can
		// name it too without a cycle (distribution → headers → bucket →
		// CORS origin → distribution).
		BucketName:             filesBucketName(scope, p.Stage),
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          key,
		BucketKeyEnabled:       jsii.Bool(true),
		Versioned:              jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("files/"),
		LifecycleRules: &[]*awss3.LifecycleRule{
			{Id: jsii.String("abort-incomplete-uploads"), AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1))},
			{Id: jsii.String("staging"), Prefix: jsii.String(stagingPrefix), Expiration: awscdk.Duration_Days(jsii.Number(stagingDays)),
				NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(1))},
			// Erasure deletes every version itself; this catches versions an
			// overwrite left behind.
			{Id: jsii.String("old-versions"), NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(30)),
				ExpiredObjectDeleteMarker: jsii.Bool(true)},
		},
		Cors: &[]*awss3.CorsRule{{
			AllowedMethods: &[]awss3.HttpMethods{awss3.HttpMethods_PUT, awss3.HttpMethods_GET, awss3.HttpMethods_HEAD},
			AllowedOrigins: origins,
			AllowedHeaders: jsii.Strings("content-type", "x-amz-checksum-sha256", "x-amz-sdk-checksum-algorithm"),
			ExposedHeaders: jsii.Strings("ETag"),
			MaxAge:         jsii.Number(600),
		}},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})

	// One grant per function, only the object actions it needs under its
	// prefixes. Presigned URLs are signed with the function's role, so the
	// documents function holds PutObject and GetObject on files/ for its
	// clients' uploads and downloads.
	var scanned []awslambda.Function
	for _, f := range functions.All {
		fn := fns[f.Name]
		switch f.Needs.Files {
		case functions.FilesOwner:
			grantObjects(fn, bucket, filesPrefix, "s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion")
			grantList(fn, bucket, filesPrefix)
		case functions.FilesIngest:
			grantObjects(fn, bucket, stagingPrefix, "s3:GetObject")
			grantObjects(fn, bucket, filesPrefix, "s3:PutObject", "s3:GetObject")
		case functions.FilesReader:
			grantObjects(fn, bucket, filesPrefix, "s3:GetObject")
		case functions.FilesEraser:
			grantObjects(fn, bucket, filesPrefix, "s3:DeleteObject", "s3:DeleteObjectVersion")
			grantList(fn, bucket, filesPrefix)
		default:
			continue
		}
		// The files key through S3 only (as the table key goes through
		// DynamoDB only): presigned URLs and the function's own calls. An
		// eraser reads and writes no object's content: no key.
		if f.Needs.Files != functions.FilesEraser {
			fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"),
				Resources: &[]*string{key.KeyArn()},
				Conditions: &map[string]any{
					"StringEquals": map[string]any{"kms:ViaService": "s3." + *awscdk.Stack_Of(scope).Region() + ".amazonaws.com"},
				},
			}))
		}
		fn.AddEnvironment(jsii.String("FILES_BUCKET"), bucket.BucketName(), nil)
		fn.AddEnvironment(jsii.String("FILES_MALWARE_SCAN"), jsii.String("guardduty"), nil)
		fn.AddEnvironment(jsii.String("FILES_BUCKET_VERSIONED"), jsii.String("1"), nil)
		if f.Needs.TrustAnchors {
			// The PEM bundle detached signatures must chain to, read from
			// the bucket on the function's first signature check: that
			// object alone of config/.
			fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("s3:GetObject"),
				Resources: jsii.Strings(*bucket.ArnForObjects(jsii.String(functions.TrustAnchorsKey))),
			}))
			fn.AddEnvironment(jsii.String("SIGNATURE_TRUST_ANCHORS_KEY"), jsii.String(functions.TrustAnchorsKey), nil)
		}
		if f.Needs.ScanResults {
			scanned = append(scanned, fn)
		}
	}
	if p.TrustAnchorsPEM != "" {
		// The bundle the stage is given, put where the functions read it
		// (a change is picked up within signatures.AnchorsRefresh). Nothing
		// else under config/ is pruned.
		awss3deployment.NewBucketDeployment(scope, jsii.String("TrustAnchors"), &awss3deployment.BucketDeploymentProps{
			DestinationBucket:    bucket,
			DestinationKeyPrefix: jsii.String(path.Dir(functions.TrustAnchorsKey) + "/"),
			Sources:              &[]awss3deployment.ISource{awss3deployment.Source_Data(jsii.String(path.Base(functions.TrustAnchorsKey)), jsii.String(p.TrustAnchorsPEM), nil)},
			Prune:                jsii.Bool(false),
			ContentType:          jsii.String("application/x-pem-file"),
		})
	}
	labStaging(bucket, key, p.LabAccounts)
	scanDLQ := newMalwareProtection(scope, p, bucket, key, scanned)
	awscdk.NewCfnOutput(scope, jsii.String("FilesBucketName"), &awscdk.CfnOutputProps{
		Value: bucket.BucketName(), Description: jsii.String("S3 bucket of people's files; laboratories write under " + stagingPrefix + "<lab>/"),
	})
	m := scanDLQ.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Maximum"),
	})
	alarm := anyAlarm(scope, "ScanResultsDLQAlarm", m,
		"A GuardDuty scan verdict could not be delivered to the ingest function and waits in its dead-letter queue; its file stays pending_scan")
	return filesStack{bucket: bucket, key: key, scanAlarm: alarm}
}

// labStaging lets each laboratory's account put objects under its own
// staging prefix (staging/<lab>/, ingest.StagingPrefix) and nothing else:
// no read, no list, no other prefix. The bucket's key lets that account
// encrypt through S3 only; the prefix is held by the bucket policy (with
// a bucket key, the encryption context names the bucket, not the object).
func labStaging(bucket awss3.Bucket, key awskms.Key, accounts map[string]string) {
	for _, lab := range labsWithAccounts(accounts) {
		principal := awsiam.NewAccountPrincipal(jsii.String(accounts[lab]))
		bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("LabStaging" + constructID(lab)),
			Principals: &[]awsiam.IPrincipal{principal},
			Actions:    jsii.Strings("s3:PutObject"),
			Resources:  jsii.Strings(*bucket.ArnForObjects(jsii.String(ingest.StagingPrefix(lab) + "*"))),
		}))
		key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("LabStaging" + constructID(lab)),
			Principals: &[]awsiam.IPrincipal{principal},
			Actions:    jsii.Strings("kms:GenerateDataKey", "kms:Encrypt"),
			Resources:  jsii.Strings("*"),
			// Through S3 only. The key is this bucket's alone; naming the
			// bucket in the condition would make key and bucket depend on
			// each other.
			Conditions: &map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": "s3." + *awscdk.Stack_Of(bucket).Region() + ".amazonaws.com"},
			},
		}), jsii.Bool(false))
	}
}

// filesBucketName is the files bucket's name: kabinet-<stage>-files-
// <account>-<region>, unique across accounts and regions as S3 names must be.
func filesBucketName(scope constructs.Construct, stage string) *string {
	st := awscdk.Stack_Of(scope)
	return awscdk.Fn_Join(jsii.String("-"), &[]*string{jsii.String("kabinet"), jsii.String(stage), jsii.String("files"), st.Account(), st.Region()})
}

// filesOrigin is the files bucket's virtual-hosted origin, which presigned
// URLs point the browser at (https://<bucket>.s3.<region>.<suffix>).
func filesOrigin(scope constructs.Construct, stage string) *string {
	st := awscdk.Stack_Of(scope)
	return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://"), filesBucketName(scope, stage), jsii.String(".s3."), st.Region(), jsii.String("."), st.UrlSuffix()})
}

// grantObjects allows fn actions on the objects under prefix, nothing else.
func grantObjects(fn awslambda.Function, bucket awss3.IBucket, prefix string, actions ...string) {
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: jsii.Strings(*bucket.ArnForObjects(jsii.String(prefix + "*"))),
	}))
}

// grantList allows fn to list (keys and versions) under prefix only, for
// erasure by prefix.
func grantList(fn awslambda.Function, bucket awss3.IBucket, prefix string) {
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:    jsii.Strings("s3:ListBucket", "s3:ListBucketVersions"),
		Resources:  &[]*string{bucket.BucketArn()},
		Conditions: &map[string]any{"StringLike": map[string]any{"s3:prefix": []string{prefix + "*"}}},
	}))
}

// newMalwareProtection enables GuardDuty Malware Protection for S3 on the
// bucket (with the role GuardDuty assumes to read, tag and be told of new
// objects) and routes its scan results to the functions whose entry asks
// for them (ingest).
func newMalwareProtection(scope constructs.Construct, p Props, bucket awss3.Bucket, key awskms.Key, targets []awslambda.Function) awssqs.Queue {
	role := awsiam.NewRole(scope, jsii.String("MalwareProtectionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("malware-protection-plan.guardduty.amazonaws.com"), nil),
		Description: jsii.String("GuardDuty Malware Protection scans Kabinet's files bucket"),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:GetObject", "s3:GetObjectVersion", "s3:PutObjectTagging", "s3:GetObjectTagging", "s3:PutObjectVersionTagging", "s3:GetObjectVersionTagging"),
		Resources: jsii.Strings(*bucket.ArnForObjects(jsii.String("*"))),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("s3:GetBucketNotification", "s3:PutBucketNotification", "s3:ListBucket"),
		Resources: &[]*string{bucket.BucketArn()},
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:DescribeRule"),
		Resources: jsii.Strings(*awscdk.Stack_Of(scope).FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("events"), Resource: jsii.String("rule"), ResourceName: jsii.String("DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"),
		})),
	}))
	key.GrantDecrypt(role)
	plan := awsguardduty.NewCfnMalwareProtectionPlan(scope, jsii.String("FilesMalwareProtection"), &awsguardduty.CfnMalwareProtectionPlanProps{
		Role: role.RoleArn(),
		ProtectedResource: &awsguardduty.CfnMalwareProtectionPlan_CFNProtectedResourceProperty{
			S3Bucket: &awsguardduty.CfnMalwareProtectionPlan_S3BucketProperty{
				BucketName: bucket.BucketName(), ObjectPrefixes: jsii.Strings(filesPrefix, stagingPrefix),
			},
		},
		Actions: &awsguardduty.CfnMalwareProtectionPlan_CFNActionsProperty{
			Tagging: &awsguardduty.CfnMalwareProtectionPlan_CFNTaggingProperty{Status: jsii.String("ENABLED")},
		},
	})
	plan.Node().AddDependency(role)

	dlq := awssqs.NewQueue(scope, jsii.String("ScanResultsDLQ"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		EnforceSSL:      jsii.Bool(true),
	})
	rule := awsevents.NewRule(scope, jsii.String("ScanResults"), &awsevents.RuleProps{
		Description: jsii.String("GuardDuty's malware scan results on the files bucket, to the ingest function"),
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings("aws.guardduty"),
			DetailType: jsii.Strings(eventbridge.ScanResultDetailType),
			Detail:     &map[string]any{"s3ObjectDetails": map[string]any{"bucketName": []any{bucket.BucketName()}}},
		},
	})
	for _, fn := range targets {
		rule.AddTarget(awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			DeadLetterQueue: dlq, RetryAttempts: jsii.Number(4),
		}))
	}
	return dlq
}

// pdfSigningSecretName is the secret holding stage's PDF signing key.
func pdfSigningSecretName(stage string) string { return "kabinet/" + stage + "/pdf-signing" }

// newPDFSigning creates the secret holding the certificate and key (PEM,
// JSON fields cert and key) that sign the PDFs Kabinet issues; the
// functions whose entry asks for it (booking) read it at start by its ARN
// (PDF_SIGNING_SECRET_ARN, giveSecrets), as the other keys. CloudFormation
// cannot make a certificate: the secret is created with empty fields, and
// confirmations go unsigned until an operator puts the service's
// certificate and key in it (new instances read it).
func newPDFSigning(scope constructs.Construct, p Props, key awskms.IKey) awssecretsmanager.Secret {
	return awssecretsmanager.NewSecret(scope, jsii.String("PdfSigning"), &awssecretsmanager.SecretProps{
		SecretName:    jsii.String(pdfSigningSecretName(p.Stage)),
		Description:   jsii.String("PEM certificate (cert) and private key (key) signing the PDFs Kabinet issues (PAdES)"),
		EncryptionKey: key,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			SecretStringTemplate: jsii.String(`{"cert":"","key":""}`),
			GenerateStringKey:    jsii.String("placeholder"),
			ExcludePunctuation:   jsii.Bool(true),
		},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
}
