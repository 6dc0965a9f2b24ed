package app

import (
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// Scheduled is a function that runs on a timer rather than behind the HTTP
// API: functions/<Name> is its Lambda, invoked every RateMinutes minutes.
type Scheduled struct {
	Name        string
	RateMinutes int
}

// FnExpiryScan is the function that sends the reminders that have fallen due.
const FnExpiryScan = core.FnExpiryScan

// ScheduledFunctions lists every scheduled function, once: the CDK stack
// (infra/) creates a Lambda and a schedule for each, and the local runner can
// list them from here. HTTP functions are listed by httpapi.Functions.
var ScheduledFunctions = []Scheduled{
	{Name: FnExpiryScan, RateMinutes: 15},
	{Name: FnOrgDigest, RateMinutes: 7 * 24 * 60},
}

// EventFunction is a function that runs on events from an EventBridge bus
// rather than behind the HTTP API: functions/<Name> is its Lambda, the
// target of a rule matching Sources (prefixes) and DetailTypes on Bus.
type EventFunction struct {
	Name        string
	Bus         string   // the event bus's name
	Sources     []string // source prefixes the rule matches
	DetailTypes []string
}

// FnIngest applies agency events (a document issued or revoked).
const FnIngest = core.FnIngest

// EventFunctions lists every event-driven function, once. The CDK stack
// does not read it yet: it needs the bus, a rule per entry targeting the
// function, an on-failure destination (SQS) for events that fail after
// Lambda's retries, and table access for the function.
var EventFunctions = []EventFunction{
	{Name: FnIngest, Bus: "kabinet-agencies", Sources: []string{ingest.SourcePrefix},
		DetailTypes: []string{ingest.DocumentIssued, ingest.DocumentRevoked}},
}

// FnOrgDigest sends every organisation its weekly digest of employees'
// expiring documents.
const FnOrgDigest = core.FnOrgDigest
