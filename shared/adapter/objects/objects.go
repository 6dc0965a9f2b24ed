// Package objects is the S3 adapter of shared/domain/files: presigned PUT
// and GET URLs, and the reads, copies and deletes the server itself makes.
// Endpoints come from the SDK's own variables (AWS_ENDPOINT_URL_S3); against
// an emulator the bucket goes in the path (PathStyle), as S3-compatible
// servers on a bare host:port need.
package objects

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
)

// Bucket is one S3 bucket holding people's files.
type Bucket struct {
	S3      *s3.Client
	presign *s3.PresignClient
	Name    string
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

// New returns the bucket called name through cfg. The SDK computes no
// checksums it is not asked for: the presigned PUT carries the one the
// client declared, and S3-compatible servers differ on trailing checksums.
func New(cfg aws.Config, name string, pathStyle bool, now func() time.Time) *Bucket {
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	b := &Bucket{S3: client, Name: name, Now: now}
	b.presign = s3.NewPresignClient(client, func(o *s3.PresignOptions) {
		o.Presigner = clockedSigner{signer: v4.NewSigner(), now: func() time.Time { return b.Now() }}
	})
	return b
}

// clockedSigner signs presigned URLs at the injected clock's time, so their
// expiry follows Kabinet's clock (and a test can make an expired one).
type clockedSigner struct {
	signer *v4.Signer
	now    func() time.Time
}

func (c clockedSigner) PresignHTTP(ctx context.Context, cr aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return c.signer.PresignHTTP(ctx, cr, r, payloadHash, service, region, c.now(), optFns...)
}

// PresignPut implements files.Objects. The URL is bound to the declared
// type, length and SHA-256: the client must send exactly these headers.
func (b *Bucket) PresignPut(ctx context.Context, key string, spec files.PutSpec, ttl time.Duration) (files.Presigned, error) {
	const op = "objects.PresignPut"
	sum, err := hex.DecodeString(spec.SHA256)
	if err != nil {
		return files.Presigned{}, errs.E(op, errs.Internal, err)
	}
	checksum := base64.StdEncoding.EncodeToString(sum)
	now := b.Now()
	req, err := b.presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket:         aws.String(b.Name),
		Key:            aws.String(key),
		ContentType:    aws.String(spec.ContentType),
		ContentLength:  aws.Int64(spec.Size),
		ChecksumSHA256: aws.String(checksum),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return files.Presigned{}, mapErr(op, err)
	}
	return files.Presigned{URL: req.URL, Method: req.Method, Headers: clientHeaders(req.SignedHeader), ExpiresAt: now.Add(ttl)}, nil
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
	req, err := b.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket:                     aws.String(b.Name),
		Key:                        aws.String(key),
		ResponseContentDisposition: aws.String(ContentDisposition(filename)),
		ResponseContentType:        aws.String(contentType),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return files.Presigned{}, mapErr(op, err)
	}
	return files.Presigned{URL: req.URL, Method: req.Method, Headers: clientHeaders(req.SignedHeader), ExpiresAt: now.Add(ttl)}, nil
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
	out, err := b.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	if err != nil {
		return files.ObjectInfo{}, mapErr("objects.Head", err)
	}
	return files.ObjectInfo{Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType)}, nil
}

// Open implements files.Objects.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := b.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	if err != nil {
		return nil, mapErr("objects.Open", err)
	}
	return out.Body, nil
}

// Put stores body under key: for the server's own files (signed PDFs) and
// for tests standing in for a laboratory. Errors: Unavailable, Internal.
func (b *Bucket) Put(ctx context.Context, key, contentType string, body []byte) error {
	_, err := b.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(b.Name), Key: aws.String(key), ContentType: aws.String(contentType),
		Body: strings.NewReader(string(body)), ContentLength: aws.Int64(int64(len(body))),
	})
	return mapErr("objects.Put", err)
}

// Copy implements files.Objects.
func (b *Bucket) Copy(ctx context.Context, src, dst string) error {
	_, err := b.S3.CopyObject(ctx, &s3.CopyObjectInput{
		Bucket: aws.String(b.Name), Key: aws.String(dst),
		CopySource: aws.String(b.Name + "/" + escapeKey(src)),
	})
	return mapErr("objects.Copy", err)
}

// escapeKey URL-encodes each segment of a key, keeping its slashes, as
// CopySource wants it.
func escapeKey(k string) string {
	parts := strings.Split(k, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// Delete implements files.Objects.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if b.Versioned {
		return b.deleteVersions(ctx, key, true)
	}
	_, err := b.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	err = mapErr("objects.Delete", err)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	return err
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
	p := s3.NewListObjectsV2Paginator(b.S3, &s3.ListObjectsV2Input{Bucket: aws.String(b.Name), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return mapErr(op, err)
		}
		for _, o := range page.Contents {
			// One by one: DeleteObjects needs Content-MD5 and the emulator
			// and S3 differ on it; erasure is rare and a person holds few files.
			if _, err := b.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Name), Key: o.Key}); err != nil {
				return mapErr(op, err)
			}
		}
	}
	return nil
}

// deleteVersions removes every version and delete marker of key (exact) or
// of every key under a prefix.
func (b *Bucket) deleteVersions(ctx context.Context, keyOrPrefix string, exact bool) error {
	const op = "objects.deleteVersions"
	p := s3.NewListObjectVersionsPaginator(b.S3, &s3.ListObjectVersionsInput{Bucket: aws.String(b.Name), Prefix: aws.String(keyOrPrefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return mapErr(op, err)
		}
		var ids []types.ObjectIdentifier
		for _, v := range page.Versions {
			ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		for _, id := range ids {
			if exact && aws.ToString(id.Key) != keyOrPrefix {
				continue
			}
			if _, err := b.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Name), Key: id.Key, VersionId: id.VersionId}); err != nil {
				return mapErr(op, err)
			}
		}
	}
	return nil
}

// mapErr turns an S3 failure into an error kind: a missing object is
// NotFound; throttling, a server error or no connection is Unavailable.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return errs.E(op, errs.NotFound, err)
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return errs.E(op, errs.NotFound, err)
		case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "ThrottlingException":
			return errs.E(op, errs.Unavailable, err)
		}
		var re interface{ HTTPStatusCode() int }
		if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
			return errs.E(op, errs.Unavailable, err)
		}
		return errs.E(op, errs.Internal, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errs.E(op, errs.Unavailable, err)
	}
	// No API answer at all: the connection failed.
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
