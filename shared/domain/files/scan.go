package files

import (
	"context"
	"strings"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

// Verdict is a malware scanner's answer about one object.
type Verdict string

// The verdicts Kabinet acts on (GuardDuty's scanResultStatus, mapped by
// the adapter that decodes its events).
const (
	// VerdictClean: no threats found; the file becomes ready.
	VerdictClean Verdict = "clean"
	// VerdictInfected: threats found; the file is never downloadable and
	// its owner is told.
	VerdictInfected Verdict = "infected"
	// VerdictUnscanned: the scanner could not scan it (unsupported, access
	// denied, failed). The file stays pending_scan: nothing unscanned is
	// handed out where a scanner is meant to look.
	VerdictUnscanned Verdict = "unscanned"
)

// KindFileInfected is the inbox kind telling an owner a file was infected.
const KindFileInfected = "file_infected"

// Inbox writes the cabinet's notifications.
type Inbox interface {
	// AddNotification errors: Unavailable, Internal.
	AddNotification(ctx context.Context, n inbox.Notification) error
}

// ParseKey splits an object key made by ObjectKey; ok is false for any
// other key (a staging object, a key of no file).
func ParseKey(key string) (owner, docID, fileID string, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0] != "files" || parts[1] == "" || parts[2] == "" || parts[3] == "" {
		return "", "", "", false
	}
	return parts[1], parts[2], parts[3], true
}

// ApplyScan records a scanner's verdict on the file stored at key. A
// verdict may come before the owner completed the upload: it is kept, and
// Complete then goes straight to ready (or infected). Applying the same
// verdict again changes nothing, so redelivered events are harmless.
// lang is the owner's language for the notice. Errors: NotFound (no file
// at key: erased since, or not a file's key), Unavailable, Internal.
func (s *Service) ApplyScan(ctx context.Context, key string, v Verdict, lang string) (File, error) {
	const op = "files.ApplyScan"
	owner, docID, id, ok := ParseKey(key)
	if !ok {
		return File{}, errs.E(op, errs.NotFound, ReasonNotAFileKey)
	}
	f, err := s.Store.GetFile(ctx, owner, docID, id)
	if err != nil {
		return File{}, err
	}
	next := f
	now := s.Now()
	switch v {
	case VerdictClean:
		next.ScanVerdict = VerdictClean
		if f.Status == StatusPendingScan {
			next.Status = StatusReady
		}
	case VerdictInfected:
		next.ScanVerdict = VerdictInfected
		if f.Status != StatusPendingUpload {
			// Before Complete the upload stays pending; Complete then
			// makes it infected (and the owner was told here already).
			next.Status = StatusInfected
		}
	default:
		next.ScanVerdict = VerdictUnscanned
	}
	if next.Status == f.Status && next.ScanVerdict == f.ScanVerdict {
		return f, nil
	}
	next.ScannedAt = &now
	next.Version++
	if err := s.Store.UpdateFile(ctx, next, f.Version); err != nil {
		return File{}, err
	}
	if next.ScanVerdict == VerdictInfected && f.ScanVerdict != VerdictInfected && s.Inbox != nil {
		t := infectedText(next.Name, lang)
		// The notification id derives from the file: a retry after a failed
		// write here writes the same notification, never a second one.
		n := inbox.Notification{ID: "scan-" + next.ID, Owner: owner, Kind: KindFileInfected, Title: t[0], Body: t[1], DocID: docID, CreatedAt: now}
		if err := s.Inbox.AddNotification(ctx, n); err != nil && !errs.Is(err, errs.Conflict) {
			return File{}, err
		}
	}
	return next, nil
}

// infectedText is the notice of an infected file, in the owner's language.
func infectedText(name, lang string) [2]string {
	if lang == "en" {
		return [2]string{"A file was blocked", "The antivirus check found a threat in “" + name + "”. It cannot be downloaded or shared. Delete it and upload a clean copy."}
	}
	return [2]string{"Файл заблокирован", "Антивирусная проверка нашла угрозу в файле «" + name + "». Его нельзя скачать или передать. Удалите его и загрузите чистую копию."}
}
