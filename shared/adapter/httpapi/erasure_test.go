package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/erasing"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// eraseVisit runs the reminder pipeline's single loop once at the env's
// clock with the erasure's steps, on cl, as the workers run what is due:
// each erasure under way gets one visit of at most budget step calls. Its
// SDK calls count as the reminder worker's (least privilege).
func (e *env) eraseVisit(cl core.Clients, budget int) reminders.Summary {
	e.t.Helper()
	cfg := core.Config{Table: e.table, FilesBucket: e.bucket, PathStyle: true, Reminders: e.topic}
	svc := erasing.Service(cfg, cl, core.NewStore(cfg, cl, e.clock.Now), e.clock.Now, slog.New(slog.DiscardHandler))
	svc.PageBudget = budget
	sc := &reminders.Scanner{Store: allstore.New(cl.DynamoDB, e.table), Publisher: nopPublisher{}, NewID: ids.New, Shards: store.DueShards,
		Log: slog.New(slog.DiscardHandler), Erasures: svc, Clock: e.clock.Now}
	sum, err := sc.Run(actions.WithFunction(context.Background(), functions.ReminderWorker), e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return sum
}

// eraseUntilDone visits sub's erasure (one step call a visit, so every
// step is taken up again at least once) until it says done, and returns
// how many visits it took.
func (e *env) eraseUntilDone(sub string) int {
	e.t.Helper()
	for visits := 1; visits <= 100; visits++ {
		e.eraseVisit(e.cl, 1)
		r := e.do(req{method: "GET", path: "/profile/erasure", token: e.token(sub)})
		if r.status != http.StatusOK {
			e.t.Fatalf("erasure: %d %s", r.status, r.body)
		}
		if r.json(e.t)["state"] == "done" {
			return visits
		}
	}
	e.t.Fatal("the erasure is not done after 100 visits")
	return 0
}

// traces lists the items of the table that still name sub anywhere (a
// key, an owner, a user of a shared contact, an object key): only its
// erasure record and its audit trail may.
func (e *env) traces(sub string) []string {
	e.t.Helper()
	var names func(av types.AttributeValue) bool
	names = func(av types.AttributeValue) bool {
		switch v := av.(type) {
		case *types.AttributeValueMemberS:
			return v.Value == sub || strings.Contains(v.Value, "#"+sub) || strings.Contains(v.Value, "/"+sub+"/")
		case *types.AttributeValueMemberSS:
			return slices.Contains(v.Value, sub)
		case *types.AttributeValueMemberL:
			return slices.ContainsFunc(v.Value, names)
		case *types.AttributeValueMemberM:
			for k, x := range v.Value {
				if k == sub || names(x) {
					return true
				}
			}
		}
		return false
	}
	var out []string
	for _, it := range e.scanTable() {
		pk := it["pk"].(*types.AttributeValueMemberS).Value
		if pk == "ERASURE#"+sub || pk == "AUDIT#"+sub {
			continue
		}
		if names(&types.AttributeValueMemberM{Value: it}) {
			out = append(out, pk+" "+it["sk"].(*types.AttributeValueMemberS).Value)
		}
	}
	return out
}

// erasureFixture is alice's account with something of every kind, and
// bob's, which her erasure must leave alone.
type erasureFixture struct {
	slot, bobSlot string // alice's and bob's upcoming appointments
	shareID       string // alice's document shared with kgdPoly
	appID         string // alice's submitted application
	bobItems      int    // bob's items before
}

func (e *env) erasureFixture() erasureFixture {
	e.t.Helper()
	var f erasureFixture
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	for _, sub := range []string{"alice", "bob"} {
		if r := e.do(req{method: "PUT", path: "/profile", token: e.token(sub), body: map[string]any{"name": "Алиса", "birthDate": "1990-04-12"}}); r.status != http.StatusOK {
			e.t.Fatalf("profile: %d %s", r.status, r.body)
		}
		e.mustFile(sub)
		e.mustCreate(sub, map[string]any{"type": "osago", "number": "XXX 0123456789", "issuedOn": "2026-01-10"})
	}
	e.sharer("alice") // her verified phone, shared with one more person
	child := e.mustAddPerson("alice", map[string]any{"name": "Маша", "birthDate": "2015-03-01", "relation": "child"})["id"].(string)
	e.mustCreate("alice", map[string]any{"type": "custom", "title": "Свидетельство", "subject": child})
	f.shareID = strings.Split(e.mustShare("alice", kgdPoly), "/")[1]
	e.consent("alice", "acme", "osago")
	f.slot, f.bobSlot = kgd(kgdTherapist, "2026-06-16 10:00"), kgd(kgdTherapist, "2026-06-16 11:00")
	e.mustBook("alice", f.slot)
	e.mustBook("bob", f.bobSlot)
	f.appID = e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("alice", f.appID)
	e.mustDraft("alice", "certificate_request", certificateFields())
	e.eraseVisit(e.cl, 1) // bob's reminders due now are sent and recorded before he is counted
	f.bobItems = len(e.rawItems("bob"))
	return f
}

// TestAccountErasure: alice erases her account, which holds documents (her
// child's too), files in the bucket, a share with a clinic, a consent, an
// appointment, applications (one submitted, one draft), a shared verified
// phone and her inbox. She must confirm it; from the request on her account
// refuses every change; the pipeline erases it a step a visit; afterwards
// no item of hers is left under USER#alice, nor anywhere else naming her
// (her contact's list of sharers, the pointers staff and agencies follow,
// the due index), no object under her prefix, the clinic no longer reads
// the share, the organisation sees nothing, her slot is free for someone
// else, and bob's things are as they were.
func TestAccountErasure(t *testing.T) {
	e := newEnvWithTopic(t)
	e.seedDirectory()
	e.clock.Set(bookingMonday)
	f := e.erasureFixture()
	alice := e.token("alice")
	if r := e.do(req{method: "GET", path: "/institutions/" + kgdPoly + "/shared-documents/" + f.shareID, token: e.staff(kgdPoly)}); r.status != http.StatusOK {
		t.Fatalf("the clinic reads the share before: %d %s", r.status, r.body)
	}
	if l := orgItems(t, e.orgDocs(e.admin("boss", "acme"), "acme", "")); len(l) != 1 {
		t.Fatalf("the organisation sees %v before, want alice's policy", l)
	}

	assertProblem(t, e.do(req{method: "POST", path: "/profile/erasure", token: alice, body: map[string]any{"confirm": "delete"}}), 422, "confirm:confirmation_required")
	assertProblem(t, e.do(req{method: "GET", path: "/profile/erasure", token: alice}), 404)
	r := e.do(req{method: "POST", path: "/profile/erasure", token: alice, body: map[string]any{"confirm": "DELETE"}})
	if r.status != http.StatusAccepted || r.json(t)["state"] != "erasing" {
		t.Fatalf("erasure: %d %s, want 202 erasing", r.status, r.body)
	}
	if again := e.do(req{method: "POST", path: "/profile/erasure", token: alice, body: map[string]any{"confirm": "DELETE"}}); again.status != http.StatusAccepted ||
		again.json(t)["requestedAt"] != r.json(t)["requestedAt"] {
		t.Errorf("asked again: %d %s, want the erasure under way", again.status, again.body)
	}
	// every change refused from now on, before anything is erased
	for _, rq := range []req{
		{method: "POST", path: "/documents", body: map[string]any{"type": "custom", "title": "Новый"}},
		{method: "PUT", path: "/profile", body: map[string]any{"name": "Алиса"}},
		{method: "POST", path: "/consents", body: map[string]any{"organizationId": "other", "documentTypes": []string{"osago"}}},
		{method: "POST", path: "/bookings", body: bookBody(kgd(kgdTherapist, "2026-06-16 12:00"), "in_person")},
	} {
		rq.token = alice
		assertType(t, e.do(rq), http.StatusConflict, "erasing")
	}

	visits := e.eraseUntilDone("alice")
	if visits < 7 {
		t.Errorf("done in %d visits of one step call each; the erasure has 7 steps", visits)
	}
	if left := e.rawItems("alice"); len(left) != 0 {
		t.Errorf("%d items left under USER#alice: %v", len(left), left)
	}
	if left := e.traces("alice"); len(left) != 0 {
		t.Errorf("items still naming alice: %v", left)
	}
	objs := testenv.Objects(t, e.cl, e.bucket)
	if slices.ContainsFunc(objs, func(k string) bool { return strings.HasPrefix(k, "files/alice/") }) {
		t.Errorf("objects left under alice's prefix: %v", objs)
	}
	if !slices.ContainsFunc(objs, func(k string) bool { return strings.HasPrefix(k, "files/bob/") }) {
		t.Errorf("bob's file is gone: %v", objs)
	}
	assertProblem(t, e.do(req{method: "GET", path: "/institutions/" + kgdPoly + "/shared-documents/" + f.shareID, token: e.staff(kgdPoly)}), 404)
	if l := orgItems(t, e.orgDocs(e.admin("boss", "acme"), "acme", "")); len(l) != 0 {
		t.Errorf("the organisation still sees %v", l)
	}
	start := local(zoneKgd, "2026-06-16 10:00")
	if got := e.rawBooked("SPEC#"+kgdTherapist, slotItemSK(start)); got != 0 {
		t.Errorf("alice's slot has %d booked, want 0", got)
	}
	if got := e.rawBooked("SPEC#"+kgdTherapist, "DAY#2026-06-16"); got != 1 {
		t.Errorf("the specialist's day has %d booked, want bob's 1", got)
	}
	e.mustBook("carol", f.slot) // free for someone else
	if got := len(e.rawItems("bob")); got != f.bobItems {
		t.Errorf("bob has %d items, had %d", got, f.bobItems)
	}
	rec, _, err := store.New(e.db, e.table).GetContact(context.Background(), "sms", "+79161230000")
	if err != nil || len(rec.Users) != 1 || rec.Users[0] != "sharer-1" {
		t.Errorf("the shared phone's users = %v (%v), want the other sharer alone", rec.Users, err)
	}

	done := e.do(req{method: "GET", path: "/profile/erasure", token: alice}).json(t)
	if done["state"] != "done" || done["finishedAt"] == nil || done["erased"].(float64) < 20 {
		t.Errorf("erasure = %v, want done with its count", done)
	}
	assertType(t, e.do(req{method: "POST", path: "/documents", token: alice, body: map[string]any{"type": "custom", "title": "Снова"}}),
		http.StatusConflict, "erasing")
	if left := e.rawItems("alice"); len(left) != 0 {
		t.Errorf("a change after the erasure wrote %v", left)
	}
	// the audit trail says the erasure was asked for, by route and id only
	audit := e.rawItemsOf("AUDIT#alice")
	if !slices.ContainsFunc(audit, func(it map[string]types.AttributeValue) bool {
		return it["route"].(*types.AttributeValueMemberS).Value == "POST /profile/erasure"
	}) {
		t.Error("no audit entry of the erasure's request")
	}
	assertProblem(t, e.do(req{method: "GET", path: "/profile/erasure", token: e.token("bob")}), 404)
}

// TestAccountErasureResumesAfterCrash: the worker running alice's erasure
// dies after a few writes; the next visits, on a healthy DynamoDB, finish
// it with nothing left and nothing done twice (her appointment's slot and
// the specialist's day counted down once), and bob untouched.
func TestAccountErasureResumesAfterCrash(t *testing.T) {
	e := newEnvWithTopic(t)
	e.seedDirectory()
	e.clock.Set(bookingMonday)
	f := e.erasureFixture()
	if r := e.do(req{method: "POST", path: "/profile/erasure", token: e.token("alice"), body: map[string]any{"confirm": "DELETE"}}); r.status != http.StatusAccepted {
		t.Fatalf("erasure: %d %s", r.status, r.body)
	}
	for _, after := range []int{0, 1, 2} {
		crash := &crashAfter{after: after}
		dying := e.cl
		dying.DynamoDB = dynamodb.NewFromConfig(e.cl.AWS, func(o *dynamodb.Options) {
			o.APIOptions = append(o.APIOptions, recorded.Middleware, crash.middleware)
		})
		if sum := e.eraseVisit(dying, 10); sum.ByKind["erasure"].Failed != 1 {
			t.Fatalf("dying after %d transactions: %+v, want the erasure failed", after, sum.ByKind)
		}
	}
	if len(e.rawItems("alice")) == 0 {
		t.Fatal("the crashes left nothing to resume")
	}
	e.eraseUntilDone("alice")
	if left := e.rawItems("alice"); len(left) != 0 {
		t.Errorf("%d items left under USER#alice: %v", len(left), left)
	}
	if left := e.traces("alice"); len(left) != 0 {
		t.Errorf("items still naming alice: %v", left)
	}
	if objs := testenv.Objects(t, e.cl, e.bucket); slices.ContainsFunc(objs, func(k string) bool { return strings.HasPrefix(k, "files/alice/") }) {
		t.Errorf("objects left under alice's prefix: %v", objs)
	}
	start := local(zoneKgd, "2026-06-16 10:00")
	if got := e.rawBooked("SPEC#"+kgdTherapist, slotItemSK(start)); got != 0 {
		t.Errorf("alice's slot has %d booked, want 0", got)
	}
	if got := e.rawBooked("SPEC#"+kgdTherapist, "DAY#2026-06-16"); got != 1 {
		t.Errorf("the specialist's day has %d booked, want bob's 1 (alice's counted down once)", got)
	}
	if got := len(e.rawItems("bob")); got != f.bobItems {
		t.Errorf("bob has %d items, had %d", got, f.bobItems)
	}
}

// rawItemsOf returns every stored item of partition pk.
func (e *env) rawItemsOf(pk string) []map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.db.Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(e.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Items
}
