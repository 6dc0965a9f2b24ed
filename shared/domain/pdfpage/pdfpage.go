// Package pdfpage starts the A4 documents Kabinet issues (a booking's
// confirmation, a visit's act and prescriptions, an application's receipt)
// the same way: the Go fonts embedded (subset), so Cyrillic renders without
// a system font, which a Lambda does not have; title, language, creator
// and footer set; the dates stamped from the input, so the same input gives
// the same bytes before signing.
package pdfpage

import (
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Page geometry in millimetres (A4 portrait) and the embedded font's name
// (styles "" and "B").
const (
	PageW    = 210.0
	PageH    = 297.0
	Margin   = 20.0
	ContentW = PageW - 2*Margin
	Font     = "go"
)

// New starts a document titled title in language lang whose pages end with
// footer, dated stamp, with its first page added.
func New(title, lang, footer string, stamp time.Time) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(stamp.UTC())
	pdf.SetModificationDate(stamp.UTC())
	pdf.SetTitle(title, true)
	pdf.SetCreator("Kabinet", true)
	pdf.SetLang(lang)
	pdf.AddUTF8FontFromBytes(Font, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(Font, "B", gobold.TTF)
	pdf.SetMargins(Margin, Margin, Margin)
	pdf.SetAutoPageBreak(true, Margin)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-Margin + 4)
		pdf.SetFont(Font, "", 8)
		pdf.SetTextColor(120, 120, 120)
		pdf.MultiCell(ContentW, 4, footer, "", "L", false)
	})
	pdf.AddPage()
	return pdf
}
