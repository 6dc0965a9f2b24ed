// Package stack is Kabinet's AWS infrastructure as one CDK stack: the
// DynamoDB table, the SNS topics, the Cognito user pool, one Lambda per
// function, the HTTP API in front of the HTTP functions, the schedules of
// the scheduled ones, the event buses and rules of the event-driven ones,
// and the alarms watching them. The table's shape comes from store.Schema,
// the routes from httpapi.Routes, the topics from notify.Topics, the
// scheduled functions from app.ScheduledFunctions and the event-driven ones
// from app.EventFunctions, so nothing the application already declares is
// declared a second time here.
package stack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/app"
)

// Props configure one deployment (stage) of Kabinet. Everything that differs
// between stages is here, so the stack itself has no stage-specific branches.
type Props struct {
	awscdk.StackProps
	// Stage names the deployment (dev, prod, ...); functions read it as STAGE.
	Stage string
	// JWTIssuer, if set, is the token issuer the API's JWT authorizer
	// trusts instead of the stack's Cognito user pool (an external identity
	// provider). Empty (the default) trusts the user pool.
	JWTIssuer string
	// JWTAudience is the audience tokens of JWTIssuer must carry; it is
	// required with JWTIssuer and refused without it (the user pool's
	// tokens carry the app client's id).
	JWTAudience string
	// AllowedOrigins are browser origins CORS admits and the app client may
	// redirect to besides the web cabinet's own (its CloudFront domain, always
	// admitted), e.g. a developer's http://localhost:3000; nothing else is
	// allowed.
	AllowedOrigins []string
	// WebDir is the built web cabinet (`make web` writes web/dist), deployed
	// to the web bucket behind CloudFront; tests point it at a dummy page.
	WebDir string
	// AuthDomainPrefix names the Cognito hosted UI,
	// https://<prefix>.auth.<region>.amazoncognito.com; unique per region.
	// Empty means kabinet-<stage>.
	AuthDomainPrefix string
	// AssetDir holds one folder per function with its "bootstrap" binary
	// (what `make build` produces); tests point it at dummy files.
	AssetDir string
	// VideoBaseURL prefixes the links of video appointments; the booking
	// function reads it as VIDEO_BASE_URL. It must be an absolute http(s) URL.
	VideoBaseURL string
	// DomainName and CertificateARN, if both set, serve the API's default
	// stage at that custom domain with that (regional) ACM certificate.
	// Either without the other is refused.
	DomainName     string
	CertificateARN string
}

// Limits of the default stage: steady requests per second and burst, across
// all routes. They cap what a runaway client can cost before alarms fire.
const (
	throttleRate  = 50
	throttleBurst = 100
)

// Sizing of every HTTP function. The handlers are small Go binaries that do
// a few DynamoDB calls, so 256 MB and 10 s are ample and keep a stuck call
// cheap.
const (
	functionMemoryMB = 256
	functionTimeout  = 10 // seconds
)

// Sizing of every scheduled function. A scheduled run works through a batch
// (the expiry scan queries every shard of the due index and publishes in
// batches), so it gets more time and memory. Concurrency stays unreserved:
// a run must be safe alongside an overlapping or retried one.
const (
	scheduledMemoryMB = 512
	scheduledTimeout  = 60 // seconds
)

// Delivery of scheduled events to their function: EventBridge retries a
// failed delivery this often for at most this long, then puts the event in
// the schedule dead-letter queue, which keeps it for dlqRetentionDays.
const (
	scheduleRetryAttempts = 2
	scheduleMaxEventAge   = 1  // hours
	dlqRetentionDays      = 14 // the SQS maximum
)

// Alarm windows: errors and throttles are counted over alarmPeriod; a
// scheduled function has "not run" when it was not invoked for notRunWindow
// (or two of its intervals, if that is longer).
const (
	alarmPeriod  = 5  // minutes
	notRunWindow = 60 // minutes
)

// topicAccess is what a function may do with a topic.
type topicAccess int

const (
	// subscribe manages people's contact subscriptions: Subscribe on the
	// topic, and Unsubscribe, GetSubscriptionAttributes and
	// SetSubscriptionAttributes (a shared phone's or address's filter lists
	// everyone sharing it) on its subscriptions (whose ARNs are
	// <topic ARN>:<id>).
	subscribe topicAccess = iota + 1
	// publish sends messages (Publish, which also authorizes PublishBatch),
	// with the use of the topic's KMS key that SNS requires of a publisher.
	publish
)

// topicUse gives function the topic's ARN in topic.Env and the access it
// needs to topic.
type topicUse struct {
	function string
	topic    notify.Topic
	access   topicAccess
}

// topicUses are the only topic permissions of the stack: each is what the
// function's code does with the topic (shared/app wires the topic into the
// profile service's contacts and the expiry scan's publisher). Any function
// not listed gets neither the topic's ARN nor any SNS permission.
var topicUses = []topicUse{
	{function: httpapi.FnProfile, topic: notify.Reminders, access: subscribe},
	{function: app.FnExpiryScan, topic: notify.Reminders, access: publish},
	// Every status change of an application is told on the person's
	// channels; ingest closes the application an issued document answers.
	{function: httpapi.FnApplications, topic: notify.Reminders, access: publish},
	{function: app.FnIngest, topic: notify.Reminders, access: publish},
	// The weekly organisation digest publishes to the reminders topic
	// (functions/org-digest refuses to start without it).
	{function: app.FnOrgDigest, topic: notify.Reminders, access: publish},
}

// CORS settings of the API: the methods the route table uses plus the headers
// the handlers read (conditional writes, idempotency, language) and emit.
var (
	corsMethods = []awsapigatewayv2.CorsHttpMethod{
		awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_POST,
		awsapigatewayv2.CorsHttpMethod_PUT, awsapigatewayv2.CorsHttpMethod_PATCH,
		awsapigatewayv2.CorsHttpMethod_DELETE, awsapigatewayv2.CorsHttpMethod_OPTIONS,
	}
	corsAllowHeaders  = []string{"Authorization", "Content-Type", "If-Match", "Idempotency-Key", "Accept-Language"}
	corsExposeHeaders = []string{"ETag", "Location", "X-Request-Id", "Content-Disposition", "Retry-After", "Idempotent-Replayed"}
)

// New builds the Kabinet stack in scope: the table from store.Schema, the
// topics from notify.Topics, the user pool, one function per name in the
// route table, per scheduled and per event-driven function, the API serving
// the routes (trusting the user pool unless p names another issuer), the
// schedules, the event buses and rules, and the alarms. It panics on invalid props, as CDK constructs do, so a bad
// configuration fails at synth rather than at deploy.
func New(scope constructs.Construct, id string, p Props) awscdk.Stack {
	if err := p.validate(); err != nil {
		panic(err)
	}
	st := awscdk.NewStack(scope, jsii.String(id), &p.StackProps)
	key := newTableKey(st)
	table := newTable(st, key)
	topics := newTopics(st, p.Stage, key)
	operators := newOperatorsTopic(st, p.Stage, key)

	fns := map[string]awslambda.Function{}
	for _, name := range httpapi.Functions() {
		fns[name] = newFunction(st, name, p, table, functionMemoryMB, functionTimeout)
	}
	for _, s := range app.ScheduledFunctions {
		if _, dup := fns[s.Name]; dup {
			panic(fmt.Sprintf("stack: function %q is declared twice", s.Name))
		}
		fns[s.Name] = newFunction(st, s.Name, p, table, scheduledMemoryMB, scheduledTimeout)
	}
	for _, e := range app.EventFunctions {
		if _, dup := fns[e.Name]; dup {
			panic(fmt.Sprintf("stack: function %q is declared twice", e.Name))
		}
		// One event per invocation, a few DynamoDB calls: sized like an
		// HTTP function.
		fns[e.Name] = newFunction(st, e.Name, p, table, functionMemoryMB, functionTimeout)
	}
	names := functionNames()
	for _, name := range names {
		table.GrantReadWriteData(fns[name])
	}
	grantTopics(fns, topics)
	configureBooking(fns, p, newTicketSigningSeed(st, p.Stage, key))

	site := newWeb(st, p)
	origins := &[]*string{site.origin}
	*origins = append(*origins, *jsii.Strings(p.AllowedOrigins...)...)
	users := newAuth(st, p, origins)
	hostedUI := addHostedUI(users.pool, p)
	issuer, audience := jwtIssuerAndAudience(p, users)
	api := newHTTPAPI(st, p, issuer, audience, origins)
	httpFns := map[string]awslambda.IFunction{}
	for _, name := range httpapi.Functions() {
		httpFns[name] = fns[name]
	}
	addRoutes(api, httpapi.Routes(httpapi.Deps{}), httpFns)
	stage := newDefaultStage(st, api)
	newCustomDomain(st, p, api, stage)
	site.deploy(st, p, apiBaseURL(p, api), users)
	newSMSSettings(st)

	deliveryDLQ := newDeliveryDLQ(st, p.Stage, topics[notify.Reminders.ID])
	fns[httpapi.FnProfile].AddEnvironment(jsii.String(deliveryDLQEnv), deliveryDLQ.QueueArn(), nil)

	alarms := newAlarms(st, names, fns)
	alarms = append(alarms, newAPI5xxAlarm(st, api), newDeliveryDLQAlarm(st, deliveryDLQ))
	if len(app.ScheduledFunctions) > 0 {
		dlq := newScheduleDLQ(st)
		for _, s := range app.ScheduledFunctions {
			newSchedule(st, s, fns[s.Name], dlq)
			alarms = append(alarms, newNotRunAlarm(st, s, fns[s.Name]))
		}
		alarms = append(alarms, newDLQAlarm(st, dlq))
	}
	buses := newEventBuses(st, p.Stage)
	for _, e := range app.EventFunctions {
		alarms = append(alarms, newEventRule(st, e, buses[e.Bus], fns[e.Name], newEventDLQ(st, e)))
	}
	toOperators := awscloudwatchactions.NewSnsAction(operators)
	for _, a := range alarms {
		a.AddAlarmAction(toOperators)
	}

	awscdk.NewCfnOutput(st, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{
		Value: stage.Url(), Description: jsii.String("Base URL of the HTTP API"),
	})
	awscdk.NewCfnOutput(st, jsii.String("WebUrl"), &awscdk.CfnOutputProps{
		Value: site.origin, Description: jsii.String("The web cabinet (CloudFront)"),
	})
	awscdk.NewCfnOutput(st, jsii.String("HostedUIUrl"), &awscdk.CfnOutputProps{
		Value: hostedUI.BaseUrl(nil), Description: jsii.String("Cognito hosted UI where the web cabinet signs people in"),
	})
	awscdk.NewCfnOutput(st, jsii.String("TableName"), &awscdk.CfnOutputProps{
		Value: table.TableName(), Description: jsii.String("Name of the DynamoDB table"),
	})
	awscdk.NewCfnOutput(st, jsii.String("OperatorsTopicArn"), &awscdk.CfnOutputProps{
		Value: operators.TopicArn(), Description: jsii.String("SNS topic the alarms notify; subscribe operators to it"),
	})
	awscdk.NewCfnOutput(st, jsii.String("RemindersTopicArn"), &awscdk.CfnOutputProps{
		Value: topics[notify.Reminders.ID].TopicArn(), Description: jsii.String("SNS topic of the document expiry reminders"),
	})
	awscdk.NewCfnOutput(st, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{
		Value: users.pool.UserPoolId(), Description: jsii.String("Cognito user pool of Kabinet's users"),
	})
	awscdk.NewCfnOutput(st, jsii.String("UserPoolClientId"), &awscdk.CfnOutputProps{
		Value:       users.client.UserPoolClientId(),
		Description: jsii.String("App client id; its ID tokens are the API's bearer tokens (aud = this id)"),
	})
	for _, name := range busNames() {
		awscdk.NewCfnOutput(st, jsii.String(busID(name)+"Name"), &awscdk.CfnOutputProps{
			Value: buses[name].EventBusName(), Description: jsii.String("EventBridge bus " + name + " the event-driven functions read"),
		})
	}
	awscdk.NewCfnOutput(st, jsii.String("Region"), &awscdk.CfnOutputProps{
		Value: st.Region(), Description: jsii.String("Region of the stack (of the user pool and the API)"),
	})
	return st
}

// functionNames lists every function: the HTTP functions of the route table,
// then the scheduled ones, then the event-driven ones.
func functionNames() []string {
	names := httpapi.Functions()
	for _, s := range app.ScheduledFunctions {
		names = append(names, s.Name)
	}
	for _, e := range app.EventFunctions {
		names = append(names, e.Name)
	}
	return names
}

// validate refuses props that would deploy an API nobody can call or one
// open to every origin.
func (p Props) validate() error {
	switch {
	case p.Stage == "":
		return errors.New("stack: Stage is empty")
	case p.JWTIssuer != "" && p.JWTAudience == "":
		return errors.New("stack: JWTIssuer needs JWTAudience")
	case p.JWTIssuer == "" && p.JWTAudience != "":
		return errors.New("stack: JWTAudience without JWTIssuer; the user pool's tokens carry the app client id")
	case p.AssetDir == "":
		return errors.New("stack: AssetDir is empty")
	case p.WebDir == "":
		return errors.New("stack: WebDir is empty (make web builds web/dist)")
	case !validAuthDomainPrefix(p.authDomainPrefix()):
		return fmt.Errorf("stack: auth domain prefix %q: lower-case letters, digits and inner hyphens, at most 63, without aws, amazon or cognito", p.authDomainPrefix())
	case (p.DomainName == "") != (p.CertificateARN == ""):
		return errors.New("stack: DomainName and CertificateARN go together")
	}
	if u, err := url.Parse(p.VideoBaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("stack: VideoBaseURL %q is not an absolute http(s) URL", p.VideoBaseURL)
	}
	for _, o := range p.AllowedOrigins {
		if o == "" || o == "*" {
			return fmt.Errorf("stack: allowed origin %q: CORS must name its origins", o)
		}
		// The origins are also the app client's callback URLs, which
		// Cognito accepts only as https, or http on localhost.
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && u.Hostname() == "localhost") {
			return fmt.Errorf("stack: allowed origin %q is not an https URL (or http://localhost)", o)
		}
	}
	return nil
}

// validAuthDomainPrefix reports whether Cognito accepts s as a domain
// prefix: lower-case letters, digits and inner hyphens, without the
// reserved words aws, amazon and cognito.
func validAuthDomainPrefix(s string) bool {
	for _, reserved := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(s, reserved) {
			return false
		}
	}
	return authDomainPrefixRE.MatchString(s)
}

var authDomainPrefixRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// authDomainPrefix is the Cognito hosted UI's domain prefix.
func (p Props) authDomainPrefix() string {
	if p.AuthDomainPrefix != "" {
		return p.AuthDomainPrefix
	}
	return "kabinet-" + p.Stage
}

// newTableKey creates the customer-managed key the table and the topics are
// encrypted with, so access to the data can be audited and revoked through
// the key policy. (Its construct id predates the topics; renaming it would
// replace the key the table's backups need.)
//
// CloudWatch must be allowed to use the key in its key policy: an alarm
// publishing to the encrypted operators topic needs kms:GenerateDataKey* and
// kms:Decrypt, and without them the alarm's action fails silently.
func newTableKey(scope constructs.Construct) awskms.Key {
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
	}), nil)
	return key
}

// newTopics creates every topic of notify.Topics, named
// kabinet-<stage>-<Name> and encrypted with key, by topic ID.
func newTopics(scope constructs.Construct, stage string, key awskms.IKey) map[string]awssns.Topic {
	out := map[string]awssns.Topic{}
	for _, t := range notify.Topics {
		if _, dup := out[t.ID]; dup {
			panic(fmt.Sprintf("stack: topic id %q declared twice", t.ID))
		}
		if t.Name == operatorsTopic {
			panic(fmt.Sprintf("stack: topic %q takes the name of the operators topic", t.ID))
		}
		out[t.ID] = newTopic(scope, t.ID, stage, t.Name, key)
	}
	return out
}

// operatorsTopic is the name of the topic the alarms notify; no topic of
// notify.Topics may take it.
const operatorsTopic = "operators"

// newOperatorsTopic creates the topic the alarms notify. Operators subscribe
// to it out of band (e-mail subscriptions need confirming anyway).
func newOperatorsTopic(scope constructs.Construct, stage string, key awskms.IKey) awssns.Topic {
	return newTopic(scope, "OperatorsTopic", stage, operatorsTopic, key)
}

func newTopic(scope constructs.Construct, id, stage, name string, key awskms.IKey) awssns.Topic {
	return awssns.NewTopic(scope, jsii.String(id), &awssns.TopicProps{
		TopicName: jsii.String(topicName(stage, name)),
		MasterKey: key,
	})
}

// topicName is the deployed name of topic name in stage.
func topicName(stage, name string) string { return "kabinet-" + stage + "-" + name }

// grantTopics applies topicUses: each listed function gets the topic's ARN
// and exactly its access. A use naming an unknown function or topic panics.
func grantTopics(fns map[string]awslambda.Function, topics map[string]awssns.Topic) {
	for _, u := range topicUses {
		fn, ok := fns[u.function]
		if !ok {
			panic(fmt.Sprintf("stack: topic use names unknown function %q", u.function))
		}
		topic, ok := topics[u.topic.ID]
		if !ok {
			panic(fmt.Sprintf("stack: topic use names topic %q, which notify.Topics does not list", u.topic.ID))
		}
		fn.AddEnvironment(jsii.String(u.topic.Env), topic.TopicArn(), nil)
		switch u.access {
		case subscribe:
			topic.GrantSubscribe(fn)
			fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"),
				Resources: jsii.Strings(*topic.TopicArn() + ":*"),
			}))
		case publish:
			topic.GrantPublish(fn) // also grants kms:Decrypt and kms:GenerateDataKey* on the topic's key
		default:
			panic(fmt.Sprintf("stack: topic use %+v has no access", u))
		}
	}
}

// Generated ticket signing seed: ticketSeedLength characters of [A-Za-z0-9].
// All of them are base64 digits in both the standard and the URL alphabet,
// and 43 unpadded base64 digits decode to exactly the 32 bytes of an Ed25519
// seed (the last digit's two low bits are dropped), which is what
// ticket.KeyFromSeed accepts. 43 draws from 62 symbols carry about 254 bits.
const ticketSeedLength = 43

// ticketSeedEnv is the variable the booking function reads its ticket
// signing seed from (see app.ConfigFrom).
const ticketSeedEnv = "TICKET_SIGNING_SEED"

// ticketSeedSecretName is the name of the secret holding stage's ticket
// signing seed.
func ticketSeedSecretName(stage string) string { return "kabinet/" + stage + "/ticket-signing-seed" }

// newTicketSigningSeed creates the secret holding the seed of the Ed25519 key
// that signs the QR codes of booking confirmations. CloudFormation generates
// the value when it creates the secret, so it is never in the template, in
// the repository or on a deployer's machine; it is encrypted with the
// stack's key.
//
// The secret is retained and has no rotation schedule, on purpose: QR codes
// already handed out are verified with this key, so a new value would make
// every issued confirmation fail at reception. Do not add automatic rotation;
// a key change has to be planned with reception (which would have to accept
// the old and the new public key for a while).
func newTicketSigningSeed(scope constructs.Construct, stage string, key awskms.IKey) awssecretsmanager.Secret {
	return awssecretsmanager.NewSecret(scope, jsii.String("TicketSigningSeed"), &awssecretsmanager.SecretProps{
		SecretName:    jsii.String(ticketSeedSecretName(stage)),
		Description:   jsii.String("Base64 Ed25519 seed signing Kabinet booking QR codes; never rotate automatically (issued codes would stop verifying)"),
		EncryptionKey: key,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(ticketSeedLength),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
}

// configureBooking gives the booking function what only it needs: the link
// prefix of video appointments and the ticket signing seed.
//
// The seed is passed as an environment variable holding a CloudFormation
// dynamic reference ({{resolve:secretsmanager:...}}), because the function
// reads its configuration from the environment once, at init
// (app.ConfigFrom). CloudFormation resolves the reference at deploy time with
// the deployer's permissions, so the value never appears in the template and
// the function's role needs no Secrets Manager or KMS permission; the value
// is however visible to whoever may read the function's configuration, and a
// changed secret only reaches the function on its next deployment. A
// follow-up may move to reading the secret at run time (with caching), which
// would then need secret.GrantRead on the booking function alone.
func configureBooking(fns map[string]awslambda.Function, p Props, seed awssecretsmanager.ISecret) {
	fn, ok := fns[httpapi.FnBooking]
	if !ok {
		panic(fmt.Sprintf("stack: there is no %s function to sign tickets", httpapi.FnBooking))
	}
	fn.AddEnvironment(jsii.String("VIDEO_BASE_URL"), jsii.String(p.VideoBaseURL), nil)
	fn.AddEnvironment(jsii.String(ticketSeedEnv), seed.SecretValue().UnsafeUnwrap(), nil)
}

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

// newFunction creates the Lambda of function name from the binary at
// <AssetDir>/<name>/bootstrap, with its own log group so that retention is
// set without CDK's log-retention custom resource.
func newFunction(scope constructs.Construct, name string, p Props, table awsdynamodb.ITable, memoryMB, timeoutSeconds int) awslambda.Function {
	dir := filepath.Join(p.AssetDir, name)
	if _, err := os.Stat(filepath.Join(dir, "bootstrap")); err != nil {
		panic(fmt.Sprintf("stack: function %s has no binary (%v); run `make build` first", name, err))
	}
	id := constructID(name)
	logs := awslogs.NewLogGroup(scope, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return awslambda.NewFunction(scope, jsii.String(id+"Function"), &awslambda.FunctionProps{
		Description:  jsii.String(functionDescription(name, p.Stage)),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(dir), nil),
		MemorySize:   jsii.Number(memoryMB),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(timeoutSeconds)),
		Tracing:      awslambda.Tracing_ACTIVE,
		LogGroup:     logs,
		Environment: &map[string]*string{
			"TABLE_NAME": table.TableName(),
			"STAGE":      jsii.String(p.Stage),
		},
	})
}

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
// fails is retried by Lambda's own asynchronous retries and shows up in the
// function's Errors alarm.
func newSchedule(scope constructs.Construct, s app.Scheduled, fn awslambda.IFunction, dlq awssqs.IQueue) awsevents.Rule {
	if _, _, ok := notRunWindowOf(s.RateMinutes); !ok {
		panic(fmt.Sprintf("stack: scheduled function %s: rate of %d minutes is neither in (0, 720] nor whole days up to 7", s.Name, s.RateMinutes))
	}
	return awsevents.NewRule(scope, jsii.String(constructID(s.Name)+"Schedule"), &awsevents.RuleProps{
		Description: jsii.String(fmt.Sprintf("Runs the Kabinet %s function every %d minutes", s.Name, s.RateMinutes)),
		Schedule:    awsevents.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(s.RateMinutes))),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			RetryAttempts:   jsii.Number(scheduleRetryAttempts),
			MaxEventAge:     awscdk.Duration_Hours(jsii.Number(scheduleMaxEventAge)),
			DeadLetterQueue: dlq,
		})},
	})
}

// newAlarms creates, for every function, an alarm on any error and one on
// any throttle within alarmPeriod. No data means no invocations, so it is
// not breaching.
func newAlarms(scope constructs.Construct, names []string, fns map[string]awslambda.Function) []awscloudwatch.Alarm {
	var out []awscloudwatch.Alarm
	opts := &awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Sum")}
	for _, name := range names {
		fn, id := fns[name], constructID(name)
		out = append(out,
			anyAlarm(scope, id+"ErrorsAlarm", fn.MetricErrors(opts),
				fmt.Sprintf("Kabinet %s function failed at least once in %d minutes", name, alarmPeriod)),
			anyAlarm(scope, id+"ThrottlesAlarm", fn.MetricThrottles(opts),
				fmt.Sprintf("Kabinet %s function was throttled at least once in %d minutes", name, alarmPeriod)))
	}
	return out
}

// newDLQAlarm alarms as soon as a scheduled event waits in the dead-letter
// queue: a run was lost and has to be looked at (and redriven or dropped).
func newDLQAlarm(scope constructs.Construct, dlq awssqs.IQueue) awscloudwatch.Alarm {
	m := dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Maximum"),
	})
	return anyAlarm(scope, "ScheduleDLQAlarm", m, "A scheduled event could not be delivered and waits in the dead-letter queue")
}

// anyAlarm alarms when metric m is above zero in one period.
func anyAlarm(scope constructs.Construct, id string, m awscloudwatch.IMetric, description string) awscloudwatch.Alarm {
	return awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             m,
		Threshold:          jsii.Number(0),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(description),
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
func newNotRunAlarm(scope constructs.Construct, s app.Scheduled, fn awslambda.IFunction) awscloudwatch.Alarm {
	period, periods, ok := notRunWindowOf(s.RateMinutes)
	if !ok {
		panic(fmt.Sprintf("stack: scheduled function %s: no not-run alarm for a rate of %d minutes", s.Name, s.RateMinutes))
	}
	window := period * periods
	return awscloudwatch.NewAlarm(scope, jsii.String(constructID(s.Name)+"NotRunAlarm"), &awscloudwatch.AlarmProps{
		Metric: fn.MetricInvocations(&awscloudwatch.MetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(period)), Statistic: jsii.String("Sum"),
		}),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(periods),
		ComparisonOperator: awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_BREACHING,
		AlarmDescription:   jsii.String(fmt.Sprintf("Kabinet %s function has not run for %d minutes", s.Name, window)),
	})
}

// functionDescription is the description of function name's Lambda. It names
// the function in the console and lets tests find each function's resource.
func functionDescription(name, stage string) string {
	return fmt.Sprintf("Kabinet %s function (stage %s)", name, stage)
}

// constructID turns a function name such as "documents" or "due-reminders"
// into a construct id prefix such as "Documents" or "DueReminders".
func constructID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// newHTTPAPI creates the HTTP API with CORS for the configured origins and
// the JWT authorizer (trusting issuer and audience, see
// jwtIssuerAndAudience) as default, so a route is protected unless it says
// otherwise. Its default stage is added by newDefaultStage, because the
// automatically created one cannot be given throttling or access logs.
func newHTTPAPI(scope constructs.Construct, p Props, issuer, audience *string, origins *[]*string) awsapigatewayv2.HttpApi {
	auth := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("JwtAuthorizer"), issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
			JwtAudience: &[]*string{audience},
		})
	return awsapigatewayv2.NewHttpApi(scope, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String("kabinet-" + p.Stage),
		CreateDefaultStage: jsii.Bool(false),
		DefaultAuthorizer:  auth,
		CorsPreflight: &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins:  origins,
			AllowMethods:  &corsMethods,
			AllowHeaders:  jsii.Strings(corsAllowHeaders...),
			ExposeHeaders: jsii.Strings(corsExposeHeaders...),
			MaxAge:        awscdk.Duration_Hours(jsii.Number(1)),
		},
	})
}

// apiBaseURL is the API's URL as clients call it, without a trailing slash:
// the custom domain if there is one, else the default endpoint.
func apiBaseURL(p Props, api awsapigatewayv2.HttpApi) *string {
	if p.DomainName != "" {
		return jsii.String("https://" + p.DomainName)
	}
	return api.ApiEndpoint()
}

// addRoutes adds every route of the route table to api, each integrated with
// its function. Integrations are created once per function and shared by
// its routes; public routes opt out of the default JWT authorizer.
func addRoutes(api awsapigatewayv2.HttpApi, routes []httpapi.Route, fns map[string]awslambda.IFunction) {
	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, r := range routes {
		fn, ok := fns[r.Function]
		if !ok {
			panic(fmt.Sprintf("stack: route %q names unknown function %q", r.Pattern, r.Function))
		}
		in, ok := integrations[r.Function]
		if !ok {
			in = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(constructID(r.Function)+"Integration"), fn, nil)
			integrations[r.Function] = in
		}
		method, path := routeKey(r)
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(method)},
			Integration: in,
		}
		if r.Public {
			opts.Authorizer = awsapigatewayv2.NewHttpNoneAuthorizer()
		}
		api.AddRoutes(opts)
	}
}

// routeKey translates a route's Go ServeMux pattern into API Gateway's method
// and path. The two share {param}; a trailing wildcard {name...} becomes
// {name+}. Patterns API Gateway cannot express (no method, {$}, subtree
// paths ending in "/") panic, so a route is never deployed with a meaning
// different from the one the local server gives it.
func routeKey(r httpapi.Route) (method, path string) {
	method, path = r.Method(), r.Path()
	switch {
	case path == "" || !strings.HasPrefix(path, "/"):
		panic(fmt.Sprintf("stack: route %q: pattern needs a method and a path starting with /", r.Pattern))
	case strings.Contains(path, "{$}"):
		panic(fmt.Sprintf("stack: route %q: {$} has no API Gateway equivalent", r.Pattern))
	case path != "/" && strings.HasSuffix(path, "/"):
		panic(fmt.Sprintf("stack: route %q: subtree patterns have no API Gateway equivalent; use {name...}", r.Pattern))
	}
	if i := strings.LastIndex(path, "...}"); i >= 0 {
		path = path[:i] + "+}" + path[i+len("...}"):]
	}
	return method, path
}

// newDefaultStage adds the $default stage with throttling and JSON access
// logs. HttpApi's own default stage takes no options, so it is turned off in
// newHTTPAPI and this one is added with the L2 stage options instead.
func newDefaultStage(scope constructs.Construct, api awsapigatewayv2.HttpApi) awsapigatewayv2.HttpStage {
	logs := awslogs.NewLogGroup(scope, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return api.AddStage(jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageOptions{
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(throttleRate),
			BurstLimit: jsii.Number(throttleBurst),
		},
		AccessLogSettings: &accessLogSettings{
			destination: awsapigatewayv2.NewLogGroupLogDestination(logs),
			format:      awsapigateway.AccessLogFormat_Custom(jsii.String(accessLogFormat())),
		},
	})
}

// accessLogSettings implements the jsii interface IAccessLogSettings, which
// the Go bindings offer no struct for.
type accessLogSettings struct {
	destination awsapigatewayv2.IAccessLogDestination
	format      awsapigateway.AccessLogFormat
}

// Destination is where the stage writes its access logs.
func (s *accessLogSettings) Destination() awsapigatewayv2.IAccessLogDestination {
	return s.destination
}

// Format is the access log line format.
func (s *accessLogSettings) Format() awsapigateway.AccessLogFormat { return s.format }

// accessLogFormat is the JSON line API Gateway writes per request. It carries
// the request id the functions echo as X-Request-Id, so a client's report
// leads to the access log and the function's log alike.
func accessLogFormat() string {
	b, err := json.Marshal(map[string]string{
		"requestId":          "$context.requestId",
		"requestTime":        "$context.requestTime",
		"ip":                 "$context.identity.sourceIp",
		"userAgent":          "$context.identity.userAgent",
		"routeKey":           "$context.routeKey",
		"method":             "$context.httpMethod",
		"path":               "$context.path",
		"protocol":           "$context.protocol",
		"status":             "$context.status",
		"responseLength":     "$context.responseLength",
		"responseLatency":    "$context.responseLatency",
		"integrationLatency": "$context.integrationLatency",
		"integrationError":   "$context.integrationErrorMessage",
		"authorizerError":    "$context.authorizer.error",
		"sub":                "$context.authorizer.claims.sub",
	})
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
}
