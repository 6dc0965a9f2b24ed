package stack

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/app/core"
)

// GIVEN the stack WHEN its files bucket is inspected THEN it is encrypted
// with its own rotating key, versioned, closed to the public, TLS only,
// logged, with lifecycle rules for incomplete uploads and staged lab files,
// CORS for presigned uploads, and GuardDuty Malware Protection whose
// verdicts reach the ingest function.
func TestFilesBucket(t *testing.T) {
	tp, tj := synth(t)
	const typ = "AWS::S3::Bucket"
	var filesID string
	for id, r := range resources(tj, typ) {
		if strings.HasPrefix(id, "Files") && !strings.HasPrefix(id, "FilesAccessLogs") && props(r)["VersioningConfiguration"] != nil {
			filesID = id
		}
	}
	if filesID == "" {
		t.Fatal("no files bucket")
	}
	files := props(resources(tj, typ)[filesID])
	has := func(p obj) func(t *testing.T) {
		return func(t *testing.T) { check(t, func() { tp.HasResourceProperties(jsii.String(typ), p) }) }
	}
	run(t, []assertCase{
		{"KMS with a key of its own, bucket key on", func(t *testing.T) {
			enc, _ := json.Marshal(files["BucketEncryption"])
			if !strings.Contains(string(enc), `"SSEAlgorithm":"aws:kms"`) || !strings.Contains(string(enc), `"BucketKeyEnabled":true`) || !strings.Contains(string(enc), "FilesKey") {
				t.Errorf("encryption = %s", enc)
			}
		}},
		{"versioned", has(obj{"VersioningConfiguration": obj{"Status": "Enabled"}})},
		{"named for the stage, account and region (the web cabinet's CSP names it)", func(t *testing.T) {
			if name := flatten(files["BucketName"]); !strings.HasPrefix(name, "kabinet-test-files-") {
				t.Errorf("BucketName = %s", name)
			}
		}},
		{"no public access", has(obj{"PublicAccessBlockConfiguration": obj{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}})},
		{"access logs to their own bucket", func(t *testing.T) {
			lc, _ := json.Marshal(files["LoggingConfiguration"])
			if !strings.Contains(string(lc), "FilesAccessLogs") {
				t.Errorf("logging = %s", lc)
			}
		}},
		{"incomplete uploads aborted, staging expires", has(obj{"LifecycleConfiguration": obj{"Rules": assertions.Match_ArrayWith(&arr{
			assertions.Match_ObjectLike(&obj{"AbortIncompleteMultipartUpload": obj{"DaysAfterInitiation": 1}, "Status": "Enabled"}),
			assertions.Match_ObjectLike(&obj{"Prefix": stagingPrefix, "ExpirationInDays": stagingDays}),
		})}})},
		{"CORS for presigned PUT and GET with the checksum header", has(obj{"CorsConfiguration": obj{"CorsRules": assertions.Match_ArrayWith(&arr{
			assertions.Match_ObjectLike(&obj{"AllowedMethods": arr{"PUT", "GET", "HEAD"}, "AllowedHeaders": assertions.Match_ArrayWith(&arr{"x-amz-checksum-sha256"})}),
		})}})},
		{"TLS only", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), obj{
					"Bucket":         obj{"Ref": filesID},
					"PolicyDocument": obj{"Statement": assertions.Match_ArrayWith(&arr{assertions.Match_ObjectLike(&obj{"Effect": "Deny", "Condition": obj{"Bool": obj{"aws:SecureTransport": "false"}}})})},
				})
			})
		}},
		{"retained", func(t *testing.T) {
			check(t, func() { tp.HasResource(jsii.String(typ), obj{"DeletionPolicy": "Retain"}) })
		}},
		{"GuardDuty Malware Protection on both prefixes", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::GuardDuty::MalwareProtectionPlan"), obj{
					"ProtectedResource": obj{"S3Bucket": obj{"BucketName": obj{"Ref": filesID}, "ObjectPrefixes": arr{filesPrefix, stagingPrefix}}},
				})
			})
		}},
		{"scan results go to the ingest function", func(t *testing.T) {
			check(t, func() {
				tp.HasResourceProperties(jsii.String("AWS::Events::Rule"), obj{"EventPattern": obj{
					"source": arr{"aws.guardduty"}, "detail-type": arr{eventbridge.ScanResultDetailType},
				}})
			})
		}},
	})
}

// GIVEN the stack WHEN the functions' policies are inspected THEN only the
// documents and ingest functions touch the files bucket, each with only its
// object actions under its prefixes, the applications function reads
// under files/ (its staff's downloads of what an answer sent), the reminder
// worker (people's erasures) deletes and lists there, and the profile
// function (a hand-over moves a grown-up's objects) has the documents
// function's object actions there, nothing more.
func TestFilesGrants(t *testing.T) {
	_, tj := synth(t)
	fns := resources(tj, "AWS::Lambda::Function")
	roleOf := map[string]string{} // function name → its role's logical id
	for name, fnID := range functionIDs(t, tj) {
		if ga, ok := props(fns[fnID])["Role"].(obj)["Fn::GetAtt"].([]any); ok {
			roleOf[name] = ga[0].(string)
		}
	}
	s3Actions := map[string][]string{} // function → "actions on resource"
	for _, p := range policies(tj) {
		roles, _ := json.Marshal(props(p)["Roles"])
		for _, st := range statements(p) {
			acts, _ := json.Marshal(st["Action"])
			if !strings.Contains(string(acts), "s3:") {
				continue
			}
			res, _ := json.Marshal(st["Resource"])
			for name, role := range roleOf {
				if strings.Contains(string(roles), `"`+role+`"`) {
					s3Actions[name] = append(s3Actions[name], string(acts)+" on "+string(res))
				}
			}
		}
	}
	for name, got := range s3Actions {
		if name != functions.Documents && name != functions.Ingest && name != functions.Applications && name != functions.ReminderWorker &&
			name != functions.Profile {
			t.Errorf("%s may touch S3: %v", name, got)
		}
		if name == functions.ReminderWorker && (len(got) != 2 || !strings.HasPrefix(got[0], `["s3:DeleteObject","s3:DeleteObjectVersion"] on `) ||
			!strings.Contains(got[0], "/files/*") || !strings.HasPrefix(got[1], `["s3:ListBucket","s3:ListBucketVersions"] on `)) {
			t.Errorf("the reminder worker may %v, want only to delete under files/ and list there", got)
		}
		if name == functions.Applications && (len(got) != 1 || !strings.HasPrefix(got[0], `"s3:GetObject" on `) || !strings.Contains(got[0], "/files/*")) {
			t.Errorf("applications may %v, want only s3:GetObject under files/", got)
		}
		for _, g := range got {
			if strings.Contains(g, `"s3:*"`) || (!strings.Contains(g, "/files/*") && !strings.Contains(g, "/staging/*") && !strings.Contains(g, "s3:ListBucket") &&
				!strings.Contains(g, "/"+functions.TrustAnchorsKey+`"`)) {
				t.Errorf("%s: %s is not scoped to a prefix", name, g)
			}
			if name == functions.Ingest && strings.Contains(g, "DeleteObject") {
				t.Errorf("ingest may delete objects: %s", g)
			}
			if strings.Contains(g, "/staging/*") && strings.Contains(g, "PutObject") {
				t.Errorf("%s may write laboratories' staging prefix: %s", name, g)
			}
		}
	}
	if len(s3Actions[functions.Documents]) == 0 || len(s3Actions[functions.Ingest]) == 0 {
		t.Errorf("grants = %v, want the documents and ingest functions", s3Actions)
	}
}

// GIVEN the stack WHEN the booking function is inspected THEN it reads the
// PDF signing certificate and key from the stack's secret at start, by ARN
// (TestSecrets checks the grant and the secret's resource policy).
func TestPDFSigningSecret(t *testing.T) {
	tp, tj := synth(t)
	fn := props(resources(tj, "AWS::Lambda::Function")[functionIDs(t, tj)[functions.Booking]])
	env := mustJSON(fn["Environment"])
	if !strings.Contains(env, core.PDFSigningSecretEnv) || strings.Contains(env, "PDF_SIGNING_CERT") || strings.Contains(env, "PDF_SIGNING_KEY") {
		t.Errorf("booking environment %s: want the secret's ARN, never its value", env)
	}
	check(t, func() {
		tp.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), obj{"Name": pdfSigningSecretName(testProps.Stage)})
	})
}

// GIVEN laboratory accounts WHEN the stack is synthesized THEN each may put
// objects under its own staging prefix only (no read, no list, no other
// prefix) and encrypt with the files key through S3 only; no other account
// is in the bucket's or the key's policy.
func TestLabStagingAccess(t *testing.T) {
	_, tj := synth(t)
	want := map[string]string{} // principal → the one resource it may put to
	for lab, account := range testProps.LabAccounts {
		want[account] = "/staging/" + lab + "/*"
	}
	seen := map[string]bool{}
	for id, r := range resources(tj, "AWS::S3::BucketPolicy") {
		doc, _ := props(r)["PolicyDocument"].(obj)
		sts, _ := doc["Statement"].([]any)
		for _, x := range sts {
			st, _ := x.(obj)
			b, _ := json.Marshal(st)
			for account, prefix := range want {
				if !strings.Contains(string(b), account) {
					continue
				}
				seen[account] = true
				acts, _ := json.Marshal(st["Action"])
				res, _ := json.Marshal(st["Resource"])
				if st["Effect"] != "Allow" || string(acts) != `"s3:PutObject"` || !strings.Contains(string(res), prefix) {
					t.Errorf("%s: %s, want only s3:PutObject on %s", id, b, prefix)
				}
				for other, op := range want {
					if other != account && strings.Contains(string(res), op) {
						t.Errorf("%s: %s may write another laboratory's prefix %s", id, account, op)
					}
				}
			}
		}
	}
	for account := range want {
		if !seen[account] {
			t.Errorf("no bucket policy statement for laboratory account %s", account)
		}
	}
	keySeen := map[string]bool{}
	for id, r := range resources(tj, "AWS::KMS::Key") {
		doc, _ := props(r)["KeyPolicy"].(obj)
		sts, _ := doc["Statement"].([]any)
		for _, x := range sts {
			st, _ := x.(obj)
			b, _ := json.Marshal(st)
			for account := range want {
				if !strings.Contains(string(b), account) {
					continue
				}
				keySeen[account] = true
				if !strings.HasPrefix(id, "FilesKey") {
					t.Errorf("laboratory account %s is in the policy of key %s", account, id)
				}
				acts, _ := json.Marshal(st["Action"])
				if strings.Contains(string(acts), "Decrypt") || !strings.Contains(string(b), "kms:ViaService") {
					t.Errorf("%s: %s, want encrypt through S3 only", id, b)
				}
			}
		}
	}
	for account := range want {
		if !keySeen[account] {
			t.Errorf("laboratory account %s may not encrypt with the files key", account)
		}
	}
}

// testAnchorsPEM is a PEM bundle of n self-signed RSA CA certificates.
func testAnchorsPEM(n int) string {
	var out []byte
	for i := range n {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), Subject: pkix.Name{CommonName: fmt.Sprintf("Test CA %d", i+1)},
			NotBefore: time.Unix(0, 0), NotAfter: time.Unix(0, 0).AddDate(100, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return string(out)
}

// GIVEN a trust-anchor bundle larger than Lambda's 4 KB of environment
// WHEN the stack is synthesized THEN it is put in the files bucket at
// functions.TrustAnchorsKey (nothing else there pruned), the functions that
// check signatures are told the key, not the bundle, and may read that
// object alone of config/, and no other function may.
func TestTrustAnchorsInTheBucket(t *testing.T) {
	tp, tj := synth(t)
	if len(testProps.TrustAnchorsPEM) <= 4096 {
		t.Fatalf("the test bundle has %d bytes, want more than 4 KB", len(testProps.TrustAnchorsPEM))
	}
	tp.HasResourceProperties(jsii.String("Custom::CDKBucketDeployment"), map[string]any{
		"DestinationBucketKeyPrefix": "config/",
		"Prune":                      false,
	})
	readers := map[string]bool{}
	for _, f := range functions.All {
		if f.Needs.TrustAnchors {
			readers[f.Name] = true
		}
	}
	if !readers[functions.Documents] || !readers[functions.Ingest] || len(readers) != 2 {
		t.Fatalf("trust anchors' readers = %v, want documents and ingest", readers)
	}
	fns := resources(tj, "AWS::Lambda::Function")
	roleOf := map[string]string{}
	for name, fnID := range functionIDs(t, tj) {
		fn := fns[fnID]
		env, _ := props(fn)["Environment"].(obj)
		vars, _ := env["Variables"].(obj)
		raw, _ := json.Marshal(vars)
		if len(raw) > 4096 {
			t.Errorf("%s: environment of %d bytes, over Lambda's 4 KB", name, len(raw))
		}
		if _, inline := vars["SIGNATURE_TRUST_ANCHORS"]; inline {
			t.Errorf("%s: the bundle is in its environment", name)
		}
		if got, want := vars["SIGNATURE_TRUST_ANCHORS_KEY"], map[bool]any{true: functions.TrustAnchorsKey, false: nil}[readers[name]]; got != want {
			t.Errorf("%s: SIGNATURE_TRUST_ANCHORS_KEY = %v, want %v", name, got, want)
		}
		if ga, ok := props(fn)["Role"].(obj)["Fn::GetAtt"].([]any); ok {
			roleOf[name] = ga[0].(string)
		}
	}
	for _, p := range policies(tj) {
		roles, _ := json.Marshal(props(p)["Roles"])
		for _, st := range statements(p) {
			res, _ := json.Marshal(st["Resource"])
			if !strings.Contains(string(res), "config/") {
				continue
			}
			acts, _ := json.Marshal(st["Action"])
			for name, role := range roleOf {
				if !strings.Contains(string(roles), `"`+role+`"`) {
					continue
				}
				if !readers[name] || string(acts) != `"s3:GetObject"` || !strings.Contains(string(res), "/"+functions.TrustAnchorsKey+`"`) {
					t.Errorf("%s may %s on %s, want only the readers to get the bundle's object", name, acts, res)
				}
				delete(readers, name)
			}
		}
	}
	if len(readers) != 0 {
		t.Errorf("readers without a grant on the bundle: %v", readers)
	}
}
