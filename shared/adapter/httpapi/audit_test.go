package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/functions"
)

// TestEveryStateChangeIsAudited makes changes, reads, and refused requests,
// then reads the audit trail straight from the table: one entry per
// successful change, with its route, path, status and the request id the
// client saw; nothing for reads or refusals; and no route of the API can
// reach the trail. Erasing the document leaves its trail in place.
func TestEveryStateChangeIsAudited(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	var want []string // route and request id of each successful change
	change := func(r req, status int) resp {
		t.Helper()
		res := e.do(r)
		if res.status != status {
			t.Fatalf("%s %s: %d %s", r.method, r.path, res.status, res.body)
		}
		return res
	}
	created := change(req{method: "POST", path: "/documents", token: alice, body: map[string]any{"type": "custom", "title": "Пропуск"}}, 201)
	id := created.json(t)["id"].(string)
	want = append(want, "POST /documents|"+created.header.Get("X-Request-Id"))
	patched := change(req{method: "PATCH", path: "/documents/" + id, token: alice, body: map[string]any{"title": "x"},
		header: map[string]string{"If-Match": `"1"`}}, 200)
	want = append(want, "PATCH /documents/{id}|"+patched.header.Get("X-Request-Id"))
	archived := change(req{method: "POST", path: "/documents/" + id + "/archive", token: alice}, 200)
	want = append(want, "POST /documents/{id}/archive|"+archived.header.Get("X-Request-Id"))
	// reads and refusals leave no entry
	change(req{method: "GET", path: "/documents/" + id, token: alice}, 200)
	change(req{method: "POST", path: "/documents", token: alice, body: map[string]any{"type": "nope"}}, 422)
	change(req{method: "DELETE", path: "/documents/" + id, token: e.token("mallory")}, 404)
	deleted := change(req{method: "DELETE", path: "/documents/" + id, token: alice}, http.StatusNoContent)
	want = append(want, "DELETE /documents/{id}|"+deleted.header.Get("X-Request-Id"))

	out, err := e.db.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(e.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "AUDIT#alice"}},
		ConsistentRead:            aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Route, Path, RequestID, Actor string
		Status                        int
	}
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.Route+"|"+it.RequestID)
		if it.Actor != "alice" || !strings.Contains(it.Path, "/documents") || it.Status < 200 || it.Status > 299 {
			t.Errorf("entry %+v", it)
		}
		if strings.Contains(it.Path, "Пропуск") {
			t.Errorf("audit entry holds content: %+v", it)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if mal, _ := e.db.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(e.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "AUDIT#mallory"}},
	}); len(mal.Items) != 0 {
		t.Errorf("a refused request was audited: %v", mal.Items)
	}
	for _, r := range functions.Routes() {
		if strings.Contains(strings.ToLower(r.Path()), "audit") {
			t.Errorf("route %s reaches the audit trail", r.Pattern)
		}
	}
}
