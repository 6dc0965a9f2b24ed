package store_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
)

// TestEnsureTableStream: EnsureTable makes the table with its change stream
// (and turns it on for a table made without one, as an older checkout's);
// EnsureTableWithoutStream makes one without, with the same keys, indexes
// and TTL.
func TestEnsureTableStream(t *testing.T) {
	cl, existing := testenv.Table(t, "schema") // EnsureTable's
	ctx, db := context.Background(), cl.DynamoDB
	streamOf := func(name string) (bool, string) {
		t.Helper()
		out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.Table.GlobalSecondaryIndexes); n != len(store.Schema.Indexes) {
			t.Errorf("%s has %d indexes, want %d", name, n, len(store.Schema.Indexes))
		}
		ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if a := aws.ToString(ttl.TimeToLiveDescription.AttributeName); a != store.Schema.TTLAttribute {
			t.Errorf("%s's TTL attribute is %q, want %q", name, a, store.Schema.TTLAttribute)
		}
		if sp := out.Table.StreamSpecification; sp != nil && aws.ToBool(sp.StreamEnabled) {
			return true, string(sp.StreamViewType)
		}
		return false, ""
	}
	if on, view := streamOf(existing); !on || view != string(store.Schema.Stream) {
		t.Errorf("EnsureTable's table: stream %v %q, want on with %q", on, view, store.Schema.Stream)
	}
	bare := existing + "-bare"
	if err := store.EnsureTableWithoutStream(ctx, db, bare); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(bare)})
	})
	if on, _ := streamOf(bare); on {
		t.Errorf("EnsureTableWithoutStream's table has a stream")
	}
	if err := store.EnsureTable(ctx, db, bare); err != nil { // then asked for with one
		t.Fatal(err)
	}
	if on, _ := streamOf(bare); !on {
		t.Errorf("EnsureTable did not turn the stream on")
	}
}
