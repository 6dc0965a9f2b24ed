package applications

import (
	"errors"
	"net/http"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/qrpng"
)

// qrSize is the payment QR code's side in pixels: a phone's camera reads
// a ГОСТ Р 56042 string (about 300 bytes) from a screen at this size.
const qrSize = 384

// handlePaymentQR serves the payment QR code of the applicant's
// application while anything is owed: ГОСТ Р 56042-2014 text as a PNG.
// Another person's application, or one with nothing to pay, is 404.
func handlePaymentQR(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		a, err := svc.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		text, ok, err := a.PaymentQR()
		if err != nil {
			return errs.E("applications.PaymentQR", errs.Internal, err)
		}
		if !ok {
			return errs.E("applications.PaymentQR", errs.NotFound, errors.New("nothing is owed"))
		}
		png, err := qrpng.Encode(text, qrSize)
		if err != nil {
			return errs.E("applications.PaymentQR", errs.Internal, err)
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Disposition", `inline; filename="payment-`+a.ReceiptNumber+`.png"`)
		w.Header().Set("Cache-Control", "private, no-store")
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(png)
		return err
	})
}
