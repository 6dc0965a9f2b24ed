package documents

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// documentResponse is a document as clients see it. It lists its fields
// explicitly: storage keys and the owner never leave the service.
type documentResponse struct {
	ID              string  `json:"id"`
	Type            string  `json:"type"`
	Title           string  `json:"title,omitempty"`
	Number          string  `json:"number,omitempty"`
	IssuedOn        *string `json:"issuedOn"`
	ExpiresOn       *string `json:"expiresOn"`
	ExpiresOnSource string  `json:"expiresOnSource"`
	Variant         string  `json:"variant,omitempty"`
	HolderBirthDate *string `json:"holderBirthDate,omitempty"`
	// Extension is the law's extension beyond expiresOn, which status and
	// daysLeft follow; Milestone a date to act on for a document that does
	// not expire.
	Extension  *extensionResponse `json:"extension,omitempty"`
	Milestone  *milestoneResponse `json:"milestone,omitempty"`
	Status     string             `json:"status"`
	DaysLeft   *int               `json:"daysLeft"`
	RemindDays []int              `json:"remindDays"`
	Source     string             `json:"source"`
	ArchivedAt *time.Time         `json:"archivedAt,omitempty"`
	Issuer     string             `json:"issuer,omitempty"`
	// Subject is the dependent the document belongs to (GET /family), and
	// SubjectName their name; absent for the holder's own.
	Subject       string     `json:"subject,omitempty"`
	SubjectName   string     `json:"subjectName,omitempty"`
	RevokedAt     *time.Time `json:"revokedAt,omitempty"`
	RevokedReason string     `json:"revokedReason,omitempty"`
	ReplacedBy    string     `json:"replacedBy,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	Version       int        `json:"version"`
	// RenewalApplicationID links the application started to renew it.
	RenewalApplicationID string `json:"renewalApplicationId,omitempty"`
}

// extensionResponse is a legal extension of a document's validity: the
// date it now runs to, the reason's code and the note to show, by language.
type extensionResponse struct {
	Until  string            `json:"until"`
	Reason string            `json:"reason"`
	Note   map[string]string `json:"note"`
}

// milestoneResponse is a date the holder must act on and what to do.
type milestoneResponse struct {
	Kind string            `json:"kind"`
	Date string            `json:"date"`
	Note map[string]string `json:"note"`
}

func toDocumentResponse(v registry.View) documentResponse {
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	dr := documentResponse{
		ID: v.ID, Type: string(v.Type), Title: v.Title, Number: v.Number,
		ExpiresOnSource: string(v.ExpiresOnSource), Status: string(v.Status), DaysLeft: v.DaysLeft,
		RemindDays: v.RemindDays, Source: string(v.Source), ArchivedAt: v.ArchivedAt,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Version: v.Version,
		Issuer: v.Issuer, RevokedAt: v.RevokedAt, RevokedReason: v.RevokedReason, ReplacedBy: v.ReplacedBy,
		RenewalApplicationID: v.RenewalApplication, Variant: v.Variant, Subject: v.Subject, SubjectName: v.SubjectName,
	}
	if v.HolderBirthDate != nil {
		dr.HolderBirthDate = str(v.HolderBirthDate.String())
	}
	if x := v.Extension(); x != nil {
		dr.Extension = &extensionResponse{Until: x.Until.String(), Reason: x.Reason, Note: x.Note}
	}
	if m := v.Upcoming; m != nil {
		dr.Milestone = &milestoneResponse{Kind: string(m.Kind), Date: m.On.String(), Note: m.Note}
	}
	if v.IssuedOn != nil {
		dr.IssuedOn = str(v.IssuedOn.String())
	}
	if v.ExpiresOn != nil {
		dr.ExpiresOn = str(v.ExpiresOn.String())
	}
	if dr.RemindDays == nil {
		ti, _ := registry.Lookup(v.Type)
		dr.RemindDays = ti.ReminderSteps
	}
	return dr
}

func writeDocument(w http.ResponseWriter, status int, v registry.View) {
	w.Header().Set("ETag", httpapi.ETag(v.Version))
	httpapi.Encode(w, status, toDocumentResponse(v))
}

// handleDocumentTypes lists the document type catalogue with its rules.
func handleDocumentTypes(svc *registry.Service) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		types := svc.Types()
		out := httpapi.ListResponse[documentTypeResponse]{Items: make([]documentTypeResponse, len(types))}
		for i, t := range types {
			out.Items[i] = documentTypeResponse{TypeInfo: t, RenewalService: svc.RenewalService(t.Type)}
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// documentTypeResponse is a document type with the service that renews it
// (POST /documents/{id}/renew), if any, so clients offer renewal only where
// it exists.
type documentTypeResponse struct {
	registry.TypeInfo
	RenewalService string `json:"renewalService,omitempty"`
}

// handleCreateDocument adds a document for the caller. An Idempotency-Key
// header makes a retry return the first answer instead of a second document.
func handleCreateDocument(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in registry.CreateInput
		body, err := httpapi.Decode(w, r, &in)
		if err != nil {
			return err
		}
		idem, err := httpapi.IdempotencyKey(r, body, svc.Now())
		if err != nil {
			return err
		}
		v, replayed, err := svc.CreateDocument(r.Context(), id.Sub, in, idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", "/documents/"+v.ID)
		writeDocument(w, http.StatusCreated, v)
		return nil
	})
}

// handleListDocuments lists the caller's documents, filtered and paged.
func handleListDocuments(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		q := r.URL.Query()
		f := registry.ListFilter{Status: registry.Status(q.Get("status")), Type: registry.DocType(q.Get("type")), Subject: q.Get("subject"),
			Limit: httpapi.QueryInt(r, "limit", &fe), Cursor: q.Get("cursor")}
		if err := fe.ErrKind("httpapi.listDocuments", errs.Malformed); err != nil {
			return err
		}
		page, err := svc.ListDocuments(r.Context(), id.Sub, f)
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[documentResponse]{Items: make([]documentResponse, len(page.Items)), NextCursor: httpapi.NextCursor(r, page.NextCursor)}
		for i, v := range page.Items {
			out.Items[i] = toDocumentResponse(v)
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleGetDocument returns one of the caller's documents.
func handleGetDocument(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		v, err := svc.GetDocument(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		writeDocument(w, http.StatusOK, v)
		return nil
	})
}

// handleUpdateDocument applies a merge patch; If-Match is required.
func handleUpdateDocument(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in registry.DocumentFields
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		v, err := svc.UpdateDocument(r.Context(), id.Sub, r.PathValue("id"), in, httpapi.IfMatch(r))
		if err != nil {
			return err
		}
		writeDocument(w, http.StatusOK, v)
		return nil
	})
}

// handleDeleteDocument erases a document and its history.
func handleDeleteDocument(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := svc.DeleteDocument(r.Context(), id.Sub, r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleArchive archives (or unarchives) a document.
func handleArchive(svc *registry.Service, archive bool) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		do := svc.Unarchive
		if archive {
			do = svc.Archive
		}
		v, err := do(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		writeDocument(w, http.StatusOK, v)
		return nil
	})
}

type eventResponse struct {
	ID     string   `json:"id"`
	Action string   `json:"action"`
	Fields []string `json:"fields,omitempty"`
	// ReplacedBy is the successor document of a "replaced" entry.
	ReplacedBy string    `json:"replacedBy,omitempty"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
}

// handleHistory lists a document's history, newest first.
func handleHistory(svc *registry.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		limit := httpapi.QueryInt(r, "limit", &fe)
		if err := fe.ErrKind("httpapi.history", errs.Malformed); err != nil {
			return err
		}
		page, err := svc.History(r.Context(), id.Sub, r.PathValue("id"), limit, r.URL.Query().Get("cursor"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[eventResponse]{Items: make([]eventResponse, len(page.Items)), NextCursor: httpapi.NextCursor(r, page.NextCursor)}
		for i, e := range page.Items {
			out.Items[i] = eventResponse{ID: e.ID, Action: string(e.Action), Fields: e.Fields, ReplacedBy: e.ReplacedBy, Actor: e.Actor, At: e.At}
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}
