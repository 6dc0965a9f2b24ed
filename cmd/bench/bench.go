package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/kabinet/kabinet/internal/devapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/directory"
)

// bench holds what every measurement shares.
type bench struct {
	o      options
	cl     core.Clients // DynamoDB and SNS clients with the counter installed
	raw    *dynamodb.Client
	sqs    *sqs.Client // the reminder pipeline's job queues (not counted)
	count  *counter
	issuer *devapi.TokenIssuer
	verify *httpapi.TokenVerifier
	clock  *clock
}

// clock is the services' and the tokens' settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// benchMonday is the clock of the HTTP measurements: Monday 2026-06-15
// 06:00 UTC (08:00 in Kaliningrad, where the booked specialist works).
var benchMonday = time.Date(2026, 6, 15, 6, 0, 0, 0, time.UTC)

func newBench(ctx context.Context, o options) (*bench, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	base, err := core.NewClients(ctx)
	if err != nil {
		return nil, err
	}
	cnt := &counter{}
	cl := core.Clients{AWS: base.AWS,
		DynamoDB: dynamodb.NewFromConfig(base.AWS, func(op *dynamodb.Options) { op.APIOptions = append(op.APIOptions, cnt.apiOption) }),
		SNS:      sns.NewFromConfig(base.AWS, func(op *sns.Options) { op.APIOptions = append(op.APIOptions, cnt.apiOption) }),
	}
	// The local tokens are RS256, as Cognito's (devapi.TokenIssuer).
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	clk := &clock{t: benchMonday}
	return &bench{o: o, cl: cl, raw: base.DynamoDB, sqs: sqs.NewFromConfig(base.AWS), count: cnt, clock: clk,
		issuer: &devapi.TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: 24 * time.Hour, Now: clk.Now},
		verify: &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: clk.Now},
	}, nil
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.o.Log, "bench: "+format+"\n", args...)
}

// table creates a fresh table and deletes it when the run is over... or
// rather at once when done is called, to keep DynamoDB Local's memory low.
// It has no change stream: no part of the benchmark reads one (the
// dashboards' part feeds the aggregator directly), and DynamoDB Local's
// makes every write dearer as a table grows, which AWS's does not
// (store.EnsureTableWithoutStream): with it the expiry scan's part took
// 5 min instead of 1 and DynamoDB Local fell behind the contention part
// that followed.
func (b *bench) table(ctx context.Context, prefix string) (string, func(), error) {
	var r [4]byte
	_, _ = rand.Read(r[:])
	name := "bench-" + prefix + "-" + hex.EncodeToString(r[:])
	if err := store.EnsureTableWithoutStream(ctx, b.raw, name); err != nil {
		return "", nil, err
	}
	return name, func() {
		_, _ = b.raw.DeleteTable(context.WithoutCancel(ctx), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	}, nil
}

// handler is the whole HTTP API on table, with the counted clients, the
// bench clock and the bench's token verifier.
func (b *bench) handler(table string, withDirectory bool, ctx context.Context) (http.Handler, error) {
	if withDirectory {
		insts, specs := directory.Demo()
		if err := allstore.New(b.raw, table).PutDirectory(ctx, insts, specs); err != nil {
			return nil, err
		}
	}
	_, ticketKey, _ := ed25519Key()
	log := slog.New(slog.DiscardHandler)
	h, _, err := app.Handler(core.Config{Table: table}, b.cl, ticketKey, b.clock.Now, log, b.verify.Authenticate)
	return h, err
}

func (b *bench) token(sub string, groups ...string) string {
	if len(groups) == 0 {
		groups = []string{"citizen"}
	}
	tok, err := b.issuer.Issue(httpapi.Identity{Sub: sub, Groups: groups})
	if err != nil {
		panic(err)
	}
	return tok
}

// serve runs one request through h in process and returns the recorder
// and the time ServeHTTP took.
func serve(h http.Handler, method, path, token string, body string, header map[string]string) (*httptest.ResponseRecorder, time.Duration) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	t0 := time.Now()
	h.ServeHTTP(w, r)
	return w, time.Since(t0)
}

// machineInfo describes where the figures were taken.
type machineInfo struct {
	CPUs      int
	GoVersion string
	CPUModel  string
	OS        string
}

func machine() machineInfo {
	m := machineInfo{CPUs: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, GoVersion: runtime.Version(), CPUModel: "unknown"}
	if out, err := exec.Command("nproc").Output(); err == nil {
		fmt.Sscan(string(out), &m.CPUs)
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(out))
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// percentile of ds (sorted copy), p in [0,100], nearest rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p/100*float64(len(s)) + 0.5)
	i = min(max(i-1, 0), len(s)-1)
	if p == 50 {
		if len(s)%2 == 1 {
			return s[len(s)/2]
		}
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[i]
}

func median(ds []time.Duration) time.Duration { return percentile(ds, 50) }
