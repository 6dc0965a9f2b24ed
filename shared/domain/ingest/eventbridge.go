package ingest

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// FromEventBridge is the agency event an EventBridge envelope carries.
func FromEventBridge(ev events.EventBridgeEvent) Event {
	return Event{ID: ev.ID, Source: ev.Source, DetailType: ev.DetailType, Time: ev.Time, Detail: ev.Detail}
}

// Handler is the ingest Lambda's handler: it applies one agency event from
// the bus and returns what it did.
//
// An error fails the invocation. EventBridge invokes the function
// asynchronously, so Lambda retries a failed event (twice by default) and
// then hands it to the function's on-failure destination (or dead-letter
// queue) with the error message, which names the reason and the refused
// fields. An Invalid error (a malformed event: no citizen id, an unknown
// detail-type, document fields the registry refuses) will fail the same way
// every time and wrote nothing; a NotFound revocation may succeed on retry
// once a late issue arrives; Conflict and Unavailable are transient.
func Handler(s *Service) func(context.Context, events.EventBridgeEvent) (Result, error) {
	return func(ctx context.Context, ev events.EventBridgeEvent) (Result, error) {
		return s.Handle(ctx, FromEventBridge(ev))
	}
}
