package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/issuers"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/remindtime"
)

// LabResultIssued is the detail-type a laboratory sends once it has put a
// result file into its staging prefix (events/lab-result-issued.json).
const LabResultIssued = "LabResultIssued"

// LabSourcePrefix starts a laboratory's event source: gov.lab.<lab>.
const LabSourcePrefix = "gov.lab."

// StagingPrefix is where laboratory <lab> may write: staging/<lab>/. A
// result names its object there; anything else is refused.
func StagingPrefix(lab string) string { return "staging/" + lab + "/" }

// KindLabResult is the inbox kind of a new lab result.
const KindLabResult = "lab_result"

// Reasons a lab result is rejected (Claim.Reason, Result.Reason).
const (
	RejectObjectMissing    = "object_missing"
	RejectTooLarge         = "too_large"
	RejectSHA256Mismatch   = "sha256_mismatch"
	RejectUnsupportedType  = "unsupported_type"
	RejectSignatureInvalid = "signature_invalid"
)

// Labs is what lab-result ingestion reads and checks files with.
type Labs struct {
	Objects  files.Objects
	Verifier files.SignatureVerifier // nil: results with a signature show it unverified
	Scanning bool                    // as files.Service.Scanning
}

type labDetail struct {
	CitizenID string `json:"citizenId"`
	Lab       string `json:"lab"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	TakenOn   string `json:"takenOn"`
	Object    string `json:"object"`
	SHA256    string `json:"sha256"`
	// Signature is the laboratory's detached CMS signature over the file,
	// base64 (DER or PEM inside).
	Signature string `json:"signature"`
}

// labIDs are the ids of what a lab event creates, derived from the event
// id: a retry after a crash between the object copy and the write copies
// to the same key and writes the same records, so no object is orphaned.
var labNamespace = uuid.MustParse("6f0f5c1e-8a47-4c1e-9d1a-6b1a4e2f0c11")

func labIDs(eventID string) (docID, fileID string) {
	return uuid.NewSHA1(labNamespace, []byte("doc:"+eventID)).String(), uuid.NewSHA1(labNamespace, []byte("file:"+eventID)).String()
}

func (s *Service) labResult(ctx context.Context, ev Event, lab string, in labDetail) (Result, error) {
	const op = "ingest.LabResultIssued"
	var fe errs.Fields
	switch {
	case in.CitizenID == "":
		fe.Add("detail.citizenId", "required")
	case !ids.ValidSubject(in.CitizenID):
		fe.Add("detail.citizenId", "invalid_text")
	}
	switch {
	case in.Lab == "":
		fe.Add("detail.lab", "required")
	case in.Lab != lab:
		// A laboratory speaks only for itself.
		fe.Add("detail.lab", "source_mismatch")
	case !issuers.IsLaboratory(lab):
		// As for agencies: a party not in the table sends nothing.
		fe.Add("detail.lab", "unknown_laboratory")
	}
	switch {
	case in.Title == "":
		fe.Add("detail.title", "required")
	case !cleanText(in.Title, 200):
		fe.Add("detail.title", "invalid_text")
	}
	if !cleanText(in.Kind, 64) {
		fe.Add("detail.kind", "invalid_text")
	}
	if in.TakenOn == "" {
		fe.Add("detail.takenOn", "required")
	} else if _, err := civil.Parse(in.TakenOn); err != nil {
		fe.Add("detail.takenOn", "invalid_date")
	}
	if !strings.HasPrefix(in.Object, StagingPrefix(lab)) || strings.Contains(in.Object, "..") || len(in.Object) > 512 {
		// A laboratory speaks only for objects under its own prefix.
		fe.Add("detail.object", "outside_lab_prefix")
	}
	sum := strings.ToLower(in.SHA256)
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		fe.Add("detail.sha256", files.CodeInvalidSHA256)
	}
	var sig []byte
	if in.Signature != "" {
		b, err := base64.StdEncoding.DecodeString(in.Signature)
		if err != nil || len(b) > files.MaxSignatureSize {
			fe.Add("detail.signature", "invalid_signature_encoding")
		}
		sig = b
	}
	if err := fe.Err(op); err != nil {
		return Result{}, err
	}
	owner := in.CitizenID
	if c, ok, err := s.Store.EventClaim(ctx, owner, ev.ID); err != nil {
		return Result{}, err
	} else if ok {
		return duplicate(ev, c), nil
	}

	content, reject, err := s.readStaged(ctx, in.Object, sum)
	if err != nil {
		return Result{}, err
	}
	var verification *files.Verification
	if reject == "" && sig != nil && s.Labs.Verifier != nil {
		v, err := s.Labs.Verifier.Verify(ctx, content, sig, s.Now())
		if err != nil {
			return Result{}, errs.E(op, errs.KindOf(err), err) // Unavailable: retried, the trust anchors unreadable
		}
		// A signature over other bytes means the file is not the one the
		// laboratory signed. An unknown CA, an expired certificate or GOST
		// are shown with the result instead: the person sees why.
		if v.Result == files.Invalid {
			reject = RejectSignatureInvalid
		}
		verification = &v
	}
	if reject != "" {
		return s.rejectLab(ctx, ev, owner, reject)
	}

	docID, fileID := labIDs(ev.ID)
	p, err := s.Store.GetProfile(ctx, owner)
	if err != nil {
		return Result{}, err
	}
	capture := &captureStore{Store: s.Store}
	reg := &registry.Service{Store: capture, Now: s.Now, NewID: func() string { return docID }}
	fields := registry.DocumentFields{Title: opt.Of(in.Title), IssuedOn: opt.Of(in.TakenOn)}
	if _, _, err := reg.CreateDocument(ctx, owner, registry.CreateInput{Type: string(registry.LabResult), DocumentFields: fields}, nil); err != nil {
		return Result{}, prefixFields(err, "detail.")
	}
	now := s.Now().UTC()
	d, created := capture.doc, capture.ev
	d.Source, d.Issuer = registry.SourceAgency, lab
	created.Actor = "lab:" + lab
	created.ID = uuid.NewSHA1(labNamespace, []byte("hist:"+ev.ID)).String()

	sniffed := files.Sniff(content[:min(len(content), files.SniffLen)])
	f := files.File{ID: fileID, Owner: owner, DocumentID: docID, Name: labFileName(in.Title, sniffed),
		ContentType: sniffed, Size: int64(len(content)), SHA256: sum, Status: files.StatusNotScanned,
		Key: files.ObjectKey(owner, docID, fileID), CreatedAt: now, UploadBy: now, CompletedAt: &now, Version: 1}
	if s.Labs.Scanning {
		f.Status = files.StatusPendingScan
	}
	if verification != nil {
		f.Signatures = []files.Verification{*verification}
	}
	// The object first, then every record in one write: a failure between
	// them leaves an object the retry (same ids, same key) adopts.
	if err := s.Labs.Objects.Copy(ctx, in.Object, f.Key); err != nil {
		if errs.Is(err, errs.NotFound) {
			return s.rejectLab(ctx, ev, owner, RejectObjectMissing)
		}
		return Result{}, err
	}
	t := labText(in.Title, lab, p.Language)
	// On the person's channels too, like other news of their documents,
	// but never in the night: a result is not urgent.
	notifyAt := remindtime.OutOfQuietHours(now, p.Location())
	w := Write{Create: &d, History: []registry.Event{created}, File: &f, NotifyAt: &notifyAt,
		Notification: &inbox.Notification{ID: uuid.NewSHA1(labNamespace, []byte("notif:"+ev.ID)).String(), Owner: owner,
			Kind: KindLabResult, Title: t.title, Body: t.body, DocID: d.ID, DocType: string(d.Type), CreatedAt: now},
		Claim: Claim{EventID: ev.ID, Owner: owner, DetailType: ev.DetailType, Outcome: OutcomeApplied, DocID: d.ID, At: now}}
	c, dup, err := s.Store.ApplyEvent(ctx, w)
	if err != nil {
		return Result{}, err
	}
	if dup {
		return duplicate(ev, c), nil
	}
	s.log().Info("lab result ingested", "eventId", ev.ID, "lab", lab)
	return Result{Outcome: OutcomeApplied, EventID: ev.ID, DetailType: ev.DetailType, DocumentID: d.ID}, nil
}

// readStaged reads a staged object and checks it: present, within the
// size limit, the hash the event gives, a type Kabinet accepts. A failed
// check is a reject reason, not an error; err is for a store that is down.
func (s *Service) readStaged(ctx context.Context, key, sum string) (content []byte, reject string, err error) {
	info, err := s.Labs.Objects.Head(ctx, key)
	switch {
	case errs.Is(err, errs.NotFound):
		return nil, RejectObjectMissing, nil
	case err != nil:
		return nil, "", err
	case info.Size > files.MaxFileSize:
		return nil, RejectTooLarge, nil
	}
	r, err := s.Labs.Objects.Open(ctx, key)
	if errs.Is(err, errs.NotFound) {
		return nil, RejectObjectMissing, nil
	}
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(r, files.MaxFileSize+1)); err != nil {
		return nil, "", errs.E("ingest.readStaged", errs.Unavailable, err)
	}
	content = buf.Bytes()
	h := sha256.Sum256(content)
	switch {
	case int64(len(content)) > files.MaxFileSize:
		return nil, RejectTooLarge, nil
	case hex.EncodeToString(h[:]) != sum:
		return nil, RejectSHA256Mismatch, nil
	case files.Sniff(content[:min(len(content), files.SniffLen)]) == "":
		return nil, RejectUnsupportedType, nil
	}
	return content, "", nil
}

// rejectLab records that an event can never apply, under its id, for
// operators (and so a redelivery is a duplicate), and returns without an
// error: retrying would fail the same way. Nothing else is written.
func (s *Service) rejectLab(ctx context.Context, ev Event, owner, reason string) (Result, error) {
	now := s.Now().UTC()
	c, dup, err := s.Store.ApplyEvent(ctx, Write{Claim: Claim{EventID: ev.ID, Owner: owner, DetailType: ev.DetailType,
		Outcome: OutcomeRejected, Reason: reason, At: now}})
	if err != nil {
		return Result{}, err
	}
	if dup {
		return duplicate(ev, c), nil
	}
	s.log().Error("lab result rejected", "eventId", ev.ID, "reason", reason)
	return Result{Outcome: OutcomeRejected, EventID: ev.ID, DetailType: ev.DetailType, Reason: reason}, nil
}

func labFileName(title, contentType string) string {
	ext := map[string]string{files.TypePDF: ".pdf", files.TypeJPEG: ".jpg", files.TypePNG: ".png", files.TypeHEIC: ".heic"}[contentType]
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, title)
	if len([]rune(name)) > files.MaxNameLength-len(ext) {
		name = string([]rune(name)[:files.MaxNameLength-len(ext)])
	}
	return name + ext
}

// labText tells the person a lab result arrived. The result itself is not
// quoted: the inbox may be read over a shoulder, and it feeds SMS.
func labText(title, lab, lang string) text {
	if lang == "en" {
		return text{"A lab result arrived", fmt.Sprintf("Laboratory %s sent your result “%s”. It is in your documents.", strings.ToUpper(lab), title)}
	}
	return text{"Готов результат анализов", fmt.Sprintf("Лаборатория %s прислала результат «%s». Он добавлен в ваши документы.", strings.ToUpper(lab), title)}
}
