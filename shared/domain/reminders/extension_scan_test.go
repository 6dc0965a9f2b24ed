package reminders_test

import (
	"github.com/kabinet/kabinet/internal/testenv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestExtendedLicenceRemindsTowardsItsExtendedDate: a driver's licence
// printed to expire on 2024-07-15 is valid until 2027-07-15 (decree No.
// 353). One stored before Kabinet knew it, with "expired" repeats under
// way, gets no more of them: its next reminder is 60 days before the
// extended date, and says that date and why.
func TestExtendedLicenceRemindsTowardsItsExtendedDate(t *testing.T) {
	e := newEnv(t)
	if _, err := e.docs.PutProfile(e.ctx, "oleg", registry.ProfileInput{TimeZone: "Europe/Moscow", Language: "ru",
		Phone: "+79990000002"}, nil); err != nil {
		t.Fatal(err)
	}
	testenv.Verified(t, e.store.Store, "oleg")
	e.clock = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	v, _, err := e.docs.CreateDocument(e.ctx, "oleg", registry.CreateInput{Type: string(registry.DriversLicence),
		DocumentFields: registry.DocumentFields{IssuedOn: opt.Of("2014-07-15")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The state a licence reminded about under its printed date had: the
	// 28th monthly repeat sent on 2026-11-14, the next one due on 2026-12-14.
	d := v.Document
	last := civil.Date{Year: 2026, Month: time.November, Day: 14}
	due := time.Date(2026, 12, 14, 6, 0, 0, 0, time.UTC)
	d.Reminder = registry.Reminder{LastDate: &last, Next: &registry.Step{Kind: registry.StepRepeat, N: 29,
		Date: civil.Date{Year: 2026, Month: time.December, Day: 14}}, NextAt: &due}
	prev := d.Version
	d.Version++
	if err := e.store.UpdateDocument(e.ctx, d, prev, registry.Event{ID: ids.New(), DocID: d.ID, Owner: "oleg",
		Action: registry.ActionUpdated, Actor: "test", At: e.clock}); err != nil {
		t.Fatal(err)
	}

	var bodies []string
	for _, tc := range []struct {
		at   string
		want []string
	}{
		{"2026-12-14T06:00:00Z", nil}, // the stale repeat: skipped, rescheduled
		{"2027-01-13T06:00:00Z", nil}, // where the next repeat would have been
		{"2027-05-16T06:00:00Z", []string{"oleg/sms/document_expiring/60"}},
		{"2027-06-15T06:00:00Z", []string{"oleg/sms/document_expiring/30"}},
		{"2027-07-08T06:00:00Z", []string{"oleg/sms/document_expiring/7"}},
		{"2027-07-15T06:00:00Z", nil},
		{"2027-07-16T06:00:00Z", []string{"oleg/sms/document_expired/-1"}},
	} {
		t.Run(tc.at, func(t *testing.T) {
			sum := e.scan(tc.at)
			msgs := e.drain()
			if got := summarize(msgs); !slices.Equal(got, tc.want) {
				t.Errorf("delivered %v, want %v (summary %+v)", got, tc.want, sum)
			}
			for _, m := range msgs {
				bodies = append(bodies, m.Body)
			}
		})
	}
	if len(bodies) == 0 || !strings.Contains(bodies[0], "через 60 дней (15.07.2027)") {
		t.Errorf("SMS bodies %q: the first must count towards 15.07.2027", bodies)
	}
}
