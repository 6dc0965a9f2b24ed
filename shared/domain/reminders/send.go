package reminders

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/erasure"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/remindtime"
)

// sender decides, publishes and records due items at one instant: the
// work of a Scanner run and of a Worker's job alike.
type sender struct {
	store   Store
	publish func(ctx context.Context, msgs []message.Message) map[string]error
	places  Places
	// deadlines decides applications' deadlines; nil leaves them due,
	// counted failed.
	deadlines Deadlines
	// offers ends lapsed waiting-list offers; nil leaves them due.
	offers Offers
	// grownUps: children growing up (nil: they stay due)
	grownUps GrownUps
	// erasures: people's erasures (nil: they stay due)
	erasures Erasures
	newID    func() string
	log      *slog.Logger
	lease    time.Duration
	// clock is the wall clock of the process doing the work: a claim's
	// lease is measured on it, never on now.
	clock func() time.Time
	// now is the instant the work is for (the scheduled event's time):
	// what is due, what the messages say, what the records are stamped.
	now time.Time
	// parallel is how many items of a chunk are prepared (and recorded)
	// at once; 1 when 0. Their messages are published in the chunk's order.
	parallel int

	mu       sync.Mutex
	profiles map[string]registry.Profile
	sum      *Summary
}

// Counts are a run's outcomes for one kind of reminder.
type Counts struct {
	Due     int `json:"due"`
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func (c *Counts) add(o Counts) {
	c.Due += o.Due
	c.Sent += o.Sent
	c.Failed += o.Failed
	c.Skipped += o.Skipped
}

// Summary is what a run or a job did. Read counts due-index items read: the
// cost, which follows what is due, not the size of the table.
type Summary struct {
	Now      time.Time         `json:"now"`
	Read     int               `json:"read"`
	Counts                     // all kinds
	ByKind   map[string]Counts `json:"byKind"`
	Complete bool              `json:"complete"` // false: stopped early (deadline, MaxPerRun, throttling); a continuation or the next run goes on
	// Throttled counts the chunks a worker had to back off after (the
	// publisher throttled or was down); Continued says a worker enqueued
	// its job's continuation.
	Throttled int   `json:"throttled,omitempty"`
	Continued bool  `json:"continued,omitempty"`
	ElapsedMs int64 `json:"elapsedMs"`
	// ByChannel counts the messages published by channel (sms, email,
	// push); LateMs is how long after its instant a worker began its job
	// (the pipeline's lateness; 0 for a run that is not a job).
	ByChannel map[string]int `json:"byChannel,omitempty"`
	LateMs    int64          `json:"lateMs,omitempty"`
}

// Add counts o's work into s (not its instant, completeness or time);
// the lateness kept is the larger.
func (s *Summary) Add(o Summary) {
	s.Read += o.Read
	s.Throttled += o.Throttled
	s.LateMs = max(s.LateMs, o.LateMs)
	for ch, n := range o.ByChannel {
		if s.ByChannel == nil {
			s.ByChannel = map[string]int{}
		}
		s.ByChannel[ch] += n
	}
	s.Counts.add(o.Counts)
	if s.ByKind == nil {
		s.ByKind = map[string]Counts{}
	}
	for k, c := range o.ByKind {
		sc := s.ByKind[k]
		sc.add(c)
		s.ByKind[k] = sc
	}
}

func newSender(now time.Time, sum *Summary) *sender {
	return &sender{now: now, profiles: map[string]registry.Profile{}, sum: sum}
}

// item is one due reminder being sent.
type item struct {
	due      Due
	profile  registry.Profile
	step     registry.Step
	next     registry.Reminder // the state after this step is sent
	decision Decision
	text     text
	attrs    map[string]string // message attributes besides userId, channel and kind
	msgs     []message.Message
	channels []string // the channels of msgs
}

func (r *sender) count(kind string, f func(*Counts)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.sum.ByKind[kind]
	f(&c)
	r.sum.ByKind[kind] = c
	f(&r.sum.Counts)
}

// published counts a message published on channel ch.
func (r *sender) published(ch string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sum.ByChannel == nil {
		r.sum.ByChannel = map[string]int{}
	}
	r.sum.ByChannel[ch]++
}

// ownerProfile reads the profile of a due item's owner; when it cannot, it
// counts the item due and failed (the next run retries it) and says so.
func (r *sender) ownerProfile(ctx context.Context, kind, owner string) (registry.Profile, bool) {
	p, err := r.profile(ctx, owner)
	if err != nil {
		r.count(kind, func(c *Counts) { c.Due++; c.Failed++ })
		r.log.Warn("reminders: profile unreadable", "err", err.Error())
		return registry.Profile{}, false
	}
	return p, true
}

func (r *sender) profile(ctx context.Context, owner string) (registry.Profile, error) {
	r.mu.Lock()
	p, ok := r.profiles[owner]
	r.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := r.store.GetProfile(ctx, owner)
	if err == nil {
		r.mu.Lock()
		r.profiles[owner] = p
		r.mu.Unlock()
	}
	return p, err
}

// each runs f on every index of n, up to r.parallel at once.
func (r *sender) each(n int, f func(i int)) {
	if r.parallel <= 1 || n <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	sem := make(chan struct{}, r.parallel)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(i)
		})
	}
	wg.Wait()
}

// chunk decides, publishes and records one chunk of due items. It returns
// how many of them could not be sent because the publisher was unavailable
// or throttled (they stay due), so a paced caller can back off.
func (r *sender) chunk(ctx context.Context, items []Due) (unavailable int) {
	prepared := make([]*item, len(items))
	r.each(len(items), func(i int) { prepared[i] = r.prepare(ctx, items[i]) })
	var todo []*item
	var msgs []message.Message
	for _, it := range prepared {
		if it != nil {
			todo = append(todo, it)
			msgs = append(msgs, it.msgs...)
		}
	}
	failed := map[string]error{}
	if len(msgs) > 0 {
		failed = r.publish(ctx, msgs)
	}
	var mu sync.Mutex
	r.each(len(todo), func(i int) {
		if r.finish(ctx, todo[i], failed) {
			mu.Lock()
			unavailable++
			mu.Unlock()
		}
	})
	return unavailable
}

// prepare decides what to do about one due item: nothing (skipped,
// possibly with its schedule corrected) or an item whose decision it claimed.
func (r *sender) prepare(ctx context.Context, d Due) *item {
	switch {
	case d.Booking != nil:
		return r.prepareBooking(ctx, d)
	case d.Message != nil:
		return r.prepareMessage(ctx, d)
	case d.Deadline != nil:
		return r.prepareDeadline(ctx, d)
	case d.Offer != nil:
		r.expireOffer(ctx, *d.Offer)
		return nil
	case d.Dependent != nil:
		r.grownUp(ctx, *d.Dependent)
		return nil
	case d.Erasure != nil:
		r.erase(ctx, *d.Erasure)
		return nil
	}
	return r.prepareDocument(ctx, d)
}

// skip counts a due item skipped and moves it to next.
func (r *sender) skip(ctx context.Context, d Due, kind string, next registry.Reminder) *item {
	r.count(kind, func(c *Counts) { c.Skipped++ })
	r.advance(ctx, d, next)
	return nil
}

func (r *sender) prepareDocument(ctx context.Context, due Due) *item {
	d := *due.Document
	kind := inbox.KindDocumentExpiring
	p, ok := r.ownerProfile(ctx, kind, d.Owner)
	if !ok {
		return nil
	}
	loc := p.Location()
	today := civil.Today(r.now, loc)
	// Reminders count towards the deadline: the end of validity, a legal
	// extension included, or the milestone of a document that never expires.
	dl, hasDeadline := d.Deadline()
	if hasDeadline && dl.Milestone == "" && today.After(dl.Date) {
		kind = inbox.KindDocumentExpired
	}
	r.count(kind, func(c *Counts) { c.Due++ })
	// The schedule is recomputed with today's profile: a time zone changed
	// since the reminder was scheduled moves it, and never earlier than its
	// local day.
	expected := d.Schedule(loc, r.now)
	if expected.Next == nil || expected.NextAt.After(r.now) {
		return r.skip(ctx, due, kind, expected)
	}
	if at := remindtime.OutOfQuietHours(r.now, loc); at.After(r.now) {
		expected.NextAt = &at
		return r.skip(ctx, due, kind, expected)
	}
	step := *expected.Next
	after := d
	after.Reminder = expected.Sent(step)
	left := today.DaysUntil(dl.Date)
	it := &item{due: due, profile: p, step: step, next: after.Schedule(loc, r.now), text: render(d, today, p.Language),
		attrs: map[string]string{message.AttrDocumentType: string(d.Type), message.AttrDaysLeft: strconv.Itoa(left)}}
	return r.claim(ctx, it, dl.Date.String()+"#"+step.Key())
}

// prepareBooking decides about a booking's reminder. When to send is the
// owner's zone (booking.Schedule); the message shows the start in the
// institution's, and in the owner's too when their clocks differ.
func (r *sender) prepareBooking(ctx context.Context, due Due) *item {
	b := *due.Booking
	kind := inbox.KindBookingUpcoming
	p, ok := r.ownerProfile(ctx, kind, b.Owner)
	if !ok {
		return nil
	}
	loc := p.Location()
	r.count(kind, func(c *Counts) { c.Due++ })
	expected := b.Schedule(r.now, loc)
	if expected.Next == nil || expected.NextAt.After(r.now) {
		return r.skip(ctx, due, kind, expected)
	}
	// "Tomorrow" waits out the quiet hours; "in 2 hours" cannot wait past
	// the start, and its time already avoids them (remindtime.BeforeStart).
	if expected.Next.Kind == booking.StepDayBefore {
		if at := remindtime.OutOfQuietHours(r.now, loc); at.After(r.now) {
			expected.NextAt = &at
			return r.skip(ctx, due, kind, expected)
		}
	}
	step := *expected.Next
	after := b
	after.Reminder = expected.Sent(step)
	spec, inst := r.names(ctx, b)
	it := &item{due: due, profile: p, step: step, next: after.Schedule(r.now, loc),
		text: renderBooking(b, step, r.now, loc, spec, inst, p.Language)}
	return r.claim(ctx, it, b.Start.UTC().Format(time.RFC3339)+"#"+string(step.Kind))
}

// prepareMessage claims the sending of an outbox message on the channels
// its owner can be reached on now. It ignores the quiet hours: it is news
// of the person's own request (an entry that must wait them out, a
// laboratory's result, is due only after them).
func (r *sender) prepareMessage(ctx context.Context, due Due) *item {
	n := due.Message.Notification
	kind := n.Kind
	p, ok := r.ownerProfile(ctx, kind, n.Owner)
	if !ok {
		return nil
	}
	r.count(kind, func(c *Counts) { c.Due++ })
	subject, body := n.Message()
	it := &item{due: due, profile: p, text: text{kind: kind, subject: subject, body: body, sms: body}, attrs: due.Message.Attributes}
	return r.claim(ctx, it, KindMessage)
}

// prepareDeadline hands an application's due deadline to the applications
// domain, which refuses the application itself at its deadline; before it,
// the reminder it returns is claimed, sent and recorded here like any
// other, once, out of the owner's quiet hours.
func (r *sender) prepareDeadline(ctx context.Context, due Due) *item {
	d := *due.Deadline
	kind := KindDeadline
	if r.deadlines == nil {
		r.count(kind, func(c *Counts) { c.Due++; c.Failed++ })
		r.log.Warn("reminders: an application deadline is due but no Deadlines is set")
		return nil
	}
	p, ok := r.ownerProfile(ctx, kind, d.Owner)
	if !ok {
		return nil
	}
	// A refusal counts as KindDeadline; a reminder as its own kind, as the
	// claim and the record count it.
	rem, err := r.deadlines.DeadlineDue(ctx, d.Owner, d.ID, d.At, r.now, p.Language)
	switch {
	case errs.Is(err, errs.Conflict):
		r.count(kind, func(c *Counts) { c.Due++; c.Skipped++ }) // changed meanwhile: its new state is in the index
		return nil
	case err != nil:
		r.count(kind, func(c *Counts) { c.Due++; c.Failed++ })
		r.log.Warn("reminders: application deadline failed; it stays due", "err", err.Error())
		return nil
	case rem == nil:
		r.count(kind, func(c *Counts) { c.Due++; c.Sent++ }) // refused (or moved on) by the applications domain
		return nil
	}
	kind = rem.Kind
	r.count(kind, func(c *Counts) { c.Due++ })
	next := rem.Next
	if at := remindtime.OutOfQuietHours(r.now, p.Location()); at.After(r.now) {
		return r.skip(ctx, due, kind, registry.Reminder{Next: &registry.Step{Kind: registry.StepBefore}, NextAt: &at})
	}
	sms := rem.SMS
	if sms == "" {
		sms = rem.Body
	}
	// after it, the application is due at its deadline (StepExpired)
	it := &item{due: due, profile: p, next: registry.Reminder{Next: &registry.Step{Kind: registry.StepExpired}, NextAt: &next},
		text: text{kind: rem.Kind, subject: rem.Subject, body: rem.Body, sms: sms}, attrs: map[string]string{}}
	return r.claim(ctx, it, rem.Key)
}

// expireOffer hands a lapsed waiting-list offer to the appointment book,
// which ends it and offers the slot to the next in line; nothing is sent
// here (the next offer's message is an outbox entry of its own). Without
// an appointment book the item stays due.
func (r *sender) expireOffer(ctx context.Context, e booking.WaitEntry) {
	const kind = "waitlist_offer_expired"
	r.count(kind, func(c *Counts) { c.Due++ })
	if r.offers == nil {
		r.count(kind, func(c *Counts) { c.Failed++ })
		return
	}
	if err := r.offers.ExpireOffer(ctx, e, r.now); err != nil {
		r.count(kind, func(c *Counts) { c.Failed++ })
		r.log.Warn("reminders: a lapsed offer could not be ended", "err", err.Error())
		return
	}
	r.count(kind, func(c *Counts) { c.Sent++ })
}

// grownUp hands a child whose 18th birthday (or hand-over deadline) is
// due to the family domain, which offers the hand-over or archives the
// documents and moves the dependent on in the index; nothing is sent here.
// Without GrownUps the item stays due.
func (r *sender) grownUp(ctx context.Context, d family.Dependent) {
	const kind = "grown_up"
	r.count(kind, func(c *Counts) { c.Due++ })
	if r.grownUps == nil {
		r.count(kind, func(c *Counts) { c.Failed++ })
		return
	}
	switch err := r.grownUps.GrownUpDue(ctx, d, r.now); {
	case errs.Is(err, errs.Precondition):
		r.count(kind, func(c *Counts) { c.Skipped++ }) // changed meanwhile: its new state is in the index
	case err != nil:
		r.count(kind, func(c *Counts) { c.Failed++ })
		r.log.Warn("reminders: a grown-up child's hand-over could not be decided; it stays due", "err", err.Error())
	default:
		r.count(kind, func(c *Counts) { c.Sent++ })
	}
}

// erase hands a person's erasure under way to Erasures, which runs a page
// of it and leaves the rest due (or takes it out of the index when done);
// nothing is sent. Without Erasures the item stays due, skipped.
func (r *sender) erase(ctx context.Context, e erasure.Erasure) {
	const kind = "erasure"
	r.count(kind, func(c *Counts) { c.Due++ })
	if r.erasures == nil {
		// a process that runs no erasures (the expiry scan) leaves them to
		// the workers
		r.count(kind, func(c *Counts) { c.Skipped++ })
		return
	}
	switch _, err := r.erasures.Due(ctx, e, r.now); {
	case errs.Is(err, errs.Conflict):
		r.count(kind, func(c *Counts) { c.Skipped++ }) // another worker has it
	case err != nil:
		r.count(kind, func(c *Counts) { c.Failed++ })
		r.log.Warn("reminders: an erasure step failed; it stays due", "err", err.Error())
	default:
		r.count(kind, func(c *Counts) { c.Sent++ })
	}
}

// names are the booking's specialization and institution, "" where the
// directory cannot tell.
func (r *sender) names(ctx context.Context, b booking.Booking) (spec, inst string) {
	if r.places == nil {
		return "", ""
	}
	if s, err := r.places.Specialist(ctx, b.SpecialistID); err == nil {
		spec = s.Specialization
	}
	if i, err := r.places.Institution(ctx, b.InstitutionID); err == nil {
		inst = i.Name
	}
	return spec, inst
}

// claim takes it's decision, keyed key, and writes its messages: one per
// channel not yet sent. nil when there is nothing to send. The lease runs
// from the wall clock, not from r.now: two runs for different instants
// (a late retry of an old event next to a new one) then see each other's
// claims as held.
func (r *sender) claim(ctx context.Context, it *item, key string) *item {
	kind, ref := it.text.kind, it.due.Ref()
	wall := r.clock().UTC()
	dec, claimed, err := r.store.Claim(ctx, Decision{Owner: ref.Owner, DocID: ref.ID, Key: key,
		LeaseUntil: wall.Add(r.lease)}, wall)
	switch {
	case err != nil:
		r.count(kind, func(c *Counts) { c.Failed++ })
		r.log.Warn("reminders: claim failed", "err", err.Error())
		return nil
	case !claimed && dec.Status == DecisionSent:
		return r.skip(ctx, it.due, kind, it.next) // sent by an earlier run that stopped before moving on
	case !claimed:
		r.count(kind, func(c *Counts) { c.Skipped++ }) // another run holds it
		return nil
	}
	it.decision = dec
	for _, ch := range it.profile.Reachable() {
		if slices.Contains(dec.SentChannels, ch) {
			continue
		}
		body := it.text.body
		if ch == registry.ChannelSMS {
			body = it.text.sms
		}
		attrs := map[string]string{message.AttrUserID: ref.Owner, message.AttrChannel: ch, message.AttrKind: kind}
		maps.Copy(attrs, it.attrs)
		it.msgs = append(it.msgs, message.Message{ID: ref.ID + "." + dec.Key + "." + ch,
			Subject: it.text.subject, Body: body, Attributes: attrs})
		it.channels = append(it.channels, ch)
	}
	return it
}

// finish records the outcome of an item's publishing. It reports whether
// a message of it failed because the publisher was unavailable (or
// throttled): the item stays due and is retried.
func (r *sender) finish(ctx context.Context, it *item, failed map[string]error) (unavailable bool) {
	kind := it.text.kind
	dec := it.decision
	var lost []string
	for i, m := range it.msgs {
		if err, bad := failed[m.ID]; bad {
			lost = append(lost, it.channels[i])
			unavailable = unavailable || errs.Is(err, errs.Unavailable)
			r.log.Warn("reminders: publish failed", "channel", it.channels[i], "err", err.Error())
		} else {
			dec.SentChannels = append(dec.SentChannels, it.channels[i])
			r.published(it.channels[i])
		}
	}
	if len(lost) > 0 {
		r.count(kind, func(c *Counts) { c.Failed++ })
		if err := r.store.Release(ctx, dec); err != nil {
			r.log.Warn("reminders: release failed; the lease will lapse", "err", err.Error())
		}
		return unavailable
	}
	ref := it.due.Ref()
	var n inbox.Notification // none for a message: it is in the inbox already
	if it.due.Message == nil {
		n = inbox.Notification{ID: r.newID(), Owner: ref.Owner, Kind: kind, Title: it.text.subject, Body: it.text.body, CreatedAt: r.now}
	}
	var ev registry.Event // none for a booking: its record is its own Events
	if d := it.due.Document; d != nil {
		dl, _ := d.Deadline()
		left := civil.Today(r.now, it.profile.Location()).DaysUntil(dl.Date)
		n.DocID, n.DocType, n.DaysLeft = d.ID, string(d.Type), &left
		ev = registry.Event{ID: r.newID(), DocID: d.ID, Owner: d.Owner, Action: registry.ActionReminderSent,
			Step: it.step.Key(), Channels: append([]string{"cabinet"}, dec.SentChannels...), Actor: registry.ActorSystem, At: r.now}
	}
	if err := r.store.Complete(ctx, dec, n, ev); err != nil {
		r.count(kind, func(c *Counts) { c.Failed++ })
		r.log.Warn("reminders: could not record a sent reminder", "err", err.Error())
		return false
	}
	r.count(kind, func(c *Counts) { c.Sent++ })
	r.advance(ctx, it.due, it.next)
	return false
}

// advance moves the document or booking to its next reminder unless it
// changed since it was read; then its own new schedule stands.
func (r *sender) advance(ctx context.Context, d Due, next registry.Reminder) {
	err := r.store.Advance(ctx, d.Ref(), d.Reminder().NextAt, next)
	if err != nil && !errs.Is(err, errs.Conflict) {
		r.log.Warn("reminders: could not move an item to its next reminder", "err", err.Error())
	}
}
