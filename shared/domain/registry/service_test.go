package registry_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// fakeStore is an in-memory registry.Store for unit tests of the domain.
// It keeps every person's items apart, pages in id order like the real
// store, honours versions, and counts what it is asked to do.
type fakeStore struct {
	mu       sync.Mutex
	profiles map[string]registry.Profile
	docs     map[string]map[string]registry.Document // owner → id → document
	events   []registry.Event
	writes   int // successful CreateDocument, UpdateDocument, PutProfile calls
	rowsRead int // documents returned by ListDocuments
	listings int // ListDocuments calls
}

func newFakeStore() *fakeStore {
	return &fakeStore{profiles: map[string]registry.Profile{}, docs: map[string]map[string]registry.Document{}}
}

// put stores d directly, as if it had been created earlier.
func (f *fakeStore) put(d registry.Document) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.docs[d.Owner] == nil {
		f.docs[d.Owner] = map[string]registry.Document{}
	}
	f.docs[d.Owner][d.ID] = d
}

func (f *fakeStore) counts() (writes, rowsRead, listings int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes, f.rowsRead, f.listings
}

func (f *fakeStore) GetProfile(_ context.Context, owner string) (registry.Profile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.profiles[owner], nil
}

func (f *fakeStore) PutProfile(_ context.Context, p registry.Profile, prev int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.profiles[p.Owner].Version != prev {
		return errs.E("fake.PutProfile", errs.Precondition, errs.ReasonVersionMismatch)
	}
	f.profiles[p.Owner] = p
	f.writes++
	return nil
}

func (f *fakeStore) CreateDocument(_ context.Context, d registry.Document, ev registry.Event, _ *idempotency.Key) (registry.Document, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.docs[d.Owner] == nil {
		f.docs[d.Owner] = map[string]registry.Document{}
	}
	if _, dup := f.docs[d.Owner][d.ID]; dup {
		return registry.Document{}, false, errs.E("fake.CreateDocument", errs.Internal, errors.New("duplicate id"))
	}
	f.docs[d.Owner][d.ID] = d
	f.events = append(f.events, ev)
	f.writes++
	return d, false, nil
}

func (f *fakeStore) GetDocument(_ context.Context, owner, id string) (registry.Document, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.docs[owner][id]
	if !ok {
		return registry.Document{}, errs.E("fake.GetDocument", errs.NotFound, nil)
	}
	return d, nil
}

func (f *fakeStore) ListDocuments(_ context.Context, owner, after string, limit int) ([]registry.Document, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listings++
	ids := make([]string, 0, len(f.docs[owner]))
	for id := range f.docs[owner] {
		if id > after {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	next := ""
	if len(ids) > limit {
		ids = ids[:limit]
		next = ids[limit-1]
	}
	out := make([]registry.Document, len(ids))
	for i, id := range ids {
		out[i] = f.docs[owner][id]
	}
	f.rowsRead += len(out)
	return out, next, nil
}

func (f *fakeStore) UpdateDocument(_ context.Context, d registry.Document, prev int, ev registry.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.docs[d.Owner][d.ID]
	if !ok {
		return errs.E("fake.UpdateDocument", errs.NotFound, nil)
	}
	if cur.Version != prev {
		return errs.E("fake.UpdateDocument", errs.Precondition, errs.ReasonVersionMismatch)
	}
	f.docs[d.Owner][d.ID] = d
	f.events = append(f.events, ev)
	f.writes++
	return nil
}

func (f *fakeStore) DeleteDocument(ctx context.Context, owner, id string, objects func(context.Context) error) error {
	f.mu.Lock()
	_, ok := f.docs[owner][id]
	f.mu.Unlock()
	if !ok {
		return errs.E("fake.DeleteDocument", errs.NotFound, nil)
	}
	if objects != nil {
		if err := objects(ctx); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.docs[owner], id)
	return nil
}

func (f *fakeStore) ListHistory(_ context.Context, owner, docID, after string, limit int) ([]registry.Event, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []registry.Event
	for i := len(f.events) - 1; i >= 0; i-- {
		if ev := f.events[i]; ev.Owner == owner && ev.DocID == docID && (after == "" || ev.ID < after) {
			out = append(out, ev)
		}
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

var _ registry.Store = (*fakeStore)(nil)

// now is 12:00 in Moscow on 2026-06-15.
var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

var today = civil.Date{Year: 2026, Month: time.June, Day: 15}

func newService(t *testing.T) (*registry.Service, *fakeStore) {
	t.Helper()
	st := newFakeStore()
	n := 0
	var mu sync.Mutex
	return &registry.Service{
		Store: st,
		Now:   func() time.Time { return now },
		NewID: func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprintf("gen-%06d", n) },
	}, st
}

// docID is the id of the i-th seeded document; ids sort in seeding order.
func docID(i int) string { return fmt.Sprintf("doc-%06d", i) }

// seedDoc stores a foreign passport of alice expiring in `in` days from today.
func seedDoc(st *fakeStore, i, in int) {
	exp := today.AddDays(in)
	issued := exp.AddYears(-10)
	st.put(registry.Document{ID: docID(i), Owner: "alice", Type: registry.ForeignPassport, IssuedOn: &issued,
		ExpiresOn: &exp, ExpiresOnSource: registry.SourceRule, Source: registry.SourceUser, Version: 1,
		CreatedAt: now, UpdatedAt: now})
}

// listAll pages through ListDocuments until the cursor runs out.
func listAll(t *testing.T, svc *registry.Service, f registry.ListFilter) (ids []string, pageSizes []int) {
	t.Helper()
	for range 1000 {
		page, err := svc.ListDocuments(context.Background(), "alice", f)
		if err != nil {
			t.Fatalf("ListDocuments(%+v): %v", f, err)
		}
		pageSizes = append(pageSizes, len(page.Items))
		for _, v := range page.Items {
			ids = append(ids, v.ID)
			if f.Status != "" && v.Status != f.Status {
				t.Errorf("%s has status %q in a %q listing", v.ID, v.Status, f.Status)
			}
		}
		if page.NextCursor == "" {
			return ids, pageSizes
		}
		if page.NextCursor == f.Cursor {
			t.Fatalf("cursor %q did not move", page.NextCursor)
		}
		f.Cursor = page.NextCursor
	}
	t.Fatal("ListDocuments never ended")
	return nil, nil
}

func TestListDocumentsFilteredPaging(t *testing.T) {
	svc, st := newService(t)
	// 60 documents: every third expiring (10 days left), the rest valid or expired.
	var wantExpiring, wantAll []string
	for i := range 60 {
		switch i % 3 {
		case 0:
			seedDoc(st, i, 10)
			wantExpiring = append(wantExpiring, docID(i))
		case 1:
			seedDoc(st, i, 400)
		case 2:
			seedDoc(st, i, -5)
		}
		wantAll = append(wantAll, docID(i))
	}
	for _, tc := range []struct {
		name      string
		filter    registry.ListFilter
		want      []string
		wantFirst int // items on the first page
	}{
		{"expiring, limit 7", registry.ListFilter{Status: registry.StatusExpiring, Limit: 7}, wantExpiring, 7},
		{"expiring, limit 1", registry.ListFilter{Status: registry.StatusExpiring, Limit: 1}, wantExpiring, 1},
		{"expiring, limit 10 divides the matches", registry.ListFilter{Status: registry.StatusExpiring, Limit: 10}, wantExpiring, 10},
		{"expiring, limit equal to the matches", registry.ListFilter{Status: registry.StatusExpiring, Limit: 20}, wantExpiring, 20},
		{"expiring, limit over the matches", registry.ListFilter{Status: registry.StatusExpiring, Limit: 50}, wantExpiring, 20},
		{"expiring, default limit", registry.ListFilter{Status: registry.StatusExpiring}, wantExpiring, 20},
		{"type filter", registry.ListFilter{Type: registry.ForeignPassport, Limit: 25}, wantAll, 25},
		{"type filter matching nothing", registry.ListFilter{Type: registry.SNILS, Limit: 25}, nil, 0},
		{"no filter", registry.ListFilter{Limit: 13}, wantAll, 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, sizes := listAll(t, svc, tc.filter)
			if !slices.Equal(ids, tc.want) {
				t.Errorf("listed %d ids %v,\nwant %d ids %v", len(ids), ids, len(tc.want), tc.want)
			}
			if sizes[0] != tc.wantFirst {
				t.Errorf("first page has %d items, want %d", sizes[0], tc.wantFirst)
			}
			limit := paging.ClampLimit(tc.filter.Limit)
			for i, n := range sizes {
				if n > limit {
					t.Errorf("page %d has %d items, over the limit %d", i, n, limit)
				}
			}
		})
	}
}

func TestListDocumentsExamineBudget(t *testing.T) {
	svc, st := newService(t)
	// 2500 valid documents and one expired one in the middle.
	for i := range 2500 {
		if i == 1500 {
			seedDoc(st, i, -1)
			continue
		}
		seedDoc(st, i, 400)
	}
	ctx := context.Background()
	f := registry.ListFilter{Status: registry.StatusExpired, Limit: 20}

	// The first page reads at most the budget, finds nothing, and still says "more".
	page, err := svc.ListDocuments(ctx, "alice", f)
	if err != nil {
		t.Fatal(err)
	}
	_, read, _ := st.counts()
	if len(page.Items) != 0 {
		t.Errorf("first page has %d items, want 0", len(page.Items))
	}
	if read > 1000+paging.ClampLimit(f.Limit) {
		t.Errorf("first page read %d documents, over the budget of 1000", read)
	}
	if page.NextCursor == "" {
		t.Fatal("first page ended the listing, want a cursor to continue")
	}
	after, err := paging.DecodeCursor(page.NextCursor)
	if err != nil {
		t.Fatal(err)
	}
	if want := docID(999); after != want {
		t.Errorf("first cursor continues after %q, want %q (the 1000th document examined)", after, want)
	}

	// Following the cursors finds the one match exactly once and then ends.
	ids, sizes := listAll(t, svc, registry.ListFilter{Status: registry.StatusExpired, Limit: 20, Cursor: page.NextCursor})
	if want := []string{docID(1500)}; !slices.Equal(ids, want) {
		t.Errorf("listed %v, want %v", ids, want)
	}
	if len(sizes) != 2 {
		t.Errorf("%d more pages (%v), want 2: one per 1000 documents examined", len(sizes), sizes)
	}
}

func TestListDocumentsRefusesBadFilters(t *testing.T) {
	svc, _ := newService(t)
	for _, tc := range []struct {
		name   string
		filter registry.ListFilter
		kind   errs.Kind
		field  string
	}{
		{"unknown status", registry.ListFilter{Status: "dead"}, errs.Invalid, "status"},
		{"unknown type", registry.ListFilter{Type: "passport"}, errs.Invalid, "type"},
		{"garbage cursor", registry.ListFilter{Cursor: "%%%"}, errs.Malformed, "cursor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.ListDocuments(context.Background(), "alice", tc.filter)
			assertKind(t, err, tc.kind)
			var e *errs.Error
			if errors.As(err, &e) && (len(e.Fields) != 1 || e.Fields[0].Field != tc.field) {
				t.Errorf("fields = %v, want one on %q", e.Fields, tc.field)
			}
		})
	}
}

func assertKind(t *testing.T, err error, want errs.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %v", want)
	}
	if got := errs.KindOf(err); got != want {
		t.Fatalf("kind = %v, want %v (err %v)", got, want, err)
	}
}

// seedOne stores one foreign passport of alice with a rule-sourced expiry.
func seedOne(st *fakeStore) registry.Document {
	seedDoc(st, 1, 400)
	d, _ := st.GetDocument(context.Background(), "alice", docID(1))
	return d
}

func TestUpdateDocument(t *testing.T) {
	ctx := context.Background()

	t.Run("stale version is a precondition failure and writes nothing", func(t *testing.T) {
		svc, st := newService(t)
		d := seedOne(st)
		_, err := svc.UpdateDocument(ctx, "alice", d.ID, registry.DocumentFields{Title: opt.Of("x")}, ptr(d.Version+1))
		assertKind(t, err, errs.Precondition)
		if w, _, _ := st.counts(); w != 0 {
			t.Errorf("%d writes, want 0", w)
		}
	})

	t.Run("archived is a conflict", func(t *testing.T) {
		svc, st := newService(t)
		d := seedOne(st)
		at := now.Add(-time.Hour)
		d.ArchivedAt = &at
		st.put(d)
		_, err := svc.UpdateDocument(ctx, "alice", d.ID, registry.DocumentFields{Title: opt.Of("x")}, ptr(d.Version))
		assertKind(t, err, errs.Conflict)
		if w, _, _ := st.counts(); w != 0 {
			t.Errorf("%d writes, want 0", w)
		}
	})

	t.Run("someone else's document is not found", func(t *testing.T) {
		svc, st := newService(t)
		d := seedOne(st)
		_, err := svc.UpdateDocument(ctx, "bob", d.ID, registry.DocumentFields{Title: opt.Of("x")}, ptr(d.Version))
		assertKind(t, err, errs.NotFound)
	})

	t.Run("invalid patch writes nothing", func(t *testing.T) {
		svc, st := newService(t)
		d := seedOne(st)
		_, err := svc.UpdateDocument(ctx, "alice", d.ID, registry.DocumentFields{IssuedOn: opt.Of("2999-01-01")}, ptr(d.Version))
		assertKind(t, err, errs.Invalid)
		if w, _, _ := st.counts(); w != 0 {
			t.Errorf("%d writes, want 0", w)
		}
	})

	for _, tc := range []struct {
		name string
		in   registry.DocumentFields
	}{
		{"empty patch", registry.DocumentFields{}},
		{"clearing a number it does not have", registry.DocumentFields{Number: opt.Null[string]()}},
		{"same issue date", registry.DocumentFields{IssuedOn: opt.Of(today.AddDays(400).AddYears(-10).String())}},
	} {
		t.Run("no-op writes nothing: "+tc.name, func(t *testing.T) {
			svc, st := newService(t)
			d := seedOne(st)
			v, err := svc.UpdateDocument(ctx, "alice", d.ID, tc.in, ptr(d.Version))
			if err != nil {
				t.Fatal(err)
			}
			if w, _, _ := st.counts(); w != 0 {
				t.Errorf("%d writes, want 0", w)
			}
			if v.Version != d.Version || !v.UpdatedAt.Equal(d.UpdatedAt) {
				t.Errorf("version %d updated %v, want unchanged %d %v", v.Version, v.UpdatedAt, d.Version, d.UpdatedAt)
			}
		})
	}

	t.Run("a change writes once, bumps the version and records the fields", func(t *testing.T) {
		svc, st := newService(t)
		d := seedOne(st)
		v, err := svc.UpdateDocument(ctx, "alice", d.ID, registry.DocumentFields{Title: opt.Of("Загранпаспорт"), ExpiresOn: opt.Of("2026-08-01")}, ptr(d.Version))
		if err != nil {
			t.Fatal(err)
		}
		if w, _, _ := st.counts(); w != 1 {
			t.Errorf("%d writes, want 1", w)
		}
		if v.Version != d.Version+1 || v.Status != registry.StatusExpiring || v.DaysLeft == nil || *v.DaysLeft != 47 {
			t.Errorf("view = version %d status %s daysLeft %v, want %d expiring 47", v.Version, v.Status, v.DaysLeft, d.Version+1)
		}
		if !v.UpdatedAt.Equal(now) {
			t.Errorf("UpdatedAt = %v, want %v", v.UpdatedAt, now)
		}
		h, err := svc.History(ctx, "alice", d.ID, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Items) != 1 || h.Items[0].Action != registry.ActionUpdated || !slices.Equal(h.Items[0].Fields, []string{"title", "expiresOn"}) || h.Items[0].Actor != "alice" {
			t.Errorf("history = %+v, want one update of [title expiresOn] by alice", h.Items)
		}
	})
}

func TestArchive(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	d := seedOne(st)

	v, err := svc.Archive(ctx, "alice", d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != registry.StatusArchived || v.ArchivedAt == nil || !v.ArchivedAt.Equal(now) || v.Version != d.Version+1 {
		t.Errorf("after archive: status %s archivedAt %v version %d", v.Status, v.ArchivedAt, v.Version)
	}
	_, err = svc.Archive(ctx, "alice", d.ID)
	assertKind(t, err, errs.Conflict)
	if w, _, _ := st.counts(); w != 1 {
		t.Errorf("%d writes after archiving twice, want 1", w)
	}

	v, err = svc.Unarchive(ctx, "alice", d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != registry.StatusValid || v.ArchivedAt != nil {
		t.Errorf("after unarchive: status %s archivedAt %v", v.Status, v.ArchivedAt)
	}
	_, err = svc.Unarchive(ctx, "alice", d.ID)
	assertKind(t, err, errs.Conflict)
	_, err = svc.Archive(ctx, "bob", d.ID)
	assertKind(t, err, errs.NotFound)
}

func TestGetProfile(t *testing.T) {
	ctx := context.Background()
	t.Run("unknown person gets the defaults", func(t *testing.T) {
		svc, _ := newService(t)
		p, err := svc.GetProfile(ctx, "nobody")
		if err != nil {
			t.Fatal(err)
		}
		if p.Owner != "nobody" || p.TimeZone != "Europe/Moscow" || p.Language != "ru" || p.Version != 0 ||
			p.Name != "" || p.BirthDate != nil || p.Email != "" || p.Phone != "" {
			t.Errorf("profile = %+v, want owner nobody, Europe/Moscow, ru, version 0 and nothing else filled in", p)
		}
	})
	t.Run("saved profile comes back as saved", func(t *testing.T) {
		svc, _ := newService(t)
		saved, err := svc.PutProfile(ctx, "alice", registry.ProfileInput{Name: "Тест", TimeZone: "Asia/Vladivostok", Language: "en"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.GetProfile(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 1 || p.TimeZone != "Asia/Vladivostok" || p.Language != "en" || p.Name != "Тест" || !reflect.DeepEqual(p, saved) {
			t.Errorf("profile = %+v, want %+v at version 1", p, saved)
		}
	})
	t.Run("put with a stale If-Match is refused", func(t *testing.T) {
		svc, st := newService(t)
		stale := 3
		_, err := svc.PutProfile(ctx, "alice", registry.ProfileInput{}, &stale)
		assertKind(t, err, errs.Precondition)
		if w, _, _ := st.counts(); w != 0 {
			t.Errorf("%d writes, want 0", w)
		}
	})
}

// The owner's today follows the profile's zone: at 20:30 UTC on 14 June it
// is already 15 June in Vladivostok (06:30) but still 14 June in Moscow (23:30).
func TestStatusFollowsTheOwnersZone(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		zone     string
		wantLeft int
	}{
		{"Europe/Moscow", 1},
		{"Asia/Vladivostok", 0},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			svc, st := newService(t)
			svc.Now = func() time.Time { return time.Date(2026, 6, 14, 20, 30, 0, 0, time.UTC) }
			if _, err := svc.PutProfile(ctx, "alice", registry.ProfileInput{TimeZone: tc.zone}, nil); err != nil {
				t.Fatal(err)
			}
			exp := today // 2026-06-15
			st.put(registry.Document{ID: "d", Owner: "alice", Type: registry.Contract, ExpiresOn: &exp, ExpiresOnSource: registry.SourceUser, Version: 1})
			v, err := svc.GetDocument(ctx, "alice", "d")
			if err != nil {
				t.Fatal(err)
			}
			if v.DaysLeft == nil || *v.DaysLeft != tc.wantLeft {
				t.Errorf("daysLeft = %v, want %d", v.DaysLeft, tc.wantLeft)
			}
		})
	}
}

func TestCreateDocument(t *testing.T) {
	ctx := context.Background()
	t.Run("computes the expiry and stores one document", func(t *testing.T) {
		svc, st := newService(t)
		v, _, err := svc.CreateDocument(ctx, "alice", registry.CreateInput{Type: "foreign_passport",
			DocumentFields: registry.DocumentFields{Number: opt.Of("712345678"), IssuedOn: opt.Of("2017-06-20")}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Owner != "alice" || v.Number != "71 2345678" || v.ExpiresOn == nil || v.ExpiresOn.String() != "2027-06-20" ||
			v.ExpiresOnSource != registry.SourceRule || v.Status != registry.StatusValid || v.Version != 1 || v.Source != registry.SourceUser {
			t.Errorf("view = %+v", v)
		}
		if w, _, _ := st.counts(); w != 1 {
			t.Errorf("%d writes, want 1", w)
		}
	})
	for _, tc := range []struct {
		name, typ, code string
	}{
		{"missing type", "", "required"},
		{"unknown type", "passport", "unknown_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, st := newService(t)
			_, _, err := svc.CreateDocument(ctx, "alice", registry.CreateInput{Type: tc.typ}, nil)
			assertKind(t, err, errs.Invalid)
			var e *errs.Error
			if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != (errs.FieldError{Field: "type", Code: tc.code}) {
				t.Errorf("err = %v, want type:%s", err, tc.code)
			}
			if w, _, _ := st.counts(); w != 0 {
				t.Errorf("%d writes, want 0", w)
			}
		})
	}
}

func ptr(n int) *int { return &n }
