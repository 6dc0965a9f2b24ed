// Package functions is the list of Kabinet's Lambdas, once: for each, its
// name (functions/<name>/main.go is its code), what triggers it (the HTTP
// routes it serves, a schedule, or the events of a bus), its memory and
// timeout, and what it needs from the stack (table access, topics,
// secrets). The CDK stack (infra/stack) creates one Lambda per entry with
// exactly these settings and grants, each function's main mounts its
// entry's routes, the local runner serves every route, and a test keeps the
// list and the functions/ directory equal.
//
// The package is data only and imports nothing of Kabinet's, so the CDK app
// and every function may import it without linking handlers, services or
// AWS clients. Adding a function is one entry here and its directory.
package functions

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The functions' names: functions/<name> each.
const (
	Documents     = "documents"
	Profile       = "profile"
	Notifications = "notifications"
	Booking       = "booking"
	Applications  = "applications"
	Orgs          = "orgs"
	// ExpiryScan sends the reminders that have fallen due.
	ExpiryScan = "expiry-scan"
	// Ingest applies agency events (a document issued or revoked).
	Ingest = "ingest"
	// OrgDigest sends every organisation its weekly digest of employees'
	// expiring documents.
	OrgDigest = "org-digest"
	// ReminderDispatch decides, every minute, which shards of the due index
	// have work and enqueues a job for each on its class's queue.
	ReminderDispatch = "reminder-dispatch"
	// ReminderWorker drains the jobs of the reminder job queues.
	ReminderWorker = "reminder-worker"
	// StatsAggregator keeps the managers' dashboards' counters from the
	// table's change stream.
	StatsAggregator = "stats-aggregator"
)

// Function is one Lambda. Exactly one of Routes, Schedule, Events, Queues
// and Stream is set.
type Function struct {
	Name string
	// Routes are the HTTP routes the function serves behind the API.
	Routes []Route
	// Schedule runs the function on a timer.
	Schedule *Schedule
	// Events runs the function on the events of an EventBridge bus.
	Events *Events
	// Queues runs the function on the messages of SQS queues.
	Queues []Queue
	// Stream runs the function on the table's change stream.
	Stream *Stream
	// MemoryMB and Timeout size the Lambda.
	MemoryMB int
	Timeout  time.Duration
	// Needs is what the stack gives the function besides its code.
	Needs Needs
}

// Route is one route of the HTTP API: its method and path pattern (Go
// ServeMux syntax, which API Gateway shares for {param}: a method, then
// literal segments and {name} wildcards of whole segments, all that
// httpapi.Router serves), whether it is
// public (served without a token; every route today requires one), the
// status a success answers when it is not the usual one (Success), and
// whether it is costly: it sends SMS or e-mail, subscribes a contact or
// reserves capacity, so the edge allows each caller fewer of them (the WAF
// rule PerTokenCostly, infra/stack/waf.go) on top of the domain's own caps.
type Route struct {
	Pattern string
	Public  bool
	Costly  bool
	// Status is what a success answers: 0 for 200, or 204 for a DELETE;
	// a route that creates says 201. The audit entry a change writes in
	// its own transaction carries it, so the entry needs no second write
	// (httpapi's auditing); the OpenAPI document must agree (a test).
	Status int
}

// Success is the status a success of the route answers (see Status).
func (r Route) Success() int {
	switch {
	case r.Status != 0:
		return r.Status
	case r.Method() == http.MethodDelete:
		return http.StatusNoContent
	}
	return http.StatusOK
}

// Method is the HTTP method of the route.
func (r Route) Method() string { m, _, _ := strings.Cut(r.Pattern, " "); return m }

// Path is the path pattern of the route.
func (r Route) Path() string { _, p, _ := strings.Cut(r.Pattern, " "); return p }

// FunctionRoute is a route with the function serving it.
type FunctionRoute struct {
	Function string
	Route
}

// Schedule is a timer trigger: an EventBridge rule invoking the function
// every RateMinutes minutes with a scheduled event whose time is "now".
type Schedule struct {
	RateMinutes int
}

// Events is an EventBridge trigger: the rules on Bus target the function,
// each matching its own sources and detail types.
type Events struct {
	Bus   string // the event bus's name
	Rules []EventRule
}

// EventRule is one rule of an Events trigger. A source and a detail type
// match together only within one rule, so a laboratory's source never
// carries an agency's detail type through (gov.lab.x with DocumentIssued
// matches no rule).
type EventRule struct {
	// Name names the rule in the stack (IngestAgencyDocumentsRule).
	Name        string
	Sources     []string // source prefixes the rule matches
	DetailTypes []string
}

// Matches reports whether an event of source and detailType matches r as
// EventBridge matches the rule: the source by prefix, the detail type
// exactly.
func (r EventRule) Matches(source, detailType string) bool {
	if !slices.Contains(r.DetailTypes, detailType) {
		return false
	}
	for _, p := range r.Sources {
		if strings.HasPrefix(source, p) {
			return true
		}
	}
	return false
}

// EventTargets names the functions a rule on bus sends an event of source
// and detailType to, in the order of All. The local runner routes
// POST /dev/events by it, so an event no rule of the stack would deliver
// is refused there too.
func EventTargets(bus, source, detailType string) []string {
	var out []string
	for _, f := range EventDriven() {
		if f.Events.Bus != bus {
			continue
		}
		for _, r := range f.Events.Rules {
			if r.Matches(source, detailType) {
				out = append(out, f.Name)
				break
			}
		}
	}
	return out
}

// AgenciesBus is the bus agencies and laboratories put their events on.
const AgenciesBus = "kabinet-agencies"

// Queue is an SQS trigger: an event source mapping from the queue Name
// (shared/adapter/queue.Queues, deployed as kabinet-<stage>-<Name>) to the
// function, one message a batch with partial batch responses, at most
// MaxConcurrency invocations at once.
type Queue struct {
	Name           string
	MaxConcurrency int
}

// Stream is a DynamoDB Streams trigger: an event source mapping from the
// table's stream (both images of every change, store.Schema.Stream) to the
// function. Its filter passes only changes of items whose old or new
// image's kind is one of Kinds, so the counters' own writes (and
// everything else) never invoke it; up to BatchSize records a batch,
// gathered for at most BatchWindow; a failing batch is bisected, the
// function reports the records it could not apply (partial batch
// responses), a record is retried at most MaxRetries times and for at most
// MaxRecordAge, then the batch's description goes to an SQS on-failure
// queue (kabinet-<stage>-<function>-failures) and an alarm fires.
type Stream struct {
	Kinds        []string
	BatchSize    int
	BatchWindow  time.Duration
	MaxRetries   int
	MaxRecordAge time.Duration
}

// StatsKinds are the kinds of item whose changes move the dashboards'
// counters: applications, bookings, slots and waiting-list entries
// (statsstore.Kinds, held equal by a test: this package imports no
// adapter). A schedule's changes are its slots'.
var StatsKinds = []string{"application", "booking", "slot", "waitentry"}

// StreamActions are the actions of reading the table's stream, which
// Lambda's poller does with the function's role: on the stream, and
// ListStreams on the table's streams.
var StreamActions = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

// The DynamoDB actions a function may be granted on the table, by their
// IAM names. IAM has no action for a transaction as such: an item of a
// TransactWriteItems needs the action of its kind (a Put needs PutItem, a
// condition check ConditionCheckItem) and TransactGetItems needs GetItem.
// Scan, DeleteTable and the other control-plane actions are not here on
// purpose: no function may have them.
const (
	GetItem            = "dynamodb:GetItem"
	BatchGetItem       = "dynamodb:BatchGetItem"
	Query              = "dynamodb:Query"
	PutItem            = "dynamodb:PutItem"
	UpdateItem         = "dynamodb:UpdateItem"
	DeleteItem         = "dynamodb:DeleteItem"
	ConditionCheckItem = "dynamodb:ConditionCheckItem"
	BatchWriteItem     = "dynamodb:BatchWriteItem"
)

// TableActions lists every table action of the constants above, the only
// ones an entry may declare.
var TableActions = []string{GetItem, BatchGetItem, Query, PutItem, UpdateItem, DeleteItem, ConditionCheckItem, BatchWriteItem}

// TableAccess is what a function may do with the table: exactly the
// actions its code calls (a test records the calls of each function's code
// paths on DynamoDB Local and fails on one not listed here), on the table,
// and Query on the indexes it names (store.Schema's index names) alone. The
// zero value grants nothing.
type TableAccess struct {
	Actions []string
	Indexes []string
}

// Needs is what a function gets from the stack: grants and the variables
// that go with them. Anything not listed it does not get.
type Needs struct {
	// Table is its access to the table (TABLE_NAME).
	Table TableAccess
	// Publish names the topics (notify.Topics, by Name) it publishes to
	// (<topic>_TOPIC_ARN).
	Publish []string
	// Subscriptions names the topics whose subscriptions it manages
	// (people's contacts); it also gets the dead-letter queue those
	// subscriptions redrive to (DELIVERY_DLQ_ARN).
	Subscriptions []string
	// TicketSeed gives it the secret holding the keys signing booking QR
	// codes (TICKET_SIGNING_SECRET_ARN, read at start with
	// secretsmanager:GetSecretValue).
	TicketSeed bool
	// CursorKey gives it the secret holding the key sealing the cursors of
	// its listings (CURSOR_KEY_SECRET_ARN, read at start with
	// secretsmanager:GetSecretValue): every function with a paged GET. The
	// key the owner is sealed into ids with (ids.Locator) is derived from
	// it, so staff routes read no reference first.
	CursorKey bool
	// VideoLinks gives it the link prefix of video appointments
	// (VIDEO_BASE_URL).
	VideoLinks bool
	// JobQueues gives it the reminder job queues' URLs
	// (URGENT_JOBS_QUEUE_URL, DOCUMENT_JOBS_QUEUE_URL) and leave to send to
	// them (a worker enqueues its jobs' continuations).
	JobQueues bool
	// SendRates gives it the account's send rates (SMS_PER_SECOND,
	// EMAIL_PER_SECOND, PUBLISH_PER_SECOND: stack parameters) and the
	// WORKER_CONCURRENCY they are divided over (the sum of its Queues'
	// MaxConcurrency).
	SendRates bool
	// Files is its access to the files bucket (FILES_BUCKET,
	// FILES_MALWARE_SCAN, FILES_BUCKET_VERSIONED); the zero value gives
	// neither the bucket nor its key.
	Files FilesAccess
	// TrustAnchors gives it the CA bundle detached signatures must chain
	// to: the object TrustAnchorsKey of the files bucket
	// (SIGNATURE_TRUST_ANCHORS_KEY), which it may read and nothing else of
	// config/.
	TrustAnchors bool
	// PDFSigning gives it the secret holding the certificate and key that
	// sign the PDFs Kabinet issues (PDF_SIGNING_SECRET_ARN, read at start
	// with secretsmanager:GetSecretValue).
	PDFSigning bool
	// ScanResults sends it GuardDuty Malware Protection's scan results on
	// the files bucket (a rule of their own, besides its Events).
	ScanResults bool
}

// Actions is every IAM action function f's code calls (what the recording
// test holds its calls to): its table actions, sns:Publish for the topics it
// publishes to (PublishBatch included), the subscription actions for the
// topics whose subscriptions it manages, sqs:SendMessage for the job queues,
// secretsmanager:GetSecretValue for the secrets it reads at start, the S3
// actions of its files access.
// The stack grants these and nothing else, each on its own resources.
func (f Function) Actions() []string {
	out := append([]string(nil), f.Needs.Table.Actions...)
	if len(f.Needs.Publish) > 0 {
		out = append(out, PublishActions...)
	}
	if len(f.Needs.Subscriptions) > 0 {
		out = append(out, SubscriptionActions...)
	}
	if f.Needs.JobQueues {
		out = append(out, JobQueueActions...)
	}
	if f.Stream != nil { // the stream, and the failure queue
		out = append(append(out, StreamActions...), JobQueueActions...)
	}
	if f.Needs.TicketSeed || f.Needs.CursorKey || f.Needs.PDFSigning || len(f.Routes) > 0 {
		// An HTTP function reads the origin secret (CloudFront's header).
		out = append(out, SecretActions...)
	}
	return append(out, f.Needs.Files.Actions()...)
}

// The SNS and SQS actions that go with a function's needs: publishing to a
// topic, managing people's subscriptions to it (a shared phone's or
// address's filter lists everyone sharing it, so attributes are read and
// set), and sending reminder jobs.
var (
	PublishActions      = []string{"sns:Publish"}
	SubscriptionActions = []string{"sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"}
	JobQueueActions     = []string{"sqs:SendMessage"}
	SecretActions       = []string{"secretsmanager:GetSecretValue"}
)

// TrustAnchorsKey is where the files bucket keeps the PEM bundle of CA
// certificates detached signatures must chain to: an object, read by the
// functions that check signatures on their first check, because a bundle
// of accredited CAs outgrows the 4 KB Lambda allows for a function's whole
// environment. The stack uploads the bundle it is given there; make run
// puts its development CA there.
const TrustAnchorsKey = "config/trust-anchors.pem"

// FilesAccess is what a function may do in the files bucket.
type FilesAccess int

const (
	// FilesOwner serves people's files: put (presigned uploads), get
	// (presigned downloads), delete every version and list under files/.
	FilesOwner FilesAccess = iota + 1
	// FilesIngest copies laboratories' uploads: reads staging/, puts and
	// reads under files/.
	FilesIngest
	// FilesReader hands out people's files to staff: gets under files/
	// (presigned downloads of what an applicant sent an agency).
	FilesReader
	// FilesEraser erases people's files: deletes every version and lists
	// under files/ (a person's erasure), and puts or reads nothing.
	FilesEraser
)

// Actions is the S3 actions of a files access (the stack grants each on
// its own prefix: infra/stack/files.go).
func (a FilesAccess) Actions() []string {
	switch a {
	case FilesOwner:
		return []string{"s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"}
	case FilesIngest:
		return []string{"s3:GetObject", "s3:PutObject"}
	case FilesReader:
		return []string{"s3:GetObject"}
	case FilesEraser:
		return []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"}
	}
	return nil
}

// RemindersTopic is the name of the topic people's reminders and status
// messages go through (notify.Reminders).
const RemindersTopic = "reminders"

// Sizing of an HTTP function: a small Go binary doing a few DynamoDB calls
// per request, so 256 MB and 10 s are ample and keep a stuck call cheap.
const (
	httpMemoryMB = 256
	httpTimeout  = 10 * time.Second
)

// Sizing of a scheduled function. A scheduled run works through a batch
// (the expiry scan queries every shard of the due index and publishes in
// batches), so it gets more time and memory. Concurrency stays unreserved:
// a run must be safe alongside an overlapping or retried one.
const (
	scheduledMemoryMB = 512
	scheduledTimeout  = 60 * time.Second
)

// Sizing of an event-driven function: one event per invocation, a few
// DynamoDB calls, so sized like an HTTP function.
const (
	eventMemoryMB = httpMemoryMB
	eventTimeout  = httpTimeout
)

// All is every function, HTTP ones first, in the order their routes are
// listed. Every HTTP function that changes anything has ConditionCheckItem:
// each change's transaction checks that the caller's account is not being
// erased (store's erasure guard).
var All = []Function{
	// Documents serves people's files (presigning their uploads and
	// downloads), checks their detached signatures and shares documents
	// with institutions (gsi1: an institution's running shares).
	{Name: Documents, MemoryMB: httpMemoryMB, Timeout: httpTimeout,
		Needs: Needs{
			Table: TableAccess{Actions: []string{GetItem, BatchGetItem, Query, PutItem, UpdateItem, DeleteItem, ConditionCheckItem, BatchWriteItem},
				Indexes: []string{"gsi1"}},
			CursorKey: true, Files: FilesOwner, TrustAnchors: true},
		Routes: []Route{
			{Pattern: "GET /document-types"},
			{Pattern: "POST /documents", Status: http.StatusCreated},
			{Pattern: "GET /documents"},
			{Pattern: "GET /documents/{id}"},
			{Pattern: "PATCH /documents/{id}"},
			{Pattern: "DELETE /documents/{id}"},
			{Pattern: "POST /documents/{id}/archive"},
			{Pattern: "POST /documents/{id}/unarchive"},
			{Pattern: "GET /documents/{id}/history"},
			{Pattern: "POST /documents/{id}/reminders/ack"},
			{Pattern: "POST /documents/{id}/reminders/snooze"},
			{Pattern: "POST /documents/{id}/files", Status: http.StatusCreated},
			{Pattern: "GET /documents/{id}/files"},
			{Pattern: "GET /documents/{id}/files/{fileId}"},
			{Pattern: "DELETE /documents/{id}/files/{fileId}"},
			{Pattern: "POST /documents/{id}/files/{fileId}/complete"},
			{Pattern: "POST /documents/{id}/files/{fileId}/signatures"},
			{Pattern: "POST /documents/{id}/shares", Status: http.StatusCreated},
			{Pattern: "GET /documents/{id}/shares"},
			{Pattern: "DELETE /documents/{id}/shares/{shareId}"},
			{Pattern: "GET /institutions/{id}/shared-documents"},
			{Pattern: "GET /institutions/{id}/shared-documents/{shareId}"},
		}},
	{Name: Notifications, MemoryMB: httpMemoryMB, Timeout: httpTimeout,
		Needs: Needs{
			Table:     TableAccess{Actions: []string{GetItem, Query, PutItem, UpdateItem, ConditionCheckItem}},
			CursorKey: true},
		Routes: []Route{
			{Pattern: "GET /notifications"},
			{Pattern: "POST /notifications/{id}/read"},
		}},
	// Booking alone signs tickets (and their PDF confirmations) and links
	// video appointments.
	{Name: Booking, MemoryMB: httpMemoryMB, Timeout: httpTimeout,
		Needs: Needs{
			Table:     TableAccess{Actions: []string{GetItem, Query, PutItem, UpdateItem, DeleteItem, ConditionCheckItem}, Indexes: []string{"gsi1"}},
			CursorKey: true, TicketSeed: true, VideoLinks: true, PDFSigning: true},
		Routes: []Route{
			{Pattern: "GET /institutions"},
			{Pattern: "GET /institutions/{id}"},
			{Pattern: "GET /institutions/{id}/specialists"},
			{Pattern: "GET /specialists/{id}"},
			{Pattern: "GET /specialists/{id}/slots"},
			{Pattern: "PUT /specialists/{id}/schedule"},
			{Pattern: "GET /specialists/{id}/bookings"},
			{Pattern: "POST /bookings", Status: http.StatusCreated, Costly: true},
			{Pattern: "GET /bookings"},
			{Pattern: "GET /bookings/export.csv"},
			{Pattern: "GET /bookings/{id}"},
			{Pattern: "GET /bookings/{id}/qr.png"},
			{Pattern: "GET /bookings/{id}/confirmation.pdf"},
			{Pattern: "GET /bookings/{id}/calendar.ics"},
			{Pattern: "GET /bookings/{id}/act.pdf"},
			{Pattern: "GET /bookings/{id}/prescriptions/{n}/prescription.pdf"},
			{Pattern: "POST /bookings/{id}/reschedule", Costly: true},
			{Pattern: "POST /bookings/{id}/cancel"},
			{Pattern: "POST /bookings/{id}/visit"},
			{Pattern: "POST /bookings/{id}/rebook", Status: http.StatusCreated},      // 200 when it answers the first rebooking
			{Pattern: "POST /specialists/{id}/absences", Status: http.StatusCreated}, // 200 for the same period again
			{Pattern: "POST /waitlist", Status: http.StatusCreated},                  // 200 with the entry already on the same list
			{Pattern: "GET /waitlist"},
			{Pattern: "DELETE /waitlist/{id}"},
			{Pattern: "POST /waitlist/{id}/accept", Status: http.StatusCreated}, // 200 with the booking an earlier accept made
			{Pattern: "POST /waitlist/{id}/decline"},
			{Pattern: "GET /institutions/{id}/stats"},
		}},
	// Profile manages people's contact subscriptions to the reminders
	// topic and publishes to it only the verification codes, addressed to
	// a contact's tag.
	{Name: Profile, MemoryMB: httpMemoryMB, Timeout: httpTimeout,
		Needs: Needs{
			// Query: the family's list, and the documents naming a dependent;
			// BatchWriteItem: a hand-over at 18 copies a document's history
			// and file records to the grown-up's account and deletes the holder's.
			Table:         TableAccess{Actions: []string{GetItem, BatchGetItem, Query, PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem}},
			Subscriptions: []string{RemindersTopic}, Publish: []string{RemindersTopic},
			// a hand-over copies the grown-up's files' objects to their
			// prefix and deletes the holder's (every version)
			Files: FilesOwner},
		Routes: []Route{
			{Pattern: "GET /profile"},
			{Pattern: "PUT /profile", Costly: true},
			{Pattern: "POST /profile/contacts/verify", Costly: true},
			{Pattern: "POST /profile/erasure", Status: http.StatusAccepted},
			{Pattern: "GET /profile/erasure"},
			{Pattern: "POST /profile/contacts/resend", Costly: true},
			{Pattern: "DELETE /profile/contacts/sharers/{sharerId}"},
			{Pattern: "GET /family"},
			{Pattern: "POST /family", Status: http.StatusCreated},
			{Pattern: "GET /family/{personId}"},
			{Pattern: "PATCH /family/{personId}"},
			{Pattern: "DELETE /family/{personId}"},
			{Pattern: "POST /family/{personId}/handover", Status: http.StatusCreated},
			{Pattern: "POST /family/handover/redeem", Costly: true},
		}},
	// Every status change of an application is an outbox entry the
	// reminder pipeline sends (no Publish: the function never waits on
	// SNS); its receipt is a PDF signed as Kabinet (PDFSigning); the
	// agency's staff download the files an applicant's answer links
	// (FilesReader).
	{Name: Applications, MemoryMB: httpMemoryMB, Timeout: httpTimeout,
		Needs: Needs{
			Table:     TableAccess{Actions: []string{GetItem, Query, PutItem, UpdateItem, DeleteItem, ConditionCheckItem}, Indexes: []string{"gsi1"}},
			CursorKey: true, PDFSigning: true, Files: FilesReader},
		Routes: []Route{
			{Pattern: "POST /documents/{id}/renew", Status: http.StatusCreated},
			{Pattern: "GET /services"},
			{Pattern: "POST /applications/validate"},
			{Pattern: "POST /applications", Status: http.StatusCreated},
			{Pattern: "GET /applications"},
			{Pattern: "GET /applications/{id}"},
			{Pattern: "PATCH /applications/{id}"},
			{Pattern: "DELETE /applications/{id}"},
			{Pattern: "POST /applications/{id}/submit", Costly: true},
			{Pattern: "POST /applications/{id}/withdraw", Costly: true},
			{Pattern: "POST /applications/{id}/respond", Costly: true},
			{Pattern: "GET /applications/{id}/files/{fileId}"},
			{Pattern: "GET /applications/{id}/payment-qr.png"},
			{Pattern: "GET /applications/{id}/receipt.pdf"},
			{Pattern: "POST /applications/{id}/assign"},
			{Pattern: "POST /applications/{id}/transitions"},
			{Pattern: "GET /agency/applications"},
			{Pattern: "GET /agency/payments"},
			{Pattern: "GET /agency/stats"},
		}},
	{Name: Orgs, MemoryMB: httpMemoryMB, Timeout: httpTimeout,
		Needs: Needs{
			Table:     TableAccess{Actions: []string{GetItem, BatchGetItem, Query, PutItem, UpdateItem, DeleteItem, ConditionCheckItem}, Indexes: []string{"gsi1"}},
			CursorKey: true},
		Routes: []Route{
			{Pattern: "POST /consents", Status: http.StatusCreated},
			{Pattern: "GET /consents"},
			{Pattern: "DELETE /consents/{id}"},
			{Pattern: "GET /organizations/{orgId}/documents"},
			{Pattern: "GET /organizations/{orgId}/documents.csv"},
			{Pattern: "GET /organizations/{orgId}/stats"},
		}},
	// The expiry scan and the worker end lapsed waiting-list offers and
	// offer the slot to the next in line (gsi1 is the line; an ended entry
	// frees its place items).
	{Name: ExpiryScan, MemoryMB: scheduledMemoryMB, Timeout: scheduledTimeout,
		Needs: Needs{
			Table:   TableAccess{Actions: []string{GetItem, Query, PutItem, UpdateItem, DeleteItem}, Indexes: []string{"due", "gsi1"}},
			Publish: []string{RemindersTopic}},
		Schedule: &Schedule{RateMinutes: 15}},
	// The reminder pipeline (shared/domain/reminders), which is to replace
	// expiry-scan: the dispatcher every minute, the worker on the job
	// queues (2 urgent and 8 document workers at most).
	{Name: ReminderDispatch, MemoryMB: eventMemoryMB, Timeout: scheduledTimeout,
		Needs: Needs{
			Table:     TableAccess{Actions: []string{Query}, Indexes: []string{"due"}},
			JobQueues: true},
		Schedule: &Schedule{RateMinutes: 1}},
	// It also runs people's erasures, a page a visit (shared/app/erasing):
	// it sweeps a person's items (BatchWriteItem), deletes their files'
	// objects (FilesEraser) and takes them off their contacts'
	// subscriptions (Subscriptions).
	{Name: ReminderWorker, MemoryMB: scheduledMemoryMB, Timeout: scheduledTimeout,
		Needs: Needs{
			Table: TableAccess{Actions: []string{GetItem, Query, PutItem, UpdateItem, DeleteItem, BatchWriteItem},
				Indexes: []string{"due", "gsi1"}},
			Publish: []string{RemindersTopic}, Subscriptions: []string{RemindersTopic}, JobQueues: true, SendRates: true,
			Files: FilesEraser},
		Queues: []Queue{
			{Name: "reminder-jobs-urgent.fifo", MaxConcurrency: 2},
			{Name: "reminder-jobs-document.fifo", MaxConcurrency: 8},
		}},
	// The weekly digest publishes to the reminders topic (org-digest
	// refuses to start without it) and keeps each run's counts as the
	// organisation's dashboard's point (PutItem).
	{Name: OrgDigest, MemoryMB: scheduledMemoryMB, Timeout: scheduledTimeout,
		Needs: Needs{
			Table:   TableAccess{Actions: []string{GetItem, BatchGetItem, Query, PutItem}, Indexes: []string{"gsi1"}},
			Publish: []string{RemindersTopic}},
		Schedule: &Schedule{RateMinutes: 7 * 24 * 60}},
	// Ingest closes the application an issued document answers, which
	// tells the person through the outbox (no Publish: the reminder
	// pipeline sends it, as a laboratory result's message). Its rules
	// match ingest.SourcePrefix with ingest.DocumentIssued,
	// ingest.DocumentRevoked and ingest.PaymentConfirmed (the treasury's,
	// gov.agency.treasury), and ingest.LabSourcePrefix with
	// ingest.LabResultIssued (a test keeps them equal: this package imports
	// no domain package).
	// It copies laboratories' results into people's files and applies
	// GuardDuty's scan verdicts on them.
	{Name: Ingest, MemoryMB: eventMemoryMB, Timeout: eventTimeout,
		Needs: Needs{
			Table: TableAccess{Actions: []string{GetItem, Query, PutItem, UpdateItem}},
			Files: FilesIngest, TrustAnchors: true, ScanResults: true},
		Events: &Events{Bus: AgenciesBus, Rules: []EventRule{
			{Name: "agency-documents", Sources: []string{"gov.agency."}, DetailTypes: []string{"DocumentIssued", "DocumentRevoked", "PaymentConfirmed"}},
			{Name: "lab-results", Sources: []string{"gov.lab."}, DetailTypes: []string{"LabResultIssued"}},
		}}},
	// The aggregator reads the directory (Query: a slot's day is in its
	// institution's zone) and applies a batch's changes in transactions of
	// a marker per record (PutItem) and an ADD per counters' item
	// (UpdateItem). Batches of 100 within 5 s; ten retries within the
	// stream's 24 h, then the failure queue.
	{Name: StatsAggregator, MemoryMB: eventMemoryMB, Timeout: scheduledTimeout,
		Needs:  Needs{Table: TableAccess{Actions: []string{Query, PutItem, UpdateItem}}},
		Stream: &Stream{Kinds: StatsKinds, BatchSize: 100, BatchWindow: 5 * time.Second, MaxRetries: 10, MaxRecordAge: 24 * time.Hour}},
}

// Get returns the function called name.
func Get(name string) (Function, bool) {
	for _, f := range All {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// Names lists every function's name, in the order of All.
func Names() []string {
	out := make([]string, len(All))
	for i, f := range All {
		out[i] = f.Name
	}
	return out
}

// HTTP lists the functions that serve routes, in the order of All.
func HTTP() []Function { return filter(func(f Function) bool { return len(f.Routes) > 0 }) }

// Scheduled lists the functions run by a schedule, in the order of All.
func Scheduled() []Function { return filter(func(f Function) bool { return f.Schedule != nil }) }

// EventDriven lists the functions run by bus events, in the order of All.
func EventDriven() []Function { return filter(func(f Function) bool { return f.Events != nil }) }

// StreamFed lists the functions run by the table's stream, in the order of All.
func StreamFed() []Function { return filter(func(f Function) bool { return f.Stream != nil }) }

// QueueFed lists the functions run by SQS queues, in the order of All.
func QueueFed() []Function { return filter(func(f Function) bool { return len(f.Queues) > 0 }) }

// Routes is the whole API surface: every function's routes, in order.
func Routes() []FunctionRoute {
	var out []FunctionRoute
	for _, f := range All {
		for _, r := range f.Routes {
			out = append(out, FunctionRoute{Function: f.Name, Route: r})
		}
	}
	return out
}

func filter(keep func(Function) bool) []Function {
	var out []Function
	for _, f := range All {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}
