package stack

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// cfnLintWarnings are the cfn-lint warnings the templates may have, each
// with why it stays (README "What is tested here"): anything else fails.
var cfnLintWarnings = map[string]string{
	// CDK makes a Lambda depend on its role's default policy and on the
	// role, so the policy exists before the function is invoked; the role
	// dependency is also implied by Role's GetAtt, which cfn-lint notes.
	"W3005": "a function's DependsOn its role, which its Role GetAtt already implies (CDK writes both)",
	// CloudFront's standard logs are written through the log bucket's ACL
	// (CDK sets AccessControl LogDeliveryWrite for them); a bucket policy
	// cannot grant CloudFront's log delivery.
	"W3045": "the access-log bucket's AccessControl, which CloudFront's standard logging needs",
}

// GIVEN the synthesized templates (the main stack and the edge stack) WHEN
// cfn-lint checks them, each for its region THEN there is no error and no
// warning but those listed in cfnLintWarnings. cfn-lint is a pip package
// (neither Debian nor the module proxy has it): on a machine without it
// the test says so and skips, unless KABINET_REQUIRE_EMULATORS=1 (make
// test, CI), where it fails.
func TestCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		msg := "cfn-lint is not on PATH (pip install cfn-lint; no Debian package): the templates were not linted"
		if os.Getenv("KABINET_REQUIRE_EMULATORS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	_, main := synth(t)
	app := awscdk.NewApp(&awscdk.AppProps{Context: cdkContextMap(t)})
	edge := NewEdge(app, "Edge", EdgeProps{Stage: "test", StackProps: awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")}}})
	dir := t.TempDir()
	for _, c := range []struct {
		name, region string
		tpl          obj
	}{{"main", "eu-central-1", main}, {"edge", "us-east-1", templateJSON(t, edge.Stack)}} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, c.name+".template.json")
			raw, err := json.Marshal(c.tpl)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "--format", "parseable", "--regions", c.region, "--", file).CombinedOutput()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatalf("cfn-lint: %v", err)
			}
			// parseable: file:line:col:line:col:RULE:message
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if line == "" {
					continue
				}
				parts := strings.SplitN(line, ":", 7)
				if len(parts) < 7 {
					t.Errorf("cfn-lint: %s", line)
					continue
				}
				rule := parts[5]
				if _, ok := cfnLintWarnings[rule]; ok && strings.HasPrefix(rule, "W") {
					continue
				}
				t.Errorf("cfn-lint %s: %s", rule, parts[6])
			}
			if exit != nil && exit.ExitCode()&2 != 0 {
				t.Errorf("cfn-lint found errors (exit %d)", exit.ExitCode())
			}
		})
	}
}
