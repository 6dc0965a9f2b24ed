// Package files is the electronic copies of a person's documents: the record
// of each file, the limits, what "complete" checks against the stored bytes,
// and the ports it needs (object storage, signature verification, the file
// records' store). It decides; shared/adapter/objects speaks S3 and
// shared/adapter/store persists. Nothing here knows about AWS.
//
// An upload is three steps so that file bytes never pass through a Lambda:
// Begin records the file (pending_upload) and hands out a presigned PUT;
// the client puts the bytes straight to object storage; Complete reads back
// what arrived and either accepts it (pending_scan where a malware scanner
// watches the bucket, not_scanned where none does) or refuses it, deleting
// both the object and the record so nothing is left half-made.
package files

import (
	"time"
)

// Limits, in one place (the README repeats them).
const (
	// MaxFileSize is the largest file a person may attach: 20 MB.
	MaxFileSize int64 = 20 << 20
	// MaxFilesPerDocument is how many files one document may carry.
	MaxFilesPerDocument = 10
	// MaxBytesPerPerson is a person's quota over all their files: 500 MB.
	MaxBytesPerPerson int64 = 500 << 20
	// MaxSignatureSize bounds one detached signature (a .p7s/.sig body).
	MaxSignatureSize = 64 << 10
	// MaxSignaturesPerFile bounds the verification results kept per file.
	MaxSignaturesPerFile = 5
	// MaxNameLength bounds a file's display name, in runes.
	MaxNameLength = 200
	// UploadTTL is how long a presigned PUT stays valid. Short, so a leaked
	// URL is soon useless; long enough for 20 MB on a slow mobile link.
	UploadTTL = 15 * time.Minute
	// DownloadTTL is how long a presigned GET stays valid.
	DownloadTTL = 5 * time.Minute
)

// Status is where a file is in its life.
type Status string

// The statuses. pending_upload → (pending_scan | not_scanned) → ready |
// infected. A refused upload leaves no record (see Complete).
const (
	StatusPendingUpload Status = "pending_upload"
	StatusPendingScan   Status = "pending_scan"
	StatusNotScanned    Status = "not_scanned"
	StatusReady         Status = "ready"
	StatusInfected      Status = "infected"
)

// Downloadable reports whether the file's bytes may be handed out: checked
// clean, or stored where no scanner exists (locally). Never infected, never
// before the scan answered.
func (s Status) Downloadable() bool { return s == StatusReady || s == StatusNotScanned }

// Content types Kabinet accepts, identified by sniffing the bytes.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeHEIC = "image/heic"
)

// Accepted reports whether t is one of the content types a file may have.
func Accepted(t string) bool {
	switch t {
	case TypePDF, TypeJPEG, TypePNG, TypeHEIC:
		return true
	}
	return false
}

// File is one electronic copy attached to a document. Owner is the
// identity's subject, never taken from a request.
type File struct {
	ID          string
	Owner       string
	DocumentID  string
	Name        string
	ContentType string // declared at Begin, confirmed by sniffing at Complete
	Size        int64  // declared at Begin, confirmed by the stored object
	SHA256      string // lower-case hex, declared; confirmed from the stored bytes
	Status      Status
	// Key is the object's key in storage; derived from the ids (ObjectKey).
	Key         string
	CreatedAt   time.Time
	UploadBy    time.Time // the presigned PUT's expiry
	CompletedAt *time.Time
	ScannedAt   *time.Time
	// ScanVerdict is the malware scanner's answer, "" until it gave one.
	ScanVerdict Verdict
	Signatures  []Verification
	Version     int
}

// ObjectKey is where a person's file lives in the bucket. Every key of a
// person starts with files/<owner>/, so erasing a person is one prefix and an
// IAM policy can be scoped by prefix.
func ObjectKey(owner, docID, fileID string) string {
	return ObjectPrefix(owner, docID) + fileID
}

// ObjectPrefix is the prefix every object of owner's document docID is under.
func ObjectPrefix(owner, docID string) string { return "files/" + owner + "/" + docID + "/" }

// Abandoned reports whether an upload that never completed is past saving:
// its URL expired (with a minute's grace for a PUT still in flight).
func (f File) Abandoned(now time.Time) bool {
	return f.Status == StatusPendingUpload && now.After(f.UploadBy.Add(time.Minute))
}
