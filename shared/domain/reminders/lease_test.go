package reminders_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/domain/message"
)

// meanwhile is the real publisher that, on its first call, first runs
// something else: another run that overlaps this one's publishing, at a
// moment the emulators cannot be made to produce on their own.
type meanwhile struct {
	next message.Publisher
	done atomic.Bool
	run  func()
}

func (m *meanwhile) Publish(ctx context.Context, msgs []message.Message) map[string]error {
	if m.done.CompareAndSwap(false, true) {
		m.run() // may publish through m itself: it then passes straight on
	}
	return m.next.Publish(ctx, msgs)
}

// TestOldRunAndNewRunNeverDuplicate: a late retry of the 06:00 event and the
// 07:00 event run at the same moment of the wall clock. The 07:00 run comes
// while the 06:00 run is publishing what it claimed. A claim's lease runs on
// the wall clock, so the 07:00 run finds those claims held and sends nothing
// of them; with leases reckoned from the event's time (06:00 + 5 min, older
// than 07:00) it took them over and every reminder went out twice.
func TestOldRunAndNewRunNeverDuplicate(t *testing.T) {
	e := newEnv(t)
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const people = 5
	for i := range people {
		sub := fmt.Sprintf("q%02d", i)
		e.person(sub, "Europe/Moscow")
		e.document(sub, "2026-12-31", created) // the 30-day step: 2026-12-01 09:00 Moscow
	}
	e.setWall(time.Date(2026, 12, 1, 7, 0, 30, 0, time.UTC)) // both runs happen now
	old, late := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)

	var newer struct {
		sent int
		err  error
	}
	pub := &meanwhile{next: &notify.Publisher{SNS: e.cl.SNS, TopicARN: e.topicARN}}
	e.scanner = e.newScanner(pub)
	pub.run = func() {
		sum, err := e.scanner.Run(e.ctx, late)
		newer.sent, newer.err = sum.Sent, err
	}
	sum, err := e.scanner.Run(e.ctx, old)
	if err != nil || newer.err != nil {
		t.Fatal(err, newer.err)
	}
	msgs := e.drain()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.Attrs["dedupeId"]]++
	}
	if len(msgs) != 2*people || len(seen) != 2*people {
		t.Errorf("the two runs delivered %d messages, %d distinct; want %d and %d", len(msgs), len(seen), 2*people, 2*people)
	}
	if sum.Sent+newer.sent != people {
		t.Errorf("sent by the 06:00 run %d, by the 07:00 run %d; want %d in all", sum.Sent, newer.sent, people)
	}
}
