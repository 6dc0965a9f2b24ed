package orgs

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/csvsafe"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func adminOf(id httpapi.Identity) orgs.Admin {
	return orgs.Admin{Sub: id.Sub, IsOrgAdmin: id.InGroup(httpapi.GroupOrgAdmin), Org: id.Org}
}

type consentResponse struct {
	ID             string    `json:"id"`
	OrganizationID string    `json:"organizationId"`
	DocumentTypes  []string  `json:"documentTypes"`
	CreatedAt      time.Time `json:"createdAt"`
}

func toConsent(c orgs.Consent) consentResponse {
	types := make([]string, len(c.Types))
	for i, t := range c.Types {
		types[i] = string(t)
	}
	return consentResponse{ID: c.ID, OrganizationID: c.OrgID, DocumentTypes: types, CreatedAt: c.CreatedAt}
}

// orgDocumentResponse is an employee's document as the organisation sees
// it: never its number or title.
type orgDocumentResponse struct {
	EmployeeID   string  `json:"employeeId"`
	EmployeeName string  `json:"employeeName"`
	Type         string  `json:"type"`
	Status       string  `json:"status"`
	ExpiresOn    *string `json:"expiresOn"`
	DaysLeft     *int    `json:"daysLeft"`
}

func toOrgDocument(r orgs.Row) orgDocumentResponse {
	out := orgDocumentResponse{EmployeeID: r.EmployeeID, EmployeeName: r.EmployeeName, Type: string(r.Type),
		Status: string(r.Status), DaysLeft: r.DaysLeft}
	if r.ExpiresOn != nil {
		s := r.ExpiresOn.String()
		out.ExpiresOn = &s
	}
	return out
}

// handleGrantConsent records the caller's consent to an organisation.
func handleGrantConsent(svc *orgs.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var in orgs.ConsentInput
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		c, existed, err := svc.Grant(r.Context(), id.Sub, in)
		if err != nil {
			return err
		}
		if existed {
			httpapi.Encode(w, http.StatusOK, toConsent(c))
			return nil
		}
		w.Header().Set("Location", "/consents/"+c.ID)
		httpapi.Encode(w, http.StatusCreated, toConsent(c))
		return nil
	})
}

// handleListConsents lists the caller's consents.
func handleListConsents(svc *orgs.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		list, err := svc.Consents(r.Context(), id.Sub)
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[consentResponse]{Items: make([]consentResponse, len(list))}
		for i, c := range list {
			out.Items[i] = toConsent(c)
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleRevokeConsent withdraws one of the caller's consents.
func handleRevokeConsent(svc *orgs.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		if err := svc.Revoke(r.Context(), id.Sub, r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleOrgDocuments lists the consented documents of an organisation's
// employees, for its administrators.
func handleOrgDocuments(svc *orgs.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		q := r.URL.Query()
		f := orgs.Filter{Status: registry.Status(q.Get("status")), Limit: httpapi.QueryInt(r, "limit", &fe), Cursor: q.Get("cursor")}
		if err := fe.ErrKind("httpapi.orgDocuments", errs.Malformed); err != nil {
			return err
		}
		page, err := svc.Documents(r.Context(), adminOf(id), r.PathValue("orgId"), f)
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[orgDocumentResponse]{Items: make([]orgDocumentResponse, len(page.Items)), NextCursor: httpapi.NextCursor(r, page.NextCursor)}
		for i, row := range page.Items {
			out.Items[i] = toOrgDocument(row)
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleOrgDocumentsCSV is handleOrgDocuments as a CSV file (UTF-8 with
// BOM, CRLF, every text cell guarded against formula injection after any
// separator, csvsafe.Cell). A view cut
// short by the export bound says so in X-Truncated.
func handleOrgDocumentsCSV(svc *orgs.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		rows, truncated, err := svc.Export(r.Context(), adminOf(id), r.PathValue("orgId"), registry.Status(r.URL.Query().Get("status")))
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := orgCSV(&buf, rows, httpapi.ReaderLanguage(r)); err != nil {
			return errs.E("httpapi.orgDocumentsCSV", errs.Internal, err)
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="employee-documents.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		if truncated {
			w.Header().Set("X-Truncated", "true")
		}
		_, _ = w.Write(buf.Bytes())
		return nil
	})
}

var orgStatusWords = map[registry.Status][2]string{
	registry.StatusValid:               {"valid", "действует"},
	registry.StatusExpiring:            {"expiring", "истекает"},
	registry.StatusExpired:             {"expired", "истёк"},
	registry.StatusReplacementRequired: {"replacement required", "требуется замена"},
	registry.StatusRevoked:             {"revoked", "аннулирован"},
	registry.StatusArchived:            {"archived", "в архиве"},
}

// orgCSV writes the organisation's view: a BOM (Excel reads Cyrillic
// right only with it), a header in lang, one row per document, dates as a
// reader of lang writes them.
func orgCSV(buf *bytes.Buffer, rows []orgs.Row, lang string) error {
	buf.WriteString("\xEF\xBB\xBF")
	cw := csv.NewWriter(buf)
	cw.UseCRLF = true
	header := []string{"Employee", "Document type", "Status", "Expires on", "Days left"}
	if lang == "ru" {
		header = []string{"Сотрудник", "Тип документа", "Статус", "Действует до", "Осталось дней"}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range rows {
		ti, _ := registry.Lookup(row.Type)
		words := orgStatusWords[row.Status]
		exp, left := "", ""
		if row.ExpiresOn != nil {
			exp = i18n.Date(lang, *row.ExpiresOn) // 31.12.2026 for a Russian reader
		}
		if row.DaysLeft != nil {
			left = strconv.Itoa(*row.DaysLeft)
		}
		// Text cells are guarded; the date and the day count are written
		// here (a negative count is a number, not a formula).
		rec := []string{csvsafe.Cell(row.EmployeeName), csvsafe.Cell(httpapi.Pick(lang, ti.Title["en"], ti.Title["ru"])),
			csvsafe.Cell(httpapi.Pick(lang, words[0], words[1])), exp, left}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
