// Package eventbridge is the adapter between EventBridge's Lambda events
// (aws-lambda-go's events.EventBridgeEvent) and the domain: it turns an
// envelope into what a domain service takes, so that no domain package
// links the Lambda event types. Composition (functions/ingest, cmd/local)
// hands its handlers to lambda.Start or to the local dev routes.
package eventbridge

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// AgencyEvent is the agency event an EventBridge envelope carries.
func AgencyEvent(ev events.EventBridgeEvent) ingest.Event {
	return ingest.Event{ID: ev.ID, Source: ev.Source, DetailType: ev.DetailType, Time: ev.Time, Detail: ev.Detail}
}

// Ingest is the ingest Lambda's handler: it applies one agency event from
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
func Ingest(s *ingest.Service) func(context.Context, events.EventBridgeEvent) (ingest.Result, error) {
	return func(ctx context.Context, ev events.EventBridgeEvent) (ingest.Result, error) {
		return s.Handle(ctx, AgencyEvent(ev))
	}
}
