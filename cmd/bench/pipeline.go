package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/pipeline"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/pace"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// pipeResult is one row of the scale-out table: one way of draining the
// same backlog.
type pipeResult struct {
	Name      string
	Workers   int // 0 for the single loop
	Due, Sent int
	Jobs      int
	Wall      time.Duration
	Calls     int     // DynamoDB calls, all of the drain
	WRU, RRU  float64 // DynamoDB write and read units, all of the drain
	Published int     // SNS messages
}

func (r pipeResult) PerSecond() float64 { return float64(r.Sent) / r.Wall.Seconds() }

// lateRow is one class's lateness under the simulated peak.
type lateRow struct {
	Design        string // "pipeline" or "single loop"
	Class         string
	N, Sent       int
	P50, P99, Max time.Duration
	DrainedAt     time.Duration // last message after 09:00
}

// pipelineSizes is the backlog of the scale-out table and the worker counts.
func (b *bench) pipelineSizes() (due int, workers []int) {
	switch {
	case b.o.Quick:
		return 60, []int{1, 2}
	case b.o.Large:
		return 20_000, []int{1, 2, 4, 8}
	}
	return 3_000, []int{1, 2, 4, 8}
}

// pipelineScaling drains the same backlog (documents due at 09:00 Moscow,
// e-mail and SMS each) with the single loop of today and with 1, 2, 4 and 8
// workers reading the SQS FIFO job queues, unpaced (the emulators have no
// quotas), against DynamoDB Local and fauxqs.
func (b *bench) pipelineScaling(ctx context.Context, rep *report) error {
	due, workers := b.pipelineSizes()
	table, done, err := b.table(ctx, "pipe")
	if err != nil {
		return err
	}
	defer done()
	topic, err := b.cl.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench-pipe-reminders")})
	if err != nil {
		return err
	}
	cfg := core.Config{Table: table, Reminders: aws.ToString(topic.TopicArn)}
	st := allstore.New(b.raw, table)
	owners := make([]string, due)
	for i := range owners {
		owners[i] = fmt.Sprintf("p%06d", i)
	}
	if err := putProfiles(ctx, st, owners); err != nil {
		return err
	}
	runs := append([]int{0}, workers...)
	for _, k := range runs {
		if err := putDueDocuments(ctx, st, owners, scanNow, 0); err != nil {
			return err
		}
		r := pipeResult{Name: "single loop (today)", Workers: k, Due: due}
		b.count.start()
		t0 := time.Now()
		if k == 0 {
			sc, err := app.Scanner(cfg, b.cl, slog.New(slog.DiscardHandler))
			if err != nil {
				return err
			}
			// one run takes everything: MaxPerRun is split evenly over the
			// shards, and one shard may hold any part of the backlog
			sc.MaxPerRun = due * (store.UrgentShards + store.DocumentShards)
			sum, err := sc.Run(ctx, scanNow)
			if err != nil {
				return err
			}
			r.Sent, r.Jobs = sum.Sent, 1
		} else {
			r.Name = fmt.Sprintf("pipeline, %d worker%s", k, map[bool]string{true: "s"}[k > 1])
			sent, jobs, err := b.drainWithWorkers(ctx, cfg, fmt.Sprintf("bench-pipe%d-", k), k)
			if err != nil {
				return err
			}
			r.Sent, r.Jobs = sent, jobs
		}
		r.Wall = time.Since(t0)
		for _, c := range b.count.stop().calls {
			switch c.Op {
			case "PublishBatch", "Publish", "SendMessageBatch", "ReceiveMessage", "DeleteMessage":
				if c.Op == "PublishBatch" {
					if in, ok := c.Input.(*sns.PublishBatchInput); ok && !c.Err {
						r.Published += len(in.PublishBatchRequestEntries)
					}
				}
			default:
				r.Calls++
				if c.Capacity >= 0 {
					r.WRU += c.Write
					r.RRU += c.Read
				}
			}
		}
		b.logf("pipeline: %s sent %d of %d in %s (%d jobs)", r.Name, r.Sent, due, r.Wall.Round(time.Millisecond), r.Jobs)
		rep.Pipeline = append(rep.Pipeline, r)
	}
	return nil
}

// drainWithWorkers dispatches at scanNow into fresh job queues and runs k
// workers as goroutines on them until both are empty; it returns the
// reminders sent and the jobs drained.
func (b *bench) drainWithWorkers(ctx context.Context, cfg core.Config, prefix string, k int) (int, int, error) {
	urls, err := queue.Ensure(ctx, b.cl.AWS, prefix)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		for _, u := range urls {
			_, _ = b.sqs.DeleteQueue(context.WithoutCancel(ctx), &sqs.DeleteQueueInput{QueueUrl: aws.String(u)})
		}
	}()
	p := pipeline.Config{Queues: urls, Rates: reminders.Rates{}, Workers: k}
	log := slog.New(slog.DiscardHandler)
	if _, err := app.Dispatcher(cfg, p, b.cl, log).Dispatch(ctx, scanNow); err != nil {
		return 0, 0, err
	}
	w, err := app.Worker(cfg, p, b.cl, log)
	if err != nil {
		return 0, 0, err
	}
	w.Limits = nil
	jobs := &queue.Jobs{AWS: b.cl.AWS, URLs: urls}
	var (
		mu         sync.Mutex
		sent, runs int
		firstErr   error
		wg         sync.WaitGroup
	)
	for i := range k {
		wg.Go(func() {
			for empty := 0; empty < 2*len(reminders.Classes); {
				class := reminders.Classes[(i+empty)%len(reminders.Classes)]
				got, err := jobs.Receive(ctx, class, 1, 0)
				if err == nil && len(got) == 0 {
					empty++
					time.Sleep(20 * time.Millisecond)
					continue
				}
				empty = 0
				var sum reminders.Summary
				if err == nil {
					sum, err = w.Drain(ctx, got[0].Job)
				}
				if err == nil {
					err = jobs.Done(ctx, got[0])
				}
				mu.Lock()
				sent += sum.Sent
				runs++
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return sent, runs, firstErr
}

// putProfiles gives each owner a profile whose phone and e-mail are proved:
// nothing is sent to an unproved contact.
func putProfiles(ctx context.Context, st *allstore.Store, owners []string) error {
	return parallel(ctx, 8, len(owners), func(i int) error {
		return st.PutProfile(ctx, registry.Profile{Owner: owners[i], TimeZone: "Europe/Moscow", Language: "ru",
			Email: owners[i] + "@example.test", Phone: "+79990000001", PhoneVerified: true, EmailVerified: true, Channels: registry.Channels{SMS: true, Email: true},
			Version: 1, UpdatedAt: scanNow}, 0)
	})
}

// putDueDocuments gives each owner a new document whose 30-day reminder is
// due at at (plus i*step for the i-th), in bulk.
func putDueDocuments(ctx context.Context, st *allstore.Store, owners []string, at time.Time, step time.Duration) error {
	msk, _ := time.LoadLocation("Europe/Moscow")
	exp := civil.Date{Year: 2026, Month: 12, Day: 31}
	docs := make([]registry.Document, 0, len(owners))
	for i, o := range owners {
		d := registry.Document{ID: ids.New(), Owner: o, Type: registry.Custom, Title: "Document", ExpiresOn: &exp,
			ExpiresOnSource: registry.SourceUser, Source: registry.SourceUser, CreatedAt: at, UpdatedAt: at, Version: 1}
		d.Reminder = d.Schedule(msk, at.Add(-24*time.Hour))
		due := at.Add(time.Duration(i) * step)
		d.Reminder.NextAt = &due
		docs = append(docs, d)
	}
	return st.PutDocuments(ctx, docs)
}

// lateSizes is the simulated peak: document reminders due at 09:00 and
// booking reminders due from 09:05 to 10:00.
func (b *bench) lateSizes() (docs, bookings int) {
	if b.o.Quick {
		return 100, 10
	}
	return 3_000, 110
}

// Send rates of the simulated peak: SNS's default SMS quota, its e-mail
// delivery rate, and the publish quota, for the whole account.
var peakRates = reminders.Rates{SMS: 20, Email: 10, Publish: 1500}

// pipelineLateness runs a 09:00 peak on a simulated clock, once through the
// pipeline (dispatch every minute, urgent jobs first, continuations, one
// pace for the account) and once through the single loop of today (every
// 15 minutes, 2,000 items a run, oldest first, the same pace), and measures
// each class's lateness: publish time − due time on that clock.
func (b *bench) pipelineLateness(ctx context.Context, rep *report) error {
	for _, design := range []string{"pipeline", "single loop"} {
		rows, err := b.latenessOf(ctx, design)
		if err != nil {
			return fmt.Errorf("%s: %w", design, err)
		}
		rep.Lateness = append(rep.Lateness, rows...)
	}
	return nil
}

// simClock is the simulated wall clock: it moves only when told.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}
func (c *simClock) Sleep(_ context.Context, d time.Duration) error { c.Set(c.Now().Add(d)); return nil }

// stamping publishes through next and notes each message's simulated
// publish time; with lim it paces as a worker does (for the single loop,
// which has no pace of its own).
type stamping struct {
	next  message.Publisher
	clock *simClock
	lim   *pace.Limits
	mu    sync.Mutex
	at    map[string]time.Time // message id → publish time
}

func (s *stamping) Publish(ctx context.Context, msgs []message.Message) map[string]error {
	if s.lim == nil {
		s.stamp(msgs)
		return s.next.Publish(ctx, msgs)
	}
	failed := map[string]error{}
	var batch []message.Message
	flush := func() {
		if len(batch) > 0 {
			s.stamp(batch)
			for id, err := range s.next.Publish(ctx, batch) {
				failed[id] = err
			}
			batch = nil
		}
	}
	for _, m := range msgs {
		for {
			d := s.lim.Take(s.clock.Now(), m.Attributes[message.AttrChannel], "publish")
			if d == 0 {
				batch = append(batch, m)
				if len(batch) == 10 {
					flush()
				}
				break
			}
			flush()
			_ = s.clock.Sleep(ctx, d)
		}
	}
	flush()
	return failed
}

func (s *stamping) stamp(msgs []message.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	for _, m := range msgs {
		s.at[m.ID] = now
	}
}

// latenessOf builds the peak on a fresh table and drains it by design.
func (b *bench) latenessOf(ctx context.Context, design string) ([]lateRow, error) {
	nDocs, nBookings := b.lateSizes()
	table, done, err := b.table(ctx, "late")
	if err != nil {
		return nil, err
	}
	defer done()
	topic, err := b.cl.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench-late-reminders")})
	if err != nil {
		return nil, err
	}
	st := allstore.New(b.raw, table)
	clock := &simClock{t: scanNow.Add(-3 * time.Hour)}
	// Documents: the 30-day reminder of each, due at 09:00 Moscow.
	docOwners := make([]string, nDocs)
	for i := range docOwners {
		docOwners[i] = fmt.Sprintf("d%06d", i)
	}
	if err := putProfiles(ctx, st, docOwners); err != nil {
		return nil, err
	}
	if err := putDueDocuments(ctx, st, docOwners, scanNow, 0); err != nil {
		return nil, err
	}
	// Bookings of a Kaliningrad therapist starting 11:05-12:00 Moscow,
	// made at 08:00 Moscow: their "in 2 hours" falls due 09:05-10:00.
	insts, specs := directory.Demo()
	if err := st.PutDirectory(ctx, insts, specs); err != nil {
		return nil, err
	}
	const spec, inst = "spec-kgd-01-1", "inst-kgd-01"
	var slots []booking.Slot
	for m := range 56 { // one a minute; several people per slot
		start := scanNow.Add(2*time.Hour + time.Duration(5+m)*time.Minute)
		slots = append(slots, booking.Slot{SpecialistID: spec, InstitutionID: inst, Start: start, End: start.Add(time.Minute),
			Capacity: 1 + nBookings/56, MaxPerDay: 10 * nBookings})
	}
	if _, err := st.PutSlots(ctx, slots); err != nil {
		return nil, err
	}
	bookAt := scanNow.Add(-time.Hour)
	places := &directory.Cache{Load: st.LoadDirectory, Now: func() time.Time { return bookAt }}
	svc := &booking.Service{Store: st, Places: places, Profiles: st, Now: func() time.Time { return bookAt }, NewID: ids.New}
	bookOwners := make([]string, nBookings)
	for i := range bookOwners {
		bookOwners[i] = fmt.Sprintf("b%06d", i)
	}
	if err := putProfiles(ctx, st, bookOwners); err != nil {
		return nil, err
	}
	dueOf := map[string]time.Time{} // item id → due
	classOf := map[string]string{}
	for i, o := range bookOwners {
		bk, _, err := svc.Book(ctx, o, booking.BookInput{SlotID: booking.SlotID(spec, slots[i%len(slots)].Start), Mode: directory.ModeInPerson}, nil)
		if err != nil {
			return nil, fmt.Errorf("book %d: %w", i, err)
		}
		if bk.Reminder.NextAt == nil {
			return nil, fmt.Errorf("booking %d has no reminder", i)
		}
		dueOf[bk.ID], classOf[bk.ID] = *bk.Reminder.NextAt, string(reminders.ClassUrgent)
	}
	// the documents' ids
	for n := range store.DocumentShards {
		cursor := ""
		for {
			page, next, _, err := st.DueItems(ctx, reminders.ClassDocument, n, scanNow, 100, cursor)
			if err != nil {
				return nil, err
			}
			for _, d := range page {
				dueOf[d.Document.ID], classOf[d.Document.ID] = *d.Document.Reminder.NextAt, string(reminders.ClassDocument)
			}
			if next == "" {
				break
			}
			cursor = next
		}
	}

	pub := &stamping{next: &notify.Publisher{SNS: b.cl.SNS, TopicARN: aws.ToString(topic.TopicArn)}, clock: clock, at: map[string]time.Time{}}
	// allSent tells when every measured reminder went out on both channels;
	// other messages (a booking's confirmation) do not count towards it.
	allSent := func() bool {
		sent := map[string]int{}
		for id := range pub.at {
			item, _, _ := strings.Cut(id, ".")
			sent[item]++
		}
		for item := range classOf {
			if sent[item] < 2 {
				return false
			}
		}
		return true
	}
	log := slog.New(slog.DiscardHandler)
	end := scanNow.Add(4 * time.Hour)
	switch design {
	case "pipeline":
		w := &reminders.Worker{Store: st, Publisher: pub, Places: places, NewID: ids.New, Log: log,
			Clock: clock.Now, Sleep: clock.Sleep, Limits: peakRates.Limits()}
		backlog := &reminders.Backlog{}
		w.Queue = backlog
		d := &reminders.Dispatcher{Store: st, Queue: backlog, Shards: store.DueShards, Log: log}
		for minute := scanNow; minute.Before(end); minute = minute.Add(time.Minute) {
			clock.Set(minute)
			if _, err := d.Dispatch(ctx, minute); err != nil {
				return nil, err
			}
			for clock.Now().Before(minute.Add(time.Minute)) {
				job, ok := backlog.Next()
				if !ok {
					break
				}
				w.Budget = minute.Add(time.Minute).Sub(clock.Now())
				if _, err := w.Drain(ctx, job); err != nil {
					return nil, err
				}
			}
			if allSent() {
				break
			}
		}
	default:
		pub.lim = peakRates.Limits()
		sc := &reminders.Scanner{Store: st, Publisher: pub, Places: places, NewID: ids.New, Log: log,
			Clock: clock.Now, Shards: store.DueShards}
		for run := scanNow; run.Before(end); run = run.Add(15 * time.Minute) {
			clock.Set(run)
			if _, err := sc.Run(ctx, run); err != nil {
				return nil, err
			}
			if allSent() {
				break
			}
		}
	}
	// A reminder is late by its last channel's publish time − its due time.
	last := map[string]time.Time{}
	for id, at := range pub.at {
		item, _, _ := strings.Cut(id, ".")
		if at.After(last[item]) {
			last[item] = at
		}
	}
	var rows []lateRow
	for _, class := range []string{string(reminders.ClassUrgent), string(reminders.ClassDocument)} {
		r := lateRow{Design: design, Class: class}
		var late []time.Duration
		for item, c := range classOf {
			if c != class {
				continue
			}
			r.N++
			if at, ok := last[item]; ok {
				r.Sent++
				late = append(late, max(0, at.Sub(dueOf[item])))
				r.DrainedAt = max(r.DrainedAt, at.Sub(scanNow))
			}
		}
		slices.Sort(late)
		if len(late) > 0 {
			r.P50, r.P99, r.Max = late[len(late)/2], late[min(len(late)-1, len(late)*99/100)], late[len(late)-1]
		}
		rows = append(rows, r)
	}
	b.logf("lateness %s: %+v", design, rows)
	return rows, nil
}

// pipelineMarkdown renders section 6.
func (r *report) pipelineMarkdown(p func(string, ...any)) {
	p("## 6. Reminder pipeline")
	p("")
	p("**Scale-out.** The same backlog of document reminders due at 09:00 Moscow (e-mail and SMS each: two SNS")
	p("messages a reminder), on one table, drained by the single loop of today (`reminders.Scanner`, one run taking")
	p("everything) and by the pipeline: one dispatch into the SQS FIFO job queues (fauxqs), then 1, 2, 4 and 8 workers")
	p("(`reminders.Worker`, goroutines receiving jobs as the Lambda event source would), unpaced: the emulators have no")
	p("quotas. DynamoDB Local and fauxqs run on this machine's cores beside the workers.")
	p("")
	p("| design | workers | due | sent | jobs | wall | reminders / s | ÷ single loop | DynamoDB calls / reminder | WRU / reminder | RRU / reminder | SNS messages |")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|")
	var ref float64
	for _, q := range r.Pipeline {
		if q.Workers == 0 {
			ref = q.PerSecond()
		}
		ratio := "—"
		if ref > 0 {
			ratio = x(q.PerSecond() / ref)
		}
		per := float64(max(q.Sent, 1))
		p("| %s | %d | %d | %d | %d | %s | %.0f | %s | %.2f | %.2f | %.2f | %d |", q.Name, q.Workers, q.Due, q.Sent, q.Jobs,
			q.Wall.Round(time.Millisecond), q.PerSecond(), ratio, float64(q.Calls)/per, q.WRU/per, q.RRU/per, q.Published)
	}
	p("")
	p("Where it stops growing is this machine, not the design: the workers, DynamoDB Local (one JVM) and fauxqs (one")
	p("Node process) share %d cores, and every reminder is a handful of DynamoDB calls (profile, claim, complete,", r.Machine.CPUs)
	p("advance) on one local process. In AWS each worker is its own Lambda, DynamoDB spreads the due index's shards")
	p("over partitions, and the limits are the quotas the national model below names.")
	p("")
	p("**Lateness under a peak**, on a simulated clock that moves only by the schedule and by the pace's waits (DynamoDB")
	p("Local's and fauxqs's own time is not counted: this measures the scheduling, not the emulators). Document reminders")
	p("fall due at 09:00, booking reminders (\"in 2 hours\", the urgent class) from 09:05 to 10:00; the account sends")
	p("%.0f SMS, %.0f e-mails and %.0f publishes a second. The pipeline dispatches every minute, drains urgent jobs first and",
		peakRates.SMS, peakRates.Email, peakRates.Publish)
	p("continues unfinished jobs; the single loop runs every 15 minutes, takes 2,000 items, oldest first, at the same pace.")
	p("")
	p("| design | class | reminders | sent | p50 late | p99 late | max late | last sent after 09:00 |")
	p("|---|---|---|---|---|---|---|---|")
	for _, l := range r.Lateness {
		p("| %s | %s | %d | %d | %s | %s | %s | %s |", l.Design, l.Class, l.N, l.Sent, l.P50.Round(time.Second),
			l.P99.Round(time.Second), l.Max.Round(time.Second), l.DrainedAt.Round(time.Second))
	}
	p("")
	p("Target: booking reminders p99 late ≤ one scheduling period (1 min) plus their own send time, whatever the")
	p("document backlog; documents drain at the account's e-mail and SMS rates.")
	p("")
	if in, ok := r.nationalInputs(); ok {
		p("**At national scale**, on paper from the figures above.")
		p("")
		for _, l := range nationalMarkdown(in, nationalModel(in, []float64{1e6, 10e6, 112e6}), "the 1-worker pipeline row; DynamoDB Local's latency makes it a floor") {
			p("%s", l)
		}
		p("")
	}
}

// nationalInputs are the model's inputs from the scale-out table's
// one-worker row.
func (r *report) nationalInputs() (nationalInputs, bool) {
	for _, q := range r.Pipeline {
		if q.Workers == 1 && q.Sent > 0 {
			return nationalInputs{
				PerWorker:           q.PerSecond(),
				MessagesPerReminder: float64(q.Published) / float64(q.Sent),
				SMSPerReminder:      1, // every reminder also by SMS and e-mail: the worst case
				EmailPerReminder:    1,
				WRUPerReminder:      q.WRU / float64(q.Sent),
				// an advance moves the item in the due index: its old entry
				// out, its new one in
				IndexWritesPerRemind: 2,
			}, true
		}
	}
	return nationalInputs{}, false
}
