// Package attach gives the applications domain the applicant's electronic
// copies (applications.Files) from the files service: what an answer to a
// request for information links, and the clerk's download of it. It is
// apart from package filing so that only the applications function (and
// package app) links the applications domain with the files.
package attach

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/filestore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
)

// Files is applications.Files on the files service.
type Files struct{ Service *files.Service }

// New is the people's files on st in c.FilesBucket (none: downloads
// answer Unavailable), for reading only: the applications function lists
// and downloads them and never uploads, so it builds neither the signature
// verifier nor the document link package filing gives the documents
// function.
func New(c core.Config, cl core.Clients, st *store.Store, now func() time.Time) Files {
	var objs files.Objects = objects.Unconfigured{}
	if c.FilesBucket != "" {
		objs = objects.New(cl.AWS, c.FilesBucket, c.PathStyle, now)
	}
	return Files{Service: &files.Service{Store: filestore.New(st), Objects: objs, Now: now, NewID: ids.New, Scanning: c.FilesScanned}}
}

var _ applications.Files = Files{}

// Attachable implements applications.Files (files.Service.Attachable).
func (f Files) Attachable(ctx context.Context, owner string, ids []string) ([]applications.Attachment, error) {
	got, err := f.Service.Attachable(ctx, owner, ids)
	if err != nil {
		return nil, err
	}
	out := make([]applications.Attachment, len(got))
	for i, x := range got {
		out[i] = applications.Attachment{FileID: x.ID, DocumentID: x.DocumentID, Name: x.Name, ContentType: x.ContentType, Size: x.Size}
	}
	return out, nil
}

// Download implements applications.Files: the file's presigned GET
// (files.Service.Get); a file no longer downloadable (infected since) is
// Conflict file_not_downloadable.
func (f Files) Download(ctx context.Context, owner string, a applications.Attachment) (string, time.Time, error) {
	d, err := f.Service.Get(ctx, owner, a.DocumentID, a.FileID)
	if err != nil {
		return "", time.Time{}, err
	}
	if d.Download == nil {
		return "", time.Time{}, errs.E("attach.Download", errs.Conflict, files.ReasonNotDownloadable)
	}
	return d.Download.URL, d.Download.ExpiresAt, nil
}
