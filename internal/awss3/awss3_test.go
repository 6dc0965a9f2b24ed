package awss3

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var (
	at    = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	creds = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
)

func client(endpoint string) Client {
	return Client{AWS: aws.Config{Region: "eu-central-1", Credentials: creds}, PathStyle: true,
		Getenv: func(k string) string { return map[string]string{"AWS_ENDPOINT_URL_S3": endpoint}[k] }}
}

// verify recomputes the Signature Version 4 of a header-signed request as
// S3 does, from what arrived (the path as sent, not escaped again), apart
// from the SDK's signer: a request whose path, query, headers or payload
// hash differ from what was signed fails it.
func verify(t *testing.T, r *http.Request, body []byte) {
	t.Helper()
	auth := r.Header.Get("Authorization")
	var cred, signed, sig string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	scope := strings.SplitN(cred, "/", 2)
	if len(scope) != 2 || scope[0] != "AKIDTEST" || !strings.HasSuffix(scope[1], "/eu-central-1/s3/aws4_request") {
		t.Fatalf("Authorization %q: not signed for S3 in eu-central-1", auth)
	}
	sum := sha256.Sum256(body)
	if got := r.Header.Get("X-Amz-Content-Sha256"); got != hex.EncodeToString(sum[:]) {
		t.Errorf("X-Amz-Content-Sha256 = %q, want the body's SHA-256", got)
	}
	var q []string
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			q = append(q, strings.ReplaceAll(url.QueryEscape(k), "+", "%20")+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	sort.Strings(q)
	var hdrs strings.Builder
	for _, h := range strings.Split(signed, ";") {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		if h == "content-length" {
			v = strconv.FormatInt(r.ContentLength, 10)
		}
		hdrs.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	canonical := strings.Join([]string{r.Method, r.URL.EscapedPath(), strings.Join(q, "&"), hdrs.String(), signed,
		r.Header.Get("X-Amz-Content-Sha256")}, "\n")
	ch := sha256.Sum256([]byte(canonical))
	date := r.Header.Get("X-Amz-Date")
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", date, scope[1], hex.EncodeToString(ch[:])}, "\n")
	mac := func(k []byte, v string) []byte { h := hmac.New(sha256.New, k); h.Write([]byte(v)); return h.Sum(nil) }
	key := mac(mac(mac(mac([]byte("AWS4secret"), date[:8]), "eu-central-1"), "s3"), "aws4_request")
	if want := hex.EncodeToString(mac(key, toSign)); sig != want {
		t.Errorf("signature %s does not verify (want %s) for\n%s", sig, want, canonical)
	}
}

// TestDoSignsWhatItSends: a PUT and a listing reach the server with the
// bucket in the path, the key escaped once (a space, a plus, Cyrillic), and
// a signature S3 would accept for exactly what arrived.
func TestDoSignsWhatItSends(t *testing.T) {
	type seen struct {
		method, path, rawPath, query string
		body                         []byte
	}
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		verify(t, r, body)
		got = append(got, seen{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, body})
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, `<?xml version="1.0"?><ListBucketResult><Contents><Key>a b</Key></Contents></ListBucketResult>`)
		}
	}))
	defer srv.Close()
	c := client(srv.URL)
	ctx := context.Background()
	key := "files/a b+c/Паспорт.pdf"
	if err := c.DoXML(ctx, Request{Op: "PutObject", Method: http.MethodPut, Bucket: "bkt", Key: key,
		Header: http.Header{"Content-Type": {"application/pdf"}}, Body: []byte("%PDF-")}, nil); err != nil {
		t.Fatal(err)
	}
	var page struct{ Contents []struct{ Key string } }
	if err := c.DoXML(ctx, Request{Op: "ListObjectsV2", Method: http.MethodGet, Bucket: "bkt",
		Query: url.Values{"list-type": {"2"}, "prefix": {"files/a b"}}}, &page); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	if got[0].path != "/bkt/"+key || got[0].rawPath != "/bkt/files/a%20b%2Bc/%D0%9F%D0%B0%D1%81%D0%BF%D0%BE%D1%80%D1%82.pdf" || string(got[0].body) != "%PDF-" {
		t.Errorf("PUT went to %q (%q) with %q", got[0].path, got[0].rawPath, got[0].body)
	}
	if got[1].path != "/bkt" || got[1].query != "list-type=2&prefix=files%2Fa%20b" {
		t.Errorf("listing went to %q?%s", got[1].path, got[1].query)
	}
	if len(page.Contents) != 1 || page.Contents[0].Key != "a b" {
		t.Errorf("listing read %+v", page)
	}
}

// TestURLOnAWS: without an endpoint the bucket is the host's first label
// of the region's endpoint; with one and PathStyle, the path's first segment.
func TestURLOnAWS(t *testing.T) {
	c := Client{AWS: aws.Config{Region: "eu-central-1"}, Getenv: func(string) string { return "" }}
	u, err := c.URL(Request{Bucket: "kabinet-files", Key: "files/x y"})
	if err != nil {
		t.Fatal(err)
	}
	if got := u.String(); got != "https://kabinet-files.s3.eu-central-1.amazonaws.com/files/x%20y" {
		t.Errorf("URL = %s", got)
	}
	c = client("http://127.0.0.1:4566/")
	if u, _ = c.URL(Request{Bucket: "b", Key: "k"}); u.String() != "http://127.0.0.1:4566/b/k" {
		t.Errorf("path-style URL = %s", u)
	}
}

// TestPresignMatchesTheSDK: a presigned PUT (bound to type, length and
// checksum) and GET (with the response's disposition and type) are the very
// URLs and headers the SDK's S3 presign client gives for the same call,
// clock and credentials.
func TestPresignMatchesTheSDK(t *testing.T) {
	const endpoint = "http://127.0.0.1:4566"
	ctx := context.Background()
	cfg := aws.Config{Region: "eu-central-1", Credentials: creds, BaseEndpoint: aws.String(endpoint)}
	sdk := s3.NewPresignClient(s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}), func(o *s3.PresignOptions) { o.Presigner = fixedClock{} })
	c := client(endpoint)
	key, ttl := "files/alice/doc 1/f+1", 15*time.Minute

	wantPut, err := sdk.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key),
		ContentType: aws.String("application/pdf"), ContentLength: aws.Int64(42), ChecksumSHA256: aws.String("qOqf=")},
		s3.WithPresignExpires(ttl))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/pdf"}, "X-Amz-Checksum-Sha256": {"qOqf="}}
	gotURL, gotHeader, err := c.Presign(ctx, Request{Op: "PutObject", Method: http.MethodPut, Bucket: "bkt", Key: key, Header: h, ContentLength: 42}, at, ttl)
	if err != nil {
		t.Fatal(err)
	}
	if gotURL != wantPut.URL {
		t.Errorf("presigned PUT\n got %s\nwant %s", gotURL, wantPut.URL)
	}
	for k := range wantPut.SignedHeader {
		if gotHeader.Get(k) != wantPut.SignedHeader.Get(k) {
			t.Errorf("signed header %s = %q, the SDK's %q", k, gotHeader.Get(k), wantPut.SignedHeader.Get(k))
		}
	}

	disp := `attachment; filename="a.pdf"; filename*=UTF-8''%D0%9F.pdf`
	wantGet, err := sdk.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key),
		ResponseContentDisposition: aws.String(disp), ResponseContentType: aws.String("application/pdf")}, s3.WithPresignExpires(ttl))
	if err != nil {
		t.Fatal(err)
	}
	gotURL, _, err = c.Presign(ctx, Request{Op: "GetObject", Method: http.MethodGet, Bucket: "bkt", Key: key,
		Query: url.Values{"response-content-disposition": {disp}, "response-content-type": {"application/pdf"}}}, at, ttl)
	if err != nil {
		t.Fatal(err)
	}
	if gotURL != wantGet.URL {
		t.Errorf("presigned GET\n got %s\nwant %s", gotURL, wantGet.URL)
	}
}

// fixedClock signs the SDK's presigned URLs at the test's time, with the
// signer the S3 client builds for itself (newDefaultV4Signer: the path is
// not escaped twice).
type fixedClock struct{}

func (fixedClock) PresignHTTP(ctx context.Context, cr aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).PresignHTTP(ctx, cr, r, payloadHash, service, region, at, optFns...)
}

// TestDoAnswers: how S3's answers are read, as fault sequences (each
// case's answers in turn, the last repeated): an XML error's code, a
// HEAD's bare 404, throttling asked Attempts times, a 200 carrying <Error>.
func TestDoAnswers(t *testing.T) {
	type answer struct {
		status int
		body   string
	}
	for _, tc := range []struct {
		name    string
		method  string
		answers []answer
		calls   int32
		code    string // the *Error's Code; "" for success
		retry   bool
	}{
		{"an answer", http.MethodGet, []answer{{200, `<R/>`}}, 1, "", false},
		{"no such key, asked once", http.MethodGet, []answer{{404, `<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>`}}, 1, "NoSuchKey", false},
		{"a HEAD's bare 404 is NotFound", http.MethodHead, []answer{{404, ``}}, 1, "NotFound", false},
		{"slow down, then an answer", http.MethodGet, []answer{{503, `<Error><Code>SlowDown</Code></Error>`}, {200, `<R/>`}}, 2, "", false},
		{"throttled throughout: Attempts tries", http.MethodGet, []answer{{503, `<Error><Code>SlowDown</Code></Error>`}}, Attempts, "SlowDown", true},
		{"refused: asked once", http.MethodGet, []answer{{403, `<Error><Code>AccessDenied</Code></Error>`}}, 1, "AccessDenied", false},
		{"200 carrying an error (a copy failing late)", http.MethodPut, []answer{{200, `<?xml version="1.0"?><Error><Code>InternalError</Code></Error>`}}, 1, "InternalError", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a := tc.answers[min(int(n.Add(1))-1, len(tc.answers)-1)]
				w.WriteHeader(a.status)
				_, _ = io.WriteString(w, a.body)
			}))
			defer srv.Close()
			err := client(srv.URL).DoXML(context.Background(), Request{Op: "Op", Method: tc.method, Bucket: "b", Key: "k"}, nil)
			var e *Error
			switch {
			case tc.code == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.code != "" && (!errors.As(err, &e) || e.Code != tc.code || e.Retryable() != tc.retry):
				t.Errorf("error %#v, want S3's %s, retryable %v", err, tc.code, tc.retry)
			}
			if got := n.Load(); got != tc.calls {
				t.Errorf("%d calls, want %d", got, tc.calls)
			}
		})
	}
}

// TestDoUnreachable: no server at all is an error that is not S3's answer
// (the adapter maps it to Unavailable), after Attempts tries.
func TestDoUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	err := client(url).DoXML(context.Background(), Request{Op: "Op", Method: http.MethodGet, Bucket: "b", Key: "k"}, nil)
	var e *Error
	if err == nil || errors.As(err, &e) {
		t.Errorf("error %v, want a connection failure", err)
	}
}
