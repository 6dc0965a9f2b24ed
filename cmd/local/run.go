package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/apidocs"
	"github.com/kabinet/kabinet/internal/devapi"
	"github.com/kabinet/kabinet/internal/emulators"
	"github.com/kabinet/kabinet/internal/streamfeed"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/adapter/pades"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/adapter/signatures"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/aggregate"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/pipeline"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/reminders"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// Local names. The table and topic shapes come from shared/adapter/store and shared/adapter/notify.
const (
	tableName  = "kabinet-local"
	outboxName = "kabinet-local-outbox"
	tokenTTL   = 12 * time.Hour
)

// run starts the stack and serves until ctx ends. When ready is not nil it
// receives the server's base URL once everything answers (tests use it).
func run(ctx context.Context, getenv func(string) string, out io.Writer, ready chan<- string) error {
	dir, err := localDir(getenv)
	if err != nil {
		return err
	}
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		return fmt.Errorf("listen on 127.0.0.1:%s (set PORT to use another port): %w", port, err)
	}
	defer ln.Close()

	emuLog, err := os.OpenFile(filepath.Join(dir, "emulators.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer emuLog.Close()
	fmt.Fprintln(out, "starting DynamoDB Local, fauxqs and s3rver ...")
	opts := emulators.Options{DataDir: filepath.Join(dir, "dynamodb"), Log: emuLog}
	if getenv("KABINET_LOCAL_MEMORY") == "1" {
		opts.DataDir = "" // nothing kept: the whole-system tests start afresh each time
	}
	stack, err := emulators.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer stack.Stop()
	if err := stack.Setenv(); err != nil {
		return err
	}

	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	if err := store.EnsureTable(ctx, cl.DynamoDB, tableName); err != nil {
		return err
	}
	// Data of an older checkout keeps its due items in the partitions the
	// due index had before it had classes.
	if _, err := allstore.New(cl.DynamoDB, tableName).MoveLegacyDue(ctx); err != nil {
		return err
	}
	snsc, sqsc := sns.NewFromConfig(cl.AWS), sqs.NewFromConfig(cl.AWS)
	topics, err := ensureTopics(ctx, snsc)
	if err != nil {
		return err
	}
	outbox, err := newOutbox(ctx, snsc, sqsc, topics[notify.Reminders.Env], outboxName, out)
	if err != nil {
		return err
	}
	queues, err := queue.Ensure(ctx, cl.AWS, "kabinet-local-")
	if err != nil {
		return err
	}
	key, err := loadOrCreateKey(filepath.Join(dir, "keys", "dev-signing-key.pem"))
	if err != nil {
		return err
	}
	ticketKey, err := ticket.LoadOrCreateKey(filepath.Join(dir, "keys", "ticket-signing-key.pem"))
	if err != nil {
		return err
	}
	cursorKey, err := loadOrCreateSecret(filepath.Join(dir, "keys", "cursor.key"), 32)
	if err != nil {
		return err
	}

	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if getenv("KABINET_LOG") != "" {
		log = slog.New(slog.NewJSONHandler(out, nil))
	}
	if err := ensureBucket(ctx, cl, filesBucket, "http://"+ln.Addr().String()); err != nil {
		return err
	}
	// Detached signatures are checked against a development CA made here
	// once, put where the stack puts its bundle (functions.TrustAnchorsKey
	// in the files bucket), which the functions read on their first check.
	anchors, err := signatures.LocalCA(filepath.Join(dir, "signing-ca"), time.Now())
	if err != nil {
		return err
	}
	if err := objects.New(cl.AWS, filesBucket, true, time.Now).Put(ctx, functions.TrustAnchorsKey, "application/x-pem-file", anchors); err != nil {
		return fmt.Errorf("trust anchors into %s: %w", filesBucket, err)
	}
	// The PDFs Kabinet issues are signed with a development key made here
	// once; in AWS the stack's secret gives PDF_SIGNING_CERT and _KEY.
	pdfDir := filepath.Join(dir, "pdf-signing")
	if _, err := pades.LocalKey(pdfDir, time.Now()); err != nil {
		return err
	}
	pdfCert, err := os.ReadFile(filepath.Join(pdfDir, "cert.pem"))
	if err != nil {
		return err
	}
	pdfKey, err := os.ReadFile(filepath.Join(pdfDir, "key.pem"))
	if err != nil {
		return err
	}
	verifier := &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience}
	cfg := core.Config{Table: tableName, Reminders: topics[notify.Reminders.Env],
		FilesBucket: filesBucket, PathStyle: true, TrustAnchorsKey: functions.TrustAnchorsKey, PDFSigningCert: pdfCert, PDFSigningKey: pdfKey}
	st := allstore.Of(core.NewStore(cfg, cl, time.Now))
	svcs := app.NewServices(cfg, cl, st, ticketKey, time.Now, log)
	// The goroutine workers of this one process share one pace: the
	// account's whole rates, as if WORKER_CONCURRENCY were 1.
	pipe := pipeline.Config{Queues: queues, Rates: reminders.DefaultRates, Workers: 1}
	dispatcher := app.Dispatcher(cfg, pipe, cl, log)
	worker, err := app.Worker(cfg, pipe, cl, log)
	if err != nil {
		return err
	}
	worker.Budget = localJobBudget
	ingestEvent := eventbridge.Events(app.Ingest(cfg, cl, time.Now, log), app.ScanVerdicts(cfg, cl, time.Now))
	// The dashboards' counters follow the table's stream, as the
	// stats-aggregator function's mapping feeds it in AWS: every second
	// here, and at once on POST /dev/stats/aggregate.
	statsFn, _ := functions.Get(functions.StatsAggregator)
	feed := &streamfeed.Feed{DB: cl.DynamoDB, Streams: dynamodbstreams.NewFromConfig(cl.AWS), Table: tableName,
		Kinds: statsFn.Stream.Kinds, BatchSize: statsFn.Stream.BatchSize, Apply: aggregate.New(core.NewStore(cfg, cl, time.Now), time.Now).Apply}
	seeded, err := seed(ctx, svcs.Documents)
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	seededRegistry, err := seedRegistry(ctx, allstore.New(cl.DynamoDB, tableName), svcs.Booking.Service)
	if err != nil {
		return fmt.Errorf("seed demo registry: %w", err)
	}
	seededFamily, err := seedFamily(ctx, allstore.New(cl.DynamoDB, tableName))
	if err != nil {
		return fmt.Errorf("seed demo family: %w", err)
	}
	if seededFamily != "" {
		seededRegistry += "\n" + seededFamily
	}
	seeded += "\n" + seededRegistry + "\n" + managersBanner()

	mux := http.NewServeMux()
	if err := svcs.Mount(mux, httpapi.API{Log: log, Auth: verifier.Authenticate, Audit: st, CursorKey: cursorKey}); err != nil {
		return err
	}
	devapi.Mount(mux, devapi.Deps{
		Issuer:    &devapi.TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: tokenTTL},
		Health:    func(ctx context.Context) error { return health(ctx, cl.DynamoDB, snsc, topics[notify.Reminders.Env]) },
		Outbox:    func(match map[string]string) any { return outbox.list(match) },
		Aggregate: feed.Drain,
		Docs:      apidocs.Page,
		// The pipeline at t in this request: the dispatch, then every job
		// drained, continuations included; the answer says what they did.
		ExpiryScan: func(ctx context.Context, t time.Time) (any, error) {
			return reminders.RunAll(ctx, dispatcher, worker, t)
		},
		// As EventBridge would: an event reaches ingest only through a rule
		// of the function table (or, for GuardDuty's scan results, the
		// rule of the function that asks for them).
		Ingest: func(ctx context.Context, ev events.EventBridgeEvent) (any, error) {
			if !eventbridge.IsScanResult(ev) && !slices.Contains(functions.EventTargets(functions.AgenciesBus, ev.Source, ev.DetailType), functions.Ingest) {
				return nil, errs.E("dev.events", errs.Invalid, errs.FieldError{Field: "detail-type", Code: "no_event_rule"})
			}
			return ingestEvent(ctx, ev)
		},
	})
	root, err := emulators.RepoRoot()
	if err != nil {
		return err
	}
	if err := mountWeb(mux, webDist(root), stack.S3Endpoint); err != nil {
		return err
	}
	srv := &http.Server{Handler: httpapi.Wrap(log, mux), ReadHeaderTimeout: 10 * time.Second}

	envFile := filepath.Join(dir, "stack.env")
	if err := writeEnv(envFile, stack.Env(), topics, queues); err != nil {
		return err
	}
	defer os.Remove(envFile)

	go outbox.poll(ctx)
	go feed.Run(ctx, time.Second, func(err error) { fmt.Fprintln(out, "stats aggregator:", err) })
	go dispatchEveryMinute(ctx, dispatcher, out)
	workCtx, stopWorkers := context.WithCancel(ctx)
	workersDone := make(chan struct{})
	go func() {
		defer close(workersDone)
		runWorkers(workCtx, &queue.Jobs{AWS: cl.AWS, URLs: queues}, worker, out, log)
	}()
	defer func() { stopWorkers(); <-workersDone }()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	banner(out, base, stack, envFile, seeded)
	if ready != nil {
		ready <- base
	}
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return err
	}
	fmt.Fprintln(out, "\nstopping ...")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopWorkers() // before the emulators they read go
	<-workersDone
	return stack.Stop()
}

// localDir is the git-ignored folder for data, keys and logs: .local at the
// repository root, or KABINET_LOCAL_DIR.
func localDir(getenv func(string) string) (string, error) {
	dir := getenv("KABINET_LOCAL_DIR")
	if dir == "" {
		root, err := emulators.RepoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, ".local")
	}
	if err := os.MkdirAll(filepath.Join(dir, "dynamodb"), 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// ensureTopics creates every topic of notify.Topics (CreateTopic is
// idempotent) and returns their ARNs by environment variable name.
func ensureTopics(ctx context.Context, c *sns.Client) (map[string]string, error) {
	arns := map[string]string{}
	for _, t := range notify.Topics {
		out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("kabinet-local-" + t.Name)})
		if err != nil {
			return nil, fmt.Errorf("create topic %s: %w", t.Name, err)
		}
		arns[t.Env] = aws.ToString(out.TopicArn)
	}
	return arns, nil
}

func health(ctx context.Context, db *dynamodb.Client, c *sns.Client, topic string) error {
	if _, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(tableName)}); err != nil {
		return fmt.Errorf("dynamodb: %w", err)
	}
	if _, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)}); err != nil {
		return fmt.Errorf("sns: %w", err)
	}
	return nil
}

// writeEnv records where the local stack listens, for `make invoke` and for
// running the AWS CLI or a function binary by hand against it.
func writeEnv(path string, stackEnv []string, topics map[string]string, queues map[reminders.Class]string) error {
	lines := append([]string{"# written by make run; removed when it stops"}, stackEnv...)
	lines = append(lines, "TABLE_NAME="+tableName, "FILES_BUCKET="+filesBucket, "SIGNATURE_TRUST_ANCHORS_KEY="+functions.TrustAnchorsKey)
	for env, arn := range topics {
		lines = append(lines, env+"="+arn)
	}
	for _, q := range queue.Queues {
		lines = append(lines, q.Env+"="+queues[q.Class])
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

func banner(out io.Writer, base string, stack *emulators.Stack, envFile, seeded string) {
	fmt.Fprintf(out, `
Kabinet is running at %[1]s   (the web cabinet: open it in a browser, sign in as alice)
  DynamoDB Local  %[2]s   (table %[3]s, data in .local/dynamodb; make reset wipes it)
  SNS/SQS fauxqs  %[4]s   (reminders are delivered to the queue %[5]s)
  reminders       dispatched every minute to the job queues, drained by %[8]d workers per class
  S3 s3rver       bucket kabinet-files-local (files are not_scanned: no malware scanner runs locally)
  endpoints for other tools: %[6]s

Get a token and call the API:
  TOKEN=$(curl -s -X POST %[1]s/dev/token -H 'Content-Type: application/json' -d '{"sub":"alice","groups":["citizen"]}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -s %[1]s/documents -H "Authorization: Bearer $TOKEN"
  curl -s -X POST %[1]s/documents -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
       -d '{"type":"foreign_passport","issuedOn":"2017-06-20"}'

Local routes: GET /healthz · POST /dev/token · POST /dev/expiry-scan (the pipeline at a time, in the request)
              GET /dev/outbox (reminders delivered)
              POST /dev/events (an agency's EventBridge event, e.g. events/agency-document-issued.json)
              POST /dev/stats/aggregate (the managers' dashboards brought up to date now; else every second)
%[7]s
Press Ctrl-C to stop; nothing is left running.
`, base, stack.DynamoDBEndpoint, tableName, stack.SNSEndpoint, outboxName, envFile, seeded, localWorkers)
}

// filesBucket is the local bucket of people's files, on s3rver. Files are
// not_scanned locally: no malware scanner runs here.
const filesBucket = "kabinet-files-local"

// ensureBucket creates bucket on the local S3 unless it is there already.
func ensureBucket(ctx context.Context, cl core.Clients, bucket, webOrigin string) error {
	// Buckets are made with the SDK's S3 client: the local runner may link
	// it (the functions' adapter, shared/adapter/objects, does not).
	b := s3.NewFromConfig(cl.AWS, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := b.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		if _, err := b.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			return fmt.Errorf("create bucket %s: %w", bucket, err)
		}
	}
	// The web cabinet puts and gets files straight from the browser, as
	// the stack's bucket CORS allows its origin; the port changes from run
	// to run, so it is set each time.
	origins := []string{webOrigin, strings.Replace(webOrigin, "127.0.0.1", "localhost", 1)}
	if _, err := b.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(bucket), CORSConfiguration: &s3types.CORSConfiguration{
		CORSRules: []s3types.CORSRule{{AllowedMethods: []string{"PUT", "GET", "HEAD"}, AllowedOrigins: origins,
			AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(600)}},
	}}); err != nil {
		return fmt.Errorf("bucket %s CORS: %w", bucket, err)
	}
	return nil
}
