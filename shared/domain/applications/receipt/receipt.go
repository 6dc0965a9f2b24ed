// Package receipt lays out an application's receipt (расписка о приёме
// заявления) as a PDF: an A4 page with the receipt number, the labelled
// rows of applications.ReceiptView and, for a fee still owed, the payee's
// details and the payment QR code drawn into the page. What it says, and
// in which language, is the applications domain's (Application.Receipt);
// the HTTP handler signs the bytes as Kabinet (PAdES).
//
// It is a package of its own so that only the route that serves a receipt
// links it with the domain: nothing here runs before a receipt is asked
// for (no package-level state is built at start).
package receipt

import (
	"bytes"

	"github.com/go-pdf/fpdf"

	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/pdfpage"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW    = pdfpage.PageW
	margin   = pdfpage.Margin
	contentW = pdfpage.ContentW
	qrSide   = 50.0
	labelW   = 58.0
	lineH    = 6.0
	fontName = pdfpage.Font
	qrImage  = "qr"
)

// PDF renders v. qrPNG is the payment QR code (ticket.QRPNG of
// v.Fee.QR), drawn beside the fee's details; nil leaves it out. The Go
// fonts are embedded (subset), so Cyrillic renders without a system font,
// and the PDF's dates are v.Issued, so the same receipt gives the same
// bytes before signing.
// Errors: Invalid (number: a view without a receipt number), Internal
// (qrPNG is not a PNG, or rendering fails).
func PDF(v applications.ReceiptView, qrPNG []byte) ([]byte, error) {
	const op = "receipt.PDF"
	if v.Number == "" {
		return nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "number", Code: "required"})
	}
	pdf := pdfpage.New(v.Title+" "+v.Number, v.Lang, v.Footer, v.Issued)

	pdf.SetFont(fontName, "B", 20)
	pdf.SetTextColor(0, 0, 0)
	pdf.MultiCell(contentW, 9, v.Title, "", "L", false)
	pdf.Ln(3)
	pdf.SetFont(fontName, "", 10)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(contentW, 5, v.NumberLabel, "", 1, "L", false, 0, "")
	pdf.SetFont(fontName, "B", 24)
	pdf.SetTextColor(0, 0, 0)
	pdf.CellFormat(contentW, 12, v.Number, "", 1, "L", false, 0, "")
	pdf.Ln(4)

	rows := func(list []applications.ReceiptRow, width float64) {
		for _, r := range list {
			pdf.SetX(margin)
			pdf.SetFont(fontName, "", 10)
			pdf.SetTextColor(90, 90, 90)
			y := pdf.GetY()
			pdf.MultiCell(labelW, lineH-1, r.Label, "", "L", false)
			below := pdf.GetY()
			pdf.SetXY(margin+labelW, y)
			pdf.SetFont(fontName, "", 11)
			pdf.SetTextColor(0, 0, 0)
			pdf.MultiCell(width-labelW, lineH-1, r.Value, "", "L", false)
			pdf.SetY(max(pdf.GetY(), below) + 1.5)
		}
	}
	rows(v.Rows, contentW)

	if f := v.Fee; f != nil {
		pdf.Ln(5)
		pdf.SetFont(fontName, "B", 14)
		pdf.CellFormat(contentW, 8, f.Heading, "", 1, "L", false, 0, "")
		pdf.Ln(1)
		width, top := contentW, pdf.GetY()
		showQR := f.QR != "" && len(qrPNG) > 0
		if showQR {
			width = contentW - qrSide - 5
			if top+qrSide+12 > pdfpage.PageH-margin { // keep the code and its caption on one page
				pdf.AddPage()
				top = pdf.GetY()
			}
			x := pageW - margin - qrSide
			pdf.RegisterImageOptionsReader(qrImage, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qrPNG))
			pdf.ImageOptions(qrImage, x, top, qrSide, qrSide, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			pdf.SetXY(x, top+qrSide+1)
			pdf.SetFont(fontName, "", 8)
			pdf.SetTextColor(90, 90, 90)
			pdf.MultiCell(qrSide, 3.5, f.QRCaption, "", "C", false)
			pdf.SetXY(margin, top)
		}
		rows(f.Rows, width)
	}

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	return buf.Bytes(), nil
}
