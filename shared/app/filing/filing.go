// Package filing composes people's files for the functions that keep them
// (functions/documents, functions/ingest) and for package app: the files
// bucket, the files service and detached signature verification. Sharing
// (filing/shares) and what comes in from laboratories and GuardDuty
// (filing/intake) are apart, so each function links only what it serves;
// all of it is apart from package core because it links the S3 client and
// the files and signature code, which the other functions must not.
package filing

import (
	"context"
	"io"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/adapter/signatures"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/filestore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Bucket is c.FilesBucket with clock now; nil when c names none.
func Bucket(c core.Config, cl core.Clients, now func() time.Time) *objects.Bucket {
	if c.FilesBucket == "" {
		return nil
	}
	b := objects.New(cl.AWS, c.FilesBucket, c.PathStyle, now)
	b.Versioned = c.FilesVersioned
	return b
}

// FilesService is the files of documents on st, hanging off docs, in
// c.FilesBucket; it also becomes docs' Attachments, so erasing a document
// erases its files. verifier checks detached signatures (nil: none).
// Without a bucket configured its Objects answer Unavailable.
func FilesService(c core.Config, cl core.Clients, st *store.Store, docs *registry.Service, verifier files.SignatureVerifier, now func() time.Time) *files.Service {
	var objs files.Objects = objects.Unconfigured{}
	if b := Bucket(c, cl, now); b != nil {
		objs = b
	}
	// No Inbox: only the scan verdicts (ScanVerdicts, in ingest) tell an
	// owner, so the documents function links no inbox store.
	svc := &files.Service{Store: filestore.New(st), Objects: objs, Documents: docs, Verifier: verifier, Now: now, NewID: ids.New,
		Scanning: c.FilesScanned}
	docs.Attachments = svc
	return svc
}

// SignatureVerifier checks detached signatures against the trust anchors:
// the bundle in c.FilesBucket at c.TrustAnchorsKey, read when the first
// signature is checked and refreshed (signatures.Anchors: an unreadable
// one answers Unavailable then); nil when there is no such object to read.
func SignatureVerifier(c core.Config, cl core.Clients, now func() time.Time) files.SignatureVerifier {
	b := Bucket(c, cl, now)
	if b == nil || c.TrustAnchorsKey == "" {
		return nil
	}
	key := c.TrustAnchorsKey
	return &signatures.Anchors{Clock: now, Load: func(ctx context.Context) ([]byte, error) {
		r, err := b.Open(ctx, key)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return io.ReadAll(io.LimitReader(r, maxAnchorsSize))
	}}
}

// maxAnchorsSize bounds the trust-anchor bundle read: a few hundred CA
// certificates.
const maxAnchorsSize = 4 << 20
