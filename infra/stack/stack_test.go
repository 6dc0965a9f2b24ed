package stack

import (
	"encoding/json"
	"fmt"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
)

// obj and arr keep the matcher literals short.
type (
	obj = map[string]any
	arr = []any
)

// testProps differ from main's defaults, so a test passing proves the props
// reach the template rather than a default doing so.
// The main test stack trusts its own user pool (no JWTIssuer); the
// external-issuer stack of TestExternalIssuer sets one.
var testProps = Props{
	Stage:          "test",
	AllowedOrigins: []string{"https://app.example.test", "http://localhost:3000"},
	VideoBaseURL:   "https://video.example.test/room",
	AgencyAccounts: map[string]string{"mvd": "111111111111", "gibdd": "222222222222"},
	// The edge stack's web ACL; TestEdge builds the two stacks together.
	WebACLArn:   testWebACLArn,
	LabAccounts: map[string]string{"invitro": "333333333333", "helix": "444444444444"},
	// A bundle of several CAs, larger than Lambda's 4 KB of environment.
	TrustAnchorsPEM: testAnchorsPEM(5),
}

const testWebACLArn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/kabinet-test/00000000-0000-0000-0000-000000000000"

// The stack is synthesized once for the whole package: a synth costs seconds.
var (
	synthOnce sync.Once
	synthErr  error
	tpl       assertions.Template
	tplJSON   obj
	assetDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if assetDir != "" {
		os.RemoveAll(assetDir)
	}
	jsii.Close()
	os.Exit(code)
}

// synth returns the template of the stack built from testProps, with dummy
// bootstrap files standing in for `make build`.
func synth(t *testing.T) (assertions.Template, obj) {
	t.Helper()
	synthOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				synthErr = fmt.Errorf("synth panicked: %v", r)
			}
		}()
		dir, err := os.MkdirTemp("", "kabinet-infra-assets-")
		if err != nil {
			synthErr = err
			return
		}
		assetDir = dir
		for _, name := range allFunctions() {
			if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
				synthErr = err
				return
			}
			if err := os.WriteFile(filepath.Join(dir, name, "bootstrap"), []byte("dummy "+name), 0o755); err != nil {
				synthErr = err
				return
			}
		}
		webDir := filepath.Join(dir, "web")
		if err := os.MkdirAll(filepath.Join(webDir, "assets"), 0o755); err != nil {
			synthErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(webDir, "index.html"), []byte("<!doctype html>"), 0o644); err != nil {
			synthErr = err
			return
		}
		ctx, err := cdkContext()
		if err != nil {
			synthErr = err
			return
		}
		p := testProps
		p.AssetDir = dir
		p.WebDir = webDir
		st := New(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}), "Kabinet-test", p)
		tpl = assertions.Template_FromStack(st, nil)
		raw, err := json.Marshal(tpl.ToJSON())
		if err == nil {
			err = json.Unmarshal(raw, &tplJSON)
		}
		synthErr = err
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return tpl, tplJSON
}

// cdkContext reads the context of the root cdk.json, so the tests see the
// same feature flags as `cdk synth`.
func cdkContext() (obj, error) {
	b, err := os.ReadFile(filepath.Join("..", "..", "cdk.json"))
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Context obj `json:"context"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("cdk.json: %w", err)
	}
	return cfg.Context, nil
}

// check runs a CDK assertion, which panics on mismatch, as a test error.
func check(t *testing.T, assertion func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%v", r)
		}
	}()
	assertion()
}

// resources returns the template's resources of type typ by logical id.
func resources(tj obj, typ string) map[string]obj {
	out := map[string]obj{}
	for id, r := range tj["Resources"].(obj) {
		if r := r.(obj); r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

// onlyID returns the logical id of the one resource of type typ.
func onlyID(t *testing.T, tj obj, typ string) string {
	t.Helper()
	rs := resources(tj, typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(rs))
	}
	for id := range rs {
		return id
	}
	return ""
}

// idWithPrefix returns the logical id of the one resource of type typ whose
// id starts with prefix (its construct id).
func idWithPrefix(t *testing.T, tj obj, typ, prefix string) string {
	t.Helper()
	var found []string
	for id := range resources(tj, typ) {
		if strings.HasPrefix(id, prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s with id %s*, got %v", typ, prefix, found)
	}
	return found[0]
}

func props(r obj) obj { p, _ := r["Properties"].(obj); return p }

// allFunctions lists every function name of functions.All.
func allFunctions() []string { return functions.Names() }

// entry is the table's entry of function name.
func entry(t *testing.T, name string) functions.Function {
	t.Helper()
	f, ok := functions.Get(name)
	if !ok {
		t.Fatalf("no function %q in functions.All", name)
	}
	return f
}

// functionsWith lists the functions whose entry satisfies has.
func functionsWith(has func(functions.Function) bool) []string {
	var out []string
	for _, f := range functions.All {
		if has(f) {
			out = append(out, f.Name)
		}
	}
	return out
}

// functionIDs maps each function name to the logical id of its Lambda.
func functionIDs(t *testing.T, tj obj) map[string]string {
	t.Helper()
	out := map[string]string{}
	fns := resources(tj, "AWS::Lambda::Function")
	for _, name := range allFunctions() {
		for id, r := range fns {
			if props(r)["Description"] == functionDescription(name, testProps.Stage) {
				out[name] = id
			}
		}
		if out[name] == "" {
			t.Fatalf("no Lambda for function %q", name)
		}
	}
	return out
}

type assertCase struct {
	name  string
	check func(t *testing.T)
}

func run(t *testing.T, cases []assertCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, c.check)
	}
}

func keySchema(pk, sk string) arr {
	return arr{obj{"AttributeName": pk, "KeyType": "HASH"}, obj{"AttributeName": sk, "KeyType": "RANGE"}}
}

// GIVEN the stack WHEN its table is inspected THEN it is store.Schema,
// encrypted with the stack's key and protected against loss.
func TestTable(t *testing.T) {
	tp, tj := synth(t)
	const typ = "AWS::DynamoDB::Table"
	keyID := idWithPrefix(t, tj, "AWS::KMS::Key", "TableKey")
	has := func(p obj) func(t *testing.T) {
		return func(t *testing.T) { check(t, func() { tp.HasResourceProperties(jsii.String(typ), p) }) }
	}
	cases := []assertCase{
		{"exactly one table", func(t *testing.T) { check(t, func() { tp.ResourceCountIs(jsii.String(typ), jsii.Number(1)) }) }},
		{"key schema is store.Schema's", has(obj{"KeySchema": keySchema(store.Schema.PK, store.Schema.SK)})},
		{"TTL on store.Schema.TTLAttribute", has(obj{"TimeToLiveSpecification": obj{"AttributeName": store.Schema.TTLAttribute, "Enabled": true}})},
		{"on-demand billing", has(obj{"BillingMode": "PAY_PER_REQUEST"})},
		{"point-in-time recovery on", has(obj{"PointInTimeRecoverySpecification": obj{"PointInTimeRecoveryEnabled": true}})},
		{"SSE with the stack's KMS key", has(obj{"SSESpecification": obj{
			"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": obj{"Fn::GetAtt": arr{keyID, "Arn"}},
		}})},
		{"deletion protection on", has(obj{"DeletionProtectionEnabled": true})},
		{"retained on delete and replace", func(t *testing.T) {
			check(t, func() {
				tp.HasResource(jsii.String(typ), obj{"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
			})
		}},
		{"as many GSIs as store.Schema.Indexes", func(t *testing.T) {
			for _, r := range resources(tj, typ) {
				if got := len(props(r)["GlobalSecondaryIndexes"].([]any)); got != len(store.Schema.Indexes) {
					t.Errorf("GSIs: got %d, want %d", got, len(store.Schema.Indexes))
				}
			}
		}},
	}
	for _, a := range store.Schema.AttributeNames() {
		cases = append(cases, assertCase{"attribute " + a + " is a string",
			has(obj{"AttributeDefinitions": assertions.Match_ArrayWith(&arr{obj{"AttributeName": a, "AttributeType": "S"}})})})
	}
	for _, ix := range store.Schema.Indexes {
		cases = append(cases, assertCase{"GSI " + ix.Name,
			has(obj{"GlobalSecondaryIndexes": assertions.Match_ArrayWith(&arr{obj{
				"IndexName":  ix.Name,
				"KeySchema":  keySchema(ix.PK, ix.SK),
				"Projection": obj{"ProjectionType": "ALL"},
			}})})})
	}
	run(t, cases)
}

// GIVEN the stack WHEN its KMS key is inspected THEN it rotates and outlives
// the stack (the table's backups need it).
func TestKey(t *testing.T) {
	tp, _ := synth(t)
	const typ = "AWS::KMS::Key"
	run(t, []assertCase{
		{"two keys: the table's and the files bucket's", func(t *testing.T) { check(t, func() { tp.ResourceCountIs(jsii.String(typ), jsii.Number(2)) }) }},
		{"rotation on", func(t *testing.T) {
			check(t, func() { tp.HasResourceProperties(jsii.String(typ), obj{"EnableKeyRotation": true}) })
		}},
		{"retained", func(t *testing.T) {
			check(t, func() { tp.HasResource(jsii.String(typ), obj{"DeletionPolicy": "Retain"}) })
		}},
	})
}

// GIVEN the stack WHEN its Lambdas are inspected THEN there is one per
// entry of functions.All, each an arm64 custom-runtime Go binary with
// tracing, the table's name, the memory and timeout of its entry (and no
// reserved concurrency) and a log group with retention.
func TestFunctions(t *testing.T) {
	tp, tj := synth(t)
	const typ = "AWS::Lambda::Function"
	tableID := onlyID(t, tj, "AWS::DynamoDB::Table")
	cases := []assertCase{
		{"one per HTTP, scheduled and event-driven function, the SMS settings provider and the web deployment", func(t *testing.T) {
			check(t, func() {
				// +1: AwsCustomResource's function, +1: BucketDeployment's
				tp.ResourceCountIs(jsii.String(typ), jsii.Number(len(allFunctions())+2))
			})
		}},
	}
	ids := functionIDs(t, tj)
	for _, name := range allFunctions() {
		cases = append(cases, assertCase{name, func(t *testing.T) {
			f := entry(t, name)
			memory, timeout := f.MemoryMB, int(f.Timeout.Seconds())
			check(t, func() {
				tp.HasResourceProperties(jsii.String(typ), obj{
					"Description":                  functionDescription(name, testProps.Stage),
					"Runtime":                      "provided.al2023",
					"Architectures":                arr{"arm64"},
					"Handler":                      "bootstrap",
					"MemorySize":                   memory,
					"Timeout":                      timeout,
					"TracingConfig":                obj{"Mode": "Active"},
					"ReservedConcurrentExecutions": assertions.Match_Absent(),
					"Environment": obj{"Variables": obj{
						"TABLE_NAME": obj{"Ref": tableID},
						"STAGE":      testProps.Stage,
					}},
				})
			})
			fn := props(resources(tj, typ)[ids[name]])
			logGroup, _ := fn["LoggingConfig"].(obj)["LogGroup"].(obj)["Ref"].(string)
			lg, ok := resources(tj, "AWS::Logs::LogGroup")[logGroup]
			if !ok {
				t.Fatalf("LoggingConfig.LogGroup %v is not a log group of the stack", fn["LoggingConfig"])
			}
			if got := props(lg)["RetentionInDays"]; got != float64(30) {
				t.Errorf("log retention: got %v days, want 30", got)
			}
		}})
	}
	run(t, cases)
}

// GIVEN the stack WHEN its IAM is inspected THEN each function has its own
// role, the user pool one for sending SMS, and no policy (attached or
// inline) grants wildcard actions or, except for X-Ray (which has no
// resource-level permissions), the SMS role's sns:Publish and the SMS
// settings custom resource's sns:SetSMSAttributes, wildcard resources.
func TestIAM(t *testing.T) {
	tp, tj := synth(t)
	run(t, []assertCase{
		{"one role per function, the user pool's SMS role, the SMS settings provider's, the web deployment's and GuardDuty's", func(t *testing.T) {
			check(t, func() {
				// +1: the SMS role, +1: the SMS settings custom resource's
				// function, +1: the web BucketDeployment's function, +1:
				// the role GuardDuty Malware Protection assumes
				tp.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(len(allFunctions())+4))
			})
		}},
		{"roles are for Lambda only, but the SMS role and GuardDuty's", func(t *testing.T) {
			sms := smsRoleID(t, tj)
			guardDuty := idWithPrefix(t, tj, "AWS::IAM::Role", "MalwareProtectionRole")
			for id, r := range resources(tj, "AWS::IAM::Role") {
				if id == sms || id == guardDuty {
					continue
				}
				doc, _ := json.Marshal(props(r)["AssumeRolePolicyDocument"])
				if !strings.Contains(string(doc), `"Service":"lambda.amazonaws.com"`) || strings.Count(string(doc), `"Service"`) != 1 {
					t.Errorf("role %s: assume-role policy %s", id, doc)
				}
			}
		}},
		{"no wildcard actions or resources", func(t *testing.T) {
			policies := resources(tj, "AWS::IAM::Policy")
			if len(policies) == 0 {
				t.Fatal("no IAM policies")
			}
			for id, p := range policies {
				for _, s := range statements(p) {
					// sns:SetSMSAttributes (the SMS settings custom
					// resource) has no resource-level permissions: it can
					// only be allowed on "*". Allowed for that policy and
					// that action alone.
					if strings.HasPrefix(id, "SmsSettingsCustomResourcePolicy") &&
						mustJSON(actions(s)) == `["sns:SetSMSAttributes"]` && s["Resource"] == "*" {
						continue
					}
					checkStatement(t, id, s)
				}
			}
			sms := smsRoleID(t, tj)
			for id, r := range resources(tj, "AWS::IAM::Role") {
				for _, p := range list(props(r)["Policies"]) {
					for _, s := range list(p.(obj)["PolicyDocument"].(obj)["Statement"]) {
						// Cognito sends SMS by publishing straight to phone
						// numbers, which have no ARN: its role needs
						// sns:Publish on "*". Allowed for that role and that
						// action alone.
						if id == sms && mustJSON(actions(s.(obj))) == `["sns:Publish"]` && s.(obj)["Resource"] == "*" {
							continue
						}
						checkStatement(t, id, s.(obj))
					}
				}
			}
		}},
		{"the SMS role is for Cognito only, with an external id", func(t *testing.T) {
			doc := props(resources(tj, "AWS::IAM::Role")[smsRoleID(t, tj)])["AssumeRolePolicyDocument"]
			got := mustJSON(doc)
			if strings.Count(got, `"Service"`) != 1 || !strings.Contains(got, `"sts:ExternalId"`) {
				t.Errorf("SMS role assume-role policy %s", got)
			}
		}},
	})
}

func policies(tj obj) map[string]obj { return resources(tj, "AWS::IAM::Policy") }

// smsRoleID returns the logical id of the role the user pool sends SMS with.
func smsRoleID(t *testing.T, tj obj) string {
	t.Helper()
	pool := props(resources(tj, "AWS::Cognito::UserPool")[onlyID(t, tj, "AWS::Cognito::UserPool")])
	arn, _ := pool["SmsConfiguration"].(obj)["SnsCallerArn"].(obj)["Fn::GetAtt"].([]any)
	if len(arn) != 2 {
		t.Fatalf("user pool SmsConfiguration %s", mustJSON(pool["SmsConfiguration"]))
	}
	return arn[0].(string)
}

// scheduleDLQ returns the logical id of the scheduled functions' queue.
func scheduleDLQ(t *testing.T, tj obj) string {
	t.Helper()
	for id := range resources(tj, "AWS::SQS::Queue") {
		if strings.HasPrefix(id, "ScheduleDLQ") {
			return id
		}
	}
	t.Fatal("no ScheduleDLQ queue")
	return ""
}

func statements(policy obj) []obj {
	var out []obj
	for _, s := range list(props(policy)["PolicyDocument"].(obj)["Statement"]) {
		out = append(out, s.(obj))
	}
	return out
}

// list reads a policy field that is either one value or a list.
func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func actions(s obj) []string {
	var out []string
	for _, a := range list(s["Action"]) {
		out = append(out, fmt.Sprint(a))
	}
	return out
}

// checkStatement fails on an allow-everything action (*, *:*, service:*),
// on NotAction/NotResource (which invert an allow list), and on Resource "*"
// for anything but X-Ray.
func checkStatement(t *testing.T, policy string, s obj) {
	t.Helper()
	for _, k := range []string{"NotAction", "NotResource"} {
		if _, ok := s[k]; ok {
			t.Errorf("policy %s: statement uses %s: %v", policy, k, s)
		}
	}
	onlyXRay := true
	for _, a := range actions(s) {
		if a == "*" || strings.HasSuffix(a, ":*") {
			t.Errorf("policy %s: wildcard action %q", policy, a)
		}
		onlyXRay = onlyXRay && strings.HasPrefix(a, "xray:")
	}
	for _, r := range list(s["Resource"]) {
		if r == "*" && !onlyXRay {
			t.Errorf("policy %s: Resource \"*\" for %v", policy, actions(s))
		}
	}
}

// functionPolicy returns the statements of the IAM policies attached to the
// role of the Lambda with logical id fnID.
func functionPolicy(t *testing.T, tj obj, fnID string) []obj {
	t.Helper()
	role, _ := props(resources(tj, "AWS::Lambda::Function")[fnID])["Role"].(obj)["Fn::GetAtt"].([]any)[0].(string)
	var out []obj
	for _, p := range policies(tj) {
		for _, r := range list(props(p)["Roles"]) {
			if ref, _ := r.(obj)["Ref"].(string); ref == role {
				out = append(out, statements(p)...)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no policy statements for the role %q of %s", role, fnID)
	}
	return out
}

// granted reports whether some statement allows action on exactly resource.
func granted(stmts []obj, action string, resource any) bool {
	want, _ := json.Marshal(resource)
	for _, s := range stmts {
		if s["Effect"] != "Allow" || !slices.Contains(actions(s), action) {
			continue
		}
		for _, r := range list(s["Resource"]) {
			if got, _ := json.Marshal(r); string(got) == string(want) {
				return true
			}
		}
	}
	return false
}

// snsActions lists the sns: actions of stmts.
func snsActions(stmts []obj) []string {
	var out []string
	for _, s := range stmts {
		for _, a := range actions(s) {
			if strings.HasPrefix(a, "sns:") {
				out = append(out, a)
			}
		}
	}
	return out
}

// topicID returns the logical id of the topic deployed as name.
func topicID(t *testing.T, tj obj, name string) string {
	t.Helper()
	for id, r := range resources(tj, "AWS::SNS::Topic") {
		if props(r)["TopicName"] == topicName(testProps.Stage, name) {
			return id
		}
	}
	t.Fatalf("no topic named %q", topicName(testProps.Stage, name))
	return ""
}

// GIVEN the stack WHEN its topics are inspected THEN there is one per entry
// of notify.Topics plus the operators topic, each named for the stage and
// encrypted with the stack's key, which lets CloudWatch alarms publish.
func TestTopics(t *testing.T) {
	tp, tj := synth(t)
	const typ = "AWS::SNS::Topic"
	keyARN := obj{"Fn::GetAtt": arr{idWithPrefix(t, tj, "AWS::KMS::Key", "TableKey"), "Arn"}}
	cases := []assertCase{
		{"one per notify.Topics entry plus operators", func(t *testing.T) {
			check(t, func() { tp.ResourceCountIs(jsii.String(typ), jsii.Number(len(notify.Topics)+1)) })
		}},
		{"every topic is encrypted with the stack's key", func(t *testing.T) {
			for id, r := range resources(tj, typ) {
				if b, _ := json.Marshal(props(r)["KmsMasterKeyId"]); string(b) != mustJSON(keyARN) {
					t.Errorf("topic %s: KmsMasterKeyId %s, want %s", id, b, mustJSON(keyARN))
				}
			}
		}},
		{"key policy lets CloudWatch alarms use the key", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::KMS::Key"), obj{"KeyPolicy": obj{
					"Statement": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{
						"Effect":    "Allow",
						"Principal": obj{"Service": "cloudwatch.amazonaws.com"},
						"Action":    arr{"kms:Decrypt", "kms:GenerateDataKey*"},
						"Resource":  "*",
					})}),
				}})
			})
		}},
	}
	for _, name := range append([]string{operatorsTopic}, topicNames()...) {
		cases = append(cases, assertCase{"topic " + name, func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String(typ), obj{
					"TopicName":      topicName(testProps.Stage, name),
					"KmsMasterKeyId": keyARN,
				})
			})
		}})
	}
	run(t, cases)
}

func topicNames() []string {
	var out []string
	for _, tp := range notify.Topics {
		out = append(out, tp.Name)
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// GIVEN the stack WHEN each function's environment and IAM policy are
// inspected THEN only the functions whose entry of functions.All names the
// reminders topic know it: those managing subscriptions may do that (the
// profile also publishes its verification codes), the publishers (expiry-scan, applications, ingest,
// org-digest) may publish (with the key) but not manage subscriptions, and
// every other function has no SNS permission at all.
func TestTopicAccess(t *testing.T) {
	_, tj := synth(t)
	ids := functionIDs(t, tj)
	topic := topicID(t, tj, notify.Reminders.Name)
	topicRef := obj{"Ref": topic}
	subscriptions := obj{"Fn::Join": arr{"", arr{topicRef, ":*"}}}
	keyARN := obj{"Fn::GetAtt": arr{idWithPrefix(t, tj, "AWS::KMS::Key", "TableKey"), "Arn"}}
	names := func(topics func(functions.Function) []string) []string {
		return functionsWith(func(f functions.Function) bool { return slices.Contains(topics(f), notify.Reminders.Name) })
	}
	subscribers := names(func(f functions.Function) []string { return f.Needs.Subscriptions })
	publishers := names(func(f functions.Function) []string { return f.Needs.Publish })
	users := append(slices.Clone(subscribers), publishers...)
	if len(subscribers) == 0 || len(publishers) == 0 {
		t.Fatalf("subscribers %v, publishers %v: the table lost the reminders topic", subscribers, publishers)
	}
	both := func(name string) bool { return slices.Contains(subscribers, name) && slices.Contains(publishers, name) }

	cases := []assertCase{}
	for _, name := range allFunctions() {
		cases = append(cases, assertCase{"env of " + name, func(t *testing.T) {
			vars, _ := props(resources(tj, "AWS::Lambda::Function")[ids[name]])["Environment"].(obj)["Variables"].(obj)
			v, ok := vars[notify.Reminders.Env]
			switch want := slices.Contains(users, name); {
			case want && !ok:
				t.Errorf("%s lacks %s", name, notify.Reminders.Env)
			case want && mustJSON(v) != mustJSON(topicRef):
				t.Errorf("%s: %s = %s, want %s", name, notify.Reminders.Env, mustJSON(v), mustJSON(topicRef))
			case !want && ok:
				t.Errorf("%s has %s, which it does not use", name, notify.Reminders.Env)
			}
		}})
	}
	for _, name := range subscribers {
		if both(name) {
			continue
		}
		cases = append(cases, assertCase{name + " manages subscriptions and does not publish", func(t *testing.T) {
			stmts := functionPolicy(t, tj, ids[name])
			if !granted(stmts, "sns:Subscribe", topicRef) {
				t.Errorf("no sns:Subscribe on the topic: %v", snsActions(stmts))
			}
			for _, a := range []string{"sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"} {
				if !granted(stmts, a, subscriptions) {
					t.Errorf("no %s on the topic's subscriptions (%s)", a, mustJSON(subscriptions))
				}
			}
			if got := snsActions(stmts); slices.Contains(got, "sns:Publish") || len(got) != 4 {
				t.Errorf("SNS actions %v, want exactly Subscribe, Unsubscribe, Get- and SetSubscriptionAttributes", got)
			}
		}})
	}
	// The profile manages subscriptions and publishes the verification
	// codes: exactly the union of both grants.
	for _, name := range subscribers {
		if !both(name) {
			continue
		}
		cases = append(cases, assertCase{name + " manages subscriptions and publishes with the key", func(t *testing.T) {
			stmts := functionPolicy(t, tj, ids[name])
			if !granted(stmts, "sns:Subscribe", topicRef) || !granted(stmts, "sns:Publish", topicRef) {
				t.Errorf("no sns:Subscribe or sns:Publish on the topic: %v", snsActions(stmts))
			}
			for _, a := range []string{"sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"} {
				if !granted(stmts, a, subscriptions) {
					t.Errorf("no %s on the topic's subscriptions (%s)", a, mustJSON(subscriptions))
				}
			}
			for _, a := range []string{"kms:GenerateDataKey*", "kms:Decrypt"} {
				if !granted(stmts, a, keyARN) {
					t.Errorf("no %s on the topic's key", a)
				}
			}
			if got := snsActions(stmts); len(got) != 5 {
				t.Errorf("SNS actions %v, want exactly Subscribe, Unsubscribe, Get- and SetSubscriptionAttributes and Publish", got)
			}
		}})
	}
	for _, name := range publishers {
		if both(name) {
			continue
		}
		cases = append(cases, assertCase{name + " publishes with the key and does not manage subscriptions", func(t *testing.T) {
			stmts := functionPolicy(t, tj, ids[name])
			if !granted(stmts, "sns:Publish", topicRef) {
				t.Errorf("no sns:Publish on the topic: %v", snsActions(stmts))
			}
			for _, a := range []string{"kms:GenerateDataKey*", "kms:Decrypt"} {
				if !granted(stmts, a, keyARN) {
					t.Errorf("no %s on the topic's key", a)
				}
			}
			if got := snsActions(stmts); !slices.Equal(got, []string{"sns:Publish"}) {
				t.Errorf("SNS actions %v, want only sns:Publish", got)
			}
		}})
	}
	for _, name := range allFunctions() {
		if slices.Contains(users, name) {
			continue
		}
		cases = append(cases, assertCase{name + " has no SNS actions", func(t *testing.T) {
			if got := snsActions(functionPolicy(t, tj, ids[name])); len(got) != 0 {
				t.Errorf("SNS actions %v, want none", got)
			}
		}})
	}
	run(t, cases)
}

// rateExpression is EventBridge's rate expression for every n minutes, in
// the largest whole unit (as CDK writes it).
func rateExpression(n int) string {
	v, unit := n, "minute"
	switch {
	case n%(24*60) == 0:
		v, unit = n/(24*60), "day"
	case n%60 == 0:
		v, unit = n/60, "hour"
	}
	if v != 1 {
		unit += "s"
	}
	return fmt.Sprintf("rate(%d %s)", v, unit)
}

// GIVEN the stack WHEN its schedules are inspected THEN each scheduled
// function is invoked at its rate by an EventBridge rule that retries and
// dead-letters into an encrypted queue EventBridge may write to, and a run
// that fails after Lambda's retries is recorded in the same queue.
func TestSchedule(t *testing.T) {
	tp, tj := synth(t)
	ids := functionIDs(t, tj)
	dlq := scheduleDLQ(t, tj)
	cases := []assertCase{
		{"one rule per scheduled function and per rule of an event-driven one, and GuardDuty's scan results", func(t *testing.T) {
			rules := 0
			for _, f := range functions.EventDriven() {
				rules += len(f.Events.Rules)
			}
			check(t, func() {
				tp.ResourceCountIs(jsii.String("AWS::Events::Rule"), jsii.Number(len(functions.Scheduled())+rules+1))
			})
		}},
		{"dead-letter queue encrypted, kept 14 days", func(t *testing.T) {
			q := props(resources(tj, "AWS::SQS::Queue")[dlq])
			if q["SqsManagedSseEnabled"] != true && q["KmsMasterKeyId"] == nil {
				t.Errorf("queue not encrypted: %v", q)
			}
			if got := q["MessageRetentionPeriod"]; got != float64(14*24*3600) {
				t.Errorf("MessageRetentionPeriod %v, want 14 days", got)
			}
		}},
	}
	for _, f := range functions.Scheduled() {
		s := f.Schedule
		fnARN := obj{"Fn::GetAtt": arr{ids[f.Name], "Arn"}}
		cases = append(cases, assertCase{f.Name, func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::Events::Rule"), obj{
					"ScheduleExpression": rateExpression(s.RateMinutes),
					"State":              "ENABLED",
					"Targets": arr{obj{
						"Arn":              fnARN,
						"RetryPolicy":      obj{"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600},
						"DeadLetterConfig": obj{"Arn": obj{"Fn::GetAtt": arr{dlq, "Arn"}}},
					}},
				})
			})
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), obj{
					"FunctionName":             obj{"Ref": ids[f.Name]},
					"MaximumRetryAttempts":     2,
					"MaximumEventAgeInSeconds": 3600,
					"DestinationConfig":        obj{"OnFailure": obj{"Destination": obj{"Fn::GetAtt": arr{dlq, "Arn"}}}},
				})
			})
			rule := ""
			for id, r := range resources(tj, "AWS::Events::Rule") {
				if props(r)["ScheduleExpression"] == rateExpression(s.RateMinutes) &&
					strings.Contains(mustJSON(props(r)["Targets"]), mustJSON(fnARN)) {
					rule = id
				}
			}
			ruleARN := obj{"Fn::GetAtt": arr{rule, "Arn"}}
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), obj{
					"Action": "lambda:InvokeFunction", "FunctionName": fnARN,
					"Principal": "events.amazonaws.com", "SourceArn": ruleARN,
				})
			})
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::SQS::QueuePolicy"), obj{
					"Queues": arr{obj{"Ref": dlq}},
					"PolicyDocument": obj{"Statement": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{
						"Effect": "Allow", "Action": "sqs:SendMessage",
						"Principal": obj{"Service": "events.amazonaws.com"},
						"Resource":  obj{"Fn::GetAtt": arr{dlq, "Arn"}},
						"Condition": obj{"ArnEquals": obj{"aws:SourceArn": ruleARN}},
					})})},
				})
			})
		}})
	}
	run(t, cases)
}

// GIVEN a scheduled function whose rate EventBridge or the not-run alarm
// cannot express WHEN its schedule is built THEN synth fails.
func TestScheduleRefusesBadRate(t *testing.T) {
	synth(t) // share the jsii runtime start-up with the other tests
	for _, rate := range []int{0, -5, 721, 1000, 24*60 + 60, 8 * 24 * 60} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("rate %d accepted", rate)
				}
			}()
			st := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Schedule"), nil)
			fn := awslambda.Function_FromFunctionArn(st, jsii.String("Fn"),
				jsii.String("arn:aws:lambda:eu-central-1:123456789012:function:fake"))
			newSchedule(st, functions.Function{Name: "fake", Schedule: &functions.Schedule{RateMinutes: rate}}, fn, newScheduleDLQ(st))
		})
	}
}

// GIVEN a function scheduled daily or weekly WHEN its schedule and not-run
// alarm are built THEN the rule runs at that rate and the alarm watches
// one-day periods over exactly one interval (CloudWatch's limit is 7 days).
func TestScheduleDailyAndWeekly(t *testing.T) {
	synth(t) // share the jsii runtime start-up with the other tests
	for _, days := range []int{1, 7} {
		t.Run(fmt.Sprintf("%d days", days), func(t *testing.T) {
			st := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Schedule"), nil)
			fn := awslambda.Function_FromFunctionArn(st, jsii.String("Fn"),
				jsii.String("arn:aws:lambda:eu-central-1:123456789012:function:fake"))
			s := functions.Function{Name: "fake", Schedule: &functions.Schedule{RateMinutes: days * 24 * 60}}
			check(t, func() {
				newSchedule(st, s, fn, newScheduleDLQ(st))
				newNotRunAlarm(st, s, fn)
			})
			tp := assertions.Template_FromStack(st, nil)
			unit := "days"
			if days == 1 {
				unit = "day"
			}
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::Events::Rule"), obj{"ScheduleExpression": fmt.Sprintf("rate(%d %s)", days, unit)})
			})
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj{
					"MetricName": "Invocations", "Period": 24 * 3600, "EvaluationPeriods": days,
					"ComparisonOperator": "LessThanThreshold", "Threshold": 1, "TreatMissingData": "breaching",
				})
			})
		})
	}
}

// GIVEN the stack WHEN its alarms are inspected THEN every function alarms
// on any error and any throttle in 5 minutes, the dead-letter queue on any
// message, each scheduled function on a missed hour (missing data
// breaching), and every alarm notifies the operators topic.
func TestAlarms(t *testing.T) {
	tp, tj := synth(t)
	const typ = "AWS::CloudWatch::Alarm"
	ids := functionIDs(t, tj)
	operators := obj{"Ref": topicID(t, tj, operatorsTopic)}
	dlq := scheduleDLQ(t, tj)
	has := func(p obj) func(t *testing.T) {
		return func(t *testing.T) { check(t, func() { tp.HasResourceProperties(jsii.String(typ), p) }) }
	}
	cases := []assertCase{
		{"two per function, one per DLQ, one per scheduled function, one for the API's 5xx, three per job queue, one on internal errors", func(t *testing.T) {
			// +1 schedule DLQ, +1 delivery DLQ, +1 GuardDuty's scan results' DLQ, +1 API 5xx,
			// +1 internal errors (dashboard.go); each job queue's age, dead letters and its
			// class's lateness; each stream-fed function's failure queue
			want := 2*len(allFunctions()) + 5 + len(functions.Scheduled()) + len(functions.EventDriven()) + 3*len(queue.Queues) +
				len(functions.StreamFed())
			check(t, func() { tp.ResourceCountIs(jsii.String(typ), jsii.Number(want)) })
		}},
		{"every alarm notifies the operators topic", func(t *testing.T) {
			for id, r := range resources(tj, typ) {
				if got := mustJSON(props(r)["AlarmActions"]); got != mustJSON(arr{operators}) {
					t.Errorf("alarm %s: AlarmActions %s, want %s", id, got, mustJSON(arr{operators}))
				}
			}
		}},
		{"DLQ has messages", has(obj{
			"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
			"Dimensions":         arr{obj{"Name": "QueueName", "Value": obj{"Fn::GetAtt": arr{dlq, "QueueName"}}}},
			"ComparisonOperator": "GreaterThanThreshold", "Threshold": 0, "EvaluationPeriods": 1,
		})},
	}
	for _, name := range allFunctions() {
		dims := arr{obj{"Name": "FunctionName", "Value": obj{"Ref": ids[name]}}}
		for _, metric := range []string{"Errors", "Throttles"} {
			cases = append(cases, assertCase{name + " " + metric, has(obj{
				"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dims,
				"Statistic": "Sum", "Period": 300,
				"ComparisonOperator": "GreaterThanThreshold", "Threshold": 0, "EvaluationPeriods": 1,
				"TreatMissingData": "notBreaching",
			})})
		}
	}
	for _, f := range functions.Scheduled() {
		s := f.Schedule
		period, periods := max(3600, 2*60*s.RateMinutes), 1
		if s.RateMinutes > 720 { // whole days: one-day periods over one interval
			period, periods = 24*3600, s.RateMinutes/(24*60)
		}
		cases = append(cases, assertCase{f.Name + " not run", has(obj{
			"Namespace": "AWS/Lambda", "MetricName": "Invocations",
			"Dimensions": arr{obj{"Name": "FunctionName", "Value": obj{"Ref": ids[f.Name]}}},
			"Statistic":  "Sum", "Period": period,
			"ComparisonOperator": "LessThanThreshold", "Threshold": 1, "EvaluationPeriods": periods,
			"TreatMissingData": "breaching",
		})})
	}
	run(t, cases)
}

// GIVEN the stack WHEN its HTTP API is inspected THEN every route of the
// route table is there, integrated with its own function and protected by
// the JWT authorizer unless public; CORS, throttling and access logs are set.
func TestHTTPAPI(t *testing.T) {
	tp, tj := synth(t)
	routes := functions.Routes()
	has := func(typ string, p obj) func(t *testing.T) {
		return func(t *testing.T) { check(t, func() { tp.HasResourceProperties(jsii.String(typ), p) }) }
	}
	cases := []assertCase{
		{"one route per route-table entry", func(t *testing.T) {
			check(t, func() { tp.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Route"), jsii.Number(len(routes))) })
		}},
		{"one integration per function", func(t *testing.T) {
			check(t, func() {
				tp.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Integration"), jsii.Number(len(functions.HTTP())))
			})
		}},
		{"JWT authorizer trusting the user pool's ID tokens for the app client", has("AWS::ApiGatewayV2::Authorizer", obj{
			"AuthorizerType": "JWT",
			"IdentitySource": arr{"$request.header.Authorization"},
			"JwtConfiguration": obj{
				"Issuer":   poolIssuer(onlyID(t, tj, "AWS::Cognito::UserPool")),
				"Audience": arr{obj{"Ref": onlyID(t, tj, "AWS::Cognito::UserPoolClient")}},
			},
		})},
		{"CORS limited to the allowed origins", has("AWS::ApiGatewayV2::Api", obj{"CorsConfiguration": obj{
			// the web cabinet calls the API on its own origin (CloudFront)
			"AllowOrigins":  toArr(testProps.AllowedOrigins),
			"AllowMethods":  arr{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
			"AllowHeaders":  toArr(corsAllowHeaders),
			"ExposeHeaders": toArr(corsExposeHeaders),
		}})},
		{"default stage throttled and auto-deployed", has("AWS::ApiGatewayV2::Stage", obj{
			"StageName":  "$default",
			"AutoDeploy": true,
			"DefaultRouteSettings": obj{
				"ThrottlingRateLimit":  throttleRate,
				"ThrottlingBurstLimit": throttleBurst,
			},
		})},
		{"access logs as JSON with the request id to a log group", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), obj{"AccessLogSettings": obj{
					"DestinationArn": obj{"Fn::GetAtt": arr{assertions.Match_AnyValue(), "Arn"}},
					"Format":         assertions.Match_SerializedJson(assertions.Match_ObjectLike(&obj{"requestId": "$context.requestId"})),
				}})
			})
		}},
		{"outputs the API URL and table name", func(t *testing.T) {
			check(t, func() { tp.HasOutput(jsii.String("ApiUrl"), obj{}) })
			check(t, func() {
				tp.HasOutput(jsii.String("TableName"), obj{"Value": obj{"Ref": onlyID(t, tj, "AWS::DynamoDB::Table")}})
			})
		}},
	}
	fnIDs := functionIDs(t, tj)
	for _, r := range routes {
		cases = append(cases, assertCase{r.Pattern, func(t *testing.T) {
			method, path := routeKey(r.Route)
			var want obj
			if !r.Public {
				want = obj{"RouteKey": method + " " + path, "AuthorizationType": "JWT",
					"AuthorizerId": obj{"Ref": onlyID(t, tj, "AWS::ApiGatewayV2::Authorizer")}}
			} else {
				want = obj{"RouteKey": method + " " + path, "AuthorizationType": "NONE", "AuthorizerId": assertions.Match_Absent()}
			}
			check(t, func() { tp.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), want) })
			if got := routeFunction(t, tj, method+" "+path); got != fnIDs[r.Function] {
				t.Errorf("integrated with %s, want %s (function %s)", got, fnIDs[r.Function], r.Function)
			}
		}})
	}
	run(t, cases)
}

// GIVEN a route table with a public route and a trailing wildcard WHEN its
// routes are added to an API THEN the public route has no authorizer, the
// others keep the default JWT authorizer, and the wildcard becomes greedy.
// (The product has no public route yet, so the main template cannot show it.)
func TestAddRoutesPublic(t *testing.T) {
	synth(t) // share the jsii runtime start-up with the other tests
	st := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Routes"), nil)
	api := newHTTPAPI(st, testProps, jsii.String("https://issuer.example.test"), jsii.String("aud"), jsii.Strings(testProps.AllowedOrigins...))
	fn := awslambda.Function_FromFunctionArn(st, jsii.String("Fn"),
		jsii.String("arn:aws:lambda:eu-central-1:123456789012:function:fake"))
	addRoutes(api, []functions.FunctionRoute{
		{Function: "fake", Route: functions.Route{Pattern: "GET /health", Public: true}},
		{Function: "fake", Route: functions.Route{Pattern: "GET /files/{path...}"}},
	}, map[string]awslambda.IFunction{"fake": fn})
	tp := assertions.Template_FromStack(st, nil)
	run(t, []assertCase{
		{"public route has no authorizer", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), obj{
					"RouteKey": "GET /health", "AuthorizationType": "NONE", "AuthorizerId": assertions.Match_Absent(),
				})
			})
		}},
		{"protected route keeps the JWT authorizer", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), obj{
					"RouteKey": "GET /files/{path+}", "AuthorizationType": "JWT", "AuthorizerId": assertions.Match_AnyValue(),
				})
			})
		}},
		{"one integration for both", func(t *testing.T) {
			check(t, func() { tp.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Integration"), jsii.Number(1)) })
		}},
	})
}

// routeFunction follows a route's target to its integration and returns the
// logical id of the Lambda that integration invokes.
func routeFunction(t *testing.T, tj obj, key string) string {
	t.Helper()
	for _, r := range resources(tj, "AWS::ApiGatewayV2::Route") {
		p := props(r)
		if p["RouteKey"] != key {
			continue
		}
		// Target: {"Fn::Join": ["", ["integrations/", {"Ref": <integration>}]]}
		parts := p["Target"].(obj)["Fn::Join"].([]any)[1].([]any)
		in := parts[1].(obj)["Ref"].(string)
		uri := props(resources(tj, "AWS::ApiGatewayV2::Integration")[in])["IntegrationUri"]
		return uri.(obj)["Fn::GetAtt"].([]any)[0].(string)
	}
	t.Fatalf("no route %q", key)
	return ""
}

func toArr(ss []string) arr {
	out := make(arr, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// GIVEN a route pattern WHEN translated for API Gateway THEN parameters are
// kept, trailing wildcards become greedy, and patterns API Gateway cannot
// express are refused.
func TestRouteKey(t *testing.T) {
	cases := []struct {
		pattern      string
		method, path string
		panics       bool
	}{
		{pattern: "GET /documents/{id}", method: "GET", path: "/documents/{id}"},
		{pattern: "POST /documents/{id}/archive", method: "POST", path: "/documents/{id}/archive"},
		{pattern: "GET /files/{path...}", method: "GET", path: "/files/{path+}"},
		{pattern: "GET /", method: "GET", path: "/"},
		{pattern: "/documents", panics: true},
		{pattern: "GET /{$}", panics: true},
		{pattern: "GET /documents/", panics: true},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			defer func() {
				if r := recover(); (r != nil) != c.panics {
					t.Errorf("panic = %v, want panic %v", r, c.panics)
				}
			}()
			m, p := routeKey(functions.Route{Pattern: c.pattern})
			if m != c.method || p != c.path {
				t.Errorf("got %q %q, want %q %q", m, p, c.method, c.path)
			}
		})
	}
}

// GIVEN props missing what a working API needs WHEN validated THEN they are
// refused before anything is built.
func TestPropsValidate(t *testing.T) {
	valid := testProps
	valid.AssetDir, valid.WebDir = "bin", "web/dist"
	cases := map[string]func(p *Props){
		"no stage":                func(p *Props) { p.Stage = "" },
		"issuer, no audience":     func(p *Props) { p.JWTIssuer = "https://idp.example" },
		"audience, no issuer":     func(p *Props) { p.JWTAudience = "client" },
		"http origin":             func(p *Props) { p.AllowedOrigins = []string{"http://app.example"} },
		"origin not a URL":        func(p *Props) { p.AllowedOrigins = []string{"app.example"} },
		"no asset dir":            func(p *Props) { p.AssetDir = "" },
		"valid, no extra origins": func(p *Props) { p.AllowedOrigins = nil },
		"no web dir":              func(p *Props) { p.WebDir = "" },
		"auth prefix upper case":  func(p *Props) { p.AuthDomainPrefix = "Kabinet" },
		"auth prefix reserved":    func(p *Props) { p.AuthDomainPrefix = "kabinet-cognito" },
		"auth prefix hyphen end":  func(p *Props) { p.AuthDomainPrefix = "kabinet-" },
		"valid auth prefix":       func(p *Props) { p.AuthDomainPrefix = "kabinet-prod-7" },
		"any origin":              func(p *Props) { p.AllowedOrigins = []string{"*"} },
		"blank origin":            func(p *Props) { p.AllowedOrigins = []string{"https://a.example", ""} },
		"no video base":           func(p *Props) { p.VideoBaseURL = "" },
		"relative video":          func(p *Props) { p.VideoBaseURL = "/room" },
		"video not http":          func(p *Props) { p.VideoBaseURL = "ftp://video.example/room" },
		"valid (no change)":       func(p *Props) {},
		"valid external IdP":      func(p *Props) { p.JWTIssuer, p.JWTAudience = "https://idp.example", "client" },
		"domain, no cert":         func(p *Props) { p.DomainName = "api.example.test" },
		"cert, no domain":         func(p *Props) { p.CertificateARN = testCertificateARN },
		"valid custom domain":     func(p *Props) { p.DomainName, p.CertificateARN = "api.example.test", testCertificateARN },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			p := valid
			p.AllowedOrigins = slices.Clone(valid.AllowedOrigins)
			mutate(&p)
			err := p.validate()
			if wantErr := !strings.HasPrefix(name, "valid"); (err != nil) != wantErr {
				t.Errorf("validate() = %v, want error %v", err, wantErr)
			}
		})
	}
}
