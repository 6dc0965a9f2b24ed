// Package testenv gives an integration test what most of them start from:
// the AWS clients built as the functions build them, pointed at the local
// emulators (emutest), and a DynamoDB table and SNS topic of the test's own.
// Tests of packages that shared/app/core is built from may use it only from
// their external test packages (package x_test): it imports shared/app/core.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/app/core"
)

// Table makes a table of store.Schema named prefix-<random> and deletes it
// when the test ends, and returns the clients and the table's name. Like
// emutest.Need, it skips the test (or fails it, under
// KABINET_REQUIRE_EMULATORS=1) when the emulators are missing.
func Table(t *testing.T, prefix string) (core.Clients, string) {
	t.Helper()
	emutest.Need(t)
	ctx := context.Background()
	cl, err := core.NewClients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + "-" + hex.EncodeToString(b[:])
	if err := store.EnsureTable(ctx, cl.DynamoDB, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = cl.DynamoDB.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return cl, name
}

// Topic makes an SNS topic called name, deleted when the test ends, and
// returns its ARN.
func Topic(t *testing.T, cl core.Clients, name string) string {
	t.Helper()
	out, err := cl.SNS.CreateTopic(context.Background(), &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.TopicArn)
	t.Cleanup(func() {
		_, _ = cl.SNS.DeleteTopic(context.Background(), &sns.DeleteTopicInput{TopicArn: aws.String(arn)})
	})
	return arn
}
