// Package shares composes sharing documents with institutions for the
// documents function and for package app: the shares' store and the
// directory the institutions must be in. Apart from package filing, so the ingest
// function, which keeps files but shares nothing, links neither sharing
// nor the directory.
package shares

import (
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
// directory in the table. Erasing a document erases its shares when its
// store was built with sharestore's DocumentRecords (docstore.New).
func Service(st *store.Store, docs *registry.Service, fs *files.Service, now func() time.Time) *sharing.Service {
	svc := &sharing.Service{Store: sharestore.New(st), Locator: st.Locator, Places: &directory.Cache{Load: dirstore.New(st).LoadDirectory, Now: now},
		Documents: docs, Files: fs, Now: now, NewID: ids.New}
	return svc
}
