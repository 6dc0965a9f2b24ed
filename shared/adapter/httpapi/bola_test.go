package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/devapi"
	"github.com/kabinet/kabinet/shared/domain/message"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// Object-level authorization (OWASP API1, BOLA): one table, keyed by route
// pattern, for every route of functions.Routes whose path has a {parameter}.
// A route with a parameter and no row fails the suite, and so does a row
// whose route is gone.

// bolaClass is what a route's parameter names.
type bolaClass string

const (
	// bolaOwned: the parameter is an object of one person. The owner gets
	// the row's status; anyone else 404 exactly like a missing id.
	bolaOwned bolaClass = "a person's object"
	// bolaDirectory: a public directory entry (institutions, specialists):
	// any signed-in citizen reads it with the row's status.
	bolaDirectory bolaClass = "directory entry"
	// bolaStaff: a staff, agency or organisation-admin route, proven by
	// TestStaffRoutesAuthorization (the row must be in staffRoutes). Here:
	// any citizen, the object's owner included, gets 403.
	bolaStaff bolaClass = "staff route"
)

// bolaRow says how to call one route and what each principal gets.
type bolaRow struct {
	class bolaClass
	// object is the fixture whose id fills the path's parameter; for an
	// owned object it is in a state where the owner's request succeeds, so
	// that the others' 404 can only come from whose it is.
	object string
	// alsoOn are more fixtures the non-owners are refused on (another state
	// of the same kind of object).
	alsoOn []string
	query  string
	body   any
	// bodyFor, when set, is the body for the object id of owner's (or a
	// missing id) instead of body: for a request naming what the object holds.
	bodyFor func(e *env, owner, id string) any
	// status is what the owner (owned), any citizen (directory) gets.
	status int
	// mutates: the owner's request changes or removes its object, so it runs
	// on a fresh one after everyone else.
	mutates bool
	// otherCitizen is what a citizen other than the object's owner gets on
	// a staff route: 403 like the owner (default), or 404 where the route
	// looks the id up in the caller's own objects first.
	otherCitizen int
	// contentType replaces the JSON media type of the body.
	contentType string
	why         string
}

// Fixture kinds.
const (
	fxDocument     = "document"
	fxArchived     = "archived document"
	fxReminded     = "document with a reminder sent"
	fxRenewable    = "renewable document"
	fxNotification = "notification"
	fxBooking      = "booking"
	fxInstCancel   = "booking the institution cancelled"
	fxDraft        = "application draft"
	fxSubmitted    = "submitted application"
	fxNeedsInfo    = "application the agency asked more of"
	fxUnpaid       = "application awaiting its state fee"
	fxConsent      = "consent"
	fxWaiting      = "waiting-list entry"
	fxOffer        = "waiting-list entry holding an offer"
	fxInstitution  = "institution"
	fxSpecialist   = "specialist"
	fxOrganisation = "organisation"
	fxSharer       = "sharer of a contact"
	fxDependent    = "dependent"
	fxFile         = "file"                             // "docId/fileId"
	fxShare        = "share"                            // "docId/shareId"
	fxAnswered     = "application answered with a file" // "appId/fileId"
	fxSharedWith   = "share seen from its institution"  // "institutionId/shareId"
	fxGrownUp      = "child who has turned 18"
	fxVisited      = "booking whose visit gave an act and a prescription" // "bookingId/1"
)

// bolaRescheduleTarget is the free slot the reschedule row asks for.
var bolaRescheduleTarget = kgd(kgdTherapist, "2026-06-19 10:00")

// acceptBody accepts the slot owner's entry id is offered, as the client
// shown the offer sends it: others are refused knowing the very slot. An
// entry offering nothing (or missing) names a slot of the right shape.
func acceptBody(e *env, owner, id string) any {
	slot := kgd(kgdTherapist, "2026-06-22 09:00")
	for _, it := range items(e.do(req{method: "GET", path: "/waitlist", token: e.token(owner)}).json(e.t)) {
		if o, ok := it["offer"].(map[string]any); ok && it["id"] == id {
			slot = o["id"].(string)
		}
	}
	return map[string]any{"slotId": slot, "mode": "in_person"}
}

// bolaRebookTarget is the free slot the rebook row asks for: the same
// specialization as the booking the institution cancelled.
var bolaRebookTarget = kgd(kgdPediatric, "2026-06-19 11:00")

var bolaRows = map[string]bolaRow{
	// documents
	"GET /documents/{id}":                   {class: bolaOwned, object: fxDocument, status: 200},
	"PATCH /documents/{id}":                 {class: bolaOwned, object: fxDocument, body: map[string]any{"title": "mine now"}, status: 200, mutates: true},
	"DELETE /documents/{id}":                {class: bolaOwned, object: fxDocument, status: 204, mutates: true},
	"POST /documents/{id}/archive":          {class: bolaOwned, object: fxDocument, status: 200, mutates: true},
	"POST /documents/{id}/unarchive":        {class: bolaOwned, object: fxArchived, status: 200, mutates: true},
	"GET /documents/{id}/history":           {class: bolaOwned, object: fxDocument, status: 200},
	"POST /documents/{id}/reminders/ack":    {class: bolaOwned, object: fxReminded, status: 200, mutates: true},
	"POST /documents/{id}/reminders/snooze": {class: bolaOwned, object: fxDocument, body: map[string]any{"until": "2026-07-01"}, status: 200, mutates: true},
	"POST /documents/{id}/renew":            {class: bolaOwned, object: fxRenewable, status: 201, mutates: true},
	// files and shares of a document
	"POST /documents/{id}/files": {class: bolaOwned, object: fxDocument, status: 201, mutates: true,
		body: map[string]any{"name": "a.pdf", "contentType": "application/pdf", "size": 10, "sha256": strings.Repeat("ab", 32)}},
	"GET /documents/{id}/files":                      {class: bolaOwned, object: fxDocument, status: 200},
	"GET /documents/{id}/files/{fileId}":             {class: bolaOwned, object: fxFile, status: 200},
	"DELETE /documents/{id}/files/{fileId}":          {class: bolaOwned, object: fxFile, status: 204, mutates: true},
	"POST /documents/{id}/files/{fileId}/complete":   {class: bolaOwned, object: fxFile, status: 409, why: "completing a completed file is a conflict for its owner; for anyone else it is not found"},
	"POST /documents/{id}/files/{fileId}/signatures": {class: bolaOwned, object: fxFile, status: 200, body: "\x30\x03\x02\x01\x01", contentType: "application/pkcs7-signature", mutates: true},
	"POST /documents/{id}/shares":                    {class: bolaOwned, object: fxDocument, status: 201, mutates: true, body: map[string]any{"institutionId": kgdPoly, "until": "2026-07-01T00:00:00Z"}},
	"GET /documents/{id}/shares":                     {class: bolaOwned, object: fxShare, status: 200},
	"DELETE /documents/{id}/shares/{shareId}":        {class: bolaOwned, object: fxShare, status: 204, mutates: true},
	"GET /institutions/{id}/shared-documents":        {class: bolaStaff, object: fxInstitution, why: "staff of the institution documents are shared with"},
	"GET /institutions/{id}/stats":                   {class: bolaStaff, object: fxInstitution, why: "managers of the institution: its counts"},
	"GET /institutions/{id}/shared-documents/{shareId}": {class: bolaStaff, object: fxSharedWith,
		why: "staff of the institution the document is shared with; institution ids are public, so a citizen's refusal reveals nothing"},
	// inbox
	"POST /notifications/{id}/read": {class: bolaOwned, object: fxNotification, status: 200, mutates: true},
	// the electronic registry
	"GET /institutions/{id}":                                {class: bolaDirectory, object: fxInstitution, status: 200, why: "institutions are public directory entries"},
	"GET /institutions/{id}/specialists":                    {class: bolaDirectory, object: fxInstitution, status: 200, why: "institutions are public directory entries"},
	"GET /specialists/{id}":                                 {class: bolaDirectory, object: fxSpecialist, status: 200, why: "specialists are public directory entries"},
	"GET /specialists/{id}/slots":                           {class: bolaDirectory, object: fxSpecialist, status: 200, why: "free slots are public: they name no one"},
	"PUT /specialists/{id}/schedule":                        {class: bolaStaff, object: fxSpecialist, why: "staff of the specialist's institution"},
	"GET /specialists/{id}/bookings":                        {class: bolaStaff, object: fxSpecialist, query: "?date=2026-06-16", why: "staff of the specialist's institution"},
	"GET /bookings/{id}":                                    {class: bolaOwned, object: fxBooking, status: 200},
	"GET /bookings/{id}/qr.png":                             {class: bolaOwned, object: fxBooking, status: 200},
	"GET /bookings/{id}/confirmation.pdf":                   {class: bolaOwned, object: fxBooking, status: 200},
	"GET /bookings/{id}/act.pdf":                            {class: bolaOwned, object: fxVisited, status: 200},
	"GET /bookings/{id}/prescriptions/{n}/prescription.pdf": {class: bolaOwned, object: fxVisited, status: 200},
	"GET /bookings/{id}/calendar.ics":                       {class: bolaOwned, object: fxBooking, status: 200},
	"POST /bookings/{id}/reschedule":                        {class: bolaOwned, object: fxBooking, body: map[string]any{"slotId": bolaRescheduleTarget}, status: 200, mutates: true},
	"POST /bookings/{id}/cancel":                            {class: bolaOwned, object: fxBooking, body: map[string]any{"reason": "not mine"}, status: 200, mutates: true},
	"POST /bookings/{id}/visit":                             {class: bolaStaff, object: fxBooking, why: "staff of the booking's institution record the visit"},
	"POST /bookings/{id}/rebook":                            {class: bolaOwned, object: fxInstCancel, body: map[string]any{"slotId": bolaRebookTarget}, status: 201, mutates: true},
	"POST /specialists/{id}/absences":                       {class: bolaStaff, object: fxSpecialist, why: "staff of the specialist's institution"},
	"DELETE /waitlist/{id}":                                 {class: bolaOwned, object: fxWaiting, alsoOn: []string{fxOffer}, status: 204, mutates: true},
	"POST /waitlist/{id}/accept":                            {class: bolaOwned, object: fxOffer, alsoOn: []string{fxWaiting}, bodyFor: acceptBody, status: 201, mutates: true},
	"POST /waitlist/{id}/decline":                           {class: bolaOwned, object: fxOffer, alsoOn: []string{fxWaiting}, status: 200, mutates: true},
	// applications
	"GET /applications/{id}":                {class: bolaOwned, object: fxDraft, alsoOn: []string{fxSubmitted}, status: 200},
	"GET /applications/{id}/payment-qr.png": {class: bolaOwned, object: fxUnpaid, status: 200},
	"GET /applications/{id}/receipt.pdf":    {class: bolaOwned, object: fxUnpaid, alsoOn: []string{fxSubmitted}, status: 200},
	"PATCH /applications/{id}":              {class: bolaOwned, object: fxDraft, alsoOn: []string{fxSubmitted}, body: map[string]any{"fields": map[string]any{"postalCode": "190000"}}, status: 200, mutates: true},
	"DELETE /applications/{id}":             {class: bolaOwned, object: fxDraft, alsoOn: []string{fxSubmitted}, status: 204, mutates: true},
	"POST /applications/{id}/submit":        {class: bolaOwned, object: fxDraft, alsoOn: []string{fxSubmitted}, status: 200, mutates: true},
	"POST /applications/{id}/respond":       {class: bolaOwned, object: fxNeedsInfo, alsoOn: []string{fxSubmitted, fxDraft}, body: map[string]any{"comment": "mine now"}, status: 200, mutates: true},
	"POST /applications/{id}/withdraw":      {class: bolaOwned, object: fxSubmitted, alsoOn: []string{fxDraft}, body: map[string]any{"comment": "mine now"}, status: 200, mutates: true},
	"GET /applications/{id}/files/{fileId}": {class: bolaStaff, object: fxAnswered, otherCitizen: 404,
		why: "staff of the application's agency; its applicant holds the file in their registry (403), anyone else's id is 404"},
	"POST /applications/{id}/assign": {class: bolaStaff, object: fxSubmitted, alsoOn: []string{fxDraft}, otherCitizen: 404,
		why: "a lead clerk of the application's agency; a citizen is told staff_only only about their own application, anyone else's id is 404"},
	"POST /applications/{id}/transitions": {class: bolaStaff, object: fxSubmitted, alsoOn: []string{fxDraft}, otherCitizen: 404,
		why: "staff of the application's agency; a citizen is told staff_only only about their own application, anyone else's id is 404 like a missing one"},
	// profile and family: another holder's dependent is 404, for staff and
	// organisations too (an organisation never sees dependents)
	"GET /family/{personId}":                      {class: bolaOwned, object: fxDependent, status: 200},
	"PATCH /family/{personId}":                    {class: bolaOwned, object: fxDependent, body: map[string]any{"name": "Моя теперь"}, status: 200, mutates: true},
	"DELETE /family/{personId}":                   {class: bolaOwned, object: fxDependent, status: 204, mutates: true},
	"POST /family/{personId}/handover":            {class: bolaOwned, object: fxGrownUp, status: 201, mutates: true},
	"DELETE /profile/contacts/sharers/{sharerId}": {class: bolaOwned, object: fxSharer, status: 204, mutates: true},
	// consents and organisations
	"DELETE /consents/{id}":                    {class: bolaOwned, object: fxConsent, status: 204, mutates: true},
	"GET /organizations/{orgId}/documents":     {class: bolaStaff, object: fxOrganisation, why: "administrators of the organisation"},
	"GET /organizations/{orgId}/stats":         {class: bolaStaff, object: fxOrganisation, why: "managers and administrators of the organisation: its counts"},
	"GET /organizations/{orgId}/documents.csv": {class: bolaStaff, object: fxOrganisation, why: "administrators of the organisation"},
}

// bolaCoverage lists what is wrong between the route table and the rows: a
// route with a parameter and no row, a row whose route is gone or takes no
// parameter, a row of no known class.
func bolaCoverage(routes []functions.FunctionRoute, rows map[string]bolaRow) []string {
	var problems []string
	withParam := map[string]bool{}
	for _, rt := range routes {
		if !strings.Contains(rt.Path(), "{") {
			continue
		}
		withParam[rt.Pattern] = true
		if _, ok := rows[rt.Pattern]; !ok {
			problems = append(problems, fmt.Sprintf("route %s takes a parameter but has no row in bolaRows: say whose object it names and what each principal gets", rt.Pattern))
		}
	}
	for p, row := range rows {
		if !withParam[p] {
			problems = append(problems, fmt.Sprintf("bolaRows has %s, which is not a route with a parameter in functions.Routes any more", p))
		}
		if row.class != bolaOwned && row.class != bolaDirectory && row.class != bolaStaff {
			problems = append(problems, fmt.Sprintf("bolaRows[%s] has no class", p))
		}
		if row.class != bolaOwned && row.why == "" {
			problems = append(problems, fmt.Sprintf("bolaRows[%s] is a %s without a why", p, row.class))
		}
		if row.class != bolaStaff && row.status == 0 {
			problems = append(problems, fmt.Sprintf("bolaRows[%s] has no success status", p))
		}
	}
	slices.Sort(problems)
	return problems
}

// TestObjectLevelAuthorizationTableFollowsRoutes proves the guard of
// TestObjectLevelAuthorization: a new route with a parameter and no row,
// and a row whose route is gone, are reported.
func TestObjectLevelAuthorizationTableFollowsRoutes(t *testing.T) {
	routes := functions.Routes()
	if p := bolaCoverage(routes, bolaRows); len(p) != 0 {
		t.Errorf("the real table: %v", p)
	}
	added := append(slices.Clone(routes), functions.FunctionRoute{Function: functions.Documents, Route: functions.Route{Pattern: "GET /documents/{id}/scan.pdf"}})
	if p := bolaCoverage(added, bolaRows); len(p) != 1 || !strings.Contains(p[0], "GET /documents/{id}/scan.pdf") || !strings.Contains(p[0], "no row") {
		t.Errorf("a new route without a row: %v", p)
	}
	var removed []functions.FunctionRoute
	for _, rt := range routes {
		if rt.Pattern != "POST /bookings/{id}/cancel" {
			removed = append(removed, rt)
		}
	}
	if p := bolaCoverage(removed, bolaRows); len(p) != 1 || !strings.Contains(p[0], "POST /bookings/{id}/cancel") || !strings.Contains(p[0], "any more") {
		t.Errorf("a row whose route is gone: %v", p)
	}
}

// nopPublisher sends every message.
type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, []message.Message) map[string]error { return nil }

// remindedDocument creates a document of sub whose 30-day reminder is due
// and runs the expiry scan, as the schedule would, three hours after the
// clock (midday in Moscow, out of the quiet hours). The document then has a
// reminder to acknowledge and sub's inbox a notification about it.
func (e *env) remindedDocument(sub string) (docID, notificationID string) {
	e.t.Helper()
	docID = e.mustCreate(sub, map[string]any{"type": "custom", "title": "Пропуск", "expiresOn": "2026-07-05"})["id"].(string)
	at := e.clock.Now().Add(3 * time.Hour)
	st := allstore.New(e.db, e.table)
	st.Now = func() time.Time { return at }
	sc := &reminders.Scanner{Store: st, Publisher: nopPublisher{}, NewID: ids.New, Shards: store.DueShards, Log: slog.New(slog.DiscardHandler)}
	if _, err := sc.Run(context.Background(), at); err != nil {
		e.t.Fatalf("expiry scan: %v", err)
	}
	r := e.do(req{method: "GET", path: "/notifications?limit=100", token: e.token(sub)})
	for _, n := range items(r.json(e.t)) {
		if n["documentId"] == docID {
			return docID, n["id"].(string)
		}
	}
	e.t.Fatalf("the scan left no notification about %s: %s", docID, r.body)
	return "", ""
}

// scanTable reads every item of the env's table, ordered by key.
func (e *env) scanTable() []map[string]types.AttributeValue {
	e.t.Helper()
	var out []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(e.db, &dynamodb.ScanInput{TableName: aws.String(e.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, page.Items...)
	}
	key := func(it map[string]types.AttributeValue) string {
		s := func(n string) string {
			if v, ok := it[n].(*types.AttributeValueMemberS); ok {
				return v.Value
			}
			return ""
		}
		return s("pk") + "\x00" + s("sk")
	}
	slices.SortFunc(out, func(a, b map[string]types.AttributeValue) int { return strings.Compare(key(a), key(b)) })
	return out
}

// problemShape is a problem answer without what differs between requests
// (the path and the request id).
func problemShape(t *testing.T, r resp) map[string]any {
	t.Helper()
	p := r.json(t)
	delete(p, "instance")
	delete(p, "requestId")
	return p
}

// TestObjectLevelAuthorization walks every route of functions.Routes that
// takes a parameter (bolaRows). The owner, alice, has one of everything;
// then, for each route and each object it applies to:
//
//   - another citizen (bob) and staff or an organisation's administrator
//     with a claim on such objects get 404, exactly the problem alice gets
//     for an id that does not exist;
//   - no token, alice's expired token and a garbage token get 401;
//   - a directory route answers any citizen; a staff route refuses any
//     citizen, the object's owner included, with 403.
//
// Afterwards the whole table, alice's items included, is byte-for-byte what
// it was, and bob and the staff own nothing. Only then does the owner call
// each route and get its success status, on a fresh object where the call
// changes or removes it.
func TestObjectLevelAuthorization(t *testing.T) {
	routes := functions.Routes()
	for _, p := range bolaCoverage(routes, bolaRows) {
		t.Error(p)
	}
	for p, row := range bolaRows {
		if _, ok := staffRoutes[p]; ok != (row.class == bolaStaff) {
			t.Errorf("bolaRows[%s] is a %s, but its presence in staffRoutes is %v", p, row.class, ok)
		}
	}

	// With a reminders topic: the sharer of a contact is a real
	// subscription's.
	e := newEnvWithTopic(t)
	e.seedDirectory()
	e.clock.Set(bookingMonday)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 10, 2)) // the next week for waiting-list offers
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	const owner, other = "alice", "bob"
	cancelDays := []string{"2026-06-16", "2026-06-17", "2026-06-18"} // the rebook target is on the 19th

	bookingDays := []string{"2026-06-16", "2026-06-17", "2026-06-18"} // the reschedule target is on the 19th
	// waiting-list entries: on weekend days (no slots, so they wait) and on
	// days of the next week (a free slot, offered at once); one list each
	waitDays, offerDays := []string{"2026-06-20", "2026-06-21", "2026-06-27", "2026-06-28"}, []string{"2026-06-22", "2026-06-23", "2026-06-24", "2026-06-25"}
	join := func(days *[]string, want string) string {
		day := (*days)[0]
		*days = (*days)[1:]
		r := e.do(req{method: "POST", path: "/waitlist", token: e.token(owner),
			body: map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": day, "to": day}})
		if r.status != http.StatusCreated || r.json(t)["status"] != want {
			t.Fatalf("join the waiting list for %s: %d %s, want 201 %s", day, r.status, r.body, want)
		}
		return r.json(t)["id"].(string)
	}
	consents := 0
	makers := map[string]func() string{
		fxDocument: func() string {
			return e.mustCreate(owner, map[string]any{"type": "custom", "title": "Пропуск в бассейн", "number": "A-1", "expiresOn": "2026-12-31"})["id"].(string)
		},
		fxArchived: func() string {
			id := e.mustCreate(owner, map[string]any{"type": "custom", "title": "Старый пропуск", "expiresOn": "2026-12-31"})["id"].(string)
			if r := e.do(req{method: "POST", path: "/documents/" + id + "/archive", token: e.token(owner)}); r.status != 200 {
				t.Fatalf("archive: %d %s", r.status, r.body)
			}
			return id
		},
		fxReminded: func() string { id, _ := e.remindedDocument(owner); return id },
		fxRenewable: func() string {
			return e.mustCreate(owner, map[string]any{"type": "foreign_passport", "number": "75 1234567", "issuedOn": "2016-08-01"})["id"].(string)
		},
		fxNotification: func() string { _, id := e.remindedDocument(owner); return id },
		fxBooking: func() string {
			day := bookingDays[0]
			bookingDays = bookingDays[1:]
			return e.mustBook(owner, kgd(kgdTherapist, day+" 10:00"))["id"].(string)
		},
		fxVisited: func() string {
			// for a child of alice's: the child's own places, not alice's five
			start := local(zoneKgd, "2026-06-18 12:30")
			kid := e.mustAddPerson(owner, map[string]any{"name": "Петя", "birthDate": "2016-04-01", "relation": "child"})["id"].(string)
			body := bookBody(kgd(kgdPediatric, "2026-06-18 12:30"), "in_person")
			body["patient"] = kid
			r := e.do(req{method: "POST", path: "/bookings", token: e.token(owner), body: body})
			if r.status != http.StatusCreated {
				t.Fatalf("book for the child: %d %s", r.status, r.body)
			}
			id := r.json(t)["id"].(string)
			now := e.clock.Now()
			defer e.clock.Set(now)
			e.clock.Set(start.Add(20 * time.Minute))
			if r := e.do(req{method: "POST", path: "/bookings/" + id + "/visit", token: e.staff(kgdPoly), body: map[string]any{
				"outcome": "completed", "act": "Осмотр проведён", "prescriptions": []any{map[string]any{"drug": "Ибупрофен", "until": "2026-07-31"}}}}); r.status != http.StatusOK {
				t.Fatalf("close the visit: %d %s", r.status, r.body)
			}
			return id + "/1"
		},
		fxInstCancel: func() string {
			day := cancelDays[0]
			cancelDays = cancelDays[1:]
			id := e.mustBook(owner, kgd(kgdPediatric, day+" 11:00"))["id"].(string)
			e.absence(kgdPoly, kgdPediatric, day, day)
			return id
		},
		fxDraft: func() string { return e.mustDraft(owner, "certificate_request", certificateFields())["id"].(string) },
		fxSubmitted: func() string {
			id := e.mustDraft(owner, "certificate_request", certificateFields())["id"].(string)
			e.mustSubmit(owner, id)
			return id
		},
		fxUnpaid: func() string {
			id := e.mustDraft(owner, "drivers_licence_exchange", licenceFields())["id"].(string)
			e.mustSubmit(owner, id)
			return id
		},
		fxNeedsInfo: func() string {
			id := e.mustDraft(owner, "certificate_request", certificateFields())["id"].(string)
			e.mustSubmit(owner, id)
			fns := e.agencyStaff("fns")
			for _, to := range []string{"processing", "needs_info"} {
				if r := e.move(fns, id, to, "Нужна фотография"); r.status != http.StatusOK {
					e.t.Fatalf("to %s: %d %s", to, r.status, r.body)
				}
			}
			return id
		},
		fxConsent: func() string {
			consents++
			org := "acme"
			if consents > 1 {
				org = fmt.Sprintf("acme-%d", consents)
			}
			return e.consent(owner, org, "custom", "foreign_passport")
		},
		fxSharer:  func() string { return e.sharer(owner) },
		fxWaiting: func() string { return join(&waitDays, "waiting") },
		fxOffer:   func() string { return join(&offerDays, "offered") },
		fxDependent: func() string {
			return e.mustAddPerson(owner, map[string]any{"name": "Маша", "birthDate": "2015-03-01", "relation": "child"})["id"].(string)
		},
		fxGrownUp: func() string {
			// added as a child of 17 a month ago, 18 since ten days
			now := e.clock.Now()
			defer e.clock.Set(now)
			e.clock.Set(now.AddDate(0, 0, -40))
			born := now.AddDate(-18, 0, -10).Format(time.DateOnly)
			return e.mustAddPerson(owner, map[string]any{"name": "Вера", "birthDate": born, "relation": "child"})["id"].(string)
		},
		fxInstitution:  func() string { return kgdPoly },
		fxSpecialist:   func() string { return kgdTherapist },
		fxOrganisation: func() string { return "acme" },
		fxFile:         func() string { return e.mustFile(owner) },
		fxShare:        func() string { return e.mustShare(owner, kgdPoly) },
		fxAnswered:     func() string { return e.mustAnswerWithFile(owner) },
		fxSharedWith: func() string {
			return kgdPoly + "/" + strings.SplitN(e.mustShare(owner, kgdPoly), "/", 2)[1]
		},
	}
	// Staff with a claim on such objects: an organisation alice consented to,
	// the booking's institution, the application's agency. None may reach
	// alice's object through a citizen's route.
	orgAdmin, instStaff, agencyStaff := e.admin("boss", "acme"), e.staff(kgdPoly), e.agencyStaff("fns")
	claimants := map[string]string{
		fxDocument: orgAdmin, fxArchived: orgAdmin, fxReminded: orgAdmin, fxRenewable: orgAdmin, fxNotification: orgAdmin,
		fxConsent: orgAdmin, fxBooking: instStaff, fxInstCancel: instStaff, fxDraft: agencyStaff, fxSubmitted: agencyStaff,
		fxNeedsInfo: agencyStaff, fxUnpaid: agencyStaff, fxSharer: orgAdmin, fxWaiting: instStaff, fxOffer: instStaff, fxDependent: orgAdmin, fxGrownUp: orgAdmin, fxVisited: instStaff,
		fxFile: orgAdmin, fxShare: instStaff, // the institution the document is shared with: still not the owner's routes
		fxAnswered: agencyStaff, fxSharedWith: instStaff,
	}

	// A document's files and shares are refused also to staff of an
	// institution the document is not shared with (the share fixture's is
	// kgdPoly): their routes are the owner's, and staff read shared files
	// only through GET /institutions/{id}/shared-documents.
	strangerStaff := e.staff(kgdHospital)
	alsoRefused := map[string][]struct{ name, token string }{
		fxDocument: {{"staff of another institution", strangerStaff}}, // its files' and shares' lists, a new file or share
		fxFile:     {{"staff of another institution", strangerStaff}},
		fxShare:    {{"staff of another institution", strangerStaff}},
	}

	shared := map[string]string{}
	for _, k := range []string{fxConsent, fxDocument, fxArchived, fxReminded, fxRenewable, fxNotification, fxBooking, fxInstCancel, fxDraft, fxSubmitted,
		fxNeedsInfo, fxUnpaid, fxInstitution, fxSpecialist, fxOrganisation, fxSharer, fxWaiting, fxOffer, fxDependent, fxGrownUp, fxVisited, fxFile, fxShare, fxAnswered, fxSharedWith} {
		shared[k] = makers[k]()
	}
	for p, row := range bolaRows {
		for _, k := range append([]string{row.object}, row.alsoOn...) {
			if makers[k] == nil {
				t.Fatalf("bolaRows[%s] names fixture %q, which has no maker", p, k)
			}
		}
	}
	path := func(rt functions.FunctionRoute, id string) string {
		p := rt.Path()
		// A two-parameter route (a document's file or share) takes a
		// fixture "docId/fileId"; a one-parameter route on such a fixture
		// takes its document.
		parts := strings.SplitN(id, "/", 2)
		n := strings.Count(p, "{")
		if n < 1 || n > 2 || (n == 2 && len(parts) != 2) {
			t.Fatalf("%s has %d parameters for fixture id %q: teach the suite how to fill them", rt.Pattern, n, id)
		}
		for k := 0; k < n; k++ {
			i, j := strings.Index(p, "{"), strings.Index(p, "}")
			p = p[:i] + parts[k] + p[j+1:]
		}
		return p + bolaRows[rt.Pattern].query
	}
	bodyOf := func(pattern, id string) any {
		row := bolaRows[pattern]
		switch {
		case row.class == bolaStaff:
			return staffRoutes[pattern].body
		case row.bodyFor != nil:
			return row.bodyFor(e, owner, id)
		}
		return row.body
	}
	headersOf := func(pattern string) map[string]string {
		h := map[string]string{"If-Match": `"1"`}
		if ct := bolaRows[pattern].contentType; ct != "" {
			h["Content-Type"] = ct
		}
		return h
	}

	expired, err := (&devapi.TokenIssuer{Key: e.issuer.Key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: -time.Hour, Now: e.clock.Now}).
		Issue(httpapi.Identity{Sub: owner, Groups: []string{"citizen"}})
	if err != nil {
		t.Fatal(err)
	}
	unauthenticated := []struct{ name, token string }{{"no token", ""}, {"the owner's expired token", expired}, {"a garbage token", "abc.def.ghi"}}
	ownerTok, otherTok := e.token(owner), e.token(other)

	tableBefore, aliceBefore := e.scanTable(), e.rawItems(owner)
	for _, rt := range routes {
		row, ok := bolaRows[rt.Pattern]
		if !ok || !strings.Contains(rt.Path(), "{") {
			continue
		}
		for _, obj := range append([]string{row.object}, row.alsoOn...) {
			p, body := path(rt, shared[obj]), bodyOf(rt.Pattern, shared[obj])
			call := func(token string) resp {
				return e.do(req{method: rt.Method(), path: p, token: token, body: body, header: headersOf(rt.Pattern)})
			}
			t.Run(rt.Pattern+"/"+obj, func(t *testing.T) {
				for _, u := range unauthenticated {
					t.Run(u.name, func(t *testing.T) { assertType(t, call(u.token), http.StatusUnauthorized, "invalid-token") })
				}
				switch row.class {
				case bolaOwned:
					missingID := ids.New()
					if strings.Count(rt.Path(), "{") == 2 {
						missingID += "/" + ids.New()
					}
					missing := e.do(req{method: rt.Method(), path: path(rt, missingID), token: ownerTok, body: bodyOf(rt.Pattern, missingID), header: headersOf(rt.Pattern)})
					assertType(t, missing, http.StatusNotFound, "not-found")
					refused := append([]struct{ name, token string }{{"another citizen", otherTok}, {"staff with a claim on such objects", claimants[obj]}}, alsoRefused[obj]...)
					for _, c := range refused {
						t.Run(c.name, func(t *testing.T) {
							r := call(c.token)
							assertType(t, r, http.StatusNotFound, "not-found")
							if got, want := problemShape(t, r), problemShape(t, missing); !reflect.DeepEqual(got, want) {
								t.Errorf("someone else's object answers %v, a missing one %v", got, want)
							}
						})
					}
				case bolaDirectory:
					for _, c := range []struct{ name, token string }{{"a citizen", ownerTok}, {"another citizen", otherTok}} {
						t.Run(c.name, func(t *testing.T) {
							if r := call(c.token); r.status != row.status {
								t.Errorf("status = %d, want %d (%s): %s", r.status, row.status, row.why, r.body)
							}
						})
					}
				case bolaStaff:
					t.Run("the object's owner, a citizen", func(t *testing.T) { assertType(t, call(ownerTok), http.StatusForbidden, "") })
					t.Run("another citizen", func(t *testing.T) {
						r := call(otherTok)
						if row.otherCitizen != http.StatusNotFound {
							assertType(t, r, http.StatusForbidden, "")
							return
						}
						missingID := ids.New()
						if strings.Count(rt.Path(), "{") == 2 {
							missingID += "/" + ids.New()
						}
						missing := e.do(req{method: rt.Method(), path: path(rt, missingID), token: ownerTok, body: body, header: headersOf(rt.Pattern)})
						assertType(t, r, http.StatusNotFound, "not-found")
						if got, want := problemShape(t, r), problemShape(t, missing); !reflect.DeepEqual(got, want) {
							t.Errorf("someone else's object answers %v, a missing one %v", got, want)
						}
					})
				}
			})
		}
	}

	t.Run("the refused changed nothing", func(t *testing.T) {
		if after := e.rawItems(owner); !reflect.DeepEqual(aliceBefore, after) {
			t.Errorf("alice's items changed:\nbefore %v\nafter  %v", aliceBefore, after)
		}
		for _, sub := range []string{other, "boss", "staff@" + kgdPoly, "staff@" + kgdHospital, "officer@fns"} {
			if n := len(e.rawItems(sub)); n != 0 {
				t.Errorf("%s owns %d items after being refused", sub, n)
			}
		}
		if after := e.scanTable(); !reflect.DeepEqual(tableBefore, after) {
			t.Errorf("the table changed: %d items before, %d after", len(tableBefore), len(after))
			for i := range min(len(tableBefore), len(after)) {
				if !reflect.DeepEqual(tableBefore[i], after[i]) {
					t.Errorf("first difference: %v\nbecame %v", tableBefore[i], after[i])
					break
				}
			}
		}
	})

	// The owner last: each route answers its success status, on a fresh
	// object where the request changes or removes it.
	for _, rt := range routes {
		row, ok := bolaRows[rt.Pattern]
		if !ok || row.class != bolaOwned {
			continue
		}
		t.Run(rt.Pattern+"/owner", func(t *testing.T) {
			id := shared[row.object]
			if row.mutates {
				id = makers[row.object]()
			}
			r := e.do(req{method: rt.Method(), path: path(rt, id), token: e.token(owner), body: bodyOf(rt.Pattern, id), header: headersOf(rt.Pattern)})
			if r.status != row.status {
				t.Fatalf("status = %d, want %d: %s", r.status, row.status, r.body)
			}
		})
	}
}
