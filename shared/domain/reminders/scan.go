package reminders

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/message"
)

// Defaults of a Scanner and a Worker.
const (
	DefaultPageSize  = 100
	DefaultMaxPerRun = 2000
	DefaultLease     = 5 * time.Minute
	DefaultChunk     = 50
	// deadlineMargin is the time left before the Lambda deadline at which a
	// run stops taking new work, so what it started is finished and recorded.
	deadlineMargin = 5 * time.Second
)

// Scanner is the single loop the expiry scan was before the pipeline: one
// run reads every shard of every class, takes up to MaxPerRun items, oldest
// due first whatever their class, and works through them. It is what the
// expiry-scan function runs, and the reference the benchmark measures the
// pipeline (Dispatcher and Worker) against; nobody else calls it.
type Scanner struct {
	Store     Store
	Publisher message.Publisher
	// Places names a booking's institution and specialist in its reminder;
	// optional: without it (or when they cannot be found) the reminder
	// gives the time and the booking's number only.
	Places Places
	// Deadlines refuses (or reminds about) applications whose response
	// deadline is due; optional: without it they stay due, counted failed.
	Deadlines Deadlines
	// Offers ends lapsed waiting-list offers; optional (without it they
	// stay due).
	Offers Offers
	// GrownUps offers the hand-over of a child's documents at 18 and
	// archives them at its deadline; optional (without it they stay due).
	GrownUps GrownUps
	// Erasures runs people's erasures a page a visit; optional (without
	// it they stay due).
	Erasures Erasures
	NewID    func() string
	Log      *slog.Logger
	// Clock is the wall clock claims' leases are measured on; time.Now
	// when nil.
	Clock     func() time.Time
	Shards    map[Class]int // due-index shards of each class, queried in parallel
	PageSize  int           // items per due-index query
	MaxPerRun int           // due items one run takes on; the rest waits for the next run
	Lease     time.Duration // how long a claimed decision is this run's alone
	Chunk     int           // due items decided and published together
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
	if s.Clock == nil {
		s.Clock = time.Now
	}
}

// Run sends every reminder due at now. It stops taking new work shortly
// before ctx's deadline and after MaxPerRun items; what is left stays due
// for the next run. A reminder is published before it is marked sent, so a
// failure never loses one; a crash between the two may repeat one message.
// Errors: Unavailable when the due index cannot be read at all.
func (s *Scanner) Run(ctx context.Context, now time.Time) (Summary, error) {
	s.defaults()
	start := s.Clock()
	now = now.UTC()
	sum := Summary{Now: now, ByKind: map[string]Counts{}, Complete: true}
	due, read, complete, err := s.collect(ctx, now)
	sum.Read = read
	if err != nil {
		return sum, err
	}
	sum.Complete = complete
	r := newSender(now, &sum)
	r.store, r.publish, r.places, r.newID, r.log, r.lease, r.clock = s.Store, s.Publisher.Publish, s.Places, s.NewID, s.Log, s.Lease, s.Clock
	r.deadlines = s.Deadlines
	r.offers = s.Offers
	r.grownUps = s.GrownUps
	r.erasures = s.Erasures
	for chunk := range slices.Chunk(due, s.Chunk) {
		if nearDeadline(ctx, s.Clock) {
			sum.Complete = false
			break
		}
		r.chunk(ctx, chunk)
	}
	sum.ElapsedMs = s.Clock().Sub(start).Milliseconds()
	s.Log.Info("expiry scan", "now", now, "read", sum.Read, "due", sum.Due, "sent", sum.Sent,
		"failed", sum.Failed, "skipped", sum.Skipped, "complete", sum.Complete, "elapsedMs", sum.ElapsedMs)
	return sum, nil
}

// nearDeadline reports whether ctx ended or its deadline is within
// deadlineMargin of clock.
func nearDeadline(ctx context.Context, clock func() time.Time) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && d.Sub(clock()) < deadlineMargin
}

// shardRef is one shard of one class.
type shardRef struct {
	class Class
	shard int
}

func (s *Scanner) shards() []shardRef {
	var out []shardRef
	for _, c := range Classes {
		for n := range s.Shards[c] {
			out = append(out, shardRef{c, n})
		}
	}
	return out
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
	shards := s.shards()
	perShard := max(1, (s.MaxPerRun+len(shards)-1)/max(1, len(shards)))
	for _, sh := range shards {
		wg.Go(func() {
			cursor, taken := "", 0
			for {
				page, next, n, err := s.Store.DueItems(ctx, sh.class, sh.shard, now, min(s.PageSize, perShard-taken), cursor)
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
		})
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
