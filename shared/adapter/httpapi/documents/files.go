package documents

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/sharing"
)

// fileResponse is a file as its owner (or staff it is shared with) sees
// it. The object key and the owner never leave the service.
type fileResponse struct {
	ID          string                 `json:"id"`
	Name        string                 `json:"name"`
	ContentType string                 `json:"contentType"`
	Size        int64                  `json:"size"`
	SHA256      string                 `json:"sha256"`
	Status      string                 `json:"status"`
	CreatedAt   time.Time              `json:"createdAt"`
	CompletedAt *time.Time             `json:"completedAt,omitempty"`
	Signatures  []verificationResponse `json:"signatures"`
	DownloadURL string                 `json:"downloadUrl,omitempty"`
	ExpiresAt   *time.Time             `json:"downloadExpiresAt,omitempty"`
}

type signerResponse struct {
	Subject      string    `json:"subject"`
	Issuer       string    `json:"issuer"`
	SerialNumber string    `json:"serialNumber"`
	NotBefore    time.Time `json:"notBefore"`
	NotAfter     time.Time `json:"notAfter"`
}

type verificationResponse struct {
	Result     string          `json:"result"`
	Reason     string          `json:"reason,omitempty"`
	Message    string          `json:"message"`
	Signer     *signerResponse `json:"signer,omitempty"`
	SignedAt   *time.Time      `json:"signedAt,omitempty"`
	VerifiedAt time.Time       `json:"verifiedAt"`
}

// resultMessages say what a verification result means, in words.
var resultMessages = map[files.Result][2]string{
	files.Valid:                {"The signature is valid: it covers this file exactly and its signer is trusted", "Подпись действительна: она относится именно к этому файлу, подписант доверенный"},
	files.Invalid:              {"The signature is not valid for this file", "Подпись недействительна для этого файла"},
	files.UntrustedSigner:      {"The signer's certificate is not from a trusted certification authority", "Сертификат подписанта выдан недоверенным удостоверяющим центром"},
	files.ExpiredCertificate:   {"The signer's certificate was not valid when the file was signed", "Сертификат подписанта не действовал в момент подписания"},
	files.UnsupportedAlgorithm: {"This signature uses GOST R 34.10-2012, which cannot be checked here; it is not confirmed", "Подпись выполнена по ГОСТ Р 34.10-2012, её нельзя проверить здесь; она не подтверждена"},
}

func toVerification(v files.Verification, lang string) verificationResponse {
	i := 1
	if lang == "en" {
		i = 0
	}
	out := verificationResponse{Result: string(v.Result), Reason: v.Reason, Message: resultMessages[v.Result][i], SignedAt: v.SignedAt, VerifiedAt: v.VerifiedAt}
	if s := v.Signer; s != nil {
		out.Signer = &signerResponse{Subject: s.Subject, Issuer: s.Issuer, SerialNumber: s.SerialNumber, NotBefore: s.NotBefore, NotAfter: s.NotAfter}
	}
	return out
}

func toFile(f files.File, dl *files.Presigned, lang string) fileResponse {
	out := fileResponse{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256,
		Status: string(f.Status), CreatedAt: f.CreatedAt, CompletedAt: f.CompletedAt, Signatures: []verificationResponse{}}
	for _, v := range f.Signatures {
		out.Signatures = append(out.Signatures, toVerification(v, lang))
	}
	if dl != nil {
		out.DownloadURL, out.ExpiresAt = dl.URL, &dl.ExpiresAt
	}
	return out
}

// uploadResponse is a file just declared and where to put its bytes.
type uploadResponse struct {
	ID            string            `json:"id"`
	UploadURL     string            `json:"uploadUrl"`
	UploadMethod  string            `json:"uploadMethod"`
	UploadHeaders map[string]string `json:"uploadHeaders"`
	ExpiresAt     time.Time         `json:"expiresAt"`
	File          fileResponse      `json:"file"`
}

// handleBeginFile declares a file on the caller's document and answers
// with a presigned PUT: the client sends the bytes to it with exactly
// uploadHeaders, then POSTs .../complete.
func handleBeginFile(svc *files.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in files.BeginInput
		body, err := httpapi.Decode(w, r, &in)
		if err != nil {
			return err
		}
		idem, err := httpapi.IdempotencyKey(r, body, svc.Now())
		if err != nil {
			return err
		}
		up, replayed, err := svc.Begin(r.Context(), id.Sub, r.PathValue("id"), in, idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", "/documents/"+up.File.DocumentID+"/files/"+up.File.ID)
		httpapi.Encode(w, http.StatusCreated, uploadResponse{ID: up.File.ID, UploadURL: up.Upload.URL, UploadMethod: up.Upload.Method,
			UploadHeaders: up.Upload.Headers, ExpiresAt: up.Upload.ExpiresAt, File: toFile(up.File, nil, httpapi.Language(r))})
		return nil
	})
}

// handleCompleteFile checks what arrived for a declared file.
func handleCompleteFile(svc *files.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		f, err := svc.Complete(r.Context(), id.Sub, r.PathValue("id"), r.PathValue("fileId"))
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, toFile(f, nil, httpapi.Language(r)))
		return nil
	})
}

// handleListFiles lists the files of the caller's document.
func handleListFiles(svc *files.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		all, err := svc.List(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[fileResponse]{Items: make([]fileResponse, len(all))}
		for i, f := range all {
			out.Items[i] = toFile(f, nil, httpapi.Language(r))
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleGetFile returns a file with a short-lived download URL when its
// bytes may be handed out.
func handleGetFile(svc *files.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		d, err := svc.Get(r.Context(), id.Sub, r.PathValue("id"), r.PathValue("fileId"))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.Encode(w, http.StatusOK, toFile(d.File, d.Download, httpapi.Language(r)))
		return nil
	})
}

// handleDeleteFile deletes a file and its stored object.
func handleDeleteFile(svc *files.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := svc.Delete(r.Context(), id.Sub, r.PathValue("id"), r.PathValue("fileId")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// signatureMediaTypes are the bodies POST .../signatures takes: the bytes
// of a .p7s or .sig file as sent.
var signatureMediaTypes = map[string]bool{
	"application/pkcs7-signature": true, "application/x-pkcs7-signature": true,
	"application/pkcs7-mime": true, "application/octet-stream": true,
}

// handleAddSignature verifies a detached signature (the body, at most
// 64 KB) over the file's stored bytes and answers with the result.
func handleAddSignature(svc *files.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		const op = "httpapi.addSignature"
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || !signatureMediaTypes[mt] {
			return errs.E(op, httpapi.KindUnsupportedMedia, err)
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, files.MaxSignatureSize))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return errs.E(op, httpapi.KindTooLarge, err)
		case err != nil:
			return errs.E(op, errs.Malformed, err)
		}
		v, err := svc.AddSignature(r.Context(), id.Sub, r.PathValue("id"), r.PathValue("fileId"), body)
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, toVerification(v, httpapi.Language(r)))
		return nil
	})
}

// shareResponse is a share as its owner sees it, with the staff reads.
type shareResponse struct {
	ID            string         `json:"id"`
	DocumentID    string         `json:"documentId"`
	InstitutionID string         `json:"institutionId"`
	SpecialistID  string         `json:"specialistId,omitempty"`
	Until         time.Time      `json:"until"`
	CreatedAt     time.Time      `json:"createdAt"`
	RevokedAt     *time.Time     `json:"revokedAt,omitempty"`
	Active        bool           `json:"active"`
	Reads         []readResponse `json:"reads"`
}

type readResponse struct {
	Staff         string    `json:"staff"`
	InstitutionID string    `json:"institutionId"`
	At            time.Time `json:"at"`
}

func toShare(s sharing.Share, now time.Time) shareResponse {
	out := shareResponse{ID: s.ID, DocumentID: s.DocumentID, InstitutionID: s.InstitutionID, SpecialistID: s.SpecialistID,
		Until: s.Until, CreatedAt: s.CreatedAt, RevokedAt: s.RevokedAt, Active: s.Active(now), Reads: []readResponse{}}
	for _, rd := range s.Reads {
		out.Reads = append(out.Reads, readResponse{Staff: rd.Staff, InstitutionID: rd.InstitutionID, At: rd.At})
	}
	return out
}

// handleCreateShare shares the caller's document with an institution.
func handleCreateShare(svc *sharing.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in sharing.ShareInput
		body, err := httpapi.Decode(w, r, &in)
		if err != nil {
			return err
		}
		idem, err := httpapi.IdempotencyKey(r, body, svc.Now())
		if err != nil {
			return err
		}
		sh, replayed, err := svc.Create(r.Context(), id.Sub, r.PathValue("id"), in, idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", "/documents/"+sh.DocumentID+"/shares/"+sh.ID)
		httpapi.Encode(w, http.StatusCreated, toShare(sh, svc.Now()))
		return nil
	})
}

// handleListShares lists the shares of the caller's document with the reads.
func handleListShares(svc *sharing.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		all, err := svc.List(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		now := svc.Now()
		out := httpapi.ListResponse[shareResponse]{Items: make([]shareResponse, len(all))}
		for i, s := range all {
			out.Items[i] = toShare(s, now)
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleRevokeShare ends a share at once.
func handleRevokeShare(svc *sharing.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := svc.Revoke(r.Context(), id.Sub, r.PathValue("id"), r.PathValue("shareId")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// sharedDocumentResponse is a shared document as the institution's staff see it.
type sharedDocumentResponse struct {
	ShareID  string           `json:"shareId"`
	Until    time.Time        `json:"until"`
	Document documentResponse `json:"document"`
	Files    []fileResponse   `json:"files"`
}

// handleSharedDocuments lists what is shared with the caller's institution;
// each read is recorded for the document's owner.
func handleSharedDocuments(svc *sharing.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		all, err := svc.InstitutionDocuments(r.Context(), sharingStaffOf(id), r.PathValue("id"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[sharedDocumentResponse]{Items: make([]sharedDocumentResponse, len(all))}
		for i, s := range all {
			out.Items[i] = toSharedDocument(s, httpapi.Language(r))
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleSharedDocument is one share with the caller's institution: the
// document and its files with their download URLs; the read is recorded
// for the document's owner. A revoked or expired share is 404 at once.
func handleSharedDocument(svc *sharing.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		s, err := svc.SharedDocument(r.Context(), sharingStaffOf(id), r.PathValue("id"), r.PathValue("shareId"))
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.Encode(w, http.StatusOK, toSharedDocument(s, httpapi.Language(r)))
		return nil
	})
}

// sharingStaffOf is the caller as the sharing domain judges staff: an
// institution only for group staff.
func sharingStaffOf(id httpapi.Identity) sharing.Staff {
	staff := sharing.Staff{Sub: id.Sub}
	if id.InGroup("staff") {
		staff.InstitutionID = id.Institution
	}
	return staff
}

func toSharedDocument(s sharing.Shared, lang string) sharedDocumentResponse {
	item := sharedDocumentResponse{ShareID: s.Share.ID, Until: s.Share.Until, Document: toDocumentResponse(s.Document), Files: []fileResponse{}}
	for _, f := range s.Files {
		item.Files = append(item.Files, toFile(f.File, f.Download, lang))
	}
	return item
}
