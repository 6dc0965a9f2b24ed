package appstore_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestParallelSubmissionsAssignOnce submits many applications at once on
// DynamoDB Local: each is assigned to exactly one clerk, every clerk's
// open count is the number of applications they hold, and the counts stay
// within one of each other (each pick is the fewest when it is written).
func TestParallelSubmissionsAssignOnce(t *testing.T) {
	st, ctx := newDirStore(t)
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New}
	svc := &applications.Service{Store: st, Profiles: docs, Documents: docs, Now: now, NewID: ids.New}
	clerks := []string{"clerk-a@fns", "clerk-b@fns", "clerk-c@fns"}
	for _, c := range clerks {
		// a clerk registers on their first staff request
		if _, err := svc.Queue(ctx, applications.Staff{Sub: c, IsStaff: true, Agency: applications.AgencyFNS}, "", 10, ""); err != nil {
			t.Fatal(err)
		}
	}
	const n = 12
	var apps []applications.Application
	for i := range n {
		a, _, err := svc.Create(ctx, fmt.Sprintf("citizen-%d", i), applications.Input{ServiceCode: "certificate_request", Fields: map[string]string{
			"fullName": "Иванов Иван Иванович", "inn": "7707083893", "certificateType": "no_tax_debt", "postalCode": "101000"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errsCh := make(chan error, n)
	for _, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, err := svc.Submit(ctx, a.Owner, a.ID, nil)
			errsCh <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errsCh)
	for err := range errsCh {
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
	}
	held := map[string]int{}
	for _, a := range apps {
		got, err := st.GetApplication(ctx, a.Owner, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != applications.StatusReceived || got.Assignee == "" {
			t.Errorf("%s: %s assigned to %q", got.ID, got.Status, got.Assignee)
		}
		held[got.Assignee]++
	}
	roster, err := st.Clerks(ctx, applications.AgencyFNS)
	if err != nil || len(roster) != len(clerks) {
		t.Fatalf("roster %v %v", roster, err)
	}
	lo, hi, sum := n, 0, 0
	for _, c := range roster {
		if c.Open != held[c.Sub] {
			t.Errorf("%s counts %d open, holds %d", c.Sub, c.Open, held[c.Sub])
		}
		lo, hi, sum = min(lo, c.Open), max(hi, c.Open), sum+c.Open
	}
	if sum != n || hi-lo > 1 {
		t.Errorf("counts %v: sum %d, spread %d", roster, sum, hi-lo)
	}

	// a clerk's own queue, a lead's reassignment, and the decision
	// freeing the clerk
	a := apps[0]
	cur, _ := st.GetApplication(ctx, a.Owner, a.ID)
	mine := applications.Staff{Sub: cur.Assignee, IsStaff: true, Agency: applications.AgencyFNS}
	page, err := svc.AssignedQueue(ctx, mine, "", 100, "")
	if err != nil || len(page.Items) != held[cur.Assignee] {
		t.Errorf("%s's queue: %d items, want %d (%v)", cur.Assignee, len(page.Items), held[cur.Assignee], err)
	}
	other := clerks[0]
	if other == cur.Assignee {
		other = clerks[1]
	}
	if _, err := svc.Assign(ctx, mine, a.ID, other); !errs.Is(err, errs.Forbidden) || errs.ReasonOf(err) != applications.ReasonLeadOnly {
		t.Errorf("a clerk reassigns: %v", err)
	}
	lead := applications.Staff{Sub: "lead@fns", IsStaff: true, Agency: applications.AgencyFNS, Lead: true}
	if _, err := svc.Assign(ctx, lead, a.ID, "clerk@mvd"); !errs.Is(err, errs.Invalid) || !hasField(err, "clerk", "not_of_agency") {
		t.Errorf("to a clerk of another agency: %v", err)
	}
	mvdLead := applications.Staff{Sub: "lead@mvd", IsStaff: true, Agency: applications.AgencyMVD, Lead: true}
	if _, err := svc.Assign(ctx, mvdLead, a.ID, other); !errs.Is(err, errs.NotFound) {
		t.Errorf("another agency's lead: %v", err)
	}
	moved, err := svc.Assign(ctx, lead, a.ID, other)
	if err != nil || moved.Assignee != other {
		t.Fatalf("reassign: %+v %v", moved.Assignee, err)
	}
	count := func(sub string) int {
		t.Helper()
		cs, err := st.Clerks(ctx, applications.AgencyFNS)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Sub == sub {
				return c.Open
			}
		}
		return -1
	}
	if got, want := count(cur.Assignee), held[cur.Assignee]-1; got != want {
		t.Errorf("the old clerk counts %d, want %d", got, want)
	}
	if got, want := count(other), held[other]+1; got != want {
		t.Errorf("the new clerk counts %d, want %d", got, want)
	}
	otherStaff := applications.Staff{Sub: other, IsStaff: true, Agency: applications.AgencyFNS}
	if _, err := svc.Transition(ctx, otherStaff, a.ID, applications.StatusRejected, "Нет оснований"); err != nil {
		t.Fatal(err)
	}
	if got, want := count(other), held[other]; got != want {
		t.Errorf("after the refusal the clerk counts %d, want %d", got, want)
	}

	// A lead new to this process naming themself: put on the roster in the
	// request's first round trip, beside the roster's read, and taken.
	b := apps[1]
	self := applications.Staff{Sub: "lead2@fns", IsStaff: true, Agency: applications.AgencyFNS, Lead: true}
	if got, err := svc.Assign(ctx, self, b.ID, self.Sub); err != nil || got.Assignee != self.Sub {
		t.Errorf("a new lead assigning themself: %q, %v", got.Assignee, err)
	}
	if got := count(self.Sub); got != 1 {
		t.Errorf("the new lead counts %d open, want 1", got)
	}
}

// hasField reports whether err refuses field with code.
func hasField(err error, field, code string) bool {
	var e *errs.Error
	return errors.As(err, &e) && slices.Contains(e.Fields, errs.FieldError{Field: field, Code: code})
}

// TestRosterWritesCarryTheAuditEntry: a clerk's joining the roster goes
// through the store's transactions like any change, so a staff request's
// pending audit entry is committed with it; a clerk already there cancels
// that transaction and leaves the entry for the request's change.
func TestRosterWritesCarryTheAuditEntry(t *testing.T) {
	st, ctx := newDirStore(t)
	p := st.OpenAudit(audit.Entry{Actor: "lead@fns", Route: "POST /applications/{id}/assign", Path: "/applications/x/assign", RequestID: "req-1"})
	actx := audit.With(ctx, p)
	if err := st.RegisterClerk(actx, applications.AgencyFNS, "lead@fns"); err != nil {
		t.Fatal(err)
	}
	if !p.Written() {
		t.Fatal("the roster join did not carry the request's audit entry")
	}
	q := st.OpenAudit(audit.Entry{Actor: "lead@fns", Route: "POST /applications/{id}/assign", Path: "/applications/x/assign", RequestID: "req-2"})
	if err := st.RegisterClerk(audit.With(ctx, q), applications.AgencyFNS, "lead@fns"); err != nil {
		t.Fatalf("again: %v", err)
	}
	if q.Written() {
		t.Error("a clerk already on the roster wrote the entry (the change would then be audited without it)")
	}
	cs, err := st.Clerks(ctx, applications.AgencyFNS)
	if err != nil || len(cs) != 1 || cs[0].Open != 0 {
		t.Fatalf("roster %+v %v", cs, err)
	}
}
