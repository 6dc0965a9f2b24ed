package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
)

// The operations of the mix and their weights (percent).
const (
	opListDocs   = "list documents"
	opCreateDoc  = "create document"
	opListSlots  = "list free slots"
	opBook       = "book a slot"
	opCancel     = "cancel a booking"
	opListNotifs = "list notifications"
)

var mix = []struct {
	op     string
	weight int
}{
	{opListDocs, 30}, {opCreateDoc, 10}, {opListSlots, 25}, {opBook, 15}, {opCancel, 10}, {opListNotifs, 10},
}

var opOrder = []string{opListDocs, opCreateDoc, opListSlots, opBook, opCancel, opListNotifs}

func pick(r *mrand.Rand) string {
	n := r.IntN(100)
	for _, m := range mix {
		if n < m.weight {
			return m.op
		}
		n -= m.weight
	}
	return mix[len(mix)-1].op
}

// sample is one request's outcome.
type sample struct {
	op      string
	status  int // 0: transport error
	latency time.Duration
}

// booked is a booking a client saw created.
type booked struct {
	ID, SlotID, Owner string
	Cancelled         bool // a cancel answered 200
}

// worker is one virtual user: a citizen with a token.
type worker struct {
	base   string
	client *http.Client
	token  string
	sub    string
	rnd    *mrand.Rand
	specs  []directory.Specialist

	slots   map[string][]string // free slot ids last seen, by specialist
	mine    []*booked
	samples []sample
	tried   map[string]bool // slot ids a booking was attempted on
	errs    []string        // first few unexpected answers, for the report
}

// drive runs the workers until the duration ends or the request budget is spent.
func drive(ctx context.Context, base string, o options) (*result, error) {
	if err := loopbackOnly(base); err != nil {
		return nil, err
	}
	_, specs := directory.Demo()
	tr := &http.Transport{MaxIdleConns: o.Workers * 2, MaxIdleConnsPerHost: o.Workers * 2, IdleConnTimeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	run := randHex(4)

	workers := make([]*worker, o.Workers)
	for i := range workers {
		w := &worker{base: base, client: client, sub: fmt.Sprintf("load-%s-%03d", run, i), specs: specs,
			rnd: mrand.New(mrand.NewPCG(uint64(i)+1, uint64(time.Now().UnixNano()))), slots: map[string][]string{}, tried: map[string]bool{}}
		tok, err := w.devToken(ctx)
		if err != nil {
			return nil, err
		}
		w.token = tok
		workers[i] = w
	}

	var budget atomic.Int64
	budget.Store(o.MaxRequests)
	lctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			// requests in flight when the time is up finish (on ctx), so
			// every booking and cancel has a known answer
			for lctx.Err() == nil && budget.Add(-1) >= 0 {
				w.step(ctx)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return summarise(workers, elapsed, o), nil
}

// loopbackOnly refuses to send load anywhere but this machine.
func loopbackOnly(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("load: %s is not a loopback address", base)
	}
	return nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (w *worker) devToken(ctx context.Context) (string, error) {
	body, _ := json.Marshal(map[string]any{"sub": w.sub, "groups": []string{"citizen"}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/dev/token", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Token == "" {
		return "", fmt.Errorf("dev token for %s: status %d, %v", w.sub, resp.StatusCode, err)
	}
	return out.Token, nil
}

// do sends one request and records its sample. A request cut short by an
// interrupt is not recorded.
func (w *worker) do(ctx context.Context, op, method, path string, body any, header map[string]string) (int, []byte, bool) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, rd)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	t0 := time.Now()
	resp, err := w.client.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	lat := time.Since(t0)
	if ctx.Err() != nil {
		return 0, nil, false // interrupted
	}
	status := 0
	if err == nil {
		status = resp.StatusCode
	}
	w.samples = append(w.samples, sample{op: op, status: status, latency: lat})
	if (status == 0 || status >= 500) && len(w.errs) < 5 {
		msg := fmt.Sprintf("%s %s: %d %s", method, path, status, truncate(data, 300))
		if err != nil {
			msg += " " + err.Error()
		}
		w.errs = append(w.errs, msg)
	}
	return status, data, err == nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func (w *worker) step(ctx context.Context) {
	switch pick(w.rnd) {
	case opListDocs:
		w.do(ctx, opListDocs, http.MethodGet, "/documents?limit=20", nil, nil)
	case opCreateDoc:
		body := map[string]any{"type": "custom", "title": "Нагрузочный тест", "number": randHex(4),
			"issuedOn": "2025-01-15", "expiresOn": "2030-01-15"}
		w.do(ctx, opCreateDoc, http.MethodPost, "/documents", body, map[string]string{"Idempotency-Key": "load-" + randHex(12)})
	case opListSlots:
		w.listSlots(ctx, w.specs[w.rnd.IntN(len(w.specs))])
	case opBook:
		w.book(ctx)
	case opCancel:
		w.cancel(ctx)
	case opListNotifs:
		w.do(ctx, opListNotifs, http.MethodGet, "/notifications?limit=20", nil, nil)
	}
}

func (w *worker) listSlots(ctx context.Context, sp directory.Specialist) {
	status, data, ok := w.do(ctx, opListSlots, http.MethodGet, "/specialists/"+sp.ID+"/slots", nil, nil)
	if !ok || status != http.StatusOK {
		return
	}
	var out struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if json.Unmarshal(data, &out) != nil {
		return
	}
	ids := make([]string, 0, len(out.Items))
	for _, it := range out.Items {
		ids = append(ids, it.ID)
	}
	w.slots[sp.ID] = ids
}

// book takes a random free slot of a specialist whose free slots this user
// has listed (listing one first when it has none), in a mode the
// specialist offers, under a fresh Idempotency-Key.
func (w *worker) book(ctx context.Context) {
	var known []string
	for id, s := range w.slots {
		if len(s) > 0 {
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		w.listSlots(ctx, w.specs[w.rnd.IntN(len(w.specs))])
		return
	}
	slices.Sort(known)
	specID := known[w.rnd.IntN(len(known))]
	free := w.slots[specID]
	i := w.rnd.IntN(len(free))
	slot := free[i]
	w.slots[specID] = slices.Delete(slices.Clone(free), i, i+1)
	mode := "in_person"
	for _, sp := range w.specs {
		if sp.ID == specID && len(sp.Modes) > 0 && !slices.Contains(sp.Modes, "in_person") {
			mode = sp.Modes[0]
		}
	}
	w.tried[slot] = true
	body := map[string]any{"slotId": slot, "mode": mode, "contactPhone": "+79161234567"}
	status, data, ok := w.do(ctx, opBook, http.MethodPost, "/bookings", body, map[string]string{"Idempotency-Key": "load-" + randHex(12)})
	if !ok || status != http.StatusCreated {
		return
	}
	var out struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &out) == nil && out.ID != "" {
		w.mine = append(w.mine, &booked{ID: out.ID, SlotID: slot, Owner: w.sub})
	}
}

// cancel cancels one of the user's own confirmed bookings.
func (w *worker) cancel(ctx context.Context) {
	var open []*booked
	for _, b := range w.mine {
		if !b.Cancelled {
			open = append(open, b)
		}
	}
	if len(open) == 0 {
		w.do(ctx, opListNotifs, http.MethodGet, "/notifications?limit=20", nil, nil)
		return
	}
	b := open[w.rnd.IntN(len(open))]
	status, _, ok := w.do(ctx, opCancel, http.MethodPost, "/bookings/"+b.ID+"/cancel", map[string]any{"reason": "нагрузочный тест"}, nil)
	if ok && status == http.StatusOK {
		b.Cancelled = true
	}
}
