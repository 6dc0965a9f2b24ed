package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// growUp runs the reminder pipeline's single loop at the env's clock with
// the family service that decides children growing up, as the workers do;
// its SDK calls count as the reminder worker's (least privilege).
func (e *env) growUp() reminders.Summary {
	e.t.Helper()
	st := allstore.New(e.db, e.table)
	sc := &reminders.Scanner{Store: st, Publisher: nopPublisher{}, NewID: ids.New, Shards: store.DueShards,
		Log: slog.New(slog.DiscardHandler), GrownUps: app.Family(st, e.clock.Now), Clock: e.clock.Now}
	sum, err := sc.Run(actions.WithFunction(context.Background(), functions.ReminderWorker), e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return sum
}

// itemsWithPrefix counts sub's stored items whose sort key starts with prefix.
func (e *env) itemsWithPrefix(sub, prefix string) int {
	e.t.Helper()
	n := 0
	for _, it := range e.rawItems(sub) {
		if sk, ok := it["sk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, prefix) {
			n++
		}
	}
	return n
}

func (e *env) handover(sub, personID string) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/family/" + personID + "/handover", token: e.token(sub)})
	if r.status != http.StatusCreated {
		e.t.Fatalf("handover code: %d %s", r.status, r.body)
	}
	return r.json(e.t)
}

func (e *env) redeem(sub, code string) resp {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/family/handover/redeem", token: e.token(sub), body: map[string]any{"code": code}})
}

// TestFamilyHandoverAt18: Vera, born 29 February 2008, grows up on 1 March
// 2026 at midnight in Moscow, her holder's zone: the pipeline offers the
// hand-over then (not a minute earlier) through the due index; the holder's
// code is shown once, replaced by a new one, refused to the holder herself
// and to anyone with a wrong one; Vera redeems it in her own account and
// gets her documents (history with them, nothing left of them with the
// holder, the holder's own documents untouched); a second redeem by her
// answers the same, anyone else's is refused.
func TestFamilyHandoverAt18(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	if r := e.do(req{method: "PUT", path: "/profile", token: e.token("anna"),
		body: map[string]any{"name": "Анна", "birthDate": "1980-04-12", "timeZone": "Europe/Moscow", "language": "ru"}}); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	vera := e.mustAddPerson("anna", map[string]any{"name": "Вера", "birthDate": "2008-02-29", "relation": "child"})["id"].(string)
	var docs []string
	for _, title := range []string{"Пропуск", "Полис"} {
		d := e.mustCreate("anna", map[string]any{"type": "custom", "title": title, "expiresOn": "2030-01-01", "subject": vera})
		docs = append(docs, d["id"].(string))
	}
	own := e.mustCreate("anna", map[string]any{"type": "custom", "title": "Мой пропуск", "expiresOn": "2030-01-01"})["id"].(string)

	assertType(t, e.do(req{method: "POST", path: "/family/" + vera + "/handover", token: e.token("anna")}), http.StatusConflict, "no-handover")

	// 23:59 on 28 February in Moscow: nothing yet
	e.clock.Set(time.Date(2026, 2, 28, 20, 59, 0, 0, time.UTC))
	e.growUp()
	if p := e.do(req{method: "GET", path: "/family/" + vera, token: e.token("anna")}).json(t); p["handover"] != nil || p["status"] != "active" {
		t.Fatalf("a minute before her birthday: %v", p)
	}
	// 00:00 on 1 March in Moscow: offered, with its deadline 90 days on
	e.clock.Set(time.Date(2026, 2, 28, 21, 0, 0, 0, time.UTC))
	if sum := e.growUp(); sum.ByKind["grown_up"].Sent != 1 {
		t.Fatalf("the pipeline at her birthday: %+v", sum.ByKind)
	}
	p := e.do(req{method: "GET", path: "/family/" + vera, token: e.token("anna")}).json(t)
	h, _ := p["handover"].(map[string]any)
	if p["status"] != "grown_up" || h == nil || h["state"] != "offered" || h["deadline"] != "2026-05-29T21:00:00Z" {
		t.Fatalf("at her birthday: %v", p)
	}
	// the holder is told, in her language, in the inbox and on her channels
	// (an outbox entry the pipeline sends), once
	e.assertHolderTold("anna", "handover_offered", "Вера: 18 лет, документы можно передать", "до 30.05.2026")
	e.growUp()
	if n := e.notificationsOf("anna")["handover_offered"]; n != 1 {
		t.Errorf("the holder was told %d times that the hand-over is offered, want once", n)
	}

	first := e.handover("anna", vera)["code"].(string)
	second := e.handover("anna", vera)
	code := second["code"].(string)
	if code == first || len(code) != 19 || second["expiresAt"] != "2026-03-03T21:00:00Z" {
		t.Fatalf("codes %q then %v", first, second)
	}
	for _, it := range e.rawItems("anna") {
		for _, v := range it {
			if s, ok := v.(*types.AttributeValueMemberS); ok && (s.Value == code || s.Value == first) {
				t.Fatal("a code is stored as it is")
			}
		}
	}
	assertType(t, e.redeem("vera", first), http.StatusUnprocessableEntity, "validation", "code:handover_code_invalid") // replaced
	assertType(t, e.redeem("anna", code), http.StatusUnprocessableEntity, "validation", "code:handover_code_invalid")  // the holder's own
	assertType(t, e.redeem("vera", "AAAA-BBBB-CCCC-DDDD"), http.StatusUnprocessableEntity, "validation", "code:handover_code_invalid")
	assertType(t, e.redeem("vera", ""), http.StatusUnprocessableEntity, "validation", "code:handover_code_invalid")

	// the code alone is not enough: the account must be Vera's own
	assertType(t, e.redeem("vera", code), http.StatusConflict, "handover-birth-date-required")
	e.profileBorn("vera", "2008-03-01")
	assertType(t, e.redeem("vera", code), http.StatusForbidden, "handover-not-the-person")
	e.profileBorn("vera", "2008-02-29")
	r := e.redeem("vera", strings.ToLower(code))
	if r.status != http.StatusOK {
		t.Fatalf("redeem: %d %s", r.status, r.body)
	}
	if got := r.json(t); got["moved"] != float64(2) || got["name"] != "Вера" {
		t.Fatalf("redeem: %v", got)
	}
	e.assertHolderTold("anna", "handover_redeemed", "Вера: документы переданы", "собственную учётную запись")
	mine := e.do(req{method: "GET", path: "/documents", token: e.token("vera")})
	for _, id := range docs {
		if !strings.Contains(string(mine.body), id) {
			t.Errorf("document %s is not Vera's: %s", id, mine.body)
		}
		hist := e.do(req{method: "GET", path: "/documents/" + id + "/history", token: e.token("vera")}).json(t)
		var actions []string
		for _, it := range hist["items"].([]any) {
			actions = append(actions, it.(map[string]any)["action"].(string))
		}
		if strings.Join(actions, ",") != "handed_over,created" {
			t.Errorf("history of %s at Vera's: %v", id, actions)
		}
		if d := e.do(req{method: "GET", path: "/documents/" + id, token: e.token("vera")}).json(t); d["subject"] != nil {
			t.Errorf("the moved document still names a subject: %v", d)
		}
		assertStatus(t, e.do(req{method: "GET", path: "/documents/" + id, token: e.token("anna")}), http.StatusNotFound)
		if n := e.itemsWithPrefix("anna", "HIST#"+id); n != 0 {
			t.Errorf("%d history items of %s left with the holder", n, id)
		}
	}
	if strings.Contains(string(mine.body), own) {
		t.Error("the holder's own document moved too")
	}
	assertStatus(t, e.do(req{method: "GET", path: "/documents/" + own, token: e.token("anna")}), http.StatusOK)

	// once: Vera again answers the same, anyone else is refused
	if r := e.redeem("vera", code); r.status != http.StatusOK || r.json(t)["moved"] != float64(2) {
		t.Fatalf("Vera again: %d %s", r.status, r.body)
	}
	assertType(t, e.redeem("boris", code), http.StatusUnprocessableEntity, "validation", "code:handover_code_invalid")
	p = e.do(req{method: "GET", path: "/family/" + vera, token: e.token("anna")}).json(t)
	if h, _ := p["handover"].(map[string]any); h["state"] != "redeemed" || h["moved"] != float64(2) {
		t.Fatalf("after the hand-over: %v", p)
	}
	assertType(t, e.do(req{method: "POST", path: "/family/" + vera + "/handover", token: e.token("anna")}), http.StatusConflict, "no-handover")
}

// TestFamilyHandoverResumes: the function redeeming a code dies after the
// first of three documents moved (the second's history already copied);
// the same person redeeming again finishes the move: three documents at
// hers, each once, none left with the holder.
func TestFamilyHandoverResumes(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	petr := e.mustAddPerson("olga", map[string]any{"name": "Пётр", "birthDate": "2008-05-10", "relation": "child"})["id"].(string)
	for _, title := range []string{"Один", "Два", "Три"} {
		e.mustCreate("olga", map[string]any{"type": "custom", "title": title, "expiresOn": "2030-01-01", "subject": petr})
	}
	e.clock.Set(time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC))
	e.growUp()
	code := e.handover("olga", petr)["code"].(string)

	e.profileBorn("petr", "2008-05-10")
	dying := e.dyingAfter(2) // the redeem's own write and the first document's move
	if r := dying.redeem("petr", code); r.status != http.StatusServiceUnavailable {
		t.Fatalf("the dying redeem: %d %s, want 503", r.status, r.body)
	}
	if n := e.itemsWithPrefix("petr", "DOC#"); n != 1 {
		t.Fatalf("after the crash Пётр has %d documents, want 1 (the crash is not midway)", n)
	}
	if r := e.redeem("petr", code); r.status != http.StatusOK || r.json(t)["moved"] != float64(3) {
		t.Fatalf("the resumed redeem: %d %s", r.status, r.body)
	}
	if n, h := e.itemsWithPrefix("petr", "DOC#"), e.itemsWithPrefix("petr", "HIST#"); n != 3 || h != 6 {
		t.Errorf("Пётр has %d documents and %d history entries, want 3 and 6 (created, handed over)", n, h)
	}
	for _, prefix := range []string{"DOC#", "HIST#"} {
		if n := e.itemsWithPrefix("olga", prefix); n != 0 {
			t.Errorf("the holder keeps %d %s items", n, prefix)
		}
	}
	it := e.rawItem(store.UserPK("olga"), "DEP#"+petr)
	if _, ok := it["movingDocs"]; ok {
		t.Errorf("documents still marked moving: %v", it["movingDocs"])
	}
}

// TestFamilyHandoverArchivedAtDeadline: nobody redeems a code; at the
// hand-over's deadline (90 days after the birthday, midnight in the
// holder's zone) the pipeline archives the child's documents for the
// holder (the holder's own stay as they are) and a code no longer works.
func TestFamilyHandoverArchivedAtDeadline(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	ivan := e.mustAddPerson("olga", map[string]any{"name": "Иван", "birthDate": "2008-05-10", "relation": "child"})["id"].(string)
	doc := e.mustCreate("olga", map[string]any{"type": "custom", "title": "Пропуск", "expiresOn": "2030-01-01", "subject": ivan})["id"].(string)
	own := e.mustCreate("olga", map[string]any{"type": "custom", "title": "Свой", "expiresOn": "2030-01-01"})["id"].(string)
	e.clock.Set(time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC))
	e.growUp()
	code := e.handover("olga", ivan)["code"].(string)
	// the holder's zone is Moscow's, the default: her midnight 90 days on
	deadline := time.Date(2026, 5, 9, 21, 0, 0, 0, time.UTC).AddDate(0, 0, family.HandoverDays)
	if p := e.do(req{method: "GET", path: "/family/" + ivan, token: e.token("olga")}).json(t); p["handover"].(map[string]any)["deadline"] != deadline.Format(time.RFC3339) {
		t.Fatalf("the deadline: %v, want %s", p, deadline)
	}
	e.clock.Set(deadline.Add(-time.Minute))
	if sum := e.growUp(); sum.ByKind["grown_up"].Due != 0 {
		t.Fatalf("before the deadline: %+v", sum.ByKind)
	}
	e.clock.Set(deadline)
	if sum := e.growUp(); sum.ByKind["grown_up"].Sent != 1 {
		t.Fatalf("at the deadline: %+v", sum.ByKind)
	}
	if d := e.do(req{method: "GET", path: "/documents/" + doc, token: e.token("olga")}).json(t); d["archivedAt"] == nil {
		t.Errorf("the child's document at the deadline: %v", d)
	}
	if d := e.do(req{method: "GET", path: "/documents/" + own, token: e.token("olga")}).json(t); d["archivedAt"] != nil {
		t.Errorf("the holder's own document was archived: %v", d)
	}
	if p := e.do(req{method: "GET", path: "/family/" + ivan, token: e.token("olga")}).json(t); p["handover"].(map[string]any)["state"] != "archived" {
		t.Errorf("after the deadline: %v", p)
	}
	assertType(t, e.redeem("ivan", code), http.StatusUnprocessableEntity, "validation", "code:handover_code_invalid")
	if sum := e.growUp(); sum.ByKind["grown_up"].Due != 0 {
		t.Errorf("the dependent stays due: %+v", sum.ByKind)
	}
}

// assertHolderTold checks holder has one notification of kind titled
// title whose body contains body, written as an outbox entry (in the due
// index, so the pipeline sends it on the holder's verified contacts).
func (e *env) assertHolderTold(holder, kind, title, body string) {
	e.t.Helper()
	var found []map[string]types.AttributeValue
	for _, it := range e.rawItems(holder) {
		if ty, ok := it["type"].(*types.AttributeValueMemberS); ok && ty.Value == kind {
			found = append(found, it)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%s has %d notifications %s, want 1", holder, len(found), kind)
	}
	it := found[0]
	if got := it["title"].(*types.AttributeValueMemberS).Value; got != title {
		e.t.Errorf("%s: title %q, want %q", kind, got, title)
	}
	if got := it["body"].(*types.AttributeValueMemberS).Value; !strings.Contains(got, body) {
		e.t.Errorf("%s: body %q lacks %q", kind, got, body)
	}
	if _, outbox := it["duePk"]; !outbox {
		e.t.Errorf("%s is not an outbox entry: nothing would send it on the holder's channels", kind)
	}
}

// profileBorn saves sub's profile with birth date born.
func (e *env) profileBorn(sub, born string) {
	e.t.Helper()
	if r := e.do(req{method: "PUT", path: "/profile", token: e.token(sub), body: map[string]any{"name": sub, "birthDate": born}}); r.status != http.StatusOK {
		e.t.Fatalf("profile of %s: %d %s", sub, r.status, r.body)
	}
}

// TestFamilyHandoverChecksThePerson: a child with a SNILS grows up; the
// code is redeemed only by an account whose profile has the child's birth
// date and which holds a SNILS document of its own with the child's number
// (a code passed to someone else, or guessed by a sibling born the same
// day, moves nothing); the check is made before anything moves. The share
// the holder made of the child's document with a clinic ends with the move.
func TestFamilyHandoverChecksThePerson(t *testing.T) {
	e := newEnv(t)
	e.seedDirectory()
	e.clock.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	lev := e.mustAddPerson("olga", map[string]any{"name": "Лев", "birthDate": "2008-05-10", "relation": "child", "snils": "112-233-445 95"})["id"].(string)
	doc := e.mustCreate("olga", map[string]any{"type": "custom", "title": "Пропуск", "expiresOn": "2030-01-01", "subject": lev})["id"].(string)
	r := e.do(req{method: "POST", path: "/documents/" + doc + "/shares", token: e.token("olga"),
		body: map[string]any{"institutionId": kgdPoly, "until": "2026-06-01T00:00:00Z"}})
	if r.status != http.StatusCreated {
		t.Fatalf("share: %d %s", r.status, r.body)
	}
	share := r.json(t)["id"].(string)
	e.clock.Set(time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC))
	e.growUp()
	code := e.handover("olga", lev)["code"].(string)

	e.profileBorn("twin", "2008-05-10")
	assertType(t, e.redeem("twin", code), http.StatusForbidden, "handover-not-the-person") // no SNILS of their own
	e.mustCreate("twin", map[string]any{"type": "snils", "number": "123-456-789 64"})
	assertType(t, e.redeem("twin", code), http.StatusForbidden, "handover-not-the-person") // another SNILS
	e.profileBorn("lev", "2008-05-10")
	e.mustCreate("lev", map[string]any{"type": "snils", "number": "11223344595"})
	if n := e.itemsWithPrefix("olga", "DOC#"); n != 1 {
		t.Fatalf("the refusals moved documents: the holder has %d, want 1", n)
	}
	if r := e.do(req{method: "GET", path: "/institutions/" + kgdPoly + "/shared-documents/" + share, token: e.staff(kgdPoly)}); r.status != http.StatusOK {
		t.Fatalf("the clinic reads the share before the move: %d %s", r.status, r.body)
	}
	if r := e.redeem("lev", code); r.status != http.StatusOK || r.json(t)["moved"] != float64(1) {
		t.Fatalf("Лев redeems: %d %s", r.status, r.body)
	}
	assertStatus(t, e.do(req{method: "GET", path: "/institutions/" + kgdPoly + "/shared-documents/" + share, token: e.staff(kgdPoly)}), http.StatusNotFound)
	if n := e.itemsWithPrefix("olga", "SHARE"); n != 0 {
		t.Errorf("the holder keeps %d share items of the moved document", n)
	}
	if it := e.rawItem("SHARE#"+share, "REF"); it != nil {
		t.Errorf("the share's reference is left: %v", it)
	}
}

func assertStatus(t *testing.T, r resp, want int) {
	t.Helper()
	if r.status != want {
		t.Errorf("status %d, want %d: %s", r.status, want, r.body)
	}
}

// TestFamilyBackfillsOldChildren: a child recorded before children were
// kept in the due index (its item without duePk and nextRemindAt) would
// never be offered for hand-over; the holder's family list puts it there,
// and the pipeline offers the hand-over at the 18th birthday.
func TestFamilyBackfillsOldChildren(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	old := e.mustAddPerson("olga", map[string]any{"name": "Нина", "birthDate": "2008-05-10", "relation": "child"})["id"].(string)
	if _, err := e.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(e.table),
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "USER#olga"}, "sk": &types.AttributeValueMemberS{Value: "DEP#" + old}},
		UpdateExpression: aws.String("REMOVE duePk, nextRemindAt")}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC))
	if sum := e.growUp(); sum.ByKind["grown_up"].Due != 0 {
		t.Fatalf("an old child is due without the backfill: %+v", sum.ByKind)
	}
	if r := e.do(req{method: "GET", path: "/family", token: e.token("olga")}); r.status != http.StatusOK {
		t.Fatalf("family: %d %s", r.status, r.body)
	}
	if it := e.rawItem(store.UserPK("olga"), "DEP#"+old); it["duePk"] == nil || it["nextRemindAt"].(*types.AttributeValueMemberS).Value != "2026-05-09T21:00:00Z" {
		t.Fatalf("after the family list: %v, want in the due index at her birthday's midnight in Moscow", it)
	}
	if sum := e.growUp(); sum.ByKind["grown_up"].Sent != 1 {
		t.Fatalf("the pipeline after the backfill: %+v", sum.ByKind)
	}
	if p := e.do(req{method: "GET", path: "/family/" + old, token: e.token("olga")}).json(t); p["handover"].(map[string]any)["state"] != "offered" {
		t.Errorf("after her birthday: %v", p)
	}
}

// TestFamilyHandoverMovesFiles: a child's document with a scan is handed
// over; the scan's object moves to the grown-up's prefix in the bucket (the
// record names it there, nothing is left under the holder's), and its bytes
// count against the grown-up's quota, no longer the holder's.
func TestFamilyHandoverMovesFiles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.clock.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	kid := e.mustAddPerson("olga", map[string]any{"name": "Ира", "birthDate": "2008-05-10", "relation": "child"})["id"].(string)
	doc := e.mustCreate("olga", map[string]any{"type": "custom", "title": "Аттестат", "subject": kid})["id"].(string)
	file := e.fileOn("olga", doc)
	e.clock.Set(time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC))
	e.growUp()
	code := e.handover("olga", kid)["code"].(string)
	e.profileBorn("ira", "2008-05-10")
	if r := e.redeem("ira", code); r.status != http.StatusOK || r.json(t)["moved"] != float64(1) {
		t.Fatalf("redeem: %d %s", r.status, r.body)
	}
	moved := "files/ira/" + doc + "/" + file
	objs := testenv.Objects(t, e.cl, e.bucket)
	if !slices.Contains(objs, moved) || slices.ContainsFunc(objs, func(k string) bool { return strings.HasPrefix(k, "files/olga/") }) {
		t.Errorf("objects after the hand-over: %v, want %s and nothing under the holder's prefix", objs, moved)
	}
	if it := e.rawItem(store.UserPK("ira"), "FILE#"+doc+"#"+file); it == nil || it["objectKey"].(*types.AttributeValueMemberS).Value != moved {
		t.Errorf("the grown-up's file record: %v, want it to name %s", it, moved)
	}
	st := allstore.New(e.db, e.table)
	if b, _, err := st.FileUsage(ctx, "olga", doc); err != nil || b != 0 {
		t.Errorf("the holder's quota holds %d bytes (%v), want 0", b, err)
	}
	if b, n, err := st.FileUsage(ctx, "ira", doc); err != nil || b != int64(len(testPDF)) || n != 1 {
		t.Errorf("the grown-up's quota holds %d bytes and %d files (%v), want %d and 1", b, n, err, len(testPDF))
	}
	if r := e.do(req{method: "GET", path: "/documents/" + doc + "/files/" + file, token: e.token("ira")}); r.status != http.StatusOK || r.json(t)["downloadUrl"] == nil {
		t.Errorf("the grown-up's file: %d %s", r.status, r.body)
	}
}
