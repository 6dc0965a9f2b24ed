package applications

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Attachment is an electronic copy the applicant sent with an answer to a
// request for information: one of their files (the files domain's, on a
// document of their registry), named by its record as it was when sent.
//
// An application does not hold files of its own: the applicant's copies
// live in their registry, where one upload path checks every byte (size,
// SHA-256 of the stored object, sniffed type, malware scan), counts them
// against one quota and erases them with the document or the person. An
// answer links copies from there, so the same scan of a passport is not
// stored twice, and the clerk reads what the applicant holds: a copy the
// applicant deletes later is gone for the clerk too (the link answers
// NotFound), as a withdrawn copy should be.
type Attachment struct {
	FileID      string
	DocumentID  string
	Name        string
	ContentType string
	Size        int64
}

// MaxResponseFiles bounds the files of one answer.
const MaxResponseFiles = 10

// Files is the applicant's electronic copies as the applications domain
// needs them; composition adapts the files service (shared/app/filing/
// attach), so this package links no file storage.
type Files interface {
	// Attachable returns owner's files named by ids, in that order, each
	// complete and downloadable (not pending, not infected).
	// Errors: Invalid (files[i]: not_found — also someone else's —,
	// not_ready, duplicate), Unavailable, Internal.
	Attachable(ctx context.Context, owner string, ids []string) ([]Attachment, error)
	// Download returns a short-lived URL serving owner's file as an
	// attachment under its name, and when it stops working.
	// Errors: NotFound (the file is gone), Conflict
	// (file_not_downloadable: infected since), Unavailable, Internal.
	Download(ctx context.Context, owner string, a Attachment) (url string, expiresAt time.Time, err error)
}

// FileDownload is an attachment of an application with a URL to fetch it.
type FileDownload struct {
	Attachment
	URL       string
	ExpiresAt time.Time
}

// ResponseFile gives staff of the application's agency a download of a
// file the applicant sent with an answer (Entry.Files). A citizen gets
// Forbidden for their own application (they hold the file in their
// registry) and NotFound for anyone else's; staff of another agency, and a
// file id the application's answers do not name, get NotFound.
// Errors: Forbidden (staff_only), NotFound, Conflict
// (file_not_downloadable), Unavailable, Internal.
func (s *Service) ResponseFile(ctx context.Context, st Staff, id, fileID string) (FileDownload, error) {
	const op = "applications.ResponseFile"
	if !st.IsStaff {
		if _, err := s.Get(ctx, st.Sub, id); err != nil {
			return FileDownload{}, err
		}
		return FileDownload{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if st.Agency == "" {
		return FileDownload{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if id == "" || fileID == "" {
		return FileDownload{}, errs.E(op, errs.NotFound, nil)
	}
	a, err := s.find(ctx, id, nil)
	if err != nil {
		return FileDownload{}, err
	}
	if !st.handles(a) {
		return FileDownload{}, errs.E(op, errs.NotFound, nil)
	}
	att, ok := a.attachment(fileID)
	if !ok || s.Files == nil {
		return FileDownload{}, errs.E(op, errs.NotFound, nil)
	}
	url, exp, err := s.Files.Download(ctx, a.Owner, att)
	if err != nil {
		return FileDownload{}, err
	}
	return FileDownload{Attachment: att, URL: url, ExpiresAt: exp}, nil
}

// attachment is the file fileID of a's answers.
func (a Application) attachment(fileID string) (Attachment, bool) {
	for _, e := range a.Timeline {
		for _, f := range e.Files {
			if f.FileID == fileID {
				return f, true
			}
		}
	}
	return Attachment{}, false
}
