package ticket

import (
	"bytes"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/pdfpage"
)

// Kinds of visit document (VisitDocument.Kind).
const (
	// KindAct is the act of service staff wrote closing a visit.
	KindAct = "act"
	// KindPrescription is one e-prescription written at a visit.
	KindPrescription = "prescription"
)

// VisitDocument is what a visit gave the patient, as its PDF shows it:
// the act of service or one e-prescription, with the visit it comes from.
type VisitDocument struct {
	Kind string // KindAct or KindPrescription
	// Number is the document's id in the patient's registry.
	Number string
	// Visit is the booking the visit closed (its time, zone, place, specialist).
	Visit Booking
	// Patient names the person it was written for ("" the account holder,
	// named nowhere else on the page).
	Patient string
	// Act is the act's text.
	Act string
	// Drug, Dose and Until (YYYY-MM-DD) are a prescription's.
	Drug, Dose, Until string
}

// visitWords are the visit documents' texts in one language.
type visitWords struct {
	actTitle, rxTitle, number, patient, visit, drug, dose, until, footer string
}

var (
	visitWordsRU = visitWords{actTitle: "Акт оказания медицинской услуги", rxTitle: "Электронный рецепт",
		number: "Номер документа", patient: "Пациент", visit: "Приём", drug: "Препарат", dose: "Дозировка",
		until: "Действителен до", footer: "Кабинет гражданина. Документ подписан электронной подписью Кабинета; любое изменение файла её нарушает."}
	visitWordsEN = visitWords{actTitle: "Act of medical service", rxTitle: "E-prescription",
		number: "Document number", patient: "Patient", visit: "Visit", drug: "Medicine", dose: "Dose",
		until: "Valid until", footer: "Citizen's cabinet. The document carries Kabinet's electronic signature; any change to the file breaks it."}
)

// VisitPDF renders a visit's act or one of its e-prescriptions as an A4
// page in lang ("ru" or "en"): what it is, its number, the patient, the
// visit (time in the institution's zone, institution, specialist) and the
// act's text or the medicine, dose and validity. The PDF is not signed
// here: the HTTP adapter signs it as Kabinet (PAdES) on download. The same
// input gives the same bytes (the dates come from the visit).
// Errors: Invalid for a document of an unknown kind, without a number, or
// a visit without a start or zone; Internal when rendering fails.
func VisitPDF(doc VisitDocument, lang string) ([]byte, error) {
	const op = "ticket.VisitPDF"
	if doc.Kind != KindAct && doc.Kind != KindPrescription {
		return nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "kind", Code: "unsupported"})
	}
	if doc.Number == "" {
		return nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "number", Code: "required"})
	}
	loc, err := check(op, doc.Visit, 0, "visit.")
	if err != nil {
		return nil, err
	}
	w := wordsFor(lang)
	vw := visitWordsEN
	if w.code == "ru" {
		vw = visitWordsRU
	}
	title := vw.actTitle
	if doc.Kind == KindPrescription {
		title = vw.rxTitle
	}

	pdf := pdfpage.New(title+" "+doc.Number, w.code, vw.footer, doc.Visit.Start)
	pdf.SetFont(fontName, "B", 16)
	pdf.MultiCell(contentW, 8, title, "", "L", false)
	pdf.Ln(4)

	row := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont(fontName, "B", 10)
		pdf.SetTextColor(90, 90, 90)
		y := pdf.GetY()
		pdf.MultiCell(labelW, lineH, label, "", "L", false)
		pdf.SetXY(margin+labelW, y)
		pdf.SetFont(fontName, "", 11)
		pdf.SetTextColor(0, 0, 0)
		pdf.MultiCell(contentW-labelW, lineH, value, "", "L", false)
		pdf.Ln(1)
	}
	v := doc.Visit
	row(vw.number, doc.Number)
	row(vw.patient, doc.Patient)
	row(vw.visit, w.when(v.Start, loc))
	row(w.institution, v.Institution)
	row(w.address, v.Address)
	row(w.specialist, v.Specialist)
	row(w.specialty, v.Specialization)
	pdf.Ln(3)
	switch doc.Kind {
	case KindAct:
		pdf.SetFont(fontName, "", 11)
		pdf.MultiCell(contentW, lineH, doc.Act, "", "L", false)
	case KindPrescription:
		row(vw.drug, doc.Drug)
		row(vw.dose, doc.Dose)
		if until, err := time.Parse(time.DateOnly, doc.Until); err == nil {
			row(vw.until, w.longDate(until))
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	return buf.Bytes(), nil
}
