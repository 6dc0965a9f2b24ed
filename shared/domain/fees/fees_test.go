package fees

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCheckDigit follows the algorithm of the Treasury's rules by hand
// (приказ Казначейства № 11н, «Алгоритм расчета контрольного разряда УИН»):
// the published text's own example was not available to this test's
// author, so each case writes the sums out.
func TestCheckDigit(t *testing.T) {
	tests := []struct {
		name, head string
		want       byte
	}{
		// 1·1+2·2+…+9·9+0·10 = 285; 285 mod 11 = 10 → again with weights
		// 3…10,1,2: 1·3+2·4+3·5+4·6+5·7+6·8+7·9+8·10+9·1+0·2 = 285 → 10 → 0
		{"remainder 10 twice gives 0", "1234567890", '0'},
		// 1·1 = 1
		{"a single one", "1", '1'},
		// 1·1 + 9·10 = 91; 91 mod 11 = 3
		{"weight ten", "1000000009", '3'},
		// ten 1s: 55 mod 11 = 0; the eleventh digit weighs 1 again: 56 mod 11 = 1
		{"the weights repeat", "11111111111", '1'},
		// 5·1 = 5; 5·1+5·2 = 15 mod 11 = 4 … the 19-digit head of a УИН:
		// 1·1+8·2+8·3+1·4+0·5+1·6+7·7+7·8+1·9+8·10 + 0·1+1·2+2·3+3·4+4·5+5·6+6·7+7·8+8·9
		// = 245 + 240 = 485; 485 mod 11 = 1
		{"a 19-digit head", "1881017718012345678", '1'},
		// remainder 10 on the first pass, not on the second: 1·10 = 10 → 1·2 = 2
		{"remainder 10 then 2", "0000000001", '2'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := CheckDigit(tc.head)
			if !ok || got != tc.want {
				t.Errorf("CheckDigit(%s) = %c %v, want %c", tc.head, got, ok, tc.want)
			}
		})
	}
	if _, ok := CheckDigit("12a4"); ok {
		t.Error("a letter passed")
	}
}

// TestUINCorruption: every single-digit change and every swap of two
// different adjacent digits of random УИНs is caught (mod 11 with weights
// 1–10 catches both, except where the second pass or the 0 fallback
// coincide, which the test counts and bounds).
func TestUINCorruption(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	missed, tried := 0, 0
	for range 500 {
		u, err := NewUIN("18810177", r.Int64N(1e11))
		if err != nil {
			t.Fatal(err)
		}
		if !ValidUIN(u) || len(u) != 20 {
			t.Fatalf("NewUIN made %s, not valid", u)
		}
		b := []byte(u)
		i := r.IntN(len(b))
		old := b[i]
		b[i] = '0' + (old-'0'+byte(1+r.IntN(9)))%10
		tried++
		if ValidUIN(string(b)) {
			missed++
		}
		b[i] = old
		if j := r.IntN(len(b) - 1); b[j] != b[j+1] {
			b[j], b[j+1] = b[j+1], b[j]
			tried++
			if ValidUIN(string(b)) {
				missed++
			}
		}
	}
	// a fallback-to-0 case can hide a change; it is rare, never most
	if missed*20 > tried {
		t.Errorf("%d of %d corruptions passed", missed, tried)
	}
	for _, bad := range []string{"", "1881017718012345678", "188101771801234567811", "1881017718012345678X"} {
		if ValidUIN(bad) {
			t.Errorf("%q passed", bad)
		}
	}
	if _, err := NewUIN("1881", 1); err == nil {
		t.Error("a short URN made a УИН")
	}
}

func TestPaymentQR(t *testing.T) {
	p := Payee{Name: "УФК по г. Москве (ГУ МВД России по г. Москве)", INN: "7707089101", KPP: "770701001",
		Account: "03100643000000017300", BankName: "ГУ Банка России по ЦФО//УФК по г. Москве г. Москва", BIC: "004525988",
		CorrAccount: "40102810545370000003", CBC: "18810806000018000110", OKTMO: "45000000", URN: "18810177"}
	uin, _ := NewUIN(p.URN, 26_000012345)
	got, err := PaymentQR(p, 600000, "Госпошлина за выдачу паспорта", uin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "ST00012|") {
		t.Errorf("header: %s", got)
	}
	// the standard's fields, mandatory first and in its order
	var names []string
	vals := map[string]string{}
	for _, kv := range strings.Split(got, "|")[1:] {
		k, v, _ := strings.Cut(kv, "=")
		names = append(names, k)
		vals[k] = v
	}
	want := []string{"Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc", "Sum", "Purpose", "PayeeINN", "KPP", "CBC", "OKTMO", "UIN"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("fields %v, want %v", names, want)
	}
	if vals["Sum"] != "600000" || vals["UIN"] != uin || !ValidUIN(vals["UIN"]) {
		t.Errorf("sum %s uin %s", vals["Sum"], vals["UIN"])
	}
	p.Name = "A|B"
	if _, err := PaymentQR(p, 600000, "x", uin); err == nil {
		t.Error("a separator in a value passed")
	}
}
