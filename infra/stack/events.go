package stack

import (
	"fmt"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/issuers"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// Delivery of bus events to their function, in two stages, each retried
// twice for at most an hour: EventBridge's delivery to Lambda (throttling, a
// missing permission), then Lambda's asynchronous invocation (the function
// returned an error). An event that still fails waits in the function's
// dead-letter queue for dlqRetentionDays.
const (
	eventRetryAttempts = 2
	eventMaxEventAge   = 1 // hours
)

// busPrefix starts every bus name of functions.All; the deployed name
// puts the stage after it, as topic names do: kabinet-agencies is deployed
// as kabinet-<stage>-agencies.
const busPrefix = "kabinet-"

// busName is the deployed name of bus (a functions.Events's Bus) in stage.
func busName(stage, bus string) string {
	rest, ok := strings.CutPrefix(bus, busPrefix)
	if !ok || rest == "" {
		panic(fmt.Sprintf("stack: event bus %q does not start with %q", bus, busPrefix))
	}
	return topicName(stage, rest)
}

// busNames lists the buses the event-driven functions name, each once, in
// order.
func busNames() []string {
	var out []string
	for _, f := range functions.EventDriven() {
		if !slices.Contains(out, f.Events.Bus) {
			out = append(out, f.Events.Bus)
		}
	}
	return out
}

// busID is the construct id of bus: kabinet-agencies is AgenciesBus.
func busID(bus string) string { return constructID(strings.TrimPrefix(bus, busPrefix)) + "Bus" }

// newEventBuses creates every bus of busNames, by its app name.
func newEventBuses(scope constructs.Construct, stage string) map[string]awsevents.EventBus {
	out := map[string]awsevents.EventBus{}
	for _, name := range busNames() {
		out[name] = awsevents.NewEventBus(scope, jsii.String(busID(name)), &awsevents.EventBusProps{
			EventBusName: jsii.String(busName(stage, name)),
			Description:  jsii.String("Kabinet event bus " + name + " (stage " + stage + ")"),
		})
	}
	return out
}

// newEventDLQ creates the queue keeping the events function e could not
// handle: those EventBridge could not deliver and those the function still
// failed on after Lambda's retries (with the error, as an on-failure
// destination record). Encrypted with an SQS-managed key, which EventBridge
// and Lambda may use without a key policy.
func newEventDLQ(scope constructs.Construct, e functions.Function) awssqs.Queue {
	return awssqs.NewQueue(scope, jsii.String(constructID(e.Name)+"DLQ"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(dlqRetentionDays)),
	})
}

// sourcePattern matches an event whose source starts with one of prefixes.
func sourcePattern(prefixes []string) *[]*string {
	switch len(prefixes) {
	case 0:
		return nil
	case 1:
		return awsevents.Match_Prefix(jsii.String(prefixes[0]))
	}
	var ms []any
	for _, p := range prefixes {
		ms = append(ms, awsevents.Match_Prefix(jsii.String(p)))
	}
	return awsevents.Match_AnyOf(ms...)
}

// newEventRule routes the events of e's bus matching each of its rules
// (its sources with its detail types) to fn, one EventBridge rule each, and
// sets fn's asynchronous invocation to retry and then park failed events in
// dlq. It returns the alarm on dlq.
func newEventRule(scope constructs.Construct, f functions.Function, bus awsevents.IEventBus, fn awslambda.Function, dlq awssqs.IQueue) awscloudwatch.Alarm {
	if f.Events == nil || len(f.Events.Rules) == 0 {
		panic(fmt.Sprintf("stack: function %s has no event rule", f.Name))
	}
	id := constructID(f.Name)
	for _, r := range f.Events.Rules {
		if len(r.DetailTypes) == 0 || len(r.Sources) == 0 || r.Name == "" {
			panic(fmt.Sprintf("stack: event rule %q of %s needs a name, sources and detail types", r.Name, f.Name))
		}
		awsevents.NewRule(scope, jsii.String(id+constructID(r.Name)+"Rule"), &awsevents.RuleProps{
			Description: jsii.String(fmt.Sprintf("Sends %s events from %s to the Kabinet %s function",
				strings.Join(r.DetailTypes, ", "), strings.Join(r.Sources, ", "), f.Name)),
			EventBus: bus,
			EventPattern: &awsevents.EventPattern{
				Source:     sourcePattern(r.Sources),
				DetailType: jsii.Strings(r.DetailTypes...),
			},
			Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
				RetryAttempts:   jsii.Number(eventRetryAttempts),
				MaxEventAge:     awscdk.Duration_Hours(jsii.Number(eventMaxEventAge)),
				DeadLetterQueue: dlq,
			})},
		})
	}
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(eventRetryAttempts),
		MaxEventAge:   awscdk.Duration_Hours(jsii.Number(eventMaxEventAge)),
		OnFailure:     awslambdadestinations.NewSqsDestination(dlq),
	})
	m := dlq.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(alarmPeriod)), Statistic: jsii.String("Maximum"),
	})
	return anyAlarm(scope, id+"DLQAlarm", m,
		fmt.Sprintf("An event for the Kabinet %s function failed and waits in its dead-letter queue", f.Name))
}

// agenciesBus is the bus the agencies and laboratories put their events
// on (functions.All).
const agenciesBus = functions.AgenciesBus

// agencyBusPolicy lets each agency account put events on the agencies bus
// only with its own source: an events:source condition, so that an agency
// cannot speak as another (ingest then decides, by the issuer table, what
// that source may issue or revoke). Parties are taken in the issuer
// table's order; an account not for a party of the table is refused at
// synth, a party without an account gets no statement.
func agencyBusPolicy(scope constructs.Construct, bus awsevents.EventBus, accounts map[string]string) {
	for party := range accounts {
		if !slices.Contains(issuers.Default.Parties(), party) {
			panic(fmt.Sprintf("stack: agency account given for %q, which is not a party of the issuer table", party))
		}
	}
	for _, party := range issuers.Default.Parties() {
		account, ok := accounts[party]
		if !ok {
			continue
		}
		awsevents.NewCfnEventBusPolicy(scope, jsii.String(constructID(party)+"AgencyPutEvents"), &awsevents.CfnEventBusPolicyProps{
			EventBusName: bus.EventBusName(),
			StatementId:  jsii.String("agency-" + party),
			Statement: map[string]any{
				"Sid":       "agency-" + party,
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": "arn:aws:iam::" + account + ":root"},
				"Action":    "events:PutEvents",
				"Resource":  bus.EventBusArn(),
				"Condition": map[string]any{"StringEquals": map[string]any{"events:source": ingest.SourcePrefix + party}},
			},
		})
	}
}

// labBusPolicy lets each laboratory's account put events on the agencies
// bus only with its own source gov.lab.<lab>, as agencyBusPolicy does for
// agencies: a laboratory cannot speak as another, nor as an agency.
// Laboratories are taken in issuers.Laboratories's order; an account for a
// laboratory not listed there is refused at synth.
func labBusPolicy(scope constructs.Construct, bus awsevents.EventBus, accounts map[string]string) {
	for _, lab := range labsWithAccounts(accounts) {
		awsevents.NewCfnEventBusPolicy(scope, jsii.String(constructID(lab)+"LabPutEvents"), &awsevents.CfnEventBusPolicyProps{
			EventBusName: bus.EventBusName(),
			StatementId:  jsii.String("lab-" + lab),
			Statement: map[string]any{
				"Sid":       "lab-" + lab,
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": "arn:aws:iam::" + accounts[lab] + ":root"},
				"Action":    "events:PutEvents",
				"Resource":  bus.EventBusArn(),
				"Condition": map[string]any{"StringEquals": map[string]any{"events:source": ingest.LabSourcePrefix + lab}},
			},
		})
	}
}

// labsWithAccounts lists the laboratories of accounts in
// issuers.Laboratories's order, and panics on one not listed there.
func labsWithAccounts(accounts map[string]string) []string {
	for lab := range accounts {
		if !issuers.IsLaboratory(lab) {
			panic(fmt.Sprintf("stack: laboratory account given for %q, which is not in issuers.Laboratories", lab))
		}
	}
	var out []string
	for _, lab := range issuers.Laboratories {
		if _, ok := accounts[lab]; ok {
			out = append(out, lab)
		}
	}
	return out
}
