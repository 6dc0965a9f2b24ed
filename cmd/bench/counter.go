package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/internal/ddbcapacity"
)

// call is one AWS API call seen by the counter.
type call struct {
	Op       string
	Input    any     // the operation's input, for replays
	Capacity float64 // consumed capacity units, total; -1 when the answer did not say
	Read     float64 // read units of Capacity where split, else 0
	Write    float64
	Dur      time.Duration
	Err      bool
	Trip     int // the sequential round trip it belongs to (1, 2, ...): calls of one trip overlapped
}

// counter counts the calls of the clients it is added to: an Initialize
// middleware that asks DynamoDB for ReturnConsumedCapacity=TOTAL on every
// operation that takes it, and records the operation, its capacity and its
// duration (SDK serialisation, signing, HTTP round trip, deserialisation).
// It also counts sequential round trips: calls that overlap in time count
// once, so a trip is every time the number of calls in flight goes from 0
// to 1. A request that makes three reads at once and then a write is two.
type counter struct {
	mu        sync.Mutex
	on        bool
	t         tally
	inFlight  int
	tripStart time.Time
}

// tally is what the counter saw between start and stop.
type tally struct {
	calls []call
	trips int           // sequential round trips
	busy  time.Duration // wall time with at least one call in flight
}

func (c *counter) start() {
	c.mu.Lock()
	c.on, c.t = true, tally{}
	c.mu.Unlock()
}

// stop ends the count and returns what it saw since start.
func (c *counter) stop() tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.on, c.t = false, tally{}
	return t
}

// begin and end bracket one call; begin returns the sequential round trip
// the call belongs to, opening a new one when no other call is in flight.
func (c *counter) begin() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inFlight++
	if c.inFlight == 1 {
		c.tripStart = time.Now()
		if c.on {
			c.t.trips++
		}
	}
	return c.t.trips
}

func (c *counter) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inFlight--
	if c.inFlight == 0 && c.on {
		c.t.busy += time.Since(c.tripStart)
	}
}

// apiOption adds the counting middleware to a client's stack.
func (c *counter) apiOption(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinet.bench.count",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			ddbcapacity.Ask(in.Parameters)
			trip := c.begin()
			t0 := time.Now()
			out, md, err := next.HandleInitialize(ctx, in)
			dur := time.Since(t0)
			c.mu.Lock()
			if c.on {
				cl := call{Op: opName(in.Parameters), Input: in.Parameters, Dur: dur, Err: err != nil, Capacity: -1, Trip: trip}
				if err == nil {
					cl.Capacity, cl.Read, cl.Write = ddbcapacity.Of(in.Parameters, out.Result)
				}
				c.t.calls = append(c.t.calls, cl)
			}
			c.mu.Unlock()
			c.end()
			return out, md, err
		}), middleware.After)
}

func opName(params any) string {
	s := fmt.Sprintf("%T", params)
	s = s[strings.LastIndex(s, ".")+1:]
	return strings.TrimSuffix(s, "Input")
}

// replayTrips sends recorded calls again on db, the calls of one round trip
// together and the trips one after another, as the request made them.
func replayTrips(ctx context.Context, db *dynamodb.Client, calls []call) {
	for i := 0; i < len(calls); {
		j := i + 1
		for j < len(calls) && calls[j].Trip == calls[i].Trip {
			j++
		}
		var wg sync.WaitGroup
		for _, c := range calls[i+1 : j] {
			wg.Go(func() { _ = replay(ctx, db, c.Input) })
		}
		_ = replay(ctx, db, calls[i].Input)
		wg.Wait()
		i = j
	}
}

// replay sends a recorded input again on db, untouched.
func replay(ctx context.Context, db *dynamodb.Client, input any) error {
	var err error
	switch in := input.(type) {
	case *dynamodb.GetItemInput:
		_, err = db.GetItem(ctx, in)
	case *dynamodb.QueryInput:
		_, err = db.Query(ctx, in)
	case *dynamodb.ScanInput:
		_, err = db.Scan(ctx, in)
	case *dynamodb.PutItemInput:
		_, err = db.PutItem(ctx, in)
	case *dynamodb.UpdateItemInput:
		_, err = db.UpdateItem(ctx, in)
	case *dynamodb.DeleteItemInput:
		_, err = db.DeleteItem(ctx, in)
	case *dynamodb.BatchGetItemInput:
		_, err = db.BatchGetItem(ctx, in)
	case *dynamodb.BatchWriteItemInput:
		_, err = db.BatchWriteItem(ctx, in)
	case *dynamodb.TransactWriteItemsInput:
		_, err = db.TransactWriteItems(ctx, in)
	case *dynamodb.TransactGetItemsInput:
		_, err = db.TransactGetItems(ctx, in)
	default:
		err = fmt.Errorf("cannot replay %T", input)
	}
	return err
}

// writtenItems lists the full items a call writes (puts only).
func writtenItems(input any) []map[string]types.AttributeValue {
	switch in := input.(type) {
	case *dynamodb.PutItemInput:
		return []map[string]types.AttributeValue{in.Item}
	case *dynamodb.TransactWriteItemsInput:
		var out []map[string]types.AttributeValue
		for _, it := range in.TransactItems {
			if it.Put != nil {
				out = append(out, it.Put.Item)
			}
		}
		return out
	case *dynamodb.BatchWriteItemInput:
		var out []map[string]types.AttributeValue
		for _, reqs := range in.RequestItems {
			for _, r := range reqs {
				if r.PutRequest != nil {
					out = append(out, r.PutRequest.Item)
				}
			}
		}
		return out
	}
	return nil
}
