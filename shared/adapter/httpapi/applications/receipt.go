package applications

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/applications/receipt"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/qrpng"
)

// PDFSigner signs a PDF Kabinet issues as Kabinet (PAdES:
// shared/adapter/pades, the signer of booking confirmations).
type PDFSigner interface {
	Sign(doc []byte, at time.Time, reason string) ([]byte, error)
}

// handleReceipt serves the receipt of the applicant's submitted
// application as a PDF in the reader's language, signed by pdf (nil:
// unsigned, as confirmations are without the stack's key). The PDF is
// made when asked, never kept. 404 for someone else's application, 409
// (not_submitted) for a draft.
func handleReceipt(svc *applications.Service, pdf PDFSigner) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		const op = "httpapi.applicationReceipt"
		// the application first: the profile's language (for a request
		// naming none) is read meanwhile, in the same round trip
		a, err := svc.Get(r.Context(), id.Sub, r.PathValue("id"))
		if err != nil {
			return err
		}
		v, err := a.Receipt(httpapi.ReaderLanguage(r))
		if err != nil {
			return err
		}
		var png []byte
		if v.Fee != nil && v.Fee.QR != "" {
			if png, err = qrpng.Encode(v.Fee.QR, qrSize); err != nil {
				return errs.E(op, errs.Internal, err)
			}
		}
		body, err := receipt.PDF(v, png)
		if err == nil && pdf != nil {
			body, err = pdf.Sign(body, svc.Now(), v.SigningReason)
		}
		if err != nil {
			return errs.E(op, errs.Internal, err)
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="`+v.FileName+`"`)
		w.Header().Set("Cache-Control", "private, no-store")
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(body)
		return err
	})
}
