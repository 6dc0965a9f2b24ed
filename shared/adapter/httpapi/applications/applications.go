package applications

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/metrics"
)

func agencyStaffOf(id httpapi.Identity) applications.Staff {
	return applications.Staff{Sub: id.Sub, IsStaff: id.InGroup("staff"), Agency: id.Agency, Lead: id.AgencyRole == "lead",
		Operator: id.InGroup("operators")}
}

type optionResponse struct {
	Value string            `json:"value"`
	Label map[string]string `json:"label"`
}

type fieldResponse struct {
	Name      string            `json:"name"`
	Label     map[string]string `json:"label"`
	Type      string            `json:"type"`
	Required  bool              `json:"required"`
	Format    string            `json:"format,omitempty"`
	Pattern   string            `json:"pattern,omitempty"`
	Checksum  string            `json:"checksum,omitempty"`
	MaxLength int               `json:"maxLength"`
	Options   []optionResponse  `json:"options,omitempty"`
	Prefill   string            `json:"prefill,omitempty"`
}

type serviceResponse struct {
	Code         string            `json:"code"`
	Title        map[string]string `json:"title"`
	Agency       string            `json:"agency"`
	DecisionDays int               `json:"decisionDays"`
	// ForDependents: a holder may file it for a dependent (subject).
	ForDependents bool            `json:"forDependents"`
	Fields        []fieldResponse `json:"fields"`
}

func toServiceResponse(s applications.ServiceInfo) serviceResponse {
	out := serviceResponse{Code: s.Code, Title: s.Title, Agency: s.Agency, DecisionDays: s.DecisionDays, ForDependents: s.ForDependents, Fields: []fieldResponse{}}
	for _, f := range s.Fields {
		fr := fieldResponse{Name: f.Name, Label: f.Label, Type: string(f.Type), Required: f.Required, Format: string(f.Format),
			Pattern: f.Pattern(), Checksum: f.Checksum(), MaxLength: f.MaxLen(), Prefill: string(f.Prefill)}
		for _, o := range f.Options {
			fr.Options = append(fr.Options, optionResponse{Value: o.Value, Label: o.Label})
		}
		out.Fields = append(out.Fields, fr)
	}
	return out
}

type timelineEntryResponse struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Comment string    `json:"comment,omitempty"`
	// Note is a text Kabinet wrote (response_overdue, document_issued...),
	// given as its code and in both languages for the reader's to be shown.
	Note     string            `json:"note,omitempty"`
	NoteText map[string]string `json:"noteText,omitempty"`
	// Files are the electronic copies an answer sent; staff download
	// each at GET /applications/{id}/files/{fileId}.
	Files []attachmentResponse `json:"files,omitempty"`
}

type attachmentResponse struct {
	ID          string `json:"id"`
	DocumentID  string `json:"documentId"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

func toAttachmentResponse(f applications.Attachment) attachmentResponse {
	return attachmentResponse{ID: f.FileID, DocumentID: f.DocumentID, Name: f.Name, ContentType: f.ContentType, Size: f.Size}
}

// applicationResponse is an application as clients see it: storage keys
// and the owner never leave the service.
type applicationResponse struct {
	ID                   string                  `json:"id"`
	ServiceCode          string                  `json:"serviceCode"`
	Agency               string                  `json:"agency"`
	Status               string                  `json:"status"`
	Fields               map[string]string       `json:"fields"`
	ReceiptNumber        string                  `json:"receiptNumber,omitempty"`
	DocumentID           string                  `json:"documentId,omitempty"`
	Subject              string                  `json:"subject,omitempty"`
	SubjectName          string                  `json:"subjectName,omitempty"`
	SubmittedAt          *time.Time              `json:"submittedAt,omitempty"`
	ExpectedDecisionDate *string                 `json:"expectedDecisionDate"`
	Timeline             []timelineEntryResponse `json:"timeline"`
	// ResponseDue is, in needs_info, when the time to answer ends.
	ResponseDue *time.Time `json:"responseDue,omitempty"`
	Assignee    string     `json:"assignee,omitempty"`
	Invitation  *struct {
		At            time.Time `json:"at"`
		Place         string    `json:"place"`
		InstitutionID string    `json:"institutionId,omitempty"`
		BookingPath   string    `json:"bookingPath,omitempty"`
	} `json:"invitation,omitempty"`
	Pickup *struct {
		Place string `json:"place"`
		Until string `json:"until"`
	} `json:"pickup,omitempty"`
	Fee       *feeResponse `json:"fee,omitempty"`
	CreatedAt time.Time    `json:"createdAt"`
	UpdatedAt time.Time    `json:"updatedAt"`
	Version   int          `json:"version"`
}

// feeResponse is the state fee's accrual: what is owed, to whom, by when,
// what the Treasury confirmed paid, and the payment QR code (its text and
// the path of its PNG) while anything is owed.
type feeResponse struct {
	Amount   int64             `json:"amount"` // kopecks
	Paid     int64             `json:"paid"`
	Owed     int64             `json:"owed"`    // what is still to pay; 0 when paid
	Surplus  int64             `json:"surplus"` // paid beyond the amount, to claim back
	UIN      string            `json:"uin"`
	Purpose  string            `json:"purpose"`
	PayBy    time.Time         `json:"payBy"`
	Payee    payeeResponse     `json:"payee"`
	Payments []paymentResponse `json:"payments"`
	QR       string            `json:"qr,omitempty"`
	QRPath   string            `json:"qrPath,omitempty"`
}

type payeeResponse struct {
	Name        string `json:"name"`
	INN         string `json:"inn"`
	KPP         string `json:"kpp"`
	Account     string `json:"account"`
	BankName    string `json:"bankName"`
	BIC         string `json:"bic"`
	CorrAccount string `json:"corrAccount"`
	CBC         string `json:"cbc"`
	OKTMO       string `json:"oktmo"`
}

type paymentResponse struct {
	Amount int64     `json:"amount"`
	PaidAt time.Time `json:"paidAt"`
	Payer  string    `json:"payer,omitempty"`
}

func toFeeResponse(a applications.Application) *feeResponse {
	f := a.Fee
	if f == nil {
		return nil
	}
	paid := f.Paid()
	out := &feeResponse{Amount: f.Kopecks, Paid: paid, Owed: max(f.Kopecks-paid, 0), Surplus: max(paid-f.Kopecks, 0), UIN: f.UIN,
		Purpose: f.Purpose, PayBy: f.PayBy, Payments: []paymentResponse{}}
	if p, ok := applications.Payee(a.Agency); ok {
		out.Payee = payeeResponse{Name: p.Name, INN: p.INN, KPP: p.KPP, Account: p.Account, BankName: p.BankName, BIC: p.BIC,
			CorrAccount: p.CorrAccount, CBC: p.CBC, OKTMO: p.OKTMO}
	}
	for _, p := range f.Payments {
		out.Payments = append(out.Payments, paymentResponse{Amount: p.Kopecks, PaidAt: p.PaidAt, Payer: p.Payer})
	}
	if text, ok, err := a.PaymentQR(); err == nil && ok {
		out.QR, out.QRPath = text, "/applications/"+a.ID+"/payment-qr.png"
	}
	return out
}

func toApplicationResponse(a applications.Application) applicationResponse {
	out := applicationResponse{ID: a.ID, ServiceCode: a.ServiceCode, Agency: a.Agency, Status: string(a.Status), Fields: a.Fields,
		ReceiptNumber: a.ReceiptNumber, DocumentID: a.DocumentID, Subject: a.Subject, SubjectName: a.SubjectName, SubmittedAt: a.SubmittedAt, Timeline: []timelineEntryResponse{},
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: a.Version, ResponseDue: a.ResponseDue, Assignee: a.Assignee}
	if out.Fields == nil {
		out.Fields = map[string]string{}
	}
	out.Fee = toFeeResponse(a)
	if v := a.Invitation; v != nil {
		out.Invitation = &struct {
			At            time.Time `json:"at"`
			Place         string    `json:"place"`
			InstitutionID string    `json:"institutionId,omitempty"`
			BookingPath   string    `json:"bookingPath,omitempty"`
		}{v.At, v.Place, v.InstitutionID, v.BookingPath}
	}
	if p := a.Pickup; p != nil {
		out.Pickup = &struct {
			Place string `json:"place"`
			Until string `json:"until"`
		}{p.Place, p.Until.String()}
	}
	if a.ExpectedDecision != nil {
		s := a.ExpectedDecision.String()
		out.ExpectedDecisionDate = &s
	}
	for _, e := range a.Timeline {
		te := timelineEntryResponse{At: e.At, Actor: e.Actor, Role: string(e.Role),
			From: string(e.From), To: string(e.To), Comment: e.Comment}
		for _, f := range e.Files {
			te.Files = append(te.Files, toAttachmentResponse(f))
		}
		if e.Note != "" {
			te.Note = string(e.Note)
			te.NoteText = map[string]string{"ru": applications.NoteText(e.Note, "ru"), "en": applications.NoteText(e.Note, "en")}
		}
		out.Timeline = append(out.Timeline, te)
	}
	return out
}

func writeApplication(w http.ResponseWriter, status int, a applications.Application) {
	w.Header().Set("ETag", httpapi.ETag(a.Version))
	httpapi.Encode(w, status, toApplicationResponse(a))
}

func writeApplications(w http.ResponseWriter, r *http.Request, page applications.Page) {
	out := httpapi.ListResponse[applicationResponse]{Items: make([]applicationResponse, len(page.Items)), NextCursor: httpapi.NextCursor(r, page.NextCursor)}
	for i, a := range page.Items {
		out.Items[i] = toApplicationResponse(a)
	}
	httpapi.Encode(w, http.StatusOK, out)
}

// applicationInput is what a client may send to create or validate an
// application: status, owner, receiptNumber... are unknown fields (400).
type applicationInput struct {
	ServiceCode string            `json:"serviceCode"`
	Fields      map[string]string `json:"fields"`
	Subject     string            `json:"subject"`
}

// handleServices lists the services that take applications, with their fields' rules.
func handleServices(svc *applications.Service) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		out := httpapi.ListResponse[serviceResponse]{Items: []serviceResponse{}}
		for _, s := range svc.Services() {
			out.Items = append(out.Items, toServiceResponse(s))
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleValidateApplication checks an application without saving it: 200
// with valid and the field errors either way.
func handleValidateApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in applicationInput
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		fes, err := svc.Validate(r.Context(), id.Sub, applications.Input{ServiceCode: in.ServiceCode, Fields: in.Fields, Subject: in.Subject})
		if err != nil {
			return err
		}
		lang := httpapi.Language(r)
		out := struct {
			Valid  bool                   `json:"valid"`
			Errors []httpapi.ProblemField `json:"errors"`
		}{Valid: len(fes) == 0, Errors: []httpapi.ProblemField{}}
		for _, f := range fes {
			out.Errors = append(out.Errors, httpapi.ProblemField{Field: f.Field, Code: f.Code, Message: httpapi.FieldMessage(f.Code, lang)})
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleCreateApplication saves a draft, prefilled from the profile and
// documents. An Idempotency-Key header makes a retry return the first draft.
func handleCreateApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in applicationInput
		body, err := httpapi.Decode(w, r, &in)
		if err != nil {
			return err
		}
		idem, err := httpapi.IdempotencyKey(r, append([]byte(r.Method+" "+r.URL.Path+"\n"), body...), svc.Now())
		if err != nil {
			return err
		}
		a, replayed, err := svc.Create(r.Context(), id.Sub, applications.Input{ServiceCode: in.ServiceCode, Fields: in.Fields, Subject: in.Subject}, idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", "/applications/"+a.ID)
		writeApplication(w, http.StatusCreated, a)
		return nil
	})
}

// handleListApplications lists the caller's applications, filtered and paged.
func handleListApplications(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		q := r.URL.Query()
		f := applications.ListFilter{Status: q.Get("status"), ServiceCode: q.Get("serviceCode"), From: q.Get("from"), To: q.Get("to"),
			Subject: q.Get("subject"),
			Limit:   httpapi.QueryInt(r, "limit", &fe), Cursor: q.Get("cursor")}
		if err := fe.ErrKind("httpapi.listApplications", errs.Malformed); err != nil {
			return err
		}
		page, err := svc.List(r.Context(), id.Sub, f)
		if err != nil {
			return err
		}
		writeApplications(w, r, page)
		return nil
	})
}

// handleGetApplication returns one of the caller's applications with its timeline.
func handleGetApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		a, err := svc.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		writeApplication(w, http.StatusOK, a)
		return nil
	})
}

// handleUpdateApplication merges fields into a draft; If-Match is required.
func handleUpdateApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			Fields map[string]*string `json:"fields"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		a, err := svc.UpdateDraft(r.Context(), id.Sub, r.PathValue("id"), in.Fields, httpapi.IfMatch(r))
		if err != nil {
			return err
		}
		writeApplication(w, http.StatusOK, a)
		return nil
	})
}

// handleDeleteApplication erases a draft.
func handleDeleteApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := svc.DeleteDraft(r.Context(), id.Sub, r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleSubmitApplication submits a draft and answers with its receipt
// number. An Idempotency-Key makes concurrent and later retries return the
// same receipt.
func handleSubmitApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		body, err := httpapi.ReadBody(w, r)
		if err != nil {
			return err
		}
		if len(body) > 0 {
			var none struct{}
			if err := httpapi.DecodeJSON(body, &none); err != nil {
				return err
			}
		}
		idem, err := httpapi.IdempotencyKey(r, append([]byte(r.Method+" "+r.URL.Path+"\n"), body...), svc.Now())
		if err != nil {
			return err
		}
		a, replayed, err := svc.Submit(r.Context(), id.Sub, r.PathValue("id"), idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		} else {
			httpapi.Count(r.Context(), metrics.ApplicationsFiled)
		}
		writeApplication(w, http.StatusOK, a)
		return nil
	})
}

// decodeOptional decodes a body that may be absent.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := httpapi.ReadBody(w, r)
	if err != nil || len(body) == 0 {
		return err
	}
	return httpapi.DecodeJSON(body, v)
}

// handleWithdrawApplication lets the applicant withdraw before a decision:
// an optional body {comment}.
func handleWithdrawApplication(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			Comment string `json:"comment"`
		}
		if err := decodeOptional(w, r, &in); err != nil {
			return err
		}
		a, err := svc.Withdraw(r.Context(), id.Sub, r.PathValue("id"), in.Comment)
		if err != nil {
			return err
		}
		writeApplication(w, http.StatusOK, a)
		return nil
	})
}

// handleApplicationTransition moves an application, for staff of its agency: {to, comment}.
func handleApplicationTransition(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in struct {
			To         string `json:"to"`
			Comment    string `json:"comment"`
			Invitation *struct {
				At            time.Time `json:"at"`
				Place         string    `json:"place"`
				InstitutionID string    `json:"institutionId"`
			} `json:"invitation"`
			Pickup *struct {
				Place string     `json:"place"`
				Until civil.Date `json:"until"`
			} `json:"pickup"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		m := applications.StaffMove{To: applications.Status(in.To), Comment: in.Comment}
		if v := in.Invitation; v != nil {
			m.Invitation = &applications.Invitation{At: v.At, Place: v.Place, InstitutionID: v.InstitutionID}
		}
		if in.Pickup != nil {
			m.Pickup = &applications.Pickup{Place: in.Pickup.Place, Until: in.Pickup.Until}
		}
		a, err := svc.Move(r.Context(), agencyStaffOf(id), r.PathValue("id"), m)
		if err != nil {
			return err
		}
		writeApplication(w, http.StatusOK, a)
		return nil
	})
}

// handleAgencyQueue lists the caller's agency's applications in a status
// (received by default), oldest first.
func handleAgencyQueue(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		limit := httpapi.QueryInt(r, "limit", &fe)
		if err := fe.ErrKind("httpapi.agencyQueue", errs.Malformed); err != nil {
			return err
		}
		q := r.URL.Query()
		queue := svc.Queue
		switch q.Get("assignee") {
		case "":
		case "me": // the clerks' own share of the queue
			queue = svc.AssignedQueue
		default:
			fe.Add("assignee", "unknown_option")
			return fe.Err("httpapi.agencyQueue")
		}
		page, err := queue(r.Context(), agencyStaffOf(id), applications.Status(q.Get("status")), limit, q.Get("cursor"))
		if err != nil {
			return err
		}
		writeApplications(w, r, page)
		return nil
	})
}

// handleRenewDocument starts the renewal of one of the caller's documents:
// an application draft linked to it. Idempotency-Key makes retries safe.
func handleRenewDocument(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		idem, err := httpapi.IdempotencyKey(r, []byte("renew "+r.PathValue("id")), svc.Now())
		if err != nil {
			return err
		}
		a, replayed, err := svc.Renew(r.Context(), id.Sub, r.PathValue("id"), idem)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Location", "/applications/"+a.ID)
		httpapi.Encode(w, http.StatusCreated, toApplicationResponse(a))
		return nil
	})
}
