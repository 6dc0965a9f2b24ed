package ticket

import (
	"bytes"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/pdfpage"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW     = pdfpage.PageW
	margin    = pdfpage.Margin
	contentW  = pdfpage.ContentW
	qrSide    = 45.0
	labelW    = 52.0
	lineH     = 6.0
	fontName  = pdfpage.Font
	imageName = "qr"
)

// PDF renders the confirmation a person prints or keeps on a phone: an A4
// page with the confirmation number, the time in the institution's zone
// (named, with its UTC offset), where and with whom, the format and video
// link, what to bring, the cancel/reschedule deadline, the status and the QR
// code from QRPNG. The booking HTTP handler serves it as application/pdf.
//
// The Go fonts are embedded (subset), so Cyrillic renders without any system
// font, which a Lambda does not have. The same input gives the same bytes —
// the document dates come from b.Start, not the clock — so the result can be
// cached and served with a stable ETag.
//
// A cancelled booking gets a red banner saying so, and its QR code is left
// out so the page cannot be presented at reception. qrPNG may also be nil
// to leave the code out. lang is "ru" or "en" (see wordsFor).
// Errors: Invalid (fields) for a booking without a confirmation number,
// start or valid zone, or with an end not after its start; Internal when
// qrPNG is not a PNG or rendering fails.
func PDF(b Booking, qrPNG []byte, lang string) ([]byte, error) {
	const op = "ticket.PDF"
	loc, err := check(op, b, needConfirmation, "")
	if err != nil {
		return nil, err
	}
	w := wordsFor(lang)
	cancelled := b.Status == StatusCancelled
	showQR := len(qrPNG) > 0 && !cancelled

	pdf := pdfpage.New(w.title+" "+b.ConfirmationNumber, w.code, w.footer, b.Start)

	// Header: title, confirmation number and status on the left, QR on the right.
	headW := contentW
	qrBottom := margin
	if showQR {
		headW = contentW - qrSide - 5
		x := pageW - margin - qrSide
		pdf.RegisterImageOptionsReader(imageName, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qrPNG))
		pdf.ImageOptions(imageName, x, margin, qrSide, qrSide, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		pdf.SetXY(x, margin+qrSide+1)
		pdf.SetFont(fontName, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.MultiCell(qrSide, 3.5, w.qrCaption, "", "C", false)
		qrBottom = pdf.GetY()
	}
	pdf.SetXY(margin, margin)
	pdf.SetFont(fontName, "B", 20)
	pdf.SetTextColor(0, 0, 0)
	pdf.MultiCell(headW, 9, w.title, "", "L", false)
	pdf.Ln(3)
	pdf.SetFont(fontName, "", 10)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(headW, 5, w.confirmationNumber, "", 1, "L", false, 0, "")
	pdf.SetFont(fontName, "B", 26)
	pdf.SetTextColor(0, 0, 0)
	pdf.CellFormat(headW, 13, b.ConfirmationNumber, "", 1, "L", false, 0, "")
	pdf.SetFont(fontName, "", 11)
	if cancelled {
		pdf.SetTextColor(190, 20, 20)
	}
	pdf.CellFormat(headW, lineH, w.status+": "+w.statusText(b.Status), "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetY(max(pdf.GetY(), qrBottom) + 6)

	if cancelled {
		pdf.SetFillColor(190, 20, 20)
		pdf.SetTextColor(255, 255, 255)
		pdf.SetFont(fontName, "B", 18)
		pdf.CellFormat(contentW, 13, w.cancelledBanner, "", 1, "C", true, 0, "")
		pdf.SetFont(fontName, "", 10)
		pdf.MultiCell(contentW, 5, w.cancelledNote, "", "C", true)
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(6)
	}

	row := func(label, value, link string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		pdf.SetFont(fontName, "", 10)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(labelW, lineH, label, "", 0, "L", false, 0, "")
		pdf.SetFont(fontName, "", 11)
		pdf.SetTextColor(0, 0, 0)
		x, y, page := pdf.GetX(), pdf.GetY(), pdf.PageNo()
		if link != "" {
			pdf.SetTextColor(20, 70, 170)
		}
		pdf.MultiCell(contentW-labelW, lineH, value, "", "L", false)
		if link != "" && pdf.PageNo() == page {
			pdf.LinkString(x, y, contentW-labelW, pdf.GetY()-y, link)
		}
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(1.5)
	}
	row(w.date, w.when(b.Start, loc), "")
	if !b.End.IsZero() {
		end := b.End.In(loc)
		if sameDay(end, b.Start.In(loc)) {
			row(w.end, end.Format("15:04"), "")
		} else {
			row(w.end, w.when(end, loc), "")
		}
	}
	row(w.institution, b.Institution, "")
	row(w.address, b.Address, "")
	row(w.specialist, b.Specialist, "")
	row(w.specialty, b.Specialization, "")
	row(w.mode, w.modeText(b.Mode), "")
	if b.Mode == ModeVideo && b.VideoLink != "" {
		link := ""
		if webLink(b.VideoLink) {
			link = b.VideoLink
		}
		row(w.videoLink, b.VideoLink, link)
	}
	if !b.CancelDeadline.IsZero() && !cancelled {
		row(w.deadline, w.when(b.CancelDeadline, loc), "")
	}

	if items := nonEmpty(b.Checklist); len(items) > 0 {
		pdf.Ln(4)
		pdf.SetFont(fontName, "B", 12)
		pdf.CellFormat(contentW, 7, w.checklist, "", 1, "L", false, 0, "")
		pdf.SetFont(fontName, "", 11)
		for _, item := range items {
			pdf.CellFormat(6, lineH, "•", "", 0, "L", false, 0, "")
			pdf.MultiCell(contentW-6, lineH, item, "", "L", false)
		}
	}

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	return buf.Bytes(), nil
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// nonEmpty drops blank checklist items.
func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
