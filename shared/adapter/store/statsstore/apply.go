package statsstore

import (
	"context"
	"errors"
	"slices"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

// Record is one change to apply once: its id (the stream record's event
// id, unique per change) and what it moves.
type Record struct {
	ID     string
	Counts stats.Counts
}

// maxTxItems is DynamoDB's limit on a transaction's items.
const maxTxItems = 100

// contendedTries is how often a chunk is tried again when another
// aggregator's transaction on the same counters cancelled it, before its
// records are tried one at a time.
const contendedTries = 3

// reasonApplied: the record's marker exists: it was applied before.
const reasonApplied errs.Reason = "record_applied"

type markerItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Kind      string `dynamodbav:"kind"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
}

// Apply applies each record once. Records go in transactions of up to a
// hundred items: a marker per record (put only where none exists) and one
// ADD per counters' item, the chunk's changes to it merged. A record whose
// marker exists was applied before (a replay, a redelivery after a crash)
// and is left out of the chunk, which is written again without it. A chunk
// another transaction keeps cancelling is tried a record at a time.
// It returns the ids of the records it could not apply, for the stream to
// deliver again; err is the first reason one was not.
func (s *Store) Apply(ctx context.Context, recs []Record) (failed []string, err error) {
	var pending []Record
	for _, r := range recs {
		if len(r.Counts) > 0 { // a change that moves nothing needs no marker
			pending = append(pending, r)
		}
	}
	for len(pending) > 0 {
		n := chunkLen(pending)
		chunk := pending[:n]
		pending = pending[n:]
		cerr := s.applyChunk(ctx, chunk)
		if cerr == nil {
			continue
		}
		if len(chunk) > 1 && errs.Is(cerr, errs.Unavailable) {
			for _, r := range chunk { // one at a time: what can go in does
				if rerr := s.applyChunk(ctx, []Record{r}); rerr != nil {
					failed, err = append(failed, r.ID), errors.Join(err, rerr)
				}
			}
			continue
		}
		for _, r := range chunk {
			failed = append(failed, r.ID)
		}
		err = errors.Join(err, cerr)
	}
	return failed, err
}

// chunkLen is how many of recs, from the first, fit one transaction: a
// marker each and their distinct counters' items.
func chunkLen(recs []Record) int {
	buckets := map[stats.Key]bool{}
	for i, r := range recs {
		added := 0
		for k := range r.Counts {
			if !buckets[k] {
				added++
			}
		}
		if i > 0 && i+1+len(buckets)+added > maxTxItems {
			return i
		}
		for k := range r.Counts {
			buckets[k] = true
		}
	}
	return len(recs)
}

// applyChunk writes chunk in one transaction, leaving out the records
// applied before, and tries again while another transaction cancels it,
// a few times.
func (s *Store) applyChunk(ctx context.Context, chunk []Record) error {
	const op = "statsstore.Apply"
	chunk = slices.Clone(chunk)
	for try := 0; ; try++ {
		merged := stats.Counts{}
		t := s.Tx()
		marks := map[*errs.Error]string{}
		expires := s.Time().Add(MarkerTTL).Unix()
		for _, r := range chunk {
			f := errs.E("", errs.Conflict, reasonApplied)
			marks[f] = r.ID
			t.Put(markerItem{PK: recPrefix + r.ID, SK: recSK, Kind: kindRec, ExpiresAt: expires}, "attribute_not_exists(pk)", nil, f)
			merged.AddAll(r.Counts, 1)
		}
		for k, m := range merged {
			t.Add(s.update(k, m), nil) // an ADD has no condition: it cannot fail but for a bug
		}
		err := t.Run(ctx, s.DB, op)
		if err == nil {
			return nil
		}
		if applied := t.Failed(err); len(applied) > 0 {
			chunk = slices.DeleteFunc(chunk, func(r Record) bool {
				for _, f := range applied {
					if marks[f] == r.ID {
						return true
					}
				}
				return false
			})
			if len(chunk) == 0 {
				return nil
			}
			continue
		}
		if err := store.Contended(ctx, op, err, try, contendedTries); err != nil {
			return err
		}
	}
}
