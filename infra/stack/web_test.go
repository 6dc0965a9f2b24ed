package stack

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// webOrigin is the web cabinet's origin as the template spells it: https://
// and the distribution's domain.
func webOrigin(t *testing.T, tj obj) obj {
	t.Helper()
	return obj{"Fn::Join": arr{"", arr{"https://", obj{"Fn::GetAtt": arr{onlyID(t, tj, "AWS::CloudFront::Distribution"), "DomainName"}}}}}
}

// GIVEN the stack WHEN the web cabinet's hosting is inspected THEN the app is
// in a private, encrypted, TLS-only bucket read by CloudFront alone (origin
// access control), served over HTTPS with security headers; the hashed
// assets are cached for a year and index.html and config.json revalidated;
// config.json points the app at its own origin for the API and at the Cognito hosted UI, whose
// domain exists, and whose app client redirects back to the app.
func TestWebCabinetHosting(t *testing.T) {
	tp, tj := synth(t)
	has := func(typ string, p obj) func(t *testing.T) {
		return func(t *testing.T) { check(t, func() { tp.HasResourceProperties(jsii.String(typ), p) }) }
	}
	var bucketID string
	for id := range resources(tj, "AWS::S3::Bucket") {
		if strings.HasPrefix(id, "WebBucket") {
			bucketID = id
		}
	}
	distID := onlyID(t, tj, "AWS::CloudFront::Distribution")
	// the deployments into the web bucket (the files bucket gets the trust
	// anchors' bundle by one of its own)
	deployments := map[string]obj{}
	byCache := map[string]obj{}
	for id, d := range resources(tj, "Custom::CDKBucketDeployment") {
		p := props(d)
		if dest, _ := p["DestinationBucketName"].(obj); dest["Ref"] != bucketID {
			continue
		}
		deployments[id] = d
		cc, _ := p["SystemMetadata"].(obj)["cache-control"].(string)
		byCache[cc] = p
	}
	run(t, []assertCase{
		{"bucket private, encrypted, TLS only", has("AWS::S3::Bucket", obj{
			"PublicAccessBlockConfiguration": obj{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
			"BucketEncryption":               obj{"ServerSideEncryptionConfiguration": arr{obj{"ServerSideEncryptionByDefault": obj{"SSEAlgorithm": "AES256"}}}},
		})},
		{"bucket policy denies plain HTTP", has("AWS::S3::BucketPolicy", obj{
			"Bucket":         obj{"Ref": bucketID},
			"PolicyDocument": obj{"Statement": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{"Effect": "Deny", "Condition": obj{"Bool": obj{"aws:SecureTransport": "false"}}})})},
		})},
		{"CloudFront reads the bucket through origin access control", func(t *testing.T) {
			check(t, func() { tp.ResourceCountIs(jsii.String("AWS::CloudFront::OriginAccessControl"), jsii.Number(1)) })
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::CloudFront::Distribution"), obj{"DistributionConfig": assertions.Match_ObjectLike(&obj{
					"DefaultRootObject": "index.html",
					"HttpVersion":       "http2and3",
					"DefaultCacheBehavior": assertions.Match_ObjectLike(&obj{
						"ViewerProtocolPolicy": "redirect-to-https", "Compress": true,
						"ResponseHeadersPolicyId": obj{"Ref": onlyID(t, tj, "AWS::CloudFront::ResponseHeadersPolicy")},
					}),
					"Origins": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{"OriginAccessControlId": assertions.Match_AnyValue()})}),
				})})
			})
		}},
		{"security headers: CSP without unsafe sources, HSTS, nosniff, no framing", func(t *testing.T) {
			rh := props(resources(tj, "AWS::CloudFront::ResponseHeadersPolicy")[onlyID(t, tj, "AWS::CloudFront::ResponseHeadersPolicy")])
			sec := rh["ResponseHeadersPolicyConfig"].(obj)["SecurityHeadersConfig"].(obj)
			csp := flatten(sec["ContentSecurityPolicy"].(obj)["ContentSecurityPolicy"])
			for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "connect-src 'self' https://kabinet-test.auth.",
				"https://kabinet-test-files-"} { // the files bucket, for presigned uploads and downloads
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "execute-api") {
				t.Errorf("CSP %q lets the app call execute-api, around CloudFront and its WAF", csp)
			}
			if strings.Contains(csp, "unsafe") {
				t.Errorf("CSP allows unsafe sources: %q", csp)
			}
			if sec["StrictTransportSecurity"].(obj)["AccessControlMaxAgeSec"] != float64(hstsSeconds) || sec["FrameOptions"].(obj)["FrameOption"] != "DENY" || sec["ContentTypeOptions"] == nil {
				t.Errorf("security headers: %v", sec)
			}
		}},
		{"hashed assets immutable, entry files revalidated", func(t *testing.T) {
			assets, entry := byCache[webAssetsCache], byCache[webEntryCache]
			if len(deployments) != 2 || assets == nil || entry == nil {
				t.Fatalf("deployments by cache-control: %v", byCache)
			}
			if flatten(assets["Exclude"]) != "index.html config.json" || assets["Prune"] != false {
				t.Errorf("assets deployment: %v", assets)
			}
			if flatten(entry["Include"]) != "index.html config.json" || entry["Prune"] != false {
				t.Errorf("entry deployment: %v", entry)
			}
		}},
		{"config.json names the API, the hosted UI, the app client and the app", func(t *testing.T) {
			cfg := flatten(byCache[webEntryCache]["SourceMarkersConfig"]) + flatten(byCache[webEntryCache]["SourceMarkers"])
			for _, want := range []string{onlyID(t, tj, "AWS::Cognito::UserPoolClient"), distID, ".amazoncognito.com"} {
				if !strings.Contains(cfg, want) {
					t.Errorf("config.json markers %s lack %q", cfg, want)
				}
			}
			// the API is on the app's own origin: apiBase is "", not the
			// execute-api endpoint
			if strings.Contains(cfg, "ApiEndpoint") {
				t.Errorf("config.json names the execute-api endpoint: %s", cfg)
			}
		}},
		{"access logs of the bucket and the distribution go to a private log bucket kept 90 days", func(t *testing.T) {
			var logsID string
			for id := range resources(tj, "AWS::S3::Bucket") {
				if strings.HasPrefix(id, "AccessLogs") {
					logsID = id
				}
			}
			logs := props(resources(tj, "AWS::S3::Bucket")[logsID])
			if logsID == "" || mustJSON(logs["LifecycleConfiguration"]) != `{"Rules":[{"ExpirationInDays":90,"Status":"Enabled"}]}` ||
				logs["PublicAccessBlockConfiguration"].(obj)["BlockPublicPolicy"] != true {
				t.Errorf("log bucket %s: %s", logsID, mustJSON(logs))
			}
			web := props(resources(tj, "AWS::S3::Bucket")[bucketID])
			if mustJSON(web["LoggingConfiguration"]) != mustJSON(obj{"DestinationBucketName": obj{"Ref": logsID}, "LogFilePrefix": "web-bucket/"}) {
				t.Errorf("web bucket logging %s", mustJSON(web["LoggingConfiguration"]))
			}
			dist := props(resources(tj, "AWS::CloudFront::Distribution")[distID])["DistributionConfig"].(obj)
			if l := mustJSON(dist["Logging"]); !strings.Contains(l, logsID) || !strings.Contains(l, `"cloudfront/"`) {
				t.Errorf("distribution logging %s", l)
			}
		}},
		{"hosted UI domain", has("AWS::Cognito::UserPoolDomain", obj{
			"Domain": "kabinet-test", "UserPoolId": obj{"Ref": onlyID(t, tj, "AWS::Cognito::UserPool")},
		})},
		{"outputs WebUrl and HostedUIUrl", func(t *testing.T) {
			out := tj["Outputs"].(obj)
			if out["WebUrl"] == nil || out["HostedUIUrl"] == nil {
				t.Errorf("outputs: %v", out)
			}
		}},
	})
}

// flatten renders a template value (strings, Fn::Join, Ref, GetAtt ...) as
// one string of its leaves, for "contains" checks on values made of tokens.
func flatten(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case arr:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, flatten(x))
		}
		return strings.Join(parts, " ")
	case obj:
		if j, ok := v["Fn::Join"].(arr); ok {
			var parts []string
			for _, x := range j[1].(arr) {
				parts = append(parts, flatten(x))
			}
			return strings.Join(parts, j[0].(string))
		}
		parts := []string{}
		for k, x := range v {
			parts = append(parts, k+":"+flatten(x))
		}
		return strings.Join(parts, " ")
	}
	return ""
}
