package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/app/core"
)

// The keys the functions read from Secrets Manager at cold start
// (core.LoadSecrets): the ticket signing key ring (tickets.go), the
// cursor key and the PDF signing certificate and key (files.go). A function gets a secret's ARN (never its value: a value in
// the environment is readable with lambda:GetFunctionConfiguration),
// secretsmanager:GetSecretValue on that secret, and kms:Decrypt on the
// stack's key through Secrets Manager only. Each secret's resource policy
// denies reading it to every principal but the roles of the functions that
// need it, so an administrator's or another function's broad grant does not
// reach it either.

// cursorKeySecretName is the name of the secret holding stage's cursor key.
func cursorKeySecretName(stage string) string { return "kabinet/" + stage + "/cursor-key" }

// newCursorKey creates the secret holding the AES-256 key that seals the
// cursors clients get: 43 generated characters of [A-Za-z0-9], which decode
// as unpadded base64 to 32 bytes (core's cursorKey). Cursors live for a
// paging session, so the secret is not retained: a new stack's key only
// makes old cursors 400, which a client answers by listing from the start.
func newCursorKey(scope constructs.Construct, stage string, key awskms.IKey) awssecretsmanager.Secret {
	return awssecretsmanager.NewSecret(scope, jsii.String("CursorKey"), &awssecretsmanager.SecretProps{
		SecretName:    jsii.String(cursorKeySecretName(stage)),
		Description:   jsii.String("AES-256 key (43 base64 digits) sealing Kabinet's list cursors; rotating it voids open cursors only"),
		EncryptionKey: key,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(ticketSeedLength),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
}

// originSecretName is the name of the secret CloudFront sends the API in
// httpapi.OriginHeader.
func originSecretName(stage string) string { return "kabinet/" + stage + "/origin-verify" }

// newOriginSecret creates the secret CloudFront adds to every request it
// forwards to the API (web.go) and the HTTP functions check (httpapi's
// throughOrigin): 43 generated letters and digits. CloudFormation resolves
// it into the distribution's origin header at deploy time with the
// deployer's permissions, so unlike the other secrets its resource policy
// does not deny other readers (it would deny CloudFormation); whoever may
// read the distribution's configuration can read it anyway.
func newOriginSecret(scope constructs.Construct, stage string, key awskms.IKey) awssecretsmanager.Secret {
	return awssecretsmanager.NewSecret(scope, jsii.String("OriginSecret"), &awssecretsmanager.SecretProps{
		SecretName:    jsii.String(originSecretName(stage)),
		Description:   jsii.String("Header value CloudFront sends the Kabinet API; requests without it are refused"),
		EncryptionKey: key,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(ticketSeedLength),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
}

// stackSecrets are the secrets the functions read at start.
type stackSecrets struct {
	ticket, cursor, origin, pdf awssecretsmanager.ISecret
}

// giveSecrets gives each function the secrets its needs name (and every
// HTTP function the origin secret): the ARN in its variable, the read, and
// the key's use through Secrets Manager; then limits the ticket and cursor
// secrets' readers to those functions' roles.
func giveSecrets(fns map[string]awslambda.Function, key awskms.IKey, s stackSecrets) {
	st := awscdk.Stack_Of(s.ticket)
	viaSecrets := &map[string]any{"StringEquals": map[string]any{
		"kms:ViaService": awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("secretsmanager."), st.Region(), jsii.String("."), st.UrlSuffix()}),
	}}
	readers := map[awssecretsmanager.ISecret][]*string{}
	give := func(f functions.Function, env string, secret awssecretsmanager.ISecret, sid string) {
		fn := fns[f.Name]
		fn.AddEnvironment(jsii.String(env), secret.SecretArn(), nil)
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String(sid),
			Actions:   jsii.Strings(functions.SecretActions...),
			Resources: &[]*string{secret.SecretArn()},
		}))
		readers[secret] = append(readers[secret], fn.Role().RoleArn())
	}
	for _, f := range functions.All {
		http := len(f.Routes) > 0
		if f.Needs.TicketSeed {
			give(f, core.TicketSigningSecretEnv, s.ticket, "TicketSigningSecret")
		}
		if f.Needs.CursorKey {
			give(f, core.CursorKeySecretEnv, s.cursor, "CursorKeySecret")
		}
		if http {
			give(f, core.OriginSecretEnv, s.origin, "OriginSecret")
		}
		if f.Needs.PDFSigning {
			give(f, core.PDFSigningSecretEnv, s.pdf, "PdfSigningSecret")
		}
		if f.Needs.TicketSeed || f.Needs.CursorKey || f.Needs.PDFSigning || http {
			fns[f.Name].AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:        jsii.String("SecretsKeyThroughSecretsManager"),
				Actions:    jsii.Strings("kms:Decrypt"),
				Resources:  &[]*string{key.KeyArn()},
				Conditions: viaSecrets,
			}))
		}
	}
	for _, secret := range []awssecretsmanager.ISecret{s.ticket, s.cursor, s.pdf} {
		roles := readers[secret]
		if len(roles) == 0 {
			panic(fmt.Sprintf("stack: no function reads the secret %s", *secret.Node().Id()))
		}
		secret.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("OnlyTheFunctionsThatNeedIt"),
			Effect:     awsiam.Effect_DENY,
			Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
			Actions:    jsii.Strings("secretsmanager:GetSecretValue"),
			Resources:  jsii.Strings("*"), // in a resource policy, "*" is this secret
			Conditions: &map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": roles}},
		}))
	}
}
