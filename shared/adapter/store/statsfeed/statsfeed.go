// Package statsfeed turns the table's change stream into the dashboards'
// counters: a stream record, from Lambda's event or the DynamoDB Streams
// API, becomes a Change of two images; each image becomes its item in
// domain form (ItemOf, by its kind, through the stores that own the
// items); the Aggregator applies what a batch of changes moves through
// statsstore, each change once.
package statsfeed

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/domain/stats/changes"
)

// Kinds are the kinds of item whose changes move the counters: the
// stream's filter passes only these (functions.StatsKinds, held equal by a
// test). A schedule is not among them: what a schedule offers is its slot
// items, which are.
var Kinds = []string{appstore.KindApplication, bookingstore.KindBooking, bookingstore.KindSlot, bookingstore.KindWaitEntry}

// Change is one record of the table's stream: its event id and the item's
// images before and after (nil when it did not exist).
type Change struct {
	ID       string
	Old, New map[string]types.AttributeValue
}

// FromLambda is the change a record of a Lambda's stream event carries.
// Errors: an image that does not convert.
func FromLambda(r events.DynamoDBEventRecord) (Change, error) {
	c := Change{ID: r.EventID}
	var err error
	if c.Old, err = lambdaMap(r.Change.OldImage); err == nil {
		c.New, err = lambdaMap(r.Change.NewImage)
	}
	return c, err
}

// FromStreams is the change a record read with the DynamoDB Streams API
// carries (the local runner reads the stream so).
// Errors: an image that does not convert.
func FromStreams(r streamtypes.Record) (Change, error) {
	if r.EventID == nil || r.Dynamodb == nil {
		return Change{}, errors.New("stream record without id or change")
	}
	c := Change{ID: *r.EventID}
	var err error
	if len(r.Dynamodb.OldImage) > 0 {
		if c.Old, err = attributevalue.FromDynamoDBStreamsMap(r.Dynamodb.OldImage); err != nil {
			return c, err
		}
	}
	if len(r.Dynamodb.NewImage) > 0 {
		c.New, err = attributevalue.FromDynamoDBStreamsMap(r.Dynamodb.NewImage)
	}
	return c, err
}

func lambdaMap(m map[string]events.DynamoDBAttributeValue) (map[string]types.AttributeValue, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		av, err := lambdaValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", k, err)
		}
		out[k] = av
	}
	return out, nil
}

func lambdaValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}, nil
	case events.DataTypeList:
		var out []types.AttributeValue
		for _, x := range v.List() {
			av, err := lambdaValue(x)
			if err != nil {
				return nil, err
			}
			out = append(out, av)
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		m, err := lambdaMap(v.Map())
		if err != nil {
			return nil, err
		}
		if m == nil {
			m = map[string]types.AttributeValue{}
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("unknown data type %v", v.DataType())
}

// ItemOf is an image in its domain form: an empty Item for none, or for
// an item of a kind that does not count. Errors: an item of a counted
// kind that does not read.
func ItemOf(av map[string]types.AttributeValue) (changes.Item, error) {
	kind, _ := av["kind"].(*types.AttributeValueMemberS)
	if kind == nil {
		return changes.Item{}, nil
	}
	switch kind.Value {
	case appstore.KindApplication:
		a, err := appstore.Application(av)
		return changes.Item{Application: &a}, err
	case bookingstore.KindBooking:
		b, err := bookingstore.Booking(av)
		return changes.Item{Booking: &b}, err
	case bookingstore.KindSlot:
		s, err := bookingstore.Slot(av)
		return changes.Item{Slot: &s}, err
	case bookingstore.KindWaitEntry:
		e, err := bookingstore.WaitEntry(av)
		return changes.Item{Wait: &e}, err
	}
	return changes.Item{}, nil
}

// Aggregator applies the stream's changes to the counters, each once.
type Aggregator struct {
	Store *statsstore.Store
	Rules changes.Rules
	// Zones, when set, gives the Rules' Zone for a batch (the directory's
	// institutions, read once a batch).
	Zones func(ctx context.Context) (func(institutionID string) string, error)
}

// Apply moves the counters by every change of a batch. It returns the ids
// of the changes not applied (for the stream to deliver again, with
// everything after them); err is why. A change that does not read is
// such a change: a retry does not mend it, and the mapping's bounded
// retries send it to the failure destination.
func (a *Aggregator) Apply(ctx context.Context, batch []Change) (failed []string, err error) {
	rules := a.Rules
	if a.Zones != nil {
		zone, zerr := a.Zones(ctx)
		if zerr != nil {
			ids := make([]string, len(batch))
			for i, c := range batch {
				ids[i] = c.ID
			}
			return ids, zerr
		}
		rules.Zone = zone
	}
	var recs []statsstore.Record
	for _, c := range batch {
		old, oerr := ItemOf(c.Old)
		new, nerr := ItemOf(c.New)
		if e := errors.Join(oerr, nerr); e != nil {
			failed, err = append(failed, c.ID), errors.Join(err, fmt.Errorf("change %s: %w", c.ID, e))
			continue
		}
		recs = append(recs, statsstore.Record{ID: c.ID, Counts: rules.Change(old, new)})
	}
	more, aerr := a.Store.Apply(ctx, recs)
	return append(failed, more...), errors.Join(err, aerr)
}
