package ticket

import (
	"bytes"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// TestVisitPDF: an act and a prescription render as PDFs in both
// languages, the same bytes for the same input; a document of no known
// kind, without a number or with a visit without a zone is Invalid.
func TestVisitPDF(t *testing.T) {
	visit := Booking{ID: "b1", Start: time.Date(2026, 6, 16, 7, 0, 0, 0, time.UTC), TimeZone: "Europe/Kaliningrad",
		Institution: "Поликлиника № 1", Specialist: "Иванова А. А.", Specialization: "Терапевт"}
	for _, tc := range []struct {
		name  string
		doc   VisitDocument
		valid bool
	}{
		{"an act", VisitDocument{Kind: KindAct, Number: "d1", Visit: visit, Act: "Осмотр проведён"}, true},
		{"a prescription", VisitDocument{Kind: KindPrescription, Number: "d2", Visit: visit, Drug: "Ибупрофен", Dose: "200 мг", Until: "2026-07-01"}, true},
		{"a child's prescription", VisitDocument{Kind: KindPrescription, Number: "d3", Visit: visit, Patient: "Маша", Drug: "Витамин D", Until: "2026-09-01"}, true},
		{"no kind", VisitDocument{Number: "d4", Visit: visit}, false},
		{"no number", VisitDocument{Kind: KindAct, Visit: visit}, false},
		{"no zone", VisitDocument{Kind: KindAct, Number: "d5", Visit: Booking{Start: visit.Start}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []string{"ru", "en"} {
				a, err := VisitPDF(tc.doc, lang)
				if !tc.valid {
					if !errs.Is(err, errs.Invalid) {
						t.Fatalf("%s: %v, want Invalid", lang, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", lang, err)
				}
				b, _ := VisitPDF(tc.doc, lang)
				if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Equal(a, b) {
					t.Errorf("%s: not a PDF, or not the same bytes twice", lang)
				}
			}
		})
	}
}
