package emulators

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// dynamoDBCommand runs DynamoDB Local on port. With dataDir empty it keeps
// tables in memory; otherwise in dataDir/shared-local-instance.db. -sharedDb
// is set in both cases so every client sees the same tables whatever access
// key and region it signs with (by default DynamoDB Local keeps one database
// per key and region). -disableTelemetry keeps it from calling AWS.
//
// C1-only JIT and the serial collector cut the JVM's start by ~0.6 s of its
// ~3 s on two cores; an emulator under test load never needs C2.
func dynamoDBCommand(tools string, port int, dataDir string) *exec.Cmd {
	dir := filepath.Join(tools, "dynamodb-local")
	args := []string{
		"-XX:TieredStopAtLevel=1",
		"-XX:+UseSerialGC",
		"-Djava.library.path=" + filepath.Join(tools, dynamoDBLib),
		"-jar", filepath.Join(tools, dynamoDBJar),
		"-port", strconv.Itoa(port),
		"-disableTelemetry",
		"-sharedDb",
	}
	if dataDir == "" {
		args = append(args, "-inMemory")
	} else {
		if abs, err := filepath.Abs(dataDir); err == nil {
			dataDir = abs
		}
		args = append(args, "-dbPath", dataDir)
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = dir
	return cmd
}

// javaMainDied starts the line the JVM prints when main throws. DynamoDB Local
// then keeps running without serving (its Jetty threads are not daemons), so
// Start watches for it rather than waiting for an exit that never comes.
const javaMainDied = `Exception in thread "main"`

// fauxqsScript starts fauxqs listening on 127.0.0.1 only. fauxqs's own
// startFauxqs (and its CLI) always binds 0.0.0.0, so this builds the app with
// buildApp and listens itself.
//
// The SqsStore is made here to clear its host: fauxqs then builds queue URLs
// from the request's Host header (http://127.0.0.1:port/000000000000/name),
// URLs that resolve and reach the same endpoint, instead of its default
// http://sqs.<region>.localhost:port/..., which Go's resolver does not
// resolve. SqsStore is not exported by the package, hence the file import;
// tools/package-lock.json pins the version this relies on.
const fauxqsScript = `// kabinet: fauxqs on 127.0.0.1 (internal/emulators)
import { pathToFileURL } from "node:url";
import { join } from "node:path";
const dist = process.env.KABINET_FAUXQS_DIST;
const { buildApp } = await import(pathToFileURL(join(dist, "app.js")).href);
const { SqsStore } = await import(pathToFileURL(join(dist, "sqs", "sqsStore.js")).href);
const sqsStore = new SqsStore();
sqsStore.host = "";
const app = buildApp({ logger: process.env.FAUXQS_LOGGER === "true", stores: { sqsStore } });
const address = await app.listen({ port: Number(process.env.KABINET_FAUXQS_PORT), host: "127.0.0.1" });
console.log("fauxqs listening on " + address);
let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.close().finally(() => process.exit(0));
  });
}
`

// fauxqsCommand runs fauxqs on 127.0.0.1:port through fauxqsScript.
func fauxqsCommand(tools string, port int) *exec.Cmd {
	cmd := exec.Command("node", "--input-type=module", "-e", fauxqsScript)
	cmd.Dir = filepath.Join(tools, "node")
	cmd.Env = append(os.Environ(),
		"KABINET_FAUXQS_DIST="+filepath.Join(tools, fauxqsDist),
		"KABINET_FAUXQS_PORT="+strconv.Itoa(port),
	)
	return cmd
}

// sdkConfig is a minimal AWS SDK configuration for talking to the emulators,
// built by hand so nothing in the caller's environment or ~/.aws redirects it.
func sdkConfig() aws.Config {
	return aws.Config{
		Region:      Region,
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// pingDynamoDB makes one ListTables call: DynamoDB Local answers it only once
// its HTTP server and storage are up.
func pingDynamoDB(endpoint string) func(context.Context) error {
	client := dynamodb.NewFromConfig(sdkConfig(), func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(endpoint) })
	return func(ctx context.Context) error {
		_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)})
		return err
	}
}

// pingSNS makes one SNS ListTopics call against fauxqs.
func pingSNS(endpoint string) func(context.Context) error {
	client := sns.NewFromConfig(sdkConfig(), func(o *sns.Options) { o.BaseEndpoint = aws.String(endpoint) })
	return func(ctx context.Context) error {
		_, err := client.ListTopics(ctx, &sns.ListTopicsInput{})
		return err
	}
}
