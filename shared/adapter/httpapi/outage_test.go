package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/internal/emulators"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestDynamoDBStoppedMidRun stops DynamoDB Local under a running write
// load, checks every answer was a success or a 503 with Retry-After (never
// a 500), starts it again on the same data, and checks the data is
// consistent: every document's history has exactly one entry per version,
// so no change was kept without its history or history without its change.
func TestDynamoDBStoppedMidRun(t *testing.T) {
	emutest.Need(t) // region and credentials in the environment; this test runs its own DynamoDB
	ctx := context.Background()
	dir := t.TempDir()
	stack, err := emulators.Start(ctx, emulators.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stack.Stop() }()
	u, _ := url.Parse(stack.DynamoDBEndpoint)
	port, _ := strconv.Atoi(u.Port())

	cl, err := core.NewClients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl.DynamoDB = dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(stack.DynamoDBEndpoint) })
	if err := store.EnsureTable(ctx, cl.DynamoDB, "outage"); err != nil {
		t.Fatal(err)
	}
	issuer := newEnvIssuer(t)
	srv := httptest.NewServer(apiHandler(t, core.Config{Table: "outage"}, cl, nil, time.Now, slog.New(slog.DiscardHandler), issuer.verifier.Authenticate))
	defer srv.Close()
	e := &env{t: t, srv: srv}

	const writers = 6
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		noRetry  int
		wg       sync.WaitGroup
		stop     = make(chan struct{})
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := fmt.Sprintf("w%d", w)
			tok, _ := issuer.Issue(httpapi.Identity{Sub: sub})
			version, id := 0, ""
			for {
				select {
				case <-stop:
					return
				default:
				}
				var r resp
				if id == "" {
					// with a key, as clients retry: a create whose answer was
					// a 503 may have landed, and its retry must not make a second
					r = e.do(req{method: "POST", path: "/documents", token: tok, body: map[string]any{"type": "custom", "title": "t"},
						header: map[string]string{"Idempotency-Key": "outage-" + sub}})
					if r.status == 201 {
						id, version = r.json(t)["id"].(string), 1
					}
				} else {
					r = e.do(req{method: "PATCH", path: "/documents/" + id, token: tok, body: map[string]any{"title": fmt.Sprint("t", version)},
						header: map[string]string{"If-Match": strconv.Quote(strconv.Itoa(version))}})
					switch r.status {
					case 200:
						version++
					case 412: // a 503 whose write did land: read the version again
						if g := e.do(req{method: "GET", path: "/documents/" + id, token: tok}); g.status == 200 {
							version = int(g.json(t)["version"].(float64))
						}
					}
				}
				mu.Lock()
				statuses[r.status]++
				if r.status == 503 && r.header.Get("Retry-After") == "" {
					noRetry++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := stack.Stop(); err != nil { // DynamoDB (and fauxqs) go away mid-run
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	stack, err = emulators.Start(ctx, emulators.Options{DataDir: dir, DynamoDBPort: port})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	if statuses[503] == 0 || statuses[200]+statuses[201] == 0 {
		t.Fatalf("the outage was not seen, or nothing succeeded: %v", statuses)
	}
	for code := range statuses {
		if code != 200 && code != 201 && code != 412 && code != 503 {
			t.Errorf("status %d answered %d times during the outage (%v)", code, statuses[code], statuses)
		}
	}
	if noRetry > 0 {
		t.Errorf("%d answers were 503 without Retry-After", noRetry)
	}
	st := allstore.New(cl.DynamoDB, "outage")
	for w := range writers {
		owner := fmt.Sprintf("w%d", w)
		docs, _, err := st.ListDocuments(ctx, owner, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) > 1 {
			t.Errorf("%s has %d documents, want at most 1", owner, len(docs))
		}
		for _, d := range docs {
			hist, _, err := st.ListHistory(ctx, owner, d.ID, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			created, updated := 0, 0
			for _, ev := range hist {
				switch ev.Action {
				case registry.ActionCreated:
					created++
				case registry.ActionUpdated:
					updated++
				}
			}
			if created != 1 || updated != d.Version-1 {
				t.Errorf("%s: version %d with %d created and %d updated history entries", owner, d.Version, created, updated)
			}
		}
	}
	t.Logf("answers during the run: %v", statuses)
}
