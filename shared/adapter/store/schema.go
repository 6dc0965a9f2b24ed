// Package store is the core of the DynamoDB adapter: the one table's shape
// (single-table design; Schema is read by the CDK stack in infra/ and by the
// local runner, so the table is declared once), the transaction builder
// (Tx), error mapping, read helpers, and what every domain shares: the
// person's profile, the audit trail, Idempotency-Key claims, daily caps,
// contact records and due-index attributes. Each domain's ports are
// implemented in a subpackage embedding Store (docstore, bookingstore,
// appstore, inboxstore, orgstore, ingeststore, remindstore), so a function
// links the store code of the domains it serves and no other;
// allstore is all of them at once, for the local runner and the tests.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
)

// Index is a global secondary index of the table. Every key attribute is a string.
type Index struct {
	Name string
	PK   string
	SK   string
}

// TableSchema is the table's key schema, indexes, TTL attribute and
// change stream.
type TableSchema struct {
	PK, SK       string
	Indexes      []Index
	TTLAttribute string
	// Stream is what the table's change stream carries of each change;
	// the stats aggregator reads both images (what a change moves is
	// what the new item counts less what the old one did).
	Stream types.StreamViewType
}

// Names of the indexes.
const (
	// DueIndex is sparse: only items with something due carry duePk, a
	// write-sharded partition of their priority class ("DUE#U#<n>" urgent,
	// "DUE#D#<n>" documents), and nextRemindAt, an RFC 3339 UTC instant.
	// The reminder workers query one shard each for nextRemindAt <= now, so
	// their cost follows what is due, not the size of the table.
	DueIndex = "due"
	// GSI1 is a general-purpose index for the queues later features need
	// (an agency's applications, an organisation's staff).
	GSI1 = "gsi1"
	// UrgentShards and DocumentShards are how many partitions each class
	// of the due index spreads over. A shard is drained by one worker at a
	// time, so they bound each class's parallelism; changing one moves
	// items to other partitions, which needs a migration like MoveLegacyDue.
	UrgentShards   = 8
	DocumentShards = 32
)

// DueShards is the number of due-index shards of each reminders class.
var DueShards = map[dueclass.Class]int{dueclass.Urgent: UrgentShards, dueclass.Document: DocumentShards}

// Schema is the one table of Kabinet.
var Schema = TableSchema{
	PK: "pk", SK: "sk",
	Indexes: []Index{
		{Name: DueIndex, PK: "duePk", SK: "nextRemindAt"},
		{Name: GSI1, PK: "gsi1pk", SK: "gsi1sk"},
	},
	TTLAttribute: "expiresAt",
	Stream:       types.StreamViewTypeNewAndOldImages,
}

// CreateTableInput describes the table for the DynamoDB API (local stack and
// tests; in AWS the CDK stack creates it from the same Schema).
func (s TableSchema) CreateTableInput(name string) *dynamodb.CreateTableInput {
	attrs := map[string]bool{s.PK: true, s.SK: true}
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(s.PK), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(s.SK), KeyType: types.KeyTypeRange},
		},
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: s.Stream},
	}
	for _, ix := range s.Indexes {
		attrs[ix.PK], attrs[ix.SK] = true, true
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(ix.PK), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(ix.SK), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	for _, a := range s.AttributeNames() {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS,
		})
	}
	return in
}

// AttributeNames lists every key attribute of the table and its indexes, in order.
func (s TableSchema) AttributeNames() []string {
	out := []string{s.PK, s.SK}
	for _, ix := range s.Indexes {
		out = append(out, ix.PK, ix.SK)
	}
	return out
}

// EnsureTable creates the table if it does not exist and waits until it is
// active, then turns on TTL. Safe to call on every start.
func EnsureTable(ctx context.Context, db *dynamodb.Client, name string) error {
	return ensureTable(ctx, db, name, true)
}

// EnsureTableWithoutStream is EnsureTable for a table whose change stream
// nothing reads: the benchmark's, which load up to 100,000 items into
// DynamoDB Local. DynamoDB Local keeps a table's stream in its own store,
// and with it on every write costs more the more the table holds (100,000
// documents load in 3 min 34 s instead of 20 s); AWS's streams cost writes
// nothing of the kind. A table made with its stream keeps it.
func EnsureTableWithoutStream(ctx context.Context, db *dynamodb.Client, name string) error {
	return ensureTable(ctx, db, name, false)
}

func ensureTable(ctx context.Context, db *dynamodb.Client, name string, stream bool) error {
	in := Schema.CreateTableInput(name)
	if !stream {
		in.StreamSpecification = nil
	}
	_, err := db.CreateTable(ctx, in)
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	if stream {
		if err := ensureStream(ctx, db, name); err != nil {
			return err
		}
	}
	_, err = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(Schema.TTLAttribute), Enabled: aws.Bool(true)},
	})
	if err != nil && !isTTLAlreadyOn(err) {
		return fmt.Errorf("enable ttl on %s: %w", name, err)
	}
	return nil
}

// ensureStream turns on the change stream of a table made before it had
// one (a local table kept from an older checkout).
func ensureStream(ctx context.Context, db *dynamodb.Client, name string) error {
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", name, err)
	}
	if sp := out.Table.StreamSpecification; sp != nil && aws.ToBool(sp.StreamEnabled) && sp.StreamViewType == Schema.Stream {
		return nil
	}
	if _, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(name),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: Schema.Stream}}); err != nil {
		return fmt.Errorf("enable the stream of %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	return w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute)
}

func isTTLAlreadyOn(err error) bool {
	var v interface{ ErrorMessage() string }
	return errors.As(err, &v) && containsFold(v.ErrorMessage(), "already enabled")
}
