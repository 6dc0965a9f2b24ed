// Package streamfeed reads a table's change stream with the DynamoDB
// Streams API and hands its records to the stats aggregator, as Lambda's
// event source mapping does in AWS: the mapping's filter (only the kinds
// the function's entry names), batches of at most its size, and on a
// failed record the batch again from that record on. The local runner and
// the tests use it against DynamoDB Local; no Lambda links it (the
// deployed aggregator is fed by the mapping).
package streamfeed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/kabinet/kabinet/shared/adapter/store/statsfeed"
)

// Feed is one table's stream, read shard by shard from where it last
// stopped.
type Feed struct {
	DB      *dynamodb.Client
	Streams *dynamodbstreams.Client
	Table   string
	// Kinds are the item kinds passed on (the mapping's filter); a record
	// whose old and new images are of no such kind is skipped.
	Kinds []string
	// BatchSize is the most records one Apply gets (the mapping's).
	BatchSize int
	// Apply applies a batch and returns the ids of the records it did not.
	Apply func(ctx context.Context, batch []statsfeed.Change) (failed []string, err error)

	mu    sync.Mutex
	arn   *string           // the table's stream
	after map[string]string // shard id → the sequence number of the last record applied
	done  map[string]bool   // closed shards read to their end
}

// Drain reads every record the stream holds that was not applied yet and
// applies it, batch by batch; it returns how many records it applied. On
// a batch whose records did not all apply it stops at the first that did
// not, to start from it next time, and returns the error.
func (f *Feed) Drain(ctx context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.after == nil {
		f.after, f.done = map[string]string{}, map[string]bool{}
	}
	if f.arn == nil {
		desc, err := f.DB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(f.Table)})
		if err != nil {
			return 0, err
		}
		if desc.Table.LatestStreamArn == nil {
			return 0, fmt.Errorf("table %s has no stream", f.Table)
		}
		f.arn = desc.Table.LatestStreamArn
	}
	arn := f.arn
	var shards []streamtypes.Shard
	var start *string
	for {
		out, err := f.Streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn, ExclusiveStartShardId: start})
		if err != nil {
			return 0, err
		}
		shards = append(shards, out.StreamDescription.Shards...)
		start = out.StreamDescription.LastEvaluatedShardId
		if start == nil {
			break
		}
	}
	n := 0
	for _, sh := range shards { // parents come before their children
		id := aws.ToString(sh.ShardId)
		if f.done[id] {
			continue
		}
		m, closed, err := f.drainShard(ctx, arn, sh)
		n += m
		if err != nil {
			return n, err
		}
		if closed {
			f.done[id] = true
		}
	}
	return n, nil
}

// drainShard applies what one shard holds after its position; closed says
// the shard has ended and was read to its end.
func (f *Feed) drainShard(ctx context.Context, arn *string, sh streamtypes.Shard) (applied int, closed bool, err error) {
	id := aws.ToString(sh.ShardId)
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: sh.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon}
	if seq, ok := f.after[id]; ok {
		in.ShardIteratorType, in.SequenceNumber = streamtypes.ShardIteratorTypeAfterSequenceNumber, aws.String(seq)
	}
	it, err := f.Streams.GetShardIterator(ctx, in)
	if err != nil {
		return 0, false, err
	}
	for iter := it.ShardIterator; iter != nil; {
		out, err := f.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			return applied, false, err
		}
		for recs := out.Records; len(recs) > 0; {
			size := min(max(f.BatchSize, 1), len(recs))
			m, err := f.applyBatch(ctx, id, recs[:size])
			applied += m
			if err != nil {
				return applied, false, err
			}
			recs = recs[size:]
		}
		if out.NextShardIterator == nil {
			return applied, true, nil // the shard has ended
		}
		if len(out.Records) == 0 {
			return applied, false, nil // caught up with an open shard
		}
		iter = out.NextShardIterator
	}
	return applied, false, nil
}

// applyBatch hands the records of the mapping's kinds to Apply and moves
// the shard's position past the batch, or up to its first failed record.
func (f *Feed) applyBatch(ctx context.Context, shard string, recs []streamtypes.Record) (int, error) {
	var batch []statsfeed.Change
	seqOf := map[string]string{}
	for _, r := range recs {
		c, err := statsfeed.FromStreams(r)
		if err != nil {
			return 0, err
		}
		if f.passes(c) {
			batch = append(batch, c)
			seqOf[c.ID] = aws.ToString(r.Dynamodb.SequenceNumber)
		}
	}
	var failed []string
	var err error
	if len(batch) > 0 {
		failed, err = f.Apply(ctx, batch)
	}
	if len(failed) == 0 {
		f.after[shard] = aws.ToString(recs[len(recs)-1].Dynamodb.SequenceNumber)
		return len(batch), err
	}
	// as Lambda with partial batch responses: again from the first failed record
	for i, r := range recs {
		if slices.Contains(failed, aws.ToString(r.EventID)) {
			if i > 0 {
				f.after[shard] = aws.ToString(recs[i-1].Dynamodb.SequenceNumber)
			}
			break
		}
	}
	return 0, errors.Join(fmt.Errorf("%d of %d records not applied", len(failed), len(batch)), err)
}

func (f *Feed) passes(c statsfeed.Change) bool {
	return kindIn(c.Old, f.Kinds) || kindIn(c.New, f.Kinds)
}

func kindIn(av map[string]types.AttributeValue, kinds []string) bool {
	k, ok := av["kind"].(*types.AttributeValueMemberS)
	return ok && slices.Contains(kinds, k.Value)
}

// Run drains the stream every interval until ctx ends, reporting each
// failure to report.
func (f *Feed) Run(ctx context.Context, every time.Duration, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := f.Drain(ctx); err != nil && ctx.Err() == nil && report != nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
