package stack

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// poolIssuer is the issuer of the tokens of the user pool with logical id
// pool, as the template spells it.
func poolIssuer(pool string) obj {
	return obj{"Fn::Join": arr{"", arr{
		"https://cognito-idp.", obj{"Ref": "AWS::Region"}, ".", obj{"Ref": "AWS::URLSuffix"}, "/", obj{"Ref": pool},
	}}}
}

// GIVEN the stack WHEN its user pool is inspected THEN users sign in by
// e-mail or phone with a strong password and a required second factor (TOTP
// or SMS), recover by a verified address, threat protection is on, the pool
// outlives the stack, and it has the custom attributes the handlers read.
func TestUserPool(t *testing.T) {
	tp, _ := synth(t)
	const typ = "AWS::Cognito::UserPool"
	has := func(p obj) func(t *testing.T) {
		return func(t *testing.T) { check(t, func() { tp.HasResourceProperties(jsii.String(typ), p) }) }
	}
	cases := []assertCase{
		{"exactly one user pool", func(t *testing.T) { check(t, func() { tp.ResourceCountIs(jsii.String(typ), jsii.Number(1)) }) }},
		{"named for the stage", has(obj{"UserPoolName": "kabinet-" + testProps.Stage})},
		{"sign-in by e-mail or phone, case-insensitive", has(obj{
			"UsernameAttributes":    arr{"email", "phone_number"},
			"UsernameConfiguration": obj{"CaseSensitive": false},
		})},
		{"self sign-up with verified e-mail and phone", has(obj{
			"AdminCreateUserConfig":  obj{"AllowAdminCreateUserOnly": false},
			"AutoVerifiedAttributes": arr{"email", "phone_number"},
		})},
		{"MFA required, TOTP and SMS, SMS through the pool's role", has(obj{
			"MfaConfiguration": "ON",
			"EnabledMfas":      arr{"SMS_MFA", "SOFTWARE_TOKEN_MFA"},
			"SmsConfiguration": obj{
				"SnsCallerArn": obj{"Fn::GetAtt": arr{assertions.Match_AnyValue(), "Arn"}},
				"ExternalId":   assertions.Match_AnyValue(),
			},
		})},
		{"password of 12+ characters with every class", has(obj{"Policies": obj{"PasswordPolicy": obj{
			"MinimumLength": passwordMinLength, "RequireLowercase": true, "RequireUppercase": true,
			"RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": tempPasswordDays,
		}}})},
		{"recovery by verified e-mail, then phone", has(obj{"AccountRecoverySetting": obj{"RecoveryMechanisms": arr{
			obj{"Name": "verified_email", "Priority": 1},
			obj{"Name": "verified_phone_number", "Priority": 2},
		}}})},
		{"threat protection enforced (Plus plan)", has(obj{
			"UserPoolTier":       "PLUS",
			"UserPoolAddOns":     obj{"AdvancedSecurityMode": "ENFORCED"},
			"DeletionProtection": "ACTIVE",
		})},
		{"retained on delete and replace", func(t *testing.T) {
			check(t, func() {
				tp.HasResource(jsii.String(typ), obj{"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
			})
		}},
	}
	for _, name := range customAttributes {
		cases = append(cases, assertCase{"custom attribute " + name, has(obj{"Schema": assertions.Match_ArrayWith(&arr{
			assertions.Match_ObjectLike(&obj{"Name": name, "AttributeDataType": "String", "Mutable": true}),
		})})})
	}
	run(t, cases)
}

// GIVEN the stack WHEN its groups are inspected THEN there is one per
// userGroups entry, in the pool, including the groups the handlers check.
func TestUserGroups(t *testing.T) {
	tp, tj := synth(t)
	const typ = "AWS::Cognito::UserPoolGroup"
	pool := obj{"Ref": onlyID(t, tj, "AWS::Cognito::UserPool")}
	var names []string
	for _, g := range userGroups {
		names = append(names, g.name)
	}
	cases := []assertCase{
		{"one per userGroups entry", func(t *testing.T) {
			check(t, func() { tp.ResourceCountIs(jsii.String(typ), jsii.Number(len(userGroups))) })
		}},
		{"the groups the handlers check are there", func(t *testing.T) {
			for _, want := range []string{"citizen", "staff", httpapi.GroupOrgAdmin, httpapi.GroupManager, "admin"} {
				if !slices.Contains(names, want) {
					t.Errorf("no group %q in %v", want, names)
				}
			}
		}},
	}
	for _, name := range names {
		cases = append(cases, assertCase{"group " + name, func(t *testing.T) {
			check(t, func() { tp.HasResourceProperties(jsii.String(typ), obj{"GroupName": name, "UserPoolId": pool}) })
		}})
	}
	run(t, cases)
}

// GIVEN the stack WHEN its app client is inspected THEN it is a public
// client (no secret) signing in with SRP and refresh tokens, or with the
// authorization code grant (never implicit) back to the web cabinet and
// the allowed origins;
// tokens last an hour, refresh tokens 30 days; user existence is not
// revealed; and users can read but not write the custom attributes.
func TestAppClient(t *testing.T) {
	tp, tj := synth(t)
	const typ = "AWS::Cognito::UserPoolClient"
	has := func(p obj) func(t *testing.T) {
		return func(t *testing.T) { check(t, func() { tp.HasResourceProperties(jsii.String(typ), p) }) }
	}
	client := props(resources(tj, typ)[onlyID(t, tj, typ)])
	origins := append(arr{webOrigin(t, tj)}, toArr(testProps.AllowedOrigins)...)
	cases := []assertCase{
		{"exactly one app client, in the pool", has(obj{"UserPoolId": obj{"Ref": onlyID(t, tj, "AWS::Cognito::UserPool")}})},
		{"no secret", has(obj{"GenerateSecret": false})},
		{"SRP and refresh only", has(obj{"ExplicitAuthFlows": arr{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}})},
		{"code grant only, to the allowed origins", has(obj{
			"AllowedOAuthFlows":               arr{"code"},
			"AllowedOAuthFlowsUserPoolClient": true,
			"AllowedOAuthScopes":              assertions.Match_ArrayWith(&arr{"openid"}),
			"CallbackURLs":                    origins,
			"LogoutURLs":                      origins,
			"SupportedIdentityProviders":      arr{"COGNITO"},
		})},
		{"ID and access tokens 1 h, refresh 30 days", has(obj{
			"IdTokenValidity": 60, "AccessTokenValidity": 60, "RefreshTokenValidity": 30 * 24 * 60,
			"TokenValidityUnits": obj{"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "minutes"},
		})},
		{"user existence errors prevented, tokens revocable", has(obj{
			"PreventUserExistenceErrors": "ENABLED", "EnableTokenRevocation": true,
		})},
	}
	for _, name := range customAttributes {
		attr := "custom:" + name
		cases = append(cases, assertCase{attr + " readable, not writable", func(t *testing.T) {
			if !slices.Contains(list(client["ReadAttributes"]), any(attr)) {
				t.Errorf("ReadAttributes %v lacks %s", client["ReadAttributes"], attr)
			}
			if slices.Contains(list(client["WriteAttributes"]), any(attr)) {
				t.Errorf("WriteAttributes %v has %s", client["WriteAttributes"], attr)
			}
		}})
	}
	run(t, cases)
}

// GIVEN the stack WHEN its outputs are inspected THEN a client finds the API,
// the user pool and its app client, the region and the reminders topic.
func TestOutputs(t *testing.T) {
	tp, tj := synth(t)
	ref := func(typ string) obj { return obj{"Value": obj{"Ref": onlyID(t, tj, typ)}} }
	outputs := map[string]obj{
		"ApiUrl":            {},
		"TableName":         ref("AWS::DynamoDB::Table"),
		"UserPoolId":        ref("AWS::Cognito::UserPool"),
		"UserPoolClientId":  ref("AWS::Cognito::UserPoolClient"),
		"Region":            {"Value": obj{"Ref": "AWS::Region"}},
		"RemindersTopicArn": {"Value": obj{"Ref": topicID(t, tj, "reminders")}},
		"OperatorsTopicArn": {"Value": obj{"Ref": topicID(t, tj, operatorsTopic)}},
	}
	var cases []assertCase
	for name, want := range outputs {
		cases = append(cases, assertCase{name, func(t *testing.T) { check(t, func() { tp.HasOutput(jsii.String(name), want) }) }})
	}
	run(t, cases)
}

// GIVEN props naming an external issuer and audience WHEN the stack is built
// THEN the JWT authorizer trusts them rather than the user pool (which is
// still created).
func TestExternalIssuer(t *testing.T) {
	synth(t) // the dummy binaries and the jsii runtime
	ctx, err := cdkContext()
	if err != nil {
		t.Fatal(err)
	}
	p := testProps
	p.AssetDir, p.WebDir = assetDir, filepath.Join(assetDir, "web")
	p.JWTIssuer, p.JWTAudience = "https://idp.example.test/realm", "external-client"
	var tp assertions.Template
	check(t, func() {
		tp = assertions.Template_FromStack(New(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}), "Kabinet-ext", p), nil)
	})
	if tp == nil {
		t.FailNow()
	}
	check(t, func() {
		tp.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), obj{"JwtConfiguration": obj{
			"Issuer": p.JWTIssuer, "Audience": arr{p.JWTAudience},
		}})
	})
	check(t, func() { tp.ResourceCountIs(jsii.String("AWS::Cognito::UserPool"), jsii.Number(1)) })
}
