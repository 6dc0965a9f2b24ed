package store

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// dueTimeLayout writes instants in UTC with a fixed width, so the due
// index's string sort key orders them in time.
const dueTimeLayout = "2006-01-02T15:04:05Z"

// reminderAttrs are a document's reminder state. DuePK and NextRemindAt are
// set only while something is due, which keeps the due index sparse.
type reminderAttrs struct {
	DuePK        string     `dynamodbav:"duePk,omitempty"`
	NextRemindAt string     `dynamodbav:"nextRemindAt,omitempty"`
	RemindStep   string     `dynamodbav:"remindStep,omitempty"` // kind/n/date of the next step
	LastRemindOn string     `dynamodbav:"lastRemindOn,omitempty"`
	RemindAcked  bool       `dynamodbav:"remindAcked,omitempty"`
	SnoozedUntil *time.Time `dynamodbav:"snoozedUntil,omitempty"`
}

// dueShard spreads a class's items over its partitions of the due index by
// a stable hash, so one busy day never lands on one partition.
func dueShard(class reminders.Class, owner, id string) int {
	h := fnv.New32a()
	h.Write([]byte(owner + "/" + id))
	return int(h.Sum32() % uint32(DueShards[class]))
}

// duePK is the due-index partition of one shard of a class: "DUE#U#<n>"
// (urgent) or "DUE#D#<n>" (documents). Items written before there were
// classes carry "DUE#<n>"; MoveLegacyDue moves them.
func duePK(class reminders.Class, shard int) string {
	if class == reminders.ClassUrgent {
		return fmt.Sprintf("DUE#U#%d", shard)
	}
	return fmt.Sprintf("DUE#D#%d", shard)
}

// dueKey is the due-index partition of the item of kind (a reminders
// Kind) owner/id.
func dueKey(kind, owner, id string) string {
	class := reminders.ClassOf(kind)
	return duePK(class, dueShard(class, owner, id))
}

// fromReminder is the reminder state of owner's item id of kind (a
// reminders Kind: its class picks the due-index partitions).
func fromReminder(kind, owner, id string, r registry.Reminder) reminderAttrs {
	a := reminderAttrs{LastRemindOn: dateString(r.LastDate), RemindAcked: r.Acked, SnoozedUntil: r.SnoozedUntil}
	if r.Next != nil && r.NextAt != nil {
		a.DuePK = dueKey(kind, owner, id)
		a.NextRemindAt = r.NextAt.UTC().Format(dueTimeLayout)
		a.RemindStep = fmt.Sprintf("%s/%d/%s", r.Next.Kind, r.Next.N, r.Next.Date)
	}
	return a
}

func (a reminderAttrs) reminder() (registry.Reminder, error) {
	r := registry.Reminder{Acked: a.RemindAcked, SnoozedUntil: a.SnoozedUntil}
	var err error
	if r.LastDate, err = parseDate(a.LastRemindOn); err != nil {
		return r, err
	}
	if a.NextRemindAt == "" {
		return r, nil
	}
	at, err := time.Parse(dueTimeLayout, a.NextRemindAt)
	if err != nil {
		return r, fmt.Errorf("nextRemindAt %q: %w", a.NextRemindAt, err)
	}
	var kind, date string
	var n int
	if _, err := fmt.Sscanf(replaceSlashes(a.RemindStep), "%s %d %s", &kind, &n, &date); err != nil {
		return r, fmt.Errorf("remindStep %q: %w", a.RemindStep, err)
	}
	d, err := civil.Parse(date)
	if err != nil {
		return r, err
	}
	r.Next, r.NextAt = &registry.Step{Kind: registry.StepKind(kind), N: n, Date: d}, &at
	return r, nil
}

func replaceSlashes(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '/' {
			b[i] = ' '
		}
	}
	return string(b)
}
