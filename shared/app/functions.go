package app

// Scheduled is a function that runs on a timer rather than behind the HTTP
// API: functions/<Name> is its Lambda, invoked every RateMinutes minutes.
type Scheduled struct {
	Name        string
	RateMinutes int
}

// FnExpiryScan is the function that sends the reminders that have fallen due.
const FnExpiryScan = "expiry-scan"

// ScheduledFunctions lists every scheduled function, once: the CDK stack
// (infra/) creates a Lambda and a schedule for each, and the local runner can
// list them from here. HTTP functions are listed by httpapi.Functions.
var ScheduledFunctions = []Scheduled{
	{Name: FnExpiryScan, RateMinutes: 15},
}
