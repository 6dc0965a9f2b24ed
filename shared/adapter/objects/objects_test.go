package objects_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// newBucket makes a bucket of the test's own on the S3 emulator (s3rver,
// which checks signatures and expiry) and empties and removes it afterwards.
func newBucket(t *testing.T, now func() time.Time) *objects.Bucket {
	t.Helper()
	emutest.Need(t)
	ctx := context.Background()
	cfg, err := awsconf.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "kabinet-test-" + hex.EncodeToString(b[:])
	bucket := objects.New(cfg, name, objects.PathStyle(os.Getenv), now)
	// the test makes its bucket with the SDK's client (tests may link it)
	sdk := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = objects.PathStyle(os.Getenv) })
	if _, err := sdk.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = bucket.DeletePrefix(context.Background(), "files/")
		_ = bucket.DeletePrefix(context.Background(), "staging/")
		_, _ = sdk.DeleteBucket(context.Background(), &s3.DeleteBucketInput{Bucket: aws.String(name)})
	})
	return bucket
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// put sends body to a presigned URL as a client would: the URL, the headers
// it was given, Content-Length from the body.
func put(t *testing.T, p files.Presigned, body []byte, edit func(*http.Request)) *http.Response {
	t.Helper()
	req, err := http.NewRequest(p.Method, p.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p.Headers {
		req.Header.Set(k, v)
	}
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func TestPresignedPutThenGet(t *testing.T) {
	now := time.Now().UTC()
	b := newBucket(t, func() time.Time { return now })
	ctx := context.Background()
	key := "files/alice/doc1/f1"
	p, err := b.PresignPut(ctx, key, files.PutSpec{ContentType: files.TypePDF, Size: int64(len(pdf)), SHA256: sum(pdf)}, files.UploadTTL)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("presigned %s headers %v", p.URL, p.Headers)
	if p.Method != http.MethodPut || p.Headers["Content-Type"] != files.TypePDF || p.Headers["X-Amz-Checksum-Sha256"] == "" {
		t.Fatalf("presigned PUT = %s %v, want PUT with Content-Type and X-Amz-Checksum-Sha256 to send", p.Method, p.Headers)
	}
	if !p.ExpiresAt.Equal(now.Add(files.UploadTTL)) {
		t.Errorf("ExpiresAt = %v, want %v", p.ExpiresAt, now.Add(files.UploadTTL))
	}
	if resp := put(t, p, pdf, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT to the presigned URL: %s", resp.Status)
	}
	info, err := b.Head(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != int64(len(pdf)) {
		t.Errorf("Head size = %d, want %d", info.Size, len(pdf))
	}
	g, err := b.PresignGet(ctx, key, "Паспорт \"скан\".pdf", files.TypePDF, files.DownloadTTL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(g.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pdf) {
		t.Fatalf("GET presigned: %s, %d bytes; want 200 with the PDF", resp.Status, len(body))
	}
	cd := resp.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''%D0%9F") || strings.Contains(cd, `"скан"`) {
		t.Errorf("Content-Disposition = %q, want an attachment with the name RFC 5987-encoded and no raw quotes", cd)
	}
}

func TestPresignedPutRefused(t *testing.T) {
	ctx := context.Background()
	spec := files.PutSpec{ContentType: files.TypePDF, Size: int64(len(pdf)), SHA256: sum(pdf)}
	tests := []struct {
		name  string
		clock time.Duration // how long ago the URL was signed
		body  []byte
		edit  func(*http.Request)
	}{
		{name: "expired URL", clock: -(files.UploadTTL + time.Minute), body: pdf},
		{name: "other content type", body: pdf, edit: func(r *http.Request) { r.Header.Set("Content-Type", "text/html") }},
		{name: "checksum header left out", body: pdf, edit: func(r *http.Request) { r.Header.Del("X-Amz-Checksum-Sha256") }},
		{name: "longer body", body: append(append([]byte{}, pdf...), "<script>"...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signedAt := time.Now().UTC().Add(tt.clock)
			b := newBucket(t, func() time.Time { return signedAt })
			key := "files/alice/doc1/f1"
			p, err := b.PresignPut(ctx, key, spec, files.UploadTTL)
			if err != nil {
				t.Fatal(err)
			}
			if resp := put(t, p, tt.body, tt.edit); resp.StatusCode != http.StatusForbidden {
				t.Errorf("PUT: %s, want 403", resp.Status)
			}
			if _, err := b.Head(ctx, key); !errs.Is(err, errs.NotFound) {
				t.Errorf("Head after a refused PUT: %v, want NotFound", err)
			}
		})
	}
}

func TestDeleteLeavesNoObject(t *testing.T) {
	b := newBucket(t, func() time.Time { return time.Now().UTC() })
	ctx := context.Background()
	for _, k := range []string{"files/alice/doc1/a", "files/alice/doc1/b", "files/alice/doc2/c", "files/bob/doc9/d"} {
		if err := b.Put(ctx, k, files.TypePDF, pdf); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Delete(ctx, "files/alice/doc1/a"); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "files/alice/doc1/a"); err != nil {
		t.Errorf("deleting a missing key: %v, want nil", err)
	}
	if err := b.DeletePrefix(ctx, "files/alice/"); err != nil {
		t.Fatal(err)
	}
	left, err := b.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] != "files/bob/doc9/d" {
		t.Errorf("objects left = %v, want only bob's", left)
	}
	if _, err := b.Open(ctx, "files/alice/doc2/c"); !errs.Is(err, errs.NotFound) {
		t.Errorf("Open after erasure: %v, want NotFound", err)
	}
	if err := b.DeletePrefix(ctx, ""); err == nil {
		t.Error("DeletePrefix(\"\") deleted the whole bucket's worth; want a refusal")
	}
}

// TestErrorsMapped: S3's refusals and silences become the kinds the files
// service answers by (a missing object NotFound, throttling, failing or no
// connection Unavailable, any other refusal Internal), on a server standing
// in for S3 (the emulator cannot be made to throttle).
func TestErrorsMapped(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   errs.Kind
	}{
		{"no such key", 404, `<Error><Code>NoSuchKey</Code></Error>`, errs.NotFound},
		{"slow down", 503, `<Error><Code>SlowDown</Code></Error>`, errs.Unavailable},
		{"internal error", 500, `<Error><Code>InternalError</Code></Error>`, errs.Unavailable},
		{"access denied", 403, `<Error><Code>AccessDenied</Code></Error>`, errs.Internal},
		{"no such bucket", 404, `<Error><Code>NoSuchBucket</Code></Error>`, errs.Internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			b := stub(srv.URL)
			if _, err := b.Open(context.Background(), "files/a"); !errs.Is(err, tc.want) {
				t.Errorf("Open: %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("no server", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		if err := stub(srv.URL).Put(context.Background(), "files/a", files.TypePDF, pdf); !errs.Is(err, errs.Unavailable) {
			t.Errorf("Put: %v, want Unavailable", err)
		}
	})
	t.Run("a HEAD's bare 404", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		if _, err := stub(srv.URL).Head(context.Background(), "files/a"); !errs.Is(err, errs.NotFound) {
			t.Errorf("Head: %v, want NotFound", err)
		}
	})
}

// stub is a bucket on the server at endpoint.
func stub(endpoint string) *objects.Bucket {
	b := objects.New(aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")},
		"bkt", true, time.Now)
	b.S3.Getenv = func(k string) string { return map[string]string{"AWS_ENDPOINT_URL_S3": endpoint}[k] }
	return b
}
