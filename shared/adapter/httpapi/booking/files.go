package booking

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ticket"
)

// handleBookingFile serves the QR code, the PDF confirmation or the calendar file.
func handleBookingFile(d Deps, kind string) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		b, err := d.Service.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		_, tb := d.view(r, b)
		var signer ticket.Signer
		if kind != "ics" && d.Signer != nil {
			signer = d.Signer()
		}
		if kind != "ics" && signer.Key == nil {
			return errs.E("httpapi.bookingFile", errs.Internal, errors.New("ticket signing key not configured"))
		}
		var body []byte
		var ctype, name string
		qr := func() ([]byte, error) { return ticket.QRPNG(signer.Payload(tb), 256) }
		switch kind {
		case "qr":
			body, err = qr()
			ctype, name = "image/png", "booking-"+b.ConfirmationNumber+".png"
		case "pdf":
			var png []byte
			if png, err = qr(); err == nil {
				body, err = ticket.PDF(tb, png, httpapi.ReaderLanguage(r))
			}
			if err == nil && d.PDFSigner != nil {
				body, err = d.PDFSigner.Sign(body, d.Service.Now(), signingReason[httpapi.ReaderLanguage(r) == "en"])
			}
			ctype, name = "application/pdf", "booking-"+b.ConfirmationNumber+".pdf"
		case "ics":
			body, err = ticket.ICS(tb, d.Service.Now(), httpapi.ReaderLanguage(r))
			ctype, name = "text/calendar; charset=utf-8", "booking-"+b.ConfirmationNumber+".ics"
		}
		if err != nil {
			return errs.E("httpapi.bookingFile", errs.Internal, err)
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write(body)
		return nil
	})
}

// signingReason is the reason a signed confirmation PDF gives for its
// signature, in the PDF's language (true: English).
var signingReason = map[bool]string{false: "Подтверждение записи", true: "Booking confirmation"}

// visitReason is the reason a visit document's signature gives, by kind
// and language (true: English).
var visitReason = map[string]map[bool]string{
	ticket.KindAct:          {false: "Акт оказания медицинской услуги", true: "Act of medical service"},
	ticket.KindPrescription: {false: "Электронный рецепт", true: "E-prescription"},
}

// handleVisitPDF serves a closed visit's act (kind ticket.KindAct) or one
// of its e-prescriptions (ticket.KindPrescription, {n} counting from 1)
// as a PDF in the reader's language, signed by Kabinet (PAdES), rendered
// on download: the visit's records are the documents; the PDF is their
// face, made from them each time (nothing to store, to keep in step, or to
// write to S3 from the visit's transaction). A visit without one is 404.
func handleVisitPDF(d Deps, kind string) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		const op = "httpapi.visitPDF"
		b, err := d.Service.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		_, tb := d.view(r, b)
		doc := ticket.VisitDocument{Kind: kind, Visit: tb, Patient: b.PatientName}
		switch kind {
		case ticket.KindAct:
			if b.Act == "" || b.ActDocumentID == "" {
				return errs.E(op, errs.NotFound, nil)
			}
			doc.Number, doc.Act = b.ActDocumentID, b.Act
		case ticket.KindPrescription:
			n, err := strconv.Atoi(r.PathValue("n"))
			if err != nil || n < 1 || n > len(b.Prescriptions) {
				return errs.E(op, errs.NotFound, nil)
			}
			p := b.Prescriptions[n-1]
			doc.Number, doc.Drug, doc.Dose, doc.Until = p.DocumentID, p.Drug, p.Dose, p.Until.String()
		}
		if d.PDFSigner == nil {
			return errs.E(op, errs.Unavailable, errors.New("PDF signing key not configured"))
		}
		en := httpapi.ReaderLanguage(r) == "en"
		body, err := ticket.VisitPDF(doc, httpapi.ReaderLanguage(r))
		if err == nil {
			body, err = d.PDFSigner.Sign(body, d.Service.Now(), visitReason[kind][en])
		}
		if err != nil {
			return errs.E(op, errs.Internal, err)
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="`+kind+"-"+doc.Number+`.pdf"`)
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write(body)
		return nil
	})
}
