package files

import (
	"context"
	"io"
	"time"

	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// Presigned is a URL a client uses directly against object storage, with
// the headers it must send unchanged (they are part of the signature, so
// storage refuses a request without them) and when it stops working.
type Presigned struct {
	URL       string
	Method    string
	Headers   map[string]string
	ExpiresAt time.Time
}

// PutSpec is what a presigned PUT binds the upload to: exactly this many
// bytes of this type with this SHA-256 (hex). Storage itself then refuses
// other bytes where it checks checksums; Complete checks again in any case.
type PutSpec struct {
	ContentType string
	Size        int64
	SHA256      string
}

// ObjectInfo is what storage says about a stored object.
type ObjectInfo struct {
	Size        int64
	ContentType string
}

// Objects is the object storage the files live in. Keys are ObjectKey's.
type Objects interface {
	// PresignPut returns a URL that accepts one PUT of key matching spec
	// until ttl from now. Errors: Unavailable, Internal.
	PresignPut(ctx context.Context, key string, spec PutSpec, ttl time.Duration) (Presigned, error)
	// PresignGet returns a URL that serves key as an attachment called
	// filename until ttl from now. Errors: Unavailable, Internal.
	PresignGet(ctx context.Context, key, filename, contentType string, ttl time.Duration) (Presigned, error)
	// Head describes key. Errors: NotFound (no such object), Unavailable, Internal.
	Head(ctx context.Context, key string) (ObjectInfo, error)
	// Open streams key's bytes; the caller closes the reader.
	// Errors: NotFound, Unavailable, Internal.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key (every version, where the bucket keeps versions);
	// a missing key is not an error. Errors: Unavailable, Internal.
	Delete(ctx context.Context, key string) error
	// DeletePrefix removes every object whose key starts with prefix.
	// Errors: Unavailable, Internal.
	DeletePrefix(ctx context.Context, prefix string) error
	// Copy copies src to dst within the bucket. Errors: NotFound, Unavailable, Internal.
	Copy(ctx context.Context, src, dst string) error
}

// Store keeps the file records. Every record of a person lives under that
// person's key: a call for one owner never sees another's files.
type Store interface {
	// CreateFile stores f (pending_upload) if the document exists, it has
	// fewer than MaxFilesPerDocument files and the owner's bytes stay within
	// MaxBytesPerPerson, in one write. With idem set the key is claimed in
	// the same write: a key already used for the same request returns the
	// file it created and replayed=true. Errors: NotFound (document),
	// Conflict (reason too_many_files, quota_exceeded), Invalid
	// (idempotency_key_reused), Unavailable, Internal.
	CreateFile(ctx context.Context, f File, idem *idempotency.Key) (stored File, replayed bool, err error)
	// GetFile errors: NotFound, Unavailable, Internal.
	GetFile(ctx context.Context, owner, docID, id string) (File, error)
	// ListFiles returns the document's files in id order.
	// Errors: Unavailable, Internal.
	ListFiles(ctx context.Context, owner, docID string) ([]File, error)
	// ListOwnerFiles returns every file of owner. Errors: Unavailable, Internal.
	ListOwnerFiles(ctx context.Context, owner string) ([]File, error)
	// UpdateFile replaces f if its stored version is still prevVersion.
	// Errors: NotFound, Precondition, Unavailable, Internal.
	UpdateFile(ctx context.Context, f File, prevVersion int) error
	// DeleteFile removes the record and gives its bytes and its slot back to
	// the quota, in one write. Errors: NotFound, Unavailable, Internal.
	DeleteFile(ctx context.Context, f File) error
}

// Documents tells whether owner holds a document: files hang off documents,
// and someone else's document is NotFound like a missing one.
type Documents interface {
	// DocumentExists errors: NotFound, Unavailable, Internal.
	DocumentExists(ctx context.Context, owner, docID string) error
}
