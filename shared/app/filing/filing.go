// Package filing composes people's files for the functions that keep them
// (functions/documents, functions/ingest) and for package app: the files
// bucket, the files service and detached signature verification. Sharing
// (filing/shares) and what comes in from laboratories and GuardDuty
// (filing/intake) are apart, so each function links only what it serves;
// all of it is apart from package core because it links the S3 client and
// the files and signature code, which the other functions must not.
package filing

import (
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

// SignatureVerifier checks detached signatures against c.TrustAnchors; nil
// when none are configured. Errors: the bundle holds no certificate.
func SignatureVerifier(c core.Config) (files.SignatureVerifier, error) {
	if len(c.TrustAnchors) == 0 {
		return nil, nil
	}
	v, err := signatures.New(c.TrustAnchors)
	if err != nil {
		return nil, err
	}
	return v, nil
}
