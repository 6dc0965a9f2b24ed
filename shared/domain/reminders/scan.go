package reminders

import (
	"context"
	"github.com/kabinet/kabinet/shared/domain/message"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Defaults of a Scanner.
const (
	DefaultPageSize  = 100
	DefaultMaxPerRun = 2000
	DefaultLease     = 5 * time.Minute
	DefaultChunk     = 50
	// deadlineMargin is the time left before the Lambda deadline at which a
	// run stops taking new work, so what it started is finished and recorded.
	deadlineMargin = 5 * time.Second
)

// Scanner runs the expiry scan. It is called by the scheduled function (and
// by the local runner's /dev/expiry-scan); nobody else.
type Scanner struct {
	Store     Store
	Publisher message.Publisher
	// Places names a booking's institution and specialist in its reminder;
	// optional: without it (or when they cannot be found) the reminder
	// gives the time and the booking's number only.
	Places    Places
	NewID     func() string
	Log       *slog.Logger
	Shards    int           // due-index shards to query, in parallel
	PageSize  int           // items per due-index query
	MaxPerRun int           // due items one run takes on; the rest waits for the next run
	Lease     time.Duration // how long a claimed decision is this run's alone
	Chunk     int           // due items decided and published together
}

// Counts are a run's outcomes for one kind of reminder.
type Counts struct {
	Due     int `json:"due"`
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// Summary is what a run did. Read counts due-index items read: the run's
// cost, which follows what is due, not the size of the table.
type Summary struct {
	Now       time.Time         `json:"now"`
	Read      int               `json:"read"`
	Counts                      // all kinds
	ByKind    map[string]Counts `json:"byKind"`
	Complete  bool              `json:"complete"` // false: stopped early (deadline or MaxPerRun); the next run continues
	ElapsedMs int64             `json:"elapsedMs"`
}

func (s *Scanner) defaults() {
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.MaxPerRun == 0 {
		s.MaxPerRun = DefaultMaxPerRun
	}
	if s.Lease == 0 {
		s.Lease = DefaultLease
	}
	if s.Chunk == 0 {
		s.Chunk = DefaultChunk
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
}

// Run sends every reminder due at now. It stops taking new work shortly
// before ctx's deadline and after MaxPerRun items; what is left stays due
// for the next run. A reminder is published before it is marked sent, so a
// failure never loses one; a crash between the two may repeat one message.
// Errors: Unavailable when the due index cannot be read at all.
func (s *Scanner) Run(ctx context.Context, now time.Time) (Summary, error) {
	s.defaults()
	start := time.Now()
	now = now.UTC()
	sum := Summary{Now: now, ByKind: map[string]Counts{}, Complete: true}
	due, read, complete, err := s.collect(ctx, now)
	sum.Read = read
	if err != nil {
		return sum, err
	}
	sum.Complete = complete
	run := &run{Scanner: s, now: now, profiles: map[string]registry.Profile{}, sum: &sum}
	for chunk := range slices.Chunk(due, s.Chunk) {
		if nearDeadline(ctx) {
			sum.Complete = false
			break
		}
		run.chunk(ctx, chunk)
	}
	sum.ElapsedMs = time.Since(start).Milliseconds()
	s.Log.Info("expiry scan", "now", now, "read", sum.Read, "due", sum.Due, "sent", sum.Sent,
		"failed", sum.Failed, "skipped", sum.Skipped, "complete", sum.Complete, "elapsedMs", sum.ElapsedMs)
	return sum, nil
}

func nearDeadline(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < deadlineMargin
}

// collect queries every shard of the due index in parallel, paging, up to
// MaxPerRun items in all.
func (s *Scanner) collect(ctx context.Context, now time.Time) ([]Due, int, bool, error) {
	var (
		mu       sync.Mutex
		docs     []Due
		read     int
		complete = true
		firstErr error
		wg       sync.WaitGroup
	)
	perShard := max(1, (s.MaxPerRun+s.Shards-1)/s.Shards)
	for shard := range s.Shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cursor, taken := "", 0
			for {
				page, next, n, err := s.Store.DueItems(ctx, shard, now, min(s.PageSize, perShard-taken), cursor)
				mu.Lock()
				read += n
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				docs = append(docs, page...)
				taken += len(page)
				if next != "" && taken >= perShard {
					complete = false
				}
				mu.Unlock()
				if next == "" || taken >= perShard {
					return
				}
				cursor = next
			}
		}()
	}
	wg.Wait()
	if firstErr != nil && len(docs) == 0 {
		return nil, read, false, firstErr
	}
	if firstErr != nil {
		complete = false
		s.Log.Warn("expiry scan: a shard could not be read", "err", firstErr.Error())
	}
	// Oldest due first across shards, so a backlog drains in order.
	slices.SortStableFunc(docs, func(a, b Due) int { return a.Reminder().NextAt.Compare(*b.Reminder().NextAt) })
	return docs, read, complete, nil
}

// run is the state of one Run.
type run struct {
	*Scanner
	now      time.Time
	mu       sync.Mutex
	profiles map[string]registry.Profile
	sum      *Summary
}

// job is one due reminder being sent.
type job struct {
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

func (r *run) count(kind string, f func(*Counts)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.sum.ByKind[kind]
	f(&c)
	r.sum.ByKind[kind] = c
	f(&r.sum.Counts)
}

// ownerProfile reads the profile of a due item's owner; when it cannot, it
// counts the item due and failed (the next run retries it) and says so.
func (r *run) ownerProfile(ctx context.Context, kind, owner string) (registry.Profile, bool) {
	p, err := r.profile(ctx, owner)
	if err != nil {
		r.count(kind, func(c *Counts) { c.Due++; c.Failed++ })
		r.Log.Warn("expiry scan: profile unreadable", "err", err.Error())
		return registry.Profile{}, false
	}
	return p, true
}

func (r *run) profile(ctx context.Context, owner string) (registry.Profile, error) {
	if p, ok := r.profiles[owner]; ok {
		return p, nil
	}
	p, err := r.Store.GetProfile(ctx, owner)
	if err == nil {
		r.profiles[owner] = p
	}
	return p, err
}

// chunk decides, publishes and records one chunk of due items.
func (r *run) chunk(ctx context.Context, items []Due) {
	var jobs []*job
	for _, d := range items {
		if j := r.prepare(ctx, d); j != nil {
			jobs = append(jobs, j)
		}
	}
	var msgs []message.Message
	for _, j := range jobs {
		msgs = append(msgs, j.msgs...)
	}
	failed := map[string]error{}
	if len(msgs) > 0 {
		failed = r.Publisher.Publish(ctx, msgs)
	}
	for _, j := range jobs {
		r.finish(ctx, j, failed)
	}
}

// prepare decides what to do about one due item: nothing (skipped,
// possibly with its schedule corrected) or a job whose decision it claimed.
func (r *run) prepare(ctx context.Context, d Due) *job {
	switch {
	case d.Booking != nil:
		return r.prepareBooking(ctx, d)
	case d.Message != nil:
		return r.prepareMessage(ctx, d)
	}
	return r.prepareDocument(ctx, d)
}

// skip counts a due item skipped and moves it to next.
func (r *run) skip(ctx context.Context, d Due, kind string, next registry.Reminder) *job {
	r.count(kind, func(c *Counts) { c.Skipped++ })
	r.advance(ctx, d, next)
	return nil
}

func (r *run) prepareDocument(ctx context.Context, due Due) *job {
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
	if at := registry.OutOfQuietHours(r.now, loc); at.After(r.now) {
		expected.NextAt = &at
		return r.skip(ctx, due, kind, expected)
	}
	step := *expected.Next
	after := d
	after.Reminder = expected.Sent(step)
	left := today.DaysUntil(dl.Date)
	j := &job{due: due, profile: p, step: step, next: after.Schedule(loc, r.now), text: render(d, today, p.Language),
		attrs: map[string]string{message.AttrDocumentType: string(d.Type), message.AttrDaysLeft: strconv.Itoa(left)}}
	return r.claim(ctx, j, dl.Date.String()+"#"+step.Key())
}

// prepareBooking decides about a booking's reminder. Its times are the
// institution's: the day-before message at 09:00 there, the other two
// hours before the start.
func (r *run) prepareBooking(ctx context.Context, due Due) *job {
	b := *due.Booking
	kind := inbox.KindBookingUpcoming
	p, ok := r.ownerProfile(ctx, kind, b.Owner)
	if !ok {
		return nil
	}
	r.count(kind, func(c *Counts) { c.Due++ })
	expected := b.Schedule(r.now)
	if expected.Next == nil || expected.NextAt.After(r.now) {
		return r.skip(ctx, due, kind, expected)
	}
	// "Tomorrow" waits out the quiet hours; "in 2 hours" cannot wait past
	// the start, and its time already avoids them where it can.
	if expected.Next.Kind == booking.StepDayBefore {
		if at := registry.OutOfQuietHours(r.now, b.Location()); at.After(r.now) {
			expected.NextAt = &at
			return r.skip(ctx, due, kind, expected)
		}
	}
	step := *expected.Next
	after := b
	after.Reminder = expected.Sent(step)
	spec, inst := r.names(ctx, b)
	j := &job{due: due, profile: p, step: step, next: after.Schedule(r.now),
		text: renderBooking(b, step, r.now, spec, inst, p.Language)}
	return r.claim(ctx, j, b.Start.UTC().Format(time.RFC3339)+"#"+string(step.Kind))
}

// prepareMessage claims the sending of an outbox message on the channels
// its owner can be reached on now. It ignores the quiet hours, as the first
// attempt did: it is news of the person's own request, late already.
func (r *run) prepareMessage(ctx context.Context, due Due) *job {
	n := due.Message.Notification
	kind := n.Kind
	p, ok := r.ownerProfile(ctx, kind, n.Owner)
	if !ok {
		return nil
	}
	r.count(kind, func(c *Counts) { c.Due++ })
	subject, body := n.Message()
	j := &job{due: due, profile: p, text: text{kind: kind, subject: subject, body: body, sms: body}, attrs: due.Message.Attributes}
	return r.claim(ctx, j, KindMessage)
}

// names are the booking's specialization and institution, "" where the
// directory cannot tell.
func (r *run) names(ctx context.Context, b booking.Booking) (spec, inst string) {
	if r.Places == nil {
		return "", ""
	}
	if s, err := r.Places.Specialist(ctx, b.SpecialistID); err == nil {
		spec = s.Specialization
	}
	if i, err := r.Places.Institution(ctx, b.InstitutionID); err == nil {
		inst = i.Name
	}
	return spec, inst
}

// claim takes j's decision, keyed key, and writes its messages: one per
// channel not yet sent. nil when there is nothing to send.
func (r *run) claim(ctx context.Context, j *job, key string) *job {
	kind, ref := j.text.kind, j.due.Ref()
	dec, claimed, err := r.Store.Claim(ctx, Decision{Owner: ref.Owner, DocID: ref.ID, Key: key,
		LeaseUntil: r.now.Add(r.Lease)}, r.now)
	switch {
	case err != nil:
		r.count(kind, func(c *Counts) { c.Failed++ })
		r.Log.Warn("expiry scan: claim failed", "err", err.Error())
		return nil
	case !claimed && dec.Status == DecisionSent:
		return r.skip(ctx, j.due, kind, j.next) // sent by an earlier run that stopped before moving on
	case !claimed:
		r.count(kind, func(c *Counts) { c.Skipped++ }) // another run holds it
		return nil
	}
	j.decision = dec
	for _, ch := range j.profile.Reachable() {
		if slices.Contains(dec.SentChannels, ch) {
			continue
		}
		body := j.text.body
		if ch == registry.ChannelSMS {
			body = j.text.sms
		}
		attrs := map[string]string{message.AttrUserID: ref.Owner, message.AttrChannel: ch, message.AttrKind: kind}
		maps.Copy(attrs, j.attrs)
		j.msgs = append(j.msgs, message.Message{ID: ref.ID + "." + dec.Key + "." + ch,
			Subject: j.text.subject, Body: body, Attributes: attrs})
		j.channels = append(j.channels, ch)
	}
	return j
}

// finish records the outcome of a job's publishing.
func (r *run) finish(ctx context.Context, j *job, failed map[string]error) {
	kind := j.text.kind
	dec := j.decision
	var lost []string
	for i, m := range j.msgs {
		if err, bad := failed[m.ID]; bad {
			lost = append(lost, j.channels[i])
			r.Log.Warn("expiry scan: publish failed", "channel", j.channels[i], "err", err.Error())
		} else {
			dec.SentChannels = append(dec.SentChannels, j.channels[i])
		}
	}
	if len(lost) > 0 {
		r.count(kind, func(c *Counts) { c.Failed++ })
		if err := r.Store.Release(ctx, dec); err != nil {
			r.Log.Warn("expiry scan: release failed; the lease will lapse", "err", err.Error())
		}
		return
	}
	ref := j.due.Ref()
	var n inbox.Notification // none for a message: it is in the inbox already
	if j.due.Message == nil {
		n = inbox.Notification{ID: r.NewID(), Owner: ref.Owner, Kind: kind, Title: j.text.subject, Body: j.text.body, CreatedAt: r.now}
	}
	var ev registry.Event // none for a booking: its record is its own Events
	if d := j.due.Document; d != nil {
		dl, _ := d.Deadline()
		left := civil.Today(r.now, j.profile.Location()).DaysUntil(dl.Date)
		n.DocID, n.DocType, n.DaysLeft = d.ID, string(d.Type), &left
		ev = registry.Event{ID: r.NewID(), DocID: d.ID, Owner: d.Owner, Action: registry.ActionReminderSent,
			Step: j.step.Key(), Channels: append([]string{"cabinet"}, dec.SentChannels...), Actor: registry.ActorSystem, At: r.now}
	}
	if err := r.Store.Complete(ctx, dec, n, ev); err != nil {
		r.count(kind, func(c *Counts) { c.Failed++ })
		r.Log.Warn("expiry scan: could not record a sent reminder", "err", err.Error())
		return
	}
	r.count(kind, func(c *Counts) { c.Sent++ })
	r.advance(ctx, j.due, j.next)
}

// advance moves the document or booking to its next reminder unless it
// changed since it was read; then its own new schedule stands.
func (r *run) advance(ctx context.Context, d Due, next registry.Reminder) {
	err := r.Store.Advance(ctx, d.Ref(), d.Reminder().NextAt, next)
	if err != nil && !errs.Is(err, errs.Conflict) {
		r.Log.Warn("expiry scan: could not move an item to its next reminder", "err", err.Error())
	}
}
