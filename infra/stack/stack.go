// Package stack is Kabinet's AWS infrastructure as one CDK stack: the
// DynamoDB table, the SNS topics, the Cognito user pool, one Lambda per
// function, the HTTP API in front of the HTTP functions, the schedules of
// the scheduled ones, the event buses and rules of the event-driven ones,
// and the alarms watching them. The table's shape comes from store.Schema,
// the topics from notify.Topics, and the functions — their routes,
// schedules, event rules, sizes and grants — from functions.All, so nothing
// the application already declares is declared a second time here.
//
// Files by use case: table.go (the table and its key), topics.go (topics and
// who may use them), functions.go (the Lambdas and their grants), api.go
// (the HTTP API), schedules.go and events.go (the other triggers),
// tickets.go (the ticket signing seed), secrets.go (the secrets the
// functions read at start), iam.go (least privilege), alarms.go, ops.go, cognito.go,
// web.go.
package stack

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/notify"
)

// Props configure one deployment (stage) of Kabinet. Everything that differs
// between stages is here, so the stack itself has no stage-specific branches.
type Props struct {
	awscdk.StackProps
	// Stage names the deployment (dev, prod, ...); functions read it as STAGE.
	Stage string
	// AgencyAccounts maps an issuing party of the issuer table
	// (issuers.Default: mvd, gibdd, ...) to the AWS account it puts its
	// events from. The agencies bus lets each account put events with its
	// own source gov.agency.<party> only; a party without an account puts
	// nothing.
	AgencyAccounts map[string]string
	// LabAccounts maps a laboratory (issuers.Laboratories: invitro, helix,
	// ...) to the AWS account it sends results from. That account may put
	// events on the agencies bus with its own source gov.lab.<lab> only,
	// and write objects under staging/<lab>/ of the files bucket only; a
	// laboratory without an account sends nothing.
	LabAccounts map[string]string
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
	// WebACLArn is the ARN of the edge stack's WAF web ACL (NewEdge:
	// CloudFront's web ACLs live in us-east-1), attached to the
	// distribution serving the web cabinet and the API. Required.
	WebACLArn string
	// TrustAnchorsPEM is the PEM bundle of CA certificates detached
	// signatures on files must chain to, of any size: the stack puts it in
	// the files bucket at functions.TrustAnchorsKey, which the documents
	// and ingest functions read; empty: nothing is put there (an operator
	// may put a bundle there later), and signatures answer 503 until one is.
	TrustAnchorsPEM string
}

// New builds the Kabinet stack in scope: the table from store.Schema, the
// topics from notify.Topics, the user pool, one Lambda per entry of
// functions.All with its size and grants, the API serving the HTTP
// functions' routes (trusting the user pool unless p names another issuer),
// the schedules, the event buses and rules, and the alarms. It panics on
// invalid props, as CDK constructs do, so a bad configuration fails at synth
// rather than at deploy.
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
	for _, f := range functions.All {
		if _, dup := fns[f.Name]; dup {
			panic(fmt.Sprintf("stack: function %q is declared twice", f.Name))
		}
		fns[f.Name] = newFunction(st, f, p, table)
	}
	grantTable(fns, table, key)
	grantTopics(fns, topics)
	configureVideoLinks(fns, p)
	secrets := stackSecrets{ticket: newTicketSigningSeed(st, p.Stage, key), cursor: newCursorKey(st, p.Stage, key),
		origin: newOriginSecret(st, p.Stage, key), pdf: newPDFSigning(st, p, key)}
	giveSecrets(fns, key, secrets)
	jobs := newJobQueues(st, p.Stage)
	wireJobQueues(st, fns, jobs)

	site := newWeb(st, p)
	origins := &[]*string{site.origin}
	*origins = append(*origins, *jsii.Strings(p.AllowedOrigins...)...)
	files := newFiles(st, p, origins, fns)
	users := newAuth(st, p, origins)
	hostedUI := addHostedUI(users.pool, p)
	issuer, audience := jwtIssuerAndAudience(p, users)
	// The web cabinet calls the API on its own origin (CloudFront, waf.go),
	// so CORS admits only the other origins (a developer's localhost); the
	// distribution's own would make a cycle (it names the API).
	api := newHTTPAPI(st, p, issuer, audience, jsii.Strings(p.AllowedOrigins...))
	httpFns := map[string]awslambda.IFunction{}
	for _, f := range functions.HTTP() {
		httpFns[f.Name] = fns[f.Name]
	}
	addRoutes(api, functions.Routes(), httpFns)
	stage := newDefaultStage(st, api)
	newCustomDomain(st, p, api, stage)
	site.serveAPI(st, api, functions.Routes(), secrets.origin)
	site.deploy(st, p, jsii.String(""), users)
	newSMSSettings(st)

	deliveryDLQ := newDeliveryDLQ(st, p.Stage, topics[notify.Reminders.ID])
	giveDeliveryDLQ(fns, deliveryDLQ)

	alarms := newAlarms(st, functions.Names(), fns)
	alarms = append(alarms, newAPI5xxAlarm(st, api), newDeliveryDLQAlarm(st, deliveryDLQ))
	alarms = append(alarms, newJobQueueAlarms(st, jobs)...)
	alarms = append(alarms, files.scanAlarm)
	if scheduled := functions.Scheduled(); len(scheduled) > 0 {
		dlq := newScheduleDLQ(st)
		for _, f := range scheduled {
			newSchedule(st, f, fns[f.Name], dlq)
			recordFailedRuns(fns[f.Name], dlq)
			alarms = append(alarms, newNotRunAlarm(st, f, fns[f.Name]))
		}
		alarms = append(alarms, newDLQAlarm(st, dlq))
	}
	buses := newEventBuses(st, p.Stage)
	if bus, ok := buses[agenciesBus]; ok {
		agencyBusPolicy(st, bus, p.AgencyAccounts)
		labBusPolicy(st, bus, p.LabAccounts)
	}
	for _, f := range functions.EventDriven() {
		alarms = append(alarms, newEventRule(st, f, buses[f.Events.Bus], fns[f.Name], newEventDLQ(st, f)))
	}
	for _, f := range functions.StreamFed() {
		alarms = append(alarms, newStreamMapping(st, p.Stage, f, table, fns[f.Name]))
	}
	ops := newOpsAlarms(st)
	alarms = append(alarms, ops.all()...)
	newDashboard(st, p.Stage, dashboardParts{api: api, table: table, fns: fns, topics: sortedTopics(topics), jobs: jobs, ops: ops, alarms: alarms})
	toOperators := awscloudwatchactions.NewSnsAction(operators)
	for _, a := range alarms {
		a.AddAlarmAction(toOperators)
	}

	suppressNag(st)

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
	case p.WebACLArn == "":
		return errors.New("stack: WebACLArn is empty (NewEdge makes the web ACL in us-east-1)")
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
