package actions

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/functions"
)

// GIVEN SDK calls WHEN their IAM actions are derived THEN a transaction
// needs its items' actions (IAM has no transaction action), an index query
// names its index, and batch forms need their single forms.
func TestNeeded(t *testing.T) {
	for _, c := range []struct {
		name, service, op string
		params            any
		want              []string
		index             string
	}{
		{"transaction items", "DynamoDB", "TransactWriteItems", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{}}, {Update: &types.Update{}}, {ConditionCheck: &types.ConditionCheck{}}, {Delete: &types.Delete{}}}},
			[]string{functions.PutItem, functions.UpdateItem, functions.ConditionCheckItem, functions.DeleteItem}, ""},
		{"transactional read", "DynamoDB", "TransactGetItems", &dynamodb.TransactGetItemsInput{}, []string{functions.GetItem}, ""},
		{"index query", "DynamoDB", "Query", &dynamodb.QueryInput{IndexName: new("gsi1")}, []string{functions.Query}, "gsi1"},
		{"table query", "DynamoDB", "Query", &dynamodb.QueryInput{}, []string{functions.Query}, ""},
		{"scan", "DynamoDB", "Scan", &dynamodb.ScanInput{}, []string{"dynamodb:Scan"}, ""},
		{"publish batch", "SNS", "PublishBatch", nil, []string{"sns:Publish"}, ""},
		{"send batch", "SQS", "SendMessageBatch", nil, []string{"sqs:SendMessage"}, ""},
		{"secret", "Secrets Manager", "GetSecretValue", nil, []string{"secretsmanager:GetSecretValue"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ix := Needed(c.service, c.op, c.params)
			if !slices.Equal(got, c.want) || ix != c.index {
				t.Errorf("Needed = %v %q, want %v %q", got, ix, c.want, c.index)
			}
		})
	}
}

// GIVEN recorded calls WHEN they are held to functions.All THEN an action
// or index a function does not declare is reported, a declared one is not,
// and a call without a function in its context is not recorded.
func TestUndeclared(t *testing.T) {
	r := &Recorder{}
	r.add(functions.ReminderDispatch, []string{functions.Query}, "due")
	if got := r.Undeclared(); len(got) != 0 {
		t.Errorf("declared calls reported: %v", got)
	}
	r.add(functions.ReminderDispatch, []string{"dynamodb:Scan"}, "gsi1")
	r.add("nope", []string{functions.GetItem}, "")
	got := strings.Join(r.Undeclared(), "\n")
	for _, want := range []string{"reminder-dispatch calls dynamodb:Scan", "reminder-dispatch queries index gsi1", "nope: no such function"} {
		if !strings.Contains(got, want) {
			t.Errorf("Undeclared = %s, want %q", got, want)
		}
	}
	if Function(context.Background()) != "" || Function(WithFunction(context.Background(), "x")) != "x" {
		t.Error("attribution by context")
	}
}
