// Package awss3 calls S3's REST API (a request per operation, signed with
// Signature Version 4 by the SDK's signer, answers in XML) instead of
// through the SDK's S3 client, whose package builds its endpoint rules and
// serialisation tables when the process starts: about half a million
// instructions of every start of a function that links it (BENCHMARKS.md's
// Init section), for the few object operations shared/adapter/objects
// makes. It knows no operation of its own: a Request names the method, the
// bucket, the key, the query and the headers; objects composes them.
//
// Addressing follows the SDK's: with an endpoint set (AWS_ENDPOINT_URL_S3,
// else AWS_ENDPOINT_URL, else the configuration's base endpoint) and
// PathStyle, the bucket is the path's first segment (S3-compatible servers
// on a bare host:port need that); on AWS the bucket is the host's first
// label (virtual-hosted, https://<bucket>.s3.<region>.amazonaws.com).
// Keys are escaped once, as S3 signs them (no double escaping).
package awss3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kabinet/kabinet/internal/awscall"
)

// Client calls S3.
type Client struct {
	// AWS gives the region, the credentials and the HTTP client.
	AWS aws.Config
	// PathStyle puts the bucket in the path rather than in the host.
	PathStyle bool
	// Getenv reads the SDK's endpoint variables; nil is os.Getenv, as the
	// SDK's clients read them.
	Getenv func(string) string
}

// Request is one S3 call.
type Request struct {
	// Op is the operation's name ("PutObject"): a presigned URL carries it
	// as x-id, as the SDK's do, and errors name it.
	Op     string
	Method string
	Bucket string
	// Key is the object's key; "" for a call on the bucket (a listing).
	Key    string
	Query  url.Values
	Header http.Header
	// Body is sent whole (and hashed into the signature); nil for none.
	Body []byte
	// ContentLength is signed on a presigned PUT: the length the client
	// must send.
	ContentLength int64
}

// Attempts bounds the tries of one call (awscall.Attempts): S3 throttling
// (503 SlowDown), failing (5xx) or unreachable is asked again.
const Attempts = awscall.Attempts

// Error is S3's refusal of a call: its HTTP status and, when it answered
// with a body, the error's Code and Message. A HEAD has no body: its 404 is
// Code "NotFound", as the SDK names it.
type Error struct {
	Op      string
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("s3 %s: the service answered %d %s: %s", e.Op, e.Status, e.Code, e.Message)
}

// Retryable reports whether another try may succeed: S3 throttling or
// failing.
func (e *Error) Retryable() bool {
	switch e.Code {
	case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "ThrottlingException":
		return true
	}
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// URL is where r goes, its query encoded. Errors: a malformed endpoint.
func (c Client) URL(r Request) (*url.URL, error) {
	base := awscall.Endpoint(c.AWS, c.Getenv, "AWS_ENDPOINT_URL_S3", "s3")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("s3 endpoint %q is not a URL", base)
	}
	path := ""
	if c.PathStyle {
		path = "/" + EscapePath(r.Bucket)
	} else {
		u.Host = r.Bucket + "." + u.Host
	}
	if r.Key != "" || path == "" {
		path += "/" + EscapePath(r.Key)
	}
	raw := strings.TrimRight(u.Path, "/") + path
	if u.Path, err = url.PathUnescape(raw); err != nil {
		return nil, err
	}
	u.RawPath = raw
	u.RawQuery = r.Query.Encode()
	return u, nil
}

// EscapePath escapes a key as S3 signs it: every byte but the unreserved
// ones (A-Z a-z 0-9 - _ . ~) and '/' percent-encoded.
func EscapePath(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// signerOptions: S3 signs the path as sent (escaped once).
func signerOptions(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }

// unsignedPayload is what a presigned URL's signature says of the body,
// which its client sends later.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// Presign returns a URL for r valid for ttl from now, and the headers
// signed into it (Host among them) that its user must send. Errors: no
// credentials, a malformed endpoint.
func (c Client) Presign(ctx context.Context, r Request, now time.Time, ttl time.Duration) (string, http.Header, error) {
	q := url.Values{}
	for k, v := range r.Query {
		q[k] = v
	}
	q.Set("X-Amz-Expires", strconv.FormatInt(int64(ttl/time.Second), 10))
	if r.Op != "" {
		q.Set("x-id", r.Op)
	}
	r.Query = q
	req, err := c.request(ctx, r, nil)
	if err != nil {
		return "", nil, err
	}
	req.ContentLength = r.ContentLength
	creds, err := c.credentials(ctx)
	if err != nil {
		return "", nil, err
	}
	return v4.NewSigner().PresignHTTP(ctx, creds, req, unsignedPayload, "s3", c.AWS.Region, now, signerOptions)
}

func (c Client) credentials(ctx context.Context) (aws.Credentials, error) {
	if c.AWS.Credentials == nil {
		return aws.Credentials{}, errors.New("no AWS credentials")
	}
	return c.AWS.Credentials.Retrieve(ctx)
}

func (c Client) request(ctx context.Context, r Request, body io.Reader) (*http.Request, error) {
	u, err := c.URL(r)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.URL = u // keeps RawPath exactly as escaped
	for k, v := range r.Header {
		req.Header[k] = v
	}
	return req, nil
}

// Do sends r, signed with its body's SHA-256, trying up to Attempts times
// while S3 throttles, fails or cannot be reached, and returns its 2xx
// answer with the body open (the caller closes it). Errors: *Error (S3
// refused: errors.As finds it), S3 unreachable, the context's.
func (c Client) Do(ctx context.Context, r Request) (*http.Response, error) {
	sum := sha256.Sum256(r.Body)
	hash := hex.EncodeToString(sum[:])
	var res *http.Response
	err := awscall.Retry(ctx, func() (retry bool, err error) {
		res, retry, err = c.do(ctx, r, hash)
		return retry, err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (c Client) do(ctx context.Context, r Request, hash string) (*http.Response, bool, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := c.request(ctx, r, body)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds, err := c.credentials(ctx)
	if err != nil {
		return nil, true, err
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, "s3", c.AWS.Region, time.Now().UTC(), signerOptions); err != nil {
		return nil, false, err
	}
	var client aws.HTTPClient = http.DefaultClient
	if c.AWS.HTTPClient != nil {
		client = c.AWS.HTTPClient
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, ctx.Err() == nil, err
	}
	if res.StatusCode/100 == 2 {
		return res, false, nil
	}
	defer res.Body.Close()
	e := readError(r.Op, res)
	return nil, e.Retryable(), e
}

// readError is S3's error answer: the XML <Error> body, or for a body-less
// answer (a HEAD) the status alone.
func readError(op string, res *http.Response) *Error {
	e := &Error{Op: op, Status: res.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var x struct {
		Code    string
		Message string
	}
	if xml.Unmarshal(b, &x) == nil && x.Code != "" {
		e.Code, e.Message = x.Code, x.Message
		return e
	}
	switch res.StatusCode {
	case http.StatusNotFound:
		e.Code = "NotFound"
	case http.StatusServiceUnavailable:
		e.Code = "ServiceUnavailable"
	default:
		e.Code = http.StatusText(res.StatusCode)
	}
	return e
}

// DoXML sends r (Do) and decodes its answer's XML into out (nil: the
// answer is read and dropped). An answer of 200 carrying <Error> (as
// CopyObject may give, having failed after it started answering) is that
// error. Errors: Do's, or an answer that is not the XML expected.
func (c Client) DoXML(ctx context.Context, r Request, out any) error {
	res, err := c.Do(ctx, r)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return err
	}
	if bytes.Contains(b, []byte("<Error>")) {
		var x struct {
			XMLName xml.Name `xml:"Error"`
			Code    string
			Message string
		}
		if xml.Unmarshal(b, &x) == nil && x.Code != "" {
			e := &Error{Op: r.Op, Status: res.StatusCode, Code: x.Code, Message: x.Message}
			return e
		}
	}
	if out == nil {
		return nil
	}
	if err := xml.Unmarshal(b, out); err != nil {
		return fmt.Errorf("s3 %s: the answer is not the XML expected: %w", r.Op, err)
	}
	return nil
}
