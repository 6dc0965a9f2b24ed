package applications

import (
	"testing"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestForeignPassportKindsAgreeWithTheRegistry: the foreign passport
// application's passportKind offers exactly the registry's variants, and
// the 5-year option is the variant whose rule gives 5 years.
func TestForeignPassportKindsAgreeWithTheRegistry(t *testing.T) {
	svc, _ := Lookup("foreign_passport")
	f, ok := svc.Field("passportKind")
	if !ok {
		t.Fatal("no passportKind field")
	}
	ti, _ := registry.Lookup(registry.ForeignPassport)
	if len(f.Options) != len(ti.Variants) {
		t.Fatalf("options %v, variants %v", f.Options, ti.Variants)
	}
	issued := civil.Date{Year: 2026, Month: 3, Day: 1}
	want := map[string]string{"standard_5y": "2031-03-01", "biometric_10y": "2036-03-01"}
	for i, o := range f.Options {
		v := ti.Variants[i]
		if o.Value != v.Value || o.Label["ru"] != v.Title["ru"] || o.Label["en"] != v.Title["en"] {
			t.Errorf("option %+v, variant %+v", o, v)
		}
		exp, _ := v.Rule(registry.RuleInput{Issued: &issued})
		if exp == nil || exp.String() != want[o.Value] {
			t.Errorf("%s: a passport issued %s runs to %v, want %s", o.Value, issued, exp, want[o.Value])
		}
	}
}
