package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// Service is the files of people's documents. Every method acts for owner,
// the authenticated person; callers take owner from the verified identity.
// Someone else's document or file is NotFound, exactly as a missing one.
type Service struct {
	Store     Store
	Objects   Objects
	Documents Documents
	Verifier  SignatureVerifier
	Now       func() time.Time
	NewID     func() string
	// Scanning says a malware scanner watches the bucket (GuardDuty in
	// AWS): completed files wait in pending_scan for its verdict. Without
	// one (locally) they are not_scanned.
	Scanning bool
	// Inbox tells owners of infected files; nil tells no one.
	Inbox Inbox
}

// BeginInput is what a client declares about a file before uploading it.
type BeginInput struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Upload is a file just recorded and where to put its bytes.
type Upload struct {
	File   File
	Upload Presigned
}

// Download is a file with a presigned GET, when its bytes may be handed out.
type Download struct {
	File     File
	Download *Presigned
}

// Field codes of Begin and Complete.
const (
	CodeRequired       = "required"
	CodeTooLong        = "too_long"
	CodeInvalidName    = "invalid_name"
	CodeUnsupported    = "unsupported_type"
	CodeTooLarge       = "too_large"
	CodeNotPositive    = "not_positive"
	CodeInvalidSHA256  = "invalid_sha256"
	CodeSizeMismatch   = "size_mismatch"
	CodeTypeMismatch   = "type_mismatch"
	CodeSHA256Mismatch = "sha256_mismatch"
)

// Reasons this package decides.
const (
	// ReasonTooManyFiles (Conflict): the document holds MaxFilesPerDocument files.
	ReasonTooManyFiles errs.Reason = "too_many_files"
	// ReasonQuotaExceeded (Conflict): the file would take the person past MaxBytesPerPerson.
	ReasonQuotaExceeded errs.Reason = "quota_exceeded"
	// ReasonAlreadyCompleted (Conflict): complete was called for a file no longer pending upload.
	ReasonAlreadyCompleted errs.Reason = "already_completed"
	// ReasonNotUploaded (Conflict): complete before the bytes arrived; the URL still works.
	ReasonNotUploaded errs.Reason = "not_uploaded"
	// ReasonUploadExpired (Conflict): the upload URL expired unused; the record is gone.
	ReasonUploadExpired errs.Reason = "upload_expired"
	// ReasonNotDownloadable (Conflict): the file is not complete, not yet scanned, or infected.
	ReasonNotDownloadable errs.Reason = "file_not_downloadable"
	// ReasonTooManySigs (Conflict): the file holds MaxSignaturesPerFile results.
	ReasonTooManySigs errs.Reason = "too_many_signatures"
	// ReasonRefused (Invalid): what arrived is not what was declared; the
	// field names which, and the object and record were deleted.
	ReasonRefused errs.Reason = "file_refused"
	// ReasonNotAFileKey (NotFound): a scan result about an object that is no file's.
	ReasonNotAFileKey errs.Reason = "not_a_file_key"
)

func (in *BeginInput) validate(op string) error {
	var f errs.Fields
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		f.Add("name", CodeRequired)
	case utf8.RuneCountInString(name) > MaxNameLength:
		f.Add("name", CodeTooLong)
	case strings.ContainsAny(name, `/\`) || strings.ContainsFunc(name, unicode.IsControl) || !utf8.ValidString(name):
		// The name ends up in Content-Disposition: no paths, no header tricks.
		f.Add("name", CodeInvalidName)
	}
	in.Name = name
	switch {
	case in.ContentType == "":
		f.Add("contentType", CodeRequired)
	case !Accepted(in.ContentType):
		f.Add("contentType", CodeUnsupported)
	}
	switch {
	case in.Size <= 0:
		f.Add("size", CodeNotPositive)
	case in.Size > MaxFileSize:
		f.Add("size", CodeTooLarge)
	}
	in.SHA256 = strings.ToLower(in.SHA256)
	if b, err := hex.DecodeString(in.SHA256); err != nil || len(b) != sha256.Size {
		f.Add("sha256", CodeInvalidSHA256)
	}
	return f.Err(op)
}

// Begin records a file on the owner's document and returns a presigned PUT
// for its bytes. With idem, a retry of the same request returns the same
// file (replayed) with a URL bound to the same bytes. Errors: Invalid
// (fields, idempotency_key_reused), NotFound (document), Conflict
// (too_many_files, quota_exceeded), Unavailable, Internal.
func (s *Service) Begin(ctx context.Context, owner, docID string, in BeginInput, idem *idempotency.Key) (Upload, bool, error) {
	const op = "files.Begin"
	if err := in.validate(op); err != nil {
		return Upload{}, false, err
	}
	if err := s.Documents.DocumentExists(ctx, owner, docID); err != nil {
		return Upload{}, false, err
	}
	now := s.Now()
	id := s.NewID()
	f := File{
		ID: id, Owner: owner, DocumentID: docID, Name: in.Name,
		ContentType: in.ContentType, Size: in.Size, SHA256: in.SHA256,
		Status: StatusPendingUpload, Key: ObjectKey(owner, docID, id),
		CreatedAt: now, UploadBy: now.Add(UploadTTL), Version: 1,
	}
	// The record comes first: an object can then only ever be put under a
	// key that has one. A record whose upload never comes is reaped once
	// its URL expired (Abandoned).
	f, replayed, err := s.Store.CreateFile(ctx, f, idem)
	if err != nil {
		return Upload{}, false, err
	}
	p, err := s.Objects.PresignPut(ctx, f.Key, PutSpec{ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256}, UploadTTL)
	if err != nil {
		if !replayed {
			_ = s.Store.DeleteFile(ctx, f)
		}
		return Upload{}, false, err
	}
	if !replayed {
		f.UploadBy = p.ExpiresAt
	}
	return Upload{File: f, Upload: p}, replayed, nil
}

// Complete checks what arrived for a pending upload: the stored object's
// size against the declared one, the content type sniffed from its bytes
// against the declared one, and the SHA-256 computed from the stored bytes
// against the declared one. Accepted, the file becomes pending_scan (or
// not_scanned). Refused, the object and the record are both deleted and the
// error names the field. Errors: NotFound, Invalid (size_mismatch,
// type_mismatch, unsupported_type, sha256_mismatch), Conflict
// (already_completed; not_uploaded while the URL is still valid;
// upload_expired once it is not, the record then removed), Unavailable, Internal.
func (s *Service) Complete(ctx context.Context, owner, docID, id string) (File, error) {
	const op = "files.Complete"
	f, err := s.Store.GetFile(ctx, owner, docID, id)
	if err != nil {
		return File{}, err
	}
	if f.Status != StatusPendingUpload {
		return File{}, errs.E(op, errs.Conflict, ReasonAlreadyCompleted)
	}
	now := s.Now()
	info, err := s.Objects.Head(ctx, f.Key)
	if errs.Is(err, errs.NotFound) {
		if f.Abandoned(now) {
			if err := s.discard(ctx, f); err != nil {
				return File{}, err
			}
			return File{}, errs.E(op, errs.Conflict, ReasonUploadExpired)
		}
		return File{}, errs.E(op, errs.Conflict, ReasonNotUploaded)
	}
	if err != nil {
		return File{}, err
	}
	if code, field := s.check(ctx, f, info); code != "" {
		if code == "unavailable" {
			return File{}, errs.E(op, errs.Unavailable, errors.New("reading the stored object"))
		}
		if err := s.discard(ctx, f); err != nil {
			return File{}, err
		}
		return File{}, errs.E(op, errs.Invalid, ReasonRefused, errs.FieldError{Field: field, Code: code})
	}
	prev := f.Version
	f.Status = StatusNotScanned
	if s.Scanning {
		// The scanner may have answered before the owner completed.
		switch f.ScanVerdict {
		case VerdictClean:
			f.Status = StatusReady
		case VerdictInfected:
			f.Status = StatusInfected
		default:
			f.Status = StatusPendingScan
		}
	}
	f.CompletedAt = &now
	f.Version++
	if err := s.Store.UpdateFile(ctx, f, prev); err != nil {
		if errs.Is(err, errs.Precondition) {
			// Another complete won the race.
			return File{}, errs.E(op, errs.Conflict, ReasonAlreadyCompleted)
		}
		return File{}, err
	}
	return f, nil
}

// check compares the stored object with the record and returns the failed
// field's code and name, "" when everything matches, or "unavailable" when
// the bytes could not be read.
func (s *Service) check(ctx context.Context, f File, info ObjectInfo) (code, field string) {
	if info.Size != f.Size {
		return CodeSizeMismatch, "size"
	}
	r, err := s.Objects.Open(ctx, f.Key)
	if err != nil {
		return "unavailable", ""
	}
	defer r.Close()
	h := sha256.New()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "unavailable", ""
	}
	head = head[:n]
	h.Write(head)
	sniffed := Sniff(head)
	if sniffed == "" {
		return CodeUnsupported, "contentType"
	}
	if sniffed != f.ContentType {
		return CodeTypeMismatch, "contentType"
	}
	// Never read past what was declared: Head said Size, but the hash is
	// over the bytes actually streamed.
	m, err := io.Copy(h, io.LimitReader(r, MaxFileSize+1-int64(n)))
	if err != nil {
		return "unavailable", ""
	}
	if int64(n)+m != f.Size {
		return CodeSizeMismatch, "size"
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return CodeSHA256Mismatch, "sha256"
	}
	return "", ""
}

// discard deletes a file's object, then its record: a failure between the
// two leaves a record whose object is gone, which the next call removes.
func (s *Service) discard(ctx context.Context, f File) error {
	if err := s.Objects.Delete(ctx, f.Key); err != nil {
		return err
	}
	if err := s.Store.DeleteFile(ctx, f); err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	return nil
}

// List returns the files of the owner's document, reaping abandoned uploads
// on the way. Errors: NotFound (document), Unavailable, Internal.
// The document and its files are read at once (the files are looked up
// under the caller's own key: another person's document has none).
func (s *Service) List(ctx context.Context, owner, docID string) ([]File, error) {
	var all []File
	if err := parallel.Do(
		func() error { return s.Documents.DocumentExists(ctx, owner, docID) },
		func() (err error) { all, err = s.Store.ListFiles(ctx, owner, docID); return err },
	); err != nil {
		return nil, err
	}
	now := s.Now()
	out := all[:0]
	for _, f := range all {
		if f.Abandoned(now) {
			if err := s.discard(ctx, f); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// Downloads is List with each file's presigned GET where its status allows
// (as Get gives it), from the records listed: no file is read twice.
// Errors: NotFound (document), Unavailable, Internal.
func (s *Service) Downloads(ctx context.Context, owner, docID string) ([]Download, error) {
	fs, err := s.List(ctx, owner, docID)
	if err != nil {
		return nil, err
	}
	var out []Download
	for _, f := range fs {
		d, err := s.download(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Get returns a file and, when its status allows, a presigned GET that
// serves it as an attachment under its name. Errors: NotFound, Unavailable, Internal.
func (s *Service) Get(ctx context.Context, owner, docID, id string) (Download, error) {
	f, err := s.Store.GetFile(ctx, owner, docID, id)
	if err != nil {
		return Download{}, err
	}
	return s.download(ctx, f)
}

func (s *Service) download(ctx context.Context, f File) (Download, error) {
	if !f.Status.Downloadable() {
		return Download{File: f}, nil
	}
	p, err := s.Objects.PresignGet(ctx, f.Key, f.Name, f.ContentType, DownloadTTL)
	if err != nil {
		return Download{}, err
	}
	return Download{File: f, Download: &p}, nil
}

// Delete removes a file: its object first, then its record (see discard).
// Errors: NotFound, Unavailable, Internal.
func (s *Service) Delete(ctx context.Context, owner, docID, id string) error {
	f, err := s.Store.GetFile(ctx, owner, docID, id)
	if err != nil {
		return err
	}
	return s.discard(ctx, f)
}

// DeleteDocumentObjects removes the stored bytes of every file of a
// document, whatever their state: every object is put under the document's
// prefix (ObjectKey). The registry calls it once it has read what hangs off
// the document and before it erases the records (files' among them), so a
// failure half-way leaves the document to retry the erasure on.
// Errors: Unavailable, Internal.
func (s *Service) DeleteDocumentObjects(ctx context.Context, owner, docID string) error {
	return s.Objects.DeletePrefix(ctx, ObjectPrefix(owner, docID))
}

// DeletePerson removes every file of owner, records and objects: a person's
// erasure. Errors: Unavailable, Internal.
func (s *Service) DeletePerson(ctx context.Context, owner string) error {
	all, err := s.Store.ListOwnerFiles(ctx, owner)
	if err != nil || len(all) == 0 {
		return err
	}
	for _, f := range all {
		if err := s.discard(ctx, f); err != nil {
			return err
		}
	}
	return s.Objects.DeletePrefix(ctx, "files/"+owner+"/")
}

// AddSignature verifies a detached signature over the file's stored bytes
// and keeps the result on the file. A signature that does not verify is
// not an error: its Result says why. Errors: NotFound, Invalid (signature
// required or over MaxSignatureSize), Conflict (file_not_downloadable:
// not yet complete or infected; too_many_signatures), Unavailable, Internal.
func (s *Service) AddSignature(ctx context.Context, owner, docID, id string, sig []byte) (Verification, error) {
	const op = "files.AddSignature"
	var fe errs.Fields
	switch {
	case len(bytes.TrimSpace(sig)) == 0:
		fe.Add("signature", CodeRequired)
	case len(sig) > MaxSignatureSize:
		fe.Add("signature", CodeTooLarge)
	}
	if err := fe.Err(op); err != nil {
		return Verification{}, err
	}
	f, err := s.Store.GetFile(ctx, owner, docID, id)
	if err != nil {
		return Verification{}, err
	}
	if f.Status == StatusPendingUpload || f.Status == StatusInfected {
		return Verification{}, errs.E(op, errs.Conflict, ReasonNotDownloadable)
	}
	if len(f.Signatures) >= MaxSignaturesPerFile {
		return Verification{}, errs.E(op, errs.Conflict, ReasonTooManySigs)
	}
	if s.Verifier == nil {
		// No trust anchors configured: checking against none would call
		// every signer untrusted, which is not what the person should read.
		return Verification{}, errs.E(op, errs.Unavailable, errors.New("no signature verifier configured"))
	}
	content, err := s.read(ctx, f)
	if err != nil {
		return Verification{}, err
	}
	v, err := s.Verifier.Verify(ctx, content, sig, s.Now())
	if err != nil {
		return Verification{}, errs.E(op, errs.KindOf(err), err) // Unavailable: the trust anchors unreadable
	}
	prev := f.Version
	f.Signatures = append(f.Signatures, v)
	f.Version++
	if err := s.Store.UpdateFile(ctx, f, prev); err != nil {
		return Verification{}, err
	}
	return v, nil
}

// read returns a file's stored bytes, never more than MaxFileSize.
func (s *Service) read(ctx context.Context, f File) ([]byte, error) {
	r, err := s.Objects.Open(ctx, f.Key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize))
	if err != nil {
		return nil, errs.E("files.read", errs.Unavailable, err)
	}
	return b, nil
}

// Attachable returns owner's files named by ids, in that order, for
// another domain to link (an application's answer to a request for
// information): each must be owner's, complete and downloadable. Every id
// is judged before the answer, so a caller links all or none.
// Errors: Invalid (files[i]: not_found — also someone else's file, a
// refused or abandoned upload —, not_ready: pending its upload or scan,
// or infected; duplicate), Unavailable, Internal.
func (s *Service) Attachable(ctx context.Context, owner string, ids []string) ([]File, error) {
	const op = "files.Attachable"
	all, err := s.Store.ListOwnerFiles(ctx, owner)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]File, len(all))
	for _, f := range all {
		byID[f.ID] = f
	}
	var fe errs.Fields
	out := make([]File, 0, len(ids))
	seen := map[string]bool{}
	for i, id := range ids {
		field := "files[" + strconv.Itoa(i) + "]"
		f, ok := byID[id]
		switch {
		case seen[id]:
			fe.Add(field, "duplicate")
		case !ok:
			fe.Add(field, "not_found")
		case !f.Status.Downloadable():
			fe.Add(field, "not_ready")
		default:
			out = append(out, f)
		}
		seen[id] = true
	}
	if err := fe.Err(op); err != nil {
		return nil, err
	}
	return out, nil
}
