// Package shares composes sharing documents with institutions for the
// documents function and for package app: the shares' store, the
// directory the institutions must be in, and the erasure of a document's
// shares before its files. Apart from package filing, so the ingest
// function, which keeps files but shares nothing, links neither sharing
// nor the directory.
package shares

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/dirstore"
	"github.com/kabinet/kabinet/shared/adapter/store/sharestore"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/sharing"
)

// Service is sharing documents with institutions on st, reading
// documents through docs and files through fs, institutions from the
// directory in the table.
//
// Erasing a document then erases its shares too, before its files.
func Service(st *store.Store, docs *registry.Service, fs *files.Service, now func() time.Time) *sharing.Service {
	svc := &sharing.Service{Store: sharestore.New(st), Places: &directory.Cache{Load: dirstore.New(st).LoadDirectory, Now: now},
		Documents: docs, Files: fs, Now: now, NewID: ids.New}
	docs.Attachments = attachments{svc, fs}
	return svc
}

// attachments erases what hangs off a document: its shares (no staff read
// may reach it), then its files.
type attachments struct {
	shares *sharing.Service
	files  *files.Service
}

func (a attachments) DeleteDocumentFiles(ctx context.Context, owner, docID string) error {
	if err := a.shares.DeleteDocumentShares(ctx, owner, docID); err != nil {
		return err
	}
	return a.files.DeleteDocumentFiles(ctx, owner, docID)
}
