package stack

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// GIVEN the main stack and the edge stack of a deployment WHEN cdk-nag's
// AwsSolutions and Serverless packs check them THEN there is no
// unsuppressed finding, error or warning: each real gap is fixed in the
// stack, and each suppression (nag.go) names its rule, its resource and why.
func TestCdkNag(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Context: cdkContextMap(t)})
	env := func(region string) *awscdk.Environment {
		return &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String(region)}
	}
	edge := NewEdge(app, "Edge", EdgeProps{Stage: "test", StackProps: awscdk.StackProps{Env: env("us-east-1"), CrossRegionReferences: jsii.Bool(true)}})
	p := testProps
	p.StackProps = awscdk.StackProps{Env: env("eu-central-1"), CrossRegionReferences: jsii.Bool(true)}
	p.WebACLArn = *edge.WebACLArn
	p.AssetDir, p.WebDir = synthDirs(t)
	main := New(app, "Main", p)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	awscdk.Aspects_Of(app).Add(cdknag.NewServerlessChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	for _, st := range []awscdk.Stack{edge.Stack, main} {
		an := assertions.Annotations_FromStack(st)
		var found []string
		for _, kind := range []string{"error", "warning"} {
			var msgs *[]*cxapi.SynthesisMessage
			if kind == "error" {
				msgs = an.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("(AwsSolutions|Serverless)-.*")))
			} else {
				msgs = an.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("(AwsSolutions|Serverless)-.*")))
			}
			for _, m := range *msgs {
				text := fmt.Sprint((*m.Entry).Data)
				rule, _, _ := strings.Cut(text, "]: ")
				if !strings.Contains(rule, "[") {
					rule, _, _ = strings.Cut(text, ": ")
				}
				found = append(found, fmt.Sprintf("%s %s %s", kind, rule, *m.Id))
			}
		}
		sort.Strings(found)
		for _, f := range found {
			t.Errorf("%s: %s", *st.StackName(), f)
		}
	}
}
