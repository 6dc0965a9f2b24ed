// Command infra is Kabinet's CDK app (run by `cdk synth` through cdk.json).
// It reads the deployment's settings from CDK context (cdk.json or
// `cdk -c key=value`) and synthesizes one stack per stage.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/infra/stack"
	"github.com/kabinet/kabinet/shared/app/core"
)

// Context defaults, used when neither cdk.json nor -c sets a key.
const (
	defaultStage = "dev"
	// The API trusts the stack's own Cognito user pool (audience: its app
	// client) unless jwtIssuer and jwtAudience name an external identity
	// provider; both are empty by default.
	defaultIssuer         = ""
	defaultAudience       = ""
	defaultAllowedOrigins = "http://localhost:3000"
	defaultAssetDir       = "bin"
	defaultWebDir         = "web/dist"
	// defaultVideoBaseURL is the link prefix the functions fall back to
	// themselves (https://video.kabinet.example/room).
	defaultVideoBaseURL = core.DefaultVideoBase
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stage := contextString(app, "stage", defaultStage)
	// CloudFront's web ACL lives in us-east-1 (stack.NewEdge); the main
	// stack refers to it across regions, which CDK allows only between
	// stacks that name their account and region: the deployer's
	// (CDK_DEFAULT_ACCOUNT/REGION, set by the CDK CLI from the profile) or
	// the context's.
	account := contextString(app, "account", os.Getenv("CDK_DEFAULT_ACCOUNT"))
	region := contextString(app, "region", os.Getenv("CDK_DEFAULT_REGION"))
	if region == "" {
		fmt.Fprintln(os.Stderr, "infra: no region: set AWS_REGION / a profile's region, or -c region=<region>")
		os.Exit(1)
	}
	edge := stack.NewEdge(app, "Kabinet-"+stage+"-edge", stack.EdgeProps{Stage: stage, StackProps: awscdk.StackProps{
		Env: &awscdk.Environment{Account: optional(account), Region: jsii.String("us-east-1")}, CrossRegionReferences: jsii.Bool(true)}})
	stack.New(app, "Kabinet-"+stage, stack.Props{
		StackProps: awscdk.StackProps{Env: &awscdk.Environment{Account: optional(account), Region: jsii.String(region)},
			CrossRegionReferences: jsii.Bool(true)},
		WebACLArn:      *edge.WebACLArn,
		Stage:          stage,
		JWTIssuer:      contextString(app, "jwtIssuer", defaultIssuer),
		JWTAudience:    contextString(app, "jwtAudience", defaultAudience),
		AllowedOrigins: splitList(contextString(app, "allowedOrigins", defaultAllowedOrigins)),
		AssetDir:       contextString(app, "assetDir", defaultAssetDir),
		WebDir:         contextString(app, "webDir", defaultWebDir),
		// The Cognito hosted UI's domain prefix; empty means kabinet-<stage>.
		AuthDomainPrefix: contextString(app, "authDomainPrefix", ""),
		VideoBaseURL:     contextString(app, "videoBaseUrl", defaultVideoBaseURL),
		// Agencies' AWS accounts by issuing party: "mvd=111111111111,gibdd=222222222222".
		AgencyAccounts: pairs(contextString(app, "agencyAccounts", "")),
		// Laboratories' AWS accounts: "invitro=333333333333,helix=444444444444".
		LabAccounts: pairs(contextString(app, "labAccounts", "")),
		// The PEM bundle of CAs detached signatures must chain to, read
		// from a file at synth: -c trustAnchors=certs/anchors.pem.
		TrustAnchorsPEM: readFile(contextString(app, "trustAnchors", "")),
		// Optional custom domain of the API: both or neither.
		DomainName:     contextString(app, "domainName", ""),
		CertificateARN: contextString(app, "certificateArn", ""),
	})
	app.Synth(nil)
}

// optional is s, or nil when empty (an environment-agnostic account).
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}

// contextString reads a context value as a string; a list (possible in
// cdk.json) is joined with commas so splitList reads it back.
func contextString(app awscdk.App, key, def string) string {
	switch v := app.Node().TryGetContext(jsii.String(key)).(type) {
	case nil:
		return def
	case string:
		if v == "" {
			return def
		}
		return v
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, ",")
	default:
		return fmt.Sprint(v)
	}
}

// splitList splits a comma-separated context value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// pairs reads "k=v,k=v" (spaces around items ignored); "" is none.
func pairs(s string) map[string]string {
	out := map[string]string{}
	for _, item := range splitList(s) {
		if k, v, ok := strings.Cut(item, "="); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// readFile is the content of the file at path ("" for no path); a path that
// cannot be read stops the synth, rather than deploy signatures that all
// answer 503.
func readFile(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		panic(fmt.Sprintf("infra: %v", err))
	}
	return string(b)
}
