// Package objects is the S3 adapter of shared/domain/files: presigned PUT
// and GET URLs, and the reads, copies and deletes the server itself makes.
// Endpoints come from the SDK's own variables (AWS_ENDPOINT_URL_S3); against
// an emulator the bucket goes in the path (PathStyle), as S3-compatible
// servers on a bare host:port need. The calls go through internal/awss3
// (S3's REST API signed by the SDK's v4 signer), not the SDK's S3 client,
// whose package init every start of a function linking it would pay.
package objects

import (
	"context"
	"encoding/base64"
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

	"github.com/kabinet/kabinet/internal/awss3"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
)

// Bucket is one S3 bucket holding people's files.
type Bucket struct {
	S3   awss3.Client
	Name string
	// Now is the clock presigned URLs are signed at (and expire from).
	Now func() time.Time
	// Versioned says the bucket keeps versions (it does in AWS): a delete
	// then removes every version, or erasure would leave the bytes behind.
	Versioned bool
}

var _ files.Objects = (*Bucket)(nil)

// PathStyle reports whether S3 clients must address buckets in the path:
// when an endpoint is set (an emulator or S3-compatible server), not on AWS.
func PathStyle(getenv func(string) string) bool {
	return getenv("AWS_ENDPOINT_URL_S3") != "" || getenv("AWS_ENDPOINT_URL") != ""
}

// New returns the bucket called name through cfg. No checksum is computed
// that is not asked for: the presigned PUT carries the one the client
// declared, as the SDK's client did with checksums "when required".
func New(cfg aws.Config, name string, pathStyle bool, now func() time.Time) *Bucket {
	return &Bucket{S3: awss3.Client{AWS: cfg, PathStyle: pathStyle}, Name: name, Now: now}
}

// PresignPut implements files.Objects. The URL is bound to the declared
// type, length and SHA-256: the client must send exactly these headers.
func (b *Bucket) PresignPut(ctx context.Context, key string, spec files.PutSpec, ttl time.Duration) (files.Presigned, error) {
	const op = "objects.PresignPut"
	sum, err := hex.DecodeString(spec.SHA256)
	if err != nil {
		return files.Presigned{}, errs.E(op, errs.Internal, err)
	}
	now := b.Now()
	h := http.Header{}
	h.Set("Content-Type", spec.ContentType)
	h.Set("X-Amz-Checksum-Sha256", base64.StdEncoding.EncodeToString(sum))
	u, signed, err := b.S3.Presign(ctx, awss3.Request{Op: "PutObject", Method: http.MethodPut, Bucket: b.Name, Key: key,
		Header: h, ContentLength: spec.Size}, now, ttl)
	if err != nil {
		return files.Presigned{}, mapErr(op, err)
	}
	return files.Presigned{URL: u, Method: http.MethodPut, Headers: clientHeaders(signed), ExpiresAt: now.Add(ttl)}, nil
}

// clientHeaders are the signed headers a client must send itself: Host is
// the URL's, and a browser sets Content-Length from the body (it may not set
// it by hand), yet both are signed, so a body of another length is refused.
func clientHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		switch strings.ToLower(k) {
		case "host", "content-length":
			continue
		}
		out[http.CanonicalHeaderKey(k)] = strings.Join(v, ",")
	}
	return out
}

// PresignGet implements files.Objects. Content-Disposition is the server's:
// an attachment under the file's name, so a PDF or image never renders in
// the storage origin as if it were a page of ours.
func (b *Bucket) PresignGet(ctx context.Context, key, filename, contentType string, ttl time.Duration) (files.Presigned, error) {
	const op = "objects.PresignGet"
	now := b.Now()
	q := url.Values{"response-content-disposition": {ContentDisposition(filename)}, "response-content-type": {contentType}}
	u, signed, err := b.S3.Presign(ctx, awss3.Request{Op: "GetObject", Method: http.MethodGet, Bucket: b.Name, Key: key, Query: q}, now, ttl)
	if err != nil {
		return files.Presigned{}, mapErr(op, err)
	}
	return files.Presigned{URL: u, Method: http.MethodGet, Headers: clientHeaders(signed), ExpiresAt: now.Add(ttl)}, nil
}

// ContentDisposition is an attachment header for name: an ASCII fallback
// (non-ASCII and quotes replaced) and the exact name in RFC 5987 form.
func ContentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

// Head implements files.Objects.
func (b *Bucket) Head(ctx context.Context, key string) (files.ObjectInfo, error) {
	res, err := b.S3.Do(ctx, awss3.Request{Op: "HeadObject", Method: http.MethodHead, Bucket: b.Name, Key: key})
	if err != nil {
		return files.ObjectInfo{}, mapErr("objects.Head", err)
	}
	res.Body.Close()
	size, _ := strconv.ParseInt(res.Header.Get("Content-Length"), 10, 64)
	return files.ObjectInfo{Size: size, ContentType: res.Header.Get("Content-Type")}, nil
}

// Open implements files.Objects.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	res, err := b.S3.Do(ctx, awss3.Request{Op: "GetObject", Method: http.MethodGet, Bucket: b.Name, Key: key})
	if err != nil {
		return nil, mapErr("objects.Open", err)
	}
	return res.Body, nil
}

// Put stores body under key: for the server's own files (signed PDFs) and
// for tests standing in for a laboratory. Errors: Unavailable, Internal.
func (b *Bucket) Put(ctx context.Context, key, contentType string, body []byte) error {
	err := b.S3.DoXML(ctx, awss3.Request{Op: "PutObject", Method: http.MethodPut, Bucket: b.Name, Key: key,
		Header: http.Header{"Content-Type": {contentType}}, Body: body}, nil)
	return mapErr("objects.Put", err)
}

// Copy implements files.Objects.
func (b *Bucket) Copy(ctx context.Context, src, dst string) error {
	err := b.S3.DoXML(ctx, awss3.Request{Op: "CopyObject", Method: http.MethodPut, Bucket: b.Name, Key: dst,
		Header: http.Header{"X-Amz-Copy-Source": {b.Name + "/" + escapeKey(src)}}}, nil)
	return mapErr("objects.Copy", err)
}

// escapeKey URL-encodes each segment of a key, keeping its slashes, as
// x-amz-copy-source wants it.
func escapeKey(k string) string {
	parts := strings.Split(k, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// deleteObject deletes key (a version of it when version is not "").
func (b *Bucket) deleteObject(ctx context.Context, key, version string) error {
	var q url.Values
	if version != "" {
		q = url.Values{"versionId": {version}}
	}
	return b.S3.DoXML(ctx, awss3.Request{Op: "DeleteObject", Method: http.MethodDelete, Bucket: b.Name, Key: key, Query: q}, nil)
}

// Delete implements files.Objects.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if b.Versioned {
		return b.deleteVersions(ctx, key, true)
	}
	err := mapErr("objects.Delete", b.deleteObject(ctx, key, ""))
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	return err
}

// listPage is one page of ListObjectsV2's answer.
type listPage struct {
	IsTruncated           bool
	NextContinuationToken string
	Contents              []struct{ Key string }
}

// List is every key under prefix, a page (up to 1000 keys) at a time.
// Errors: Unavailable, Internal.
func (b *Bucket) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	token := ""
	for {
		q := url.Values{"list-type": {"2"}, "prefix": {prefix}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		var page listPage
		if err := b.S3.DoXML(ctx, awss3.Request{Op: "ListObjectsV2", Method: http.MethodGet, Bucket: b.Name, Query: q}, &page); err != nil {
			return nil, mapErr("objects.List", err)
		}
		for _, o := range page.Contents {
			keys = append(keys, o.Key)
		}
		if !page.IsTruncated || page.NextContinuationToken == "" {
			return keys, nil
		}
		token = page.NextContinuationToken
	}
}

// DeletePrefix implements files.Objects.
func (b *Bucket) DeletePrefix(ctx context.Context, prefix string) error {
	const op = "objects.DeletePrefix"
	if prefix == "" {
		return errs.E(op, errs.Internal, errors.New("refusing to delete a whole bucket"))
	}
	if b.Versioned {
		return b.deleteVersions(ctx, prefix, false)
	}
	keys, err := b.List(ctx, prefix)
	if err != nil {
		return err
	}
	for _, k := range keys {
		// One by one: DeleteObjects needs Content-MD5 and the emulator
		// and S3 differ on it; erasure is rare and a person holds few files.
		if err := b.deleteObject(ctx, k, ""); err != nil {
			return mapErr(op, err)
		}
	}
	return nil
}

// versionsPage is one page of ListObjectVersions' answer.
type versionsPage struct {
	XMLName             xml.Name `xml:"ListVersionsResult"`
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIdMarker string
	Versions            []objectVersion `xml:"Version"`
	DeleteMarkers       []objectVersion `xml:"DeleteMarker"`
}

type objectVersion struct {
	Key       string
	VersionId string
}

// deleteVersions removes every version and delete marker of key (exact) or
// of every key under a prefix.
func (b *Bucket) deleteVersions(ctx context.Context, keyOrPrefix string, exact bool) error {
	const op = "objects.deleteVersions"
	keyMarker, versionMarker := "", ""
	for {
		q := url.Values{"versions": {""}, "prefix": {keyOrPrefix}}
		if keyMarker != "" {
			q.Set("key-marker", keyMarker)
		}
		if versionMarker != "" {
			q.Set("version-id-marker", versionMarker)
		}
		var page versionsPage
		if err := b.S3.DoXML(ctx, awss3.Request{Op: "ListObjectVersions", Method: http.MethodGet, Bucket: b.Name, Query: q}, &page); err != nil {
			return mapErr(op, err)
		}
		for _, v := range append(page.Versions, page.DeleteMarkers...) {
			if exact && v.Key != keyOrPrefix {
				continue
			}
			if err := b.deleteObject(ctx, v.Key, v.VersionId); err != nil {
				return mapErr(op, err)
			}
		}
		if !page.IsTruncated {
			return nil
		}
		keyMarker, versionMarker = page.NextKeyMarker, page.NextVersionIdMarker
	}
}

// mapErr turns an S3 failure into an error kind: a missing object is
// NotFound; throttling, a server error or no connection is Unavailable;
// any other refusal is Internal.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *awss3.Error
	if errors.As(err, &e) {
		switch {
		case e.Code == "NoSuchKey" || e.Code == "NotFound":
			return errs.E(op, errs.NotFound, err)
		case e.Retryable():
			return errs.E(op, errs.Unavailable, err)
		}
		return errs.E(op, errs.Internal, err)
	}
	// No answer from S3 at all: the connection failed, or the call ran
	// out of time.
	return errs.E(op, errs.Unavailable, err)
}

// Unconfigured is the object storage of a function given no bucket: every
// call is Unavailable, so a misconfigured stack answers 503, never 500 or a
// panic, and erasing a document with no bucket fails rather than leaving
// objects behind unseen.
type Unconfigured struct{}

var _ files.Objects = Unconfigured{}

var errNoBucket = errors.New("FILES_BUCKET is not set")

func (Unconfigured) PresignPut(context.Context, string, files.PutSpec, time.Duration) (files.Presigned, error) {
	return files.Presigned{}, errs.E("objects.PresignPut", errs.Unavailable, errNoBucket)
}
func (Unconfigured) PresignGet(context.Context, string, string, string, time.Duration) (files.Presigned, error) {
	return files.Presigned{}, errs.E("objects.PresignGet", errs.Unavailable, errNoBucket)
}
func (Unconfigured) Head(context.Context, string) (files.ObjectInfo, error) {
	return files.ObjectInfo{}, errs.E("objects.Head", errs.Unavailable, errNoBucket)
}
func (Unconfigured) Open(context.Context, string) (io.ReadCloser, error) {
	return nil, errs.E("objects.Open", errs.Unavailable, errNoBucket)
}
func (Unconfigured) Delete(context.Context, string) error {
	return errs.E("objects.Delete", errs.Unavailable, errNoBucket)
}
func (Unconfigured) DeletePrefix(context.Context, string) error {
	return errs.E("objects.DeletePrefix", errs.Unavailable, errNoBucket)
}
func (Unconfigured) Copy(context.Context, string, string) error {
	return errs.E("objects.Copy", errs.Unavailable, errNoBucket)
}
