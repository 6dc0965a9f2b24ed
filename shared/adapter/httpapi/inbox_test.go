package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// inboxSeed writes n notifications for owner about one of their documents
// the way the expiry scan does: claim the decision, then complete it with
// the notification and its history entry. They are created a minute apart
// from the clock's now, and returned oldest first.
func inboxSeed(t *testing.T, e *env, owner string, n int) []inbox.Notification {
	t.Helper()
	ctx := context.Background()
	st := allstore.New(e.db, e.table)
	doc := e.mustCreate(owner, map[string]any{"type": "custom", "title": "Договор аренды", "expiresOn": "2026-12-31"})
	docID := doc["id"].(string)
	now := e.clock.Now()
	var out []inbox.Notification
	for i := range n {
		step := fmt.Sprintf("repeat-%d", i+1)
		dec, claimed, err := st.Claim(ctx, reminders.Decision{Owner: owner, DocID: docID, Key: "2026-12-31#" + step,
			LeaseUntil: now.Add(5 * time.Minute)}, now)
		if err != nil || !claimed {
			t.Fatalf("claim %s: claimed %v, err %v", step, claimed, err)
		}
		dec.SentChannels = []string{registry.ChannelEmail}
		left := 199 - i
		at := now.Add(time.Duration(i) * time.Minute)
		nt := inbox.Notification{ID: ids.New(), Owner: owner, Kind: inbox.KindDocumentExpiring,
			Title: fmt.Sprintf("Напоминание %d", i+1), Body: "Срок действия документа истекает 31.12.2026",
			DocID: docID, DocType: string(registry.Custom), DaysLeft: &left, CreatedAt: at}
		ev := registry.Event{ID: ids.New(), DocID: docID, Owner: owner, Action: registry.ActionReminderSent, Step: step,
			Channels: dec.SentChannels, Actor: registry.ActorSystem, At: at}
		if err := st.Complete(ctx, dec, nt, ev); err != nil {
			t.Fatalf("complete %s: %v", step, err)
		}
		if len(out) > 0 && nt.ID <= out[len(out)-1].ID {
			t.Fatalf("notification ids are not increasing: %s after %s", nt.ID, out[len(out)-1].ID)
		}
		out = append(out, nt)
	}
	return out
}

// inboxIDs lists the ids of a notifications page, and the page's cursor.
func inboxIDs(t *testing.T, r resp) (ids []string, cursor string) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	m := r.json(t)
	items, ok := m["items"].([]any)
	if !ok {
		t.Fatalf("no items array: %s", r.body)
	}
	for _, it := range items {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	cursor, _ = m["nextCursor"].(string)
	return ids, cursor
}

// newestFirst returns the ids of ns, newest first.
func newestFirst(ns []inbox.Notification) []string {
	var out []string
	for i := len(ns) - 1; i >= 0; i-- {
		out = append(out, ns[i].ID)
	}
	return out
}

func TestNotificationsNewestFirst(t *testing.T) {
	e := newEnv(t)
	mine := inboxSeed(t, e, "alice", 4)
	inboxSeed(t, e, "bob", 2)

	r := e.do(req{method: "GET", path: "/notifications", token: e.token("alice")})
	ids, cursor := inboxIDs(t, r)
	if want := newestFirst(mine); !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want newest first %v (and none of bob's)", ids, want)
	}
	if cursor != "" {
		t.Errorf("nextCursor = %q on the only page", cursor)
	}
	first := r.json(t)["items"].([]any)[0].(map[string]any)
	n := mine[len(mine)-1]
	for k, want := range map[string]any{
		"id": n.ID, "kind": "document_expiring", "title": n.Title, "body": n.Body, "documentId": n.DocID,
		"documentType": "custom", "daysLeft": float64(*n.DaysLeft), "createdAt": n.CreatedAt.Format(time.RFC3339Nano),
		"readAt": nil, "unread": true,
	} {
		if got, ok := first[k]; !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	for _, internal := range []string{"pk", "sk", "owner", "type"} {
		if _, ok := first[internal]; ok {
			t.Errorf("notification leaks %q: %v", internal, first)
		}
	}

	// Someone without notifications gets an empty list, not null.
	r = e.do(req{method: "GET", path: "/notifications", token: e.token("carol")})
	if items, ok := r.json(t)["items"].([]any); r.status != 200 || !ok || len(items) != 0 {
		t.Errorf("carol's inbox: %d %s, want 200 with items []", r.status, r.body)
	}
}

func TestNotificationsPaging(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	all := inboxSeed(t, e, "alice", 7)
	// read two, so the unread listing has something to skip
	for _, n := range []inbox.Notification{all[1], all[4]} {
		if r := e.do(req{method: "POST", path: "/notifications/" + n.ID + "/read", token: alice}); r.status != 200 {
			t.Fatalf("read: %d %s", r.status, r.body)
		}
	}
	var unread []inbox.Notification
	for i, n := range all {
		if i != 1 && i != 4 {
			unread = append(unread, n)
		}
	}
	for _, tc := range []struct {
		name      string
		query     string
		want      []string
		wantPages []int
	}{
		{"limit 3", "limit=3", newestFirst(all), []int{3, 3, 1}},
		{"limit 1", "limit=1", newestFirst(all), []int{1, 1, 1, 1, 1, 1, 1}},
		{"limit equal to the count", "limit=7", newestFirst(all), []int{7}},
		{"limit over the count", "limit=50", newestFirst(all), []int{7}},
		{"unread, limit 2", "unread=true&limit=2", newestFirst(unread), []int{2, 2, 1}},
		{"unread=false is everything", "unread=false&limit=4", newestFirst(all), []int{4, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var pages []int
			cursor := ""
			for range 20 {
				path := "/notifications?" + tc.query
				if cursor != "" {
					path += "&cursor=" + cursor
				}
				ids, next := inboxIDs(t, e.do(req{method: "GET", path: path, token: alice}))
				got = append(got, ids...)
				pages = append(pages, len(ids))
				if next == "" {
					break
				}
				if next == cursor {
					t.Fatalf("cursor %q did not move", next)
				}
				cursor = next
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("paged ids = %v,\nwant %v", got, tc.want)
			}
			seen := map[string]bool{}
			for _, id := range got {
				if seen[id] {
					t.Errorf("%s on two pages", id)
				}
				seen[id] = true
			}
			// A page may end with a cursor to an empty last page; what
			// matters is that no page is over the limit and none repeats.
			if !slices.Equal(pages, tc.wantPages) && !slices.Equal(pages, append(slices.Clone(tc.wantPages), 0)) {
				t.Errorf("page sizes = %v, want %v", pages, tc.wantPages)
			}
		})
	}
}

func TestNotificationsRefuseBadQueries(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	for _, tc := range []struct {
		name, query string
		status      int
		fields      []string
	}{
		{"unread is not a boolean", "unread=maybe", 400, []string{"unread:not_boolean"}},
		{"unread is case-sensitive", "unread=TRUE", 400, []string{"unread:not_boolean"}},
		{"unread=1 is not a boolean here", "unread=1", 400, []string{"unread:not_boolean"}},
		{"limit not a number", "limit=ten", 400, []string{"limit:not_integer"}},
		{"limit zero", "limit=0", 400, []string{"limit:out_of_range"}},
		{"garbage cursor", "cursor=%25%25%25", 400, []string{"cursor:invalid_cursor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertProblem(t, e.do(req{method: "GET", path: "/notifications?" + tc.query, token: alice}), tc.status, tc.fields...)
		})
	}
}

func TestReadNotification(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.token("alice"), e.token("bob")
	ns := inboxSeed(t, e, "alice", 3)
	target := ns[1]
	// tokens live an hour: stay within it
	readAt := defaultNow.Add(10*time.Minute + 123456789*time.Nanosecond)
	e.clock.Set(readAt)

	// reading sets readAt and unread:false
	r := e.do(req{method: "POST", path: "/notifications/" + target.ID + "/read", token: alice})
	if r.status != http.StatusOK {
		t.Fatalf("read: %d %s", r.status, r.body)
	}
	got := r.json(t)
	if got["id"] != target.ID || got["unread"] != false || inboxTime(t, got["readAt"]) != readAt.Format(time.RFC3339Nano) {
		t.Errorf("after read: %v, want id %s unread false readAt %s", got, target.ID, readAt.Format(time.RFC3339Nano))
	}

	// reading again later keeps the first readAt
	e.clock.Set(readAt.Add(30 * time.Minute))
	r = e.do(req{method: "POST", path: "/notifications/" + target.ID + "/read", token: alice})
	if r.status != http.StatusOK {
		t.Fatalf("read again: %d %s", r.status, r.body)
	}
	if got := inboxTime(t, r.json(t)["readAt"]); got != readAt.Format(time.RFC3339Nano) {
		t.Errorf("read again: readAt = %s, want the first %s", got, readAt.Format(time.RFC3339Nano))
	}

	// the listing shows it read, and the others still unread
	r = e.do(req{method: "GET", path: "/notifications", token: alice})
	for _, it := range r.json(t)["items"].([]any) {
		m := it.(map[string]any)
		wantUnread := m["id"] != target.ID
		if m["unread"] != wantUnread || (m["readAt"] == nil) != wantUnread {
			t.Errorf("listed %v: unread %v readAt %v, want unread %v", m["id"], m["unread"], m["readAt"], wantUnread)
		}
	}
	ids, _ := inboxIDs(t, e.do(req{method: "GET", path: "/notifications?unread=true", token: alice}))
	if want := []string{ns[2].ID, ns[0].ID}; !slices.Equal(ids, want) {
		t.Errorf("unread = %v, want %v", ids, want)
	}

	beforeAlice := e.rawItems("alice")
	for _, tc := range []struct {
		name, token, id string
		status          int
	}{
		{"unknown id", alice, inboxUnknownID(t), http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertProblem(t, e.do(req{method: "POST", path: "/notifications/" + tc.id + "/read", token: tc.token}), tc.status)
			if after := e.rawItems("alice"); !reflect.DeepEqual(after, beforeAlice) {
				t.Errorf("alice's items changed:\n%v\nwas\n%v", after, beforeAlice)
			}
			if n := len(e.rawItems("bob")); n != 0 {
				t.Errorf("bob has %d items, want none (no stray notification created)", n)
			}
		})
	}

	t.Run("listing without a token", func(t *testing.T) {
		assertProblem(t, e.do(req{method: "GET", path: "/notifications"}), http.StatusUnauthorized)
	})
	t.Run("someone else's listing shows none of alice's", func(t *testing.T) {
		ids, _ := inboxIDs(t, e.do(req{method: "GET", path: "/notifications", token: bob}))
		if len(ids) != 0 {
			t.Errorf("bob sees %v", ids)
		}
	})
}

// inboxUnknownID is an id no notification has.
func inboxUnknownID(t *testing.T) string {
	t.Helper()
	return ids.New()
}

// inboxTime normalises a JSON instant for comparison.
func inboxTime(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("%v", v)
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("readAt %q: %v", s, err)
	}
	return at.UTC().Format(time.RFC3339Nano)
}
