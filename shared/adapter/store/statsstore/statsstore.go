// Package statsstore keeps the managers' dashboards' counters
// (stats.Store): one item per scope and day and one of the gauges of now
// per scope, moved by the changes the table's stream carries, each change
// applied once.
//
//	pk                   sk            item
//	STATS#AGENCY#<id>    DAY#<date>    an agency's counters of one day (Moscow time)
//	STATS#AGENCY#<id>    NOW           its gauges: the open applications by status, clerk, due date
//	STATS#INST#<id>      DAY#<date>    an institution's counters of one day (its zone), every specialist's
//	STATS#INST#<id>      NOW           its gauges: the waiting lists
//	STATS#ORG#<id>       DAY#<date>    an organisation's documents by status as a digest run counted them
//	STATSREC#<eventId>   MARK          a stream record applied (TTL expiresAt: past the stream's 24 h)
//
// One item per day holds every service's (every specialist's) counters as
// attributes of their own (stats' names: rcv#<service>, off#<specialist>,
// pc#<service>#<days>...), so a dashboard of any range and filter is one
// Query over the day range, one item a day, and the gauges one GetItem
// beside it. A polyclinic's day is a few dozen specialists' counters, an
// agency's a few services' with their histograms: kilobytes, far from the
// 400 KB an item may hold. The day and now items are not write-sharded:
// the aggregator merges a batch's changes into one update per item, so an
// item takes at most one write per stream shard's batch (well under a
// partition's 1 000 writes a second even for the busiest agency's peak,
// ~100 changes a second); should one need it, a shard suffix on sk (DAY#
// <date>#<n>) read by the same Query is the way.
package statsstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

var _ stats.Store = (*Store)(nil)

// Store is the DynamoDB implementation of stats.Store and of the
// aggregator's writes.
type Store struct{ *store.Store }

// New is the counters' store on base's table.
func New(base *store.Store) *Store { return &Store{base} }

const (
	daySK     = "DAY#"
	nowSK     = "NOW"
	kindDay   = "stats_day"
	kindNow   = "stats_now"
	recPrefix = "STATSREC#"
	recSK     = "MARK"
	kindRec   = "stats_record"
	// MarkerTTL is how long a record's marker is kept: past the 24 hours a
	// stream keeps a record, so no redelivery outlives its marker.
	MarkerTTL = 48 * time.Hour
)

// PK is the partition of scope's counters.
func PK(s stats.Scope) string {
	tag := map[stats.ScopeKind]string{stats.ScopeAgency: "AGENCY", stats.ScopeInstitution: "INST", stats.ScopeOrg: "ORG"}[s.Kind]
	return "STATS#" + tag + "#" + s.ID
}

func sk(k stats.Key) string {
	if k.Now() {
		return nowSK
	}
	return daySK + k.Day.String()
}

// Days implements stats.Store: one Query over the range (more pages only
// past 1 MB of counters).
func (s *Store) Days(ctx context.Context, scope stats.Scope, from, to civil.Date) ([]stats.Bucket, error) {
	const op = "statsstore.Days"
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(PK(scope)), ":from": store.Str(daySK + from.String()), ":to": store.Str(daySK + to.String()),
		},
	}
	var out []stats.Bucket
	for {
		res, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		for _, it := range res.Items {
			b, err := bucket(it)
			if err != nil {
				return nil, errs.E(op, errs.Internal, err)
			}
			out = append(out, b)
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// Gauges implements stats.Store.
func (s *Store) Gauges(ctx context.Context, scope stats.Scope) (stats.Bucket, error) {
	const op = "statsstore.Gauges"
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: store.Key(PK(scope), nowSK)})
	if err != nil {
		return stats.Bucket{}, store.Wrap(op, err)
	}
	if res.Item == nil {
		return stats.Bucket{Counts: map[string]int64{}}, nil
	}
	b, err := bucket(res.Item)
	if err != nil {
		return stats.Bucket{}, errs.E(op, errs.Internal, err)
	}
	return b, nil
}

// bucket reads a counters' item: every number attribute is a counter.
func bucket(av map[string]types.AttributeValue) (stats.Bucket, error) {
	b := stats.Bucket{Counts: map[string]int64{}}
	if v, ok := av["sk"].(*types.AttributeValueMemberS); ok {
		if d, found := strings.CutPrefix(v.Value, daySK); found {
			day, err := civil.Parse(d)
			if err != nil {
				return b, fmt.Errorf("stats item %s: %w", v.Value, err)
			}
			b.Day = day
		}
	}
	for name, v := range av {
		n, ok := v.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		x, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil {
			return b, fmt.Errorf("stats counter %s: %w", name, err)
		}
		b.Counts[name] = x
	}
	return b, nil
}

// update is the Update adding counts to bucket k.
func (s *Store) update(k stats.Key, counts map[string]int64) types.TransactWriteItem {
	names := map[string]string{"#kind": "kind"}
	values := map[string]types.AttributeValue{":kind": store.Str(kindDay)}
	if k.Now() {
		values[":kind"] = store.Str(kindNow)
	}
	var adds []string
	for i, name := range slices.Sorted(maps.Keys(counts)) {
		p, v := "#c"+strconv.Itoa(i), ":c"+strconv.Itoa(i)
		names[p], values[v] = name, store.Num(counts[name])
		adds = append(adds, p+" "+v)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(s.Table),
		Key:                       store.Key(PK(k.Scope), sk(k)),
		UpdateExpression:          aws.String("SET #kind = :kind ADD " + strings.Join(adds, ", ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}
}

// PutOrgPoint implements orgs.PointStore: organisation org's counts by
// status on day, replacing the day's point.
// Errors: Unavailable, Internal.
func (s *Store) PutOrgPoint(ctx context.Context, org string, day civil.Date, byStatus map[string]int64) error {
	const op = "statsstore.PutOrgPoint"
	item := store.Key(PK(stats.Scope{Kind: stats.ScopeOrg, ID: org}), daySK+day.String())
	item["kind"] = store.Str(kindDay)
	for status, n := range byStatus {
		item[stats.OrgCounter(status)] = store.Num(n)
	}
	_, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item})
	return store.Wrap(op, err)
}
