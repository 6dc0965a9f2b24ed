package stack

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/functions"
)

// GIVEN the stack WHEN each function's role is read THEN its DynamoDB
// actions are exactly its entry's declared table actions (which the
// recording tests hold the code to), on the table; Query alone on the
// indexes it declares and on no other; no Scan, DeleteTable or transaction
// "action" anywhere; the table key only through DynamoDB, encrypting only
// for a function that writes; its log permissions on its own log group; and
// no managed policy (AWSLambdaBasicExecutionRole would allow every log
// group).
func TestLeastPrivilege(t *testing.T) {
	_, tj := synth(t)
	tableID := onlyID(t, tj, "AWS::DynamoDB::Table")
	keyID := idWithPrefix(t, tj, "AWS::KMS::Key", "TableKey")
	filesKeyID := idWithPrefix(t, tj, "AWS::KMS::Key", "FilesKey")
	ids := functionIDs(t, tj)
	for _, f := range functions.All {
		t.Run(f.Name, func(t *testing.T) {
			stmts := functionPolicy(t, tj, ids[f.Name])
			var onTable, onIndexes []string
			var indexes []string
			for _, s := range stmts {
				for _, a := range actions(s) {
					if slices.Contains(functions.StreamActions, a) {
						// the stream's reader (TestStreamFedFunctions)
						if f.Stream == nil {
							t.Errorf("%s, and no stream feeds the function", a)
						}
						continue
					}
					if !strings.HasPrefix(a, "dynamodb:") {
						continue
					}
					for _, r := range list(s["Resource"]) {
						j := mustJSON(r)
						switch {
						case !strings.Contains(j, `"`+tableID+`"`):
							t.Errorf("%s on %s, not the table", a, j)
						case strings.Contains(j, "/index/"):
							onIndexes = append(onIndexes, a)
							indexes = append(indexes, j[strings.Index(j, "/index/")+len("/index/"):strings.LastIndex(j, `"`)])
						default:
							onTable = append(onTable, a)
						}
					}
				}
			}
			want := slices.Clone(f.Needs.Table.Actions)
			sort.Strings(want)
			sort.Strings(onTable)
			if !slices.Equal(onTable, want) {
				t.Errorf("DynamoDB actions on the table %v, want exactly the declared %v", onTable, want)
			}
			wantIx := slices.Clone(f.Needs.Table.Indexes)
			sort.Strings(wantIx)
			sort.Strings(indexes)
			if !slices.Equal(slices.Compact(indexes), wantIx) {
				t.Errorf("index resources %v, want the declared %v", indexes, wantIx)
			}
			for _, a := range onIndexes {
				if a != functions.Query {
					t.Errorf("%s on an index, want Query alone", a)
				}
			}
			for _, a := range append(onTable, onIndexes...) {
				for _, never := range []string{"dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:TransactWriteItems", "dynamodb:TransactGetItems", "dynamodb:DescribeTable"} {
					if a == never {
						t.Errorf("role allows %s", a)
					}
				}
			}
			writes := slices.ContainsFunc(f.Needs.Table.Actions, func(a string) bool { return slices.Contains(writeActions, a) })
			for _, s := range stmts {
				acts := actions(s)
				if !slices.ContainsFunc(acts, func(a string) bool { return strings.HasPrefix(a, "kms:") }) {
					continue
				}
				via := mustJSON(s["Condition"])
				if strings.Contains(mustJSON(s["Resource"]), `"`+filesKeyID+`"`) {
					// the files bucket's key (issue 16): through S3 alone,
					// for a function with files access
					if f.Needs.Files == 0 || !strings.Contains(via, `"s3.`) {
						t.Errorf("files key statement %v (%s) for files access %d", acts, via, f.Needs.Files)
					}
					continue
				}
				if !strings.Contains(mustJSON(s["Resource"]), `"`+keyID+`"`) {
					t.Errorf("KMS statement on %s, not the stack's key", mustJSON(s["Resource"]))
				}
				switch {
				case strings.Contains(via, "dynamodb."):
					if slices.Contains(acts, "kms:GenerateDataKey*") != writes {
						t.Errorf("table key statement %v for a function that writes: %v", acts, writes)
					}
				case strings.Contains(via, "secretsmanager."):
					if !slices.Equal(acts, []string{"kms:Decrypt"}) {
						t.Errorf("secret key statement %v, want kms:Decrypt alone", acts)
					}
				case slices.Equal(snsActions(stmts), nil):
					t.Errorf("KMS statement %v without a kms:ViaService condition, and no topic to publish to", acts)
				}
			}
			for _, s := range stmts {
				for _, a := range actions(s) {
					if strings.HasPrefix(a, "logs:") && !strings.Contains(mustJSON(s["Resource"]), `"`+constructID(f.Name)+"Logs") {
						t.Errorf("%s on %s, not the function's own log group", a, mustJSON(s["Resource"]))
					}
				}
			}
			role := props(resources(tj, "AWS::Lambda::Function")[ids[f.Name]])["Role"].(obj)["Fn::GetAtt"].([]any)[0].(string)
			if m := props(resources(tj, "AWS::IAM::Role")[role])["ManagedPolicyArns"]; m != nil {
				t.Errorf("role has managed policies %s", mustJSON(m))
			}
		})
	}
}

// GIVEN the table's key WHEN its key policy is read THEN CloudWatch, its
// only service principal, may use it only for this account's alarms
// (aws:SourceAccount and aws:SourceArn).
func TestKeyPolicyServiceGrantsAreConditioned(t *testing.T) {
	_, tj := synth(t)
	key := props(resources(tj, "AWS::KMS::Key")[idWithPrefix(t, tj, "AWS::KMS::Key", "TableKey")])
	services := 0
	for _, s := range list(key["KeyPolicy"].(obj)["Statement"]) {
		p := mustJSON(s.(obj)["Principal"])
		if !strings.Contains(p, `"Service"`) {
			continue
		}
		services++
		c := mustJSON(s.(obj)["Condition"])
		if !strings.Contains(c, `"aws:SourceAccount"`) || !strings.Contains(c, `"aws:SourceArn"`) || !strings.Contains(c, ":alarm:*") {
			t.Errorf("service grant to %s without source conditions: %s", p, c)
		}
	}
	if services == 0 {
		t.Error("no service grant in the key policy (CloudWatch alarms publish to the encrypted operators topic)")
	}
}
