package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// Get reads one item strongly into out; missing is NotFound.
// Errors: NotFound, Unavailable, Internal.
func (s *Store) Get(ctx context.Context, op, pk, sk string, out any) error {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: Key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Wrap(op, err)
	}
	if res.Item == nil {
		return errs.E(op, errs.NotFound, nil)
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	return nil
}

func DateString(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func ParseDate(s string) (*civil.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func Key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		Schema.PK: &types.AttributeValueMemberS{Value: pk},
		Schema.SK: &types.AttributeValueMemberS{Value: sk},
	}
}

// queryAs is query for items of type I, each turned into a T by conv (a
// failure is Internal: a stored item that does not read back).
func QueryAs[I, T any](ctx context.Context, s *Store, op, owner, prefix, after string, limit int, forward bool,
	conv func(I) (T, error)) ([]T, string, error) {
	var items []I
	next, err := s.Query(ctx, owner, prefix, after, limit, forward, &items)
	if err != nil {
		return nil, "", Wrap(op, err)
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		x, err := conv(it)
		if err != nil {
			return nil, "", errs.E(op, errs.Internal, err)
		}
		out = append(out, x)
	}
	return out, next, nil
}

// query reads one page of owner's items whose sort key starts with prefix,
// after prefix+after, and returns the position to continue from.
func (s *Store) Query(ctx context.Context, owner, prefix, after string, limit int, forward bool, out any) (string, error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     &types.AttributeValueMemberS{Value: UserPK(owner)},
			":prefix": &types.AttributeValueMemberS{Value: prefix},
		},
		Limit:            aws.Int32(int32(limit)),
		ScanIndexForward: aws.Bool(forward),
		ConsistentRead:   aws.Bool(true),
	}
	if after != "" {
		in.ExclusiveStartKey = Key(UserPK(owner), prefix+after)
	}
	res, err := s.DB.Query(ctx, in)
	if err != nil {
		return "", err
	}
	if err := attributevalue.UnmarshalListOfMaps(res.Items, out); err != nil {
		return "", err
	}
	if sk, ok := res.LastEvaluatedKey[Schema.SK].(*types.AttributeValueMemberS); ok {
		return TrimPrefix(sk.Value, prefix), nil
	}
	return "", nil
}

// DeletePrefix removes every item of owner whose sort key starts with
// prefix. Errors: Unavailable, Internal.
func (s *Store) DeletePrefix(ctx context.Context, owner, prefix string) error {
	keys, err := s.PrefixKeys(ctx, owner, prefix)
	if err != nil {
		return err
	}
	return s.BatchDelete(ctx, keys)
}

// batchWrite writes reqs, retrying what DynamoDB leaves unprocessed with
// backoff, and gives up with an Unavailable error after a few rounds.
func (s *Store) BatchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	pending := map[string][]types.WriteRequest{s.Table: reqs}
	for attempt := 0; len(pending[s.Table]) > 0; attempt++ {
		if attempt == 5 {
			return errs.E("store.batchWrite", errs.Unavailable, fmt.Errorf("%d writes left unprocessed", len(pending[s.Table])))
		}
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		out, err := s.DB.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			return err
		}
		pending = out.UnprocessedItems
	}
	return nil
}

// bulkPut writes items unconditionally in batches of 25, eight batches in
// flight: for seeding and imports only.
func BulkPut[T any](ctx context.Context, s *Store, op string, items []T, item func(T) any) error {
	chunks := slices.Collect(slices.Chunk(items, 25))
	errc := make(chan error, len(chunks))
	sem := make(chan struct{}, 8)
	for _, chunk := range chunks {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			reqs := make([]types.WriteRequest, len(chunk))
			for i, x := range chunk {
				av, err := attributevalue.MarshalMap(item(x))
				if err != nil {
					errc <- err
					return
				}
				reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: av}}
			}
			errc <- s.BatchWrite(ctx, reqs)
		}()
	}
	for range chunks {
		if err := <-errc; err != nil {
			return Wrap(op, err)
		}
	}
	return nil
}

func Num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func Str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// EncodeKey makes an index position (string attributes only) a cursor.
func EncodeKey(k map[string]types.AttributeValue) (string, error) {
	m := map[string]string{}
	for name, v := range k {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			m[name] = s.Value
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func DecodeKey(c string) (map[string]types.AttributeValue, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	k := map[string]types.AttributeValue{}
	for name, v := range m {
		k[name] = Str(v)
	}
	return k, nil
}

// BatchGet reads the items at keys strongly (BatchGetItem, 100 keys a
// call, the calls at once), retrying what DynamoDB leaves unprocessed with
// backoff, and returns them by KeyString of their key; a missing item is
// absent. For reads through an index, which lags the table: the items
// themselves decide. Errors: Unavailable (throttled or unprocessed after
// a few rounds), Internal.
func (s *Store) BatchGet(ctx context.Context, op string, keys []map[string]types.AttributeValue) (map[string]map[string]types.AttributeValue, error) {
	chunks := slices.Collect(slices.Chunk(keys, 100))
	got := make([][]map[string]types.AttributeValue, len(chunks))
	fns := make([]func() error, len(chunks))
	for i, chunk := range chunks {
		fns[i] = func() (err error) { got[i], err = s.batchGet(ctx, op, chunk); return err }
	}
	if err := parallel.Do(fns...); err != nil {
		return nil, err
	}
	out := make(map[string]map[string]types.AttributeValue, len(keys))
	for _, items := range got {
		for _, it := range items {
			out[KeyString(it)] = it
		}
	}
	return out, nil
}

// batchGet is one BatchGetItem of up to 100 keys, and its retries.
func (s *Store) batchGet(ctx context.Context, op string, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	pending := map[string]types.KeysAndAttributes{s.Table: {Keys: keys, ConsistentRead: aws.Bool(true)}}
	for attempt := 0; len(pending[s.Table].Keys) > 0; attempt++ {
		if attempt == 5 {
			return nil, errs.E(op, errs.Unavailable, fmt.Errorf("%d reads left unprocessed", len(pending[s.Table].Keys)))
		}
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, Wrap(op, ctx.Err())
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		res, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
		if err != nil {
			return nil, Wrap(op, err)
		}
		out = append(out, res.Responses[s.Table]...)
		pending = res.UnprocessedKeys
	}
	return out, nil
}

// KeyOf is an item's table key (pk and sk alone), nil when it has none:
// an index's item read again from the table.
func KeyOf(item map[string]types.AttributeValue) map[string]types.AttributeValue {
	if KeyString(item) == "" {
		return nil
	}
	return map[string]types.AttributeValue{Schema.PK: item[Schema.PK], Schema.SK: item[Schema.SK]}
}

// KeyString is an item's (or a key's) table key as one string, pk and sk
// apart: what BatchGet's answer is looked up by.
func KeyString(item map[string]types.AttributeValue) string {
	pk, _ := item[Schema.PK].(*types.AttributeValueMemberS)
	sk, _ := item[Schema.SK].(*types.AttributeValueMemberS)
	if pk == nil || sk == nil {
		return ""
	}
	return pk.Value + "\x00" + sk.Value
}

// AttrS is item's string attribute name, "" when it has none.
func AttrS(item map[string]types.AttributeValue, name string) string {
	if s, ok := item[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
