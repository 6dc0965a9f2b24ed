package emulators

import (
	"context"
	"net/http"
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

// s3rverScript starts s3rver, a real S3-compatible server, on 127.0.0.1.
// fauxqs (1.9) serves S3 too but checks no signature: a presigned URL past
// its expiry, or a PUT without the headers it was signed for, would pass,
// and the tests of exactly those rules would prove nothing. s3rver checks
// SigV4 (headers and query) and X-Amz-Expires as S3 does.
//
// s3rver 3.7 checks a presigned URL's expiry but (its source says so) does
// not compute SigV4 signatures. The script adds that check for presigned
// (query-signed) requests, as S3 computes it: method, path as sent, the
// query less X-Amz-Signature, the signed headers' values, UNSIGNED-PAYLOAD.
// So a PUT with another Content-Type, Content-Length or checksum header than
// the URL was signed for is refused with 403 SignatureDoesNotMatch, as S3
// refuses it. Header-signed requests (the server's own SDK calls) are left
// to s3rver's checks.
//
// The emulators' dummy credentials (local/local, see Env) are added as a key
// pair of s3rver's one account. Objects live in KABINET_S3_DIR.
const s3rverScript = `// kabinet: s3rver on 127.0.0.1 (internal/emulators)
const { join } = require("node:path");
const dir = process.env.KABINET_S3RVER_DIR;
const S3rver = require(dir);
const AWSAccount = require(join(dir, "lib", "models", "account.js"));
AWSAccount.DUMMY_ACCOUNT.createKeyPair("local", "local");
const server = new S3rver({
  port: Number(process.env.KABINET_S3_PORT),
  address: "127.0.0.1",
  silent: process.env.S3RVER_LOGGER !== "true",
  directory: process.env.KABINET_S3_DIR,
  vhostBuckets: false,
});
const crypto = require("node:crypto");
const enc = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
const hmac = (k, v) => crypto.createHmac("sha256", k).update(v).digest();
function presignedSignatureMatches(req) {
  const [path, raw = ""] = req.url.split("?");
  const params = raw.split("&").filter(Boolean).map((kv) => {
    const i = kv.indexOf("=");
    const dec = (x) => decodeURIComponent(x.replace(/\+/g, " "));
    return i < 0 ? [dec(kv), ""] : [dec(kv.slice(0, i)), dec(kv.slice(i + 1))];
  });
  const q = Object.fromEntries(params);
  if (q["X-Amz-Algorithm"] !== "AWS4-HMAC-SHA256" || !q["X-Amz-Signature"]) return true; // not presigned V4
  const signed = (q["X-Amz-SignedHeaders"] || "").split(";");
  const canonicalQuery = params.filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => [enc(k), enc(v)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => k + "=" + v).join("&");
  const headers = signed.map((h) => h + ":" + String(req.headers[h] ?? "").trim().replace(/\s+/g, " ") + "\n").join("");
  const canonical = [req.method, path, canonicalQuery, headers, signed.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
  const [keyId, date, region, service] = q["X-Amz-Credential"].split("/");
  const secret = AWSAccount.registry.get(keyId)?.accessKeys.get(keyId);
  if (!secret) return false;
  const scope = [date, region, service, "aws4_request"].join("/");
  const toSign = ["AWS4-HMAC-SHA256", q["X-Amz-Date"], scope, crypto.createHash("sha256").update(canonical).digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac("AWS4" + secret, date), region), service), "aws4_request");
  return crypto.createHmac("sha256", key).update(toSign).digest("hex") === q["X-Amz-Signature"];
}
server.middleware.unshift(async (ctx, next) => {
  // A browser's CORS preflight carries the presigned query but is never
  // signed (S3 answers it from the bucket's CORS rules).
  if (ctx.method !== "OPTIONS" && !presignedSignatureMatches(ctx.req)) {
    ctx.status = 403;
    ctx.type = "application/xml";
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>';
    return;
  }
  return next();
});
server.run().then((addr) => console.log("s3rver listening on " + JSON.stringify(addr)), (err) => {
  console.error(err && err.code === "EADDRINUSE" ? "EADDRINUSE " + err.message : String(err));
  process.exit(1);
});
let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close().finally(() => process.exit(0));
  });
}
`

// s3rverCommand runs s3rver on 127.0.0.1:port keeping objects in dataDir.
func s3rverCommand(tools string, port int, dataDir string) *exec.Cmd {
	cmd := exec.Command("node", "-e", s3rverScript)
	cmd.Dir = filepath.Join(tools, "node")
	cmd.Env = append(os.Environ(),
		"KABINET_S3RVER_DIR="+filepath.Join(tools, s3rverDir),
		"KABINET_S3_PORT="+strconv.Itoa(port),
		"KABINET_S3_DIR="+dataDir,
	)
	return cmd
}

// pingS3 asks s3rver for its bucket list: any HTTP answer (it is 403 for an
// unsigned request) means it is serving.
func pingS3(endpoint string) func(context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
}
