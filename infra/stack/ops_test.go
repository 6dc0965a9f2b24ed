package stack

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/shared/adapter/notify"
)

const testCertificateARN = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"

// GIVEN the stack WHEN its alarms are inspected THEN the HTTP API alarms on
// 5 or more 5xx in 5 minutes (by its ApiId) and notifies the operators.
func TestAPI5xxAlarm(t *testing.T) {
	tp, tj := synth(t)
	check(t, func() {
		tp.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj{
			"Namespace": "AWS/ApiGateway", "MetricName": "5xx",
			"Dimensions": arr{obj{"Name": "ApiId", "Value": obj{"Ref": onlyID(t, tj, "AWS::ApiGatewayV2::Api")}}},
			"Statistic":  "Sum", "Period": 300,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 5, "EvaluationPeriods": 1,
			"TreatMissingData": "notBreaching",
			"AlarmActions":     arr{obj{"Ref": topicID(t, tj, operatorsTopic)}},
		})
	})
}

// GIVEN the stack WHEN its parameters and custom resources are inspected
// THEN the SMS spend limit and sender id are parameters with their defaults
// (the sender id restricted to what SNS accepts), applied on create and
// update by one SNS setSMSAttributes call that reads the parameters.
func TestSMSSettings(t *testing.T) {
	tp, tj := synth(t)
	check(t, func() {
		tp.HasParameter(jsii.String(smsSpendLimitParam), obj{"Type": "Number", "Default": 100})
	})
	check(t, func() {
		tp.HasParameter(jsii.String(smsSenderIDParam), obj{
			"Type": "String", "Default": "Kabinet", "AllowedPattern": "^[A-Za-z0-9]{1,11}$",
		})
	})
	crs := resources(tj, "Custom::AWS")
	if len(crs) != 1 {
		t.Fatalf("want one Custom::AWS, got %d", len(crs))
	}
	want := obj{
		"service": "SNS", "action": "setSMSAttributes",
		"parameters": obj{"attributes": obj{
			"MonthlySpendLimit": "${" + smsSpendLimitParam + "}",
			"DefaultSenderID":   "${" + smsSenderIDParam + "}",
			"DefaultSMSType":    "Transactional",
		}},
		"physicalResourceId": obj{"id": smsSettingsPhysicalID},
	}
	for id, r := range crs {
		for _, event := range []string{"Create", "Update"} {
			got := joinedJSON(t, props(r)[event])
			if mustJSON(got) != mustJSON(want) {
				t.Errorf("%s %s call = %s, want %s", id, event, mustJSON(got), mustJSON(want))
			}
		}
		if d := props(r)["Delete"]; d != nil {
			t.Errorf("%s: Delete call %s, want none", id, mustJSON(d))
		}
	}
	// The provider's role may do exactly sns:SetSMSAttributes (on "*",
	// see TestIAM).
	var stmts []obj
	for id, p := range policies(tj) {
		if strings.HasPrefix(id, "SmsSettingsCustomResourcePolicy") {
			stmts = append(stmts, statements(p)...)
		}
	}
	if len(stmts) != 1 || mustJSON(actions(stmts[0])) != `["sns:SetSMSAttributes"]` || stmts[0]["Resource"] != "*" {
		t.Errorf("SMS settings policy %s, want sns:SetSMSAttributes on * alone", mustJSON(stmts))
	}
}

// joinedJSON decodes a property that is JSON built with Fn::Join, writing
// each {"Ref": X} as ${X}.
func joinedJSON(t *testing.T, v any) obj {
	t.Helper()
	var b strings.Builder
	switch v := v.(type) {
	case string:
		b.WriteString(v)
	case obj:
		join, _ := v["Fn::Join"].([]any)
		if len(join) != 2 {
			t.Fatalf("not a Fn::Join: %s", mustJSON(v))
		}
		for _, part := range join[1].([]any) {
			switch p := part.(type) {
			case string:
				b.WriteString(p)
			case obj:
				b.WriteString(fmt.Sprintf("${%v}", p["Ref"]))
			}
		}
	default:
		t.Fatalf("unexpected %s", mustJSON(v))
	}
	var out obj
	if err := json.Unmarshal([]byte(b.String()), &out); err != nil {
		t.Fatalf("%s: %v", b.String(), err)
	}
	return out
}

// GIVEN the stack WHEN the delivery dead-letter queue is inspected THEN it
// is kabinet-<stage>-delivery-dlq, encrypted, keeping messages 14 days;
// only SNS may send to it and only for the reminders topic; it alarms on
// any message; and only the profile function (which subscribes contacts)
// gets its ARN as DELIVERY_DLQ_ARN.
func TestDeliveryDLQ(t *testing.T) {
	tp, tj := synth(t)
	var dlq string
	for id, r := range resources(tj, "AWS::SQS::Queue") {
		if props(r)["QueueName"] == "kabinet-"+testProps.Stage+"-delivery-dlq" {
			dlq = id
		}
	}
	if dlq == "" {
		t.Fatal("no queue kabinet-test-delivery-dlq")
	}
	dlqARN := obj{"Fn::GetAtt": arr{dlq, "Arn"}}
	reminders := obj{"Ref": topicID(t, tj, notify.Reminders.Name)}
	run(t, []assertCase{
		{"encrypted, 14 days", func(t *testing.T) {
			p := props(resources(tj, "AWS::SQS::Queue")[dlq])
			if p["SqsManagedSseEnabled"] != true && p["KmsMasterKeyId"] == nil {
				t.Errorf("queue not encrypted: %s", mustJSON(p))
			}
			if p["MessageRetentionPeriod"] != float64(14*24*3600) {
				t.Errorf("MessageRetentionPeriod %v, want 14 days", p["MessageRetentionPeriod"])
			}
		}},
		{"SNS may send for the reminders topic only", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::SQS::QueuePolicy"), obj{
					"Queues": arr{obj{"Ref": dlq}},
					"PolicyDocument": obj{"Statement": assertions.Match_ArrayWith(&[]any{obj{
						"Sid": "AllowSNSDeadLetters", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": dlqARN,
						"Principal": obj{"Service": "sns.amazonaws.com"},
						"Condition": obj{"ArnEquals": obj{"aws:SourceArn": reminders}},
					}})},
				})
			})
		}},
		{"alarms to the operators", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj{
					"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
					"Dimensions":         arr{obj{"Name": "QueueName", "Value": obj{"Fn::GetAtt": arr{dlq, "QueueName"}}}},
					"ComparisonOperator": "GreaterThanThreshold", "Threshold": 0,
					"AlarmActions": arr{obj{"Ref": topicID(t, tj, operatorsTopic)}},
				})
			})
		}},
		{"DELIVERY_DLQ_ARN only on the functions managing subscriptions (profile)", func(t *testing.T) {
			ids := functionIDs(t, tj)
			managers := 0
			for _, name := range allFunctions() {
				vars, _ := props(resources(tj, "AWS::Lambda::Function")[ids[name]])["Environment"].(obj)["Variables"].(obj)
				v, ok := vars[deliveryDLQEnv]
				manages := len(entry(t, name).Needs.Subscriptions) > 0
				switch {
				case manages && mustJSON(v) != mustJSON(dlqARN):
					t.Errorf("%s: %s = %s, want %s", name, deliveryDLQEnv, mustJSON(v), mustJSON(dlqARN))
				case !manages && ok:
					t.Errorf("%s has %s, which only a function managing subscriptions uses", name, deliveryDLQEnv)
				}
				if manages {
					managers++
				}
			}
			if managers == 0 {
				t.Error("no function manages subscriptions: the table lost profile's")
			}
		}},
	})
}

// GIVEN no custom domain (the main test stack) THEN there is no domain, no
// mapping and no CustomDomainTarget output; GIVEN a domain and certificate
// THEN the API's default stage is mapped to the domain with that
// certificate, and the output names its regional domain name.
func TestCustomDomain(t *testing.T) {
	tp, tj := synth(t)
	check(t, func() { tp.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::DomainName"), jsii.Number(0)) })
	check(t, func() { tp.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::ApiMapping"), jsii.Number(0)) })
	if _, ok := tj["Outputs"].(obj)["CustomDomainTarget"]; ok {
		t.Error("CustomDomainTarget output without a custom domain")
	}

	ctx, err := cdkContext()
	if err != nil {
		t.Fatal(err)
	}
	p := testProps
	p.AssetDir, p.WebDir = assetDir, filepath.Join(assetDir, "web")
	p.DomainName, p.CertificateARN = "api.example.test", testCertificateARN
	var dt assertions.Template
	check(t, func() {
		dt = assertions.Template_FromStack(New(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}), "Kabinet-domain", p), nil)
	})
	if dt == nil {
		t.FailNow()
	}
	var dj obj
	raw, _ := json.Marshal(dt.ToJSON())
	if err := json.Unmarshal(raw, &dj); err != nil {
		t.Fatal(err)
	}
	domain := onlyID(t, dj, "AWS::ApiGatewayV2::DomainName")
	check(t, func() {
		dt.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), obj{
			"DomainName": p.DomainName,
			"DomainNameConfigurations": arr{obj{
				"CertificateArn": p.CertificateARN, "EndpointType": "REGIONAL",
			}},
		})
	})
	check(t, func() {
		dt.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::ApiMapping"), obj{
			"ApiId":      obj{"Ref": onlyID(t, dj, "AWS::ApiGatewayV2::Api")},
			"DomainName": obj{"Ref": domain},
			"Stage":      "$default",
		})
	})
	check(t, func() {
		dt.HasOutput(jsii.String("CustomDomainTarget"), obj{
			"Value": obj{"Fn::GetAtt": arr{domain, "RegionalDomainName"}},
		})
	})
}
