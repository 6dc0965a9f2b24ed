package booking

import (
	"errors"
	"net/http"

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
