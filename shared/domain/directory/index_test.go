package directory_test

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/paging"
)

// Two known points: Red Square and the Kazan Kremlin, 717.44 km apart.
var (
	redSquare    = directory.Point{Lat: 55.7539, Lon: 37.6208}
	kazanKremlin = directory.Point{Lat: 55.7989, Lon: 49.1056}
)

// fixture is a small directory whose names exercise case, ё/е, punctuation
// and the name order; a and e are near Red Square, b 6 km away, c in Kazan,
// d in Kaliningrad.
func fixture() ([]directory.Institution, []directory.Specialist) {
	insts := []directory.Institution{
		{ID: "c", Name: "Казанская городская больница", Type: directory.TypeHospital, INN: "1657013576",
			Address: "Кремлёвская ул., 2", City: "Казань", TimeZone: "Europe/Moscow", Lat: kazanKremlin.Lat, Lon: kazanKremlin.Lon},
		{ID: "a", Name: "Городская поликлиника №1", Type: directory.TypePolyclinic, INN: "7719012343",
			Address: "Красная пл., 1", City: "Москва", TimeZone: "Europe/Moscow", Lat: redSquare.Lat, Lon: redSquare.Lon,
			Hours: []directory.Hours{{Weekday: time.Monday, Open: "08:00", Close: "20:00"}}, CancelDeadline: 3 * time.Hour},
		{ID: "b", Name: "Семёновская стоматология", Type: directory.TypeDental, INN: "7719045677",
			Address: "Семёновская пл., 7", City: "Москва", TimeZone: "Europe/Moscow", Lat: 55.7830, Lon: 37.7190},
		{ID: "d", Name: "МФЦ Центральный", Type: directory.TypeMFC, INN: "3906011230",
			Address: "ул. Театральная, 28", City: "Калининград", TimeZone: "Europe/Kaliningrad", Lat: 54.7195, Lon: 20.5012},
		{ID: "e", Name: "ЁЛКИНСКАЯ лаборатория", Type: directory.TypeLaboratory, INN: "7701082396",
			Address: "ул. Тверская, 22", City: "Москва", TimeZone: "Europe/Moscow", Lat: 55.7660, Lon: 37.6030},
	}
	specs := []directory.Specialist{
		{ID: "a-1", InstitutionID: "a", Name: "Смирнова Ольга", Specialization: "Терапевт", Modes: []string{directory.ModeInPerson, directory.ModeVideo}},
		{ID: "a-2", InstitutionID: "a", Name: "Ёжиков Павел", Specialization: "Педиатр", Certificates: []string{"Педиатрия, 2022"}},
		{ID: "a-3", InstitutionID: "a", Name: "Белов Сергей", Specialization: "терапевт"},
		{ID: "b-1", InstitutionID: "b", Name: "Алексеева Марина", Specialization: "Стоматолог", Price: 2500},
	}
	return insts, specs
}

func newIndex(t *testing.T) *directory.Index {
	t.Helper()
	x, err := directory.NewIndex(fixture())
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func ids(p directory.Page) []string {
	out := []string{}
	for _, r := range p.Items {
		out = append(out, r.ID)
	}
	return out
}

// fields returns the field errors of err, failing unless it is of kind k.
func fields(t *testing.T, err error, k errs.Kind) []errs.FieldError {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("err = %v, want kind %v", err, k)
	}
	return e.Fields
}

func TestSearchFilters(t *testing.T) {
	x := newIndex(t)
	tests := []struct {
		name string
		q    directory.Query
		want []string
	}{
		{"everything by name, ё sorted as е", directory.Query{}, []string{"a", "e", "c", "d", "b"}},
		{"punctuation only is no filter", directory.Query{Text: " ,.! "}, []string{"a", "e", "c", "d", "b"}},
		{"ё in data found by е", directory.Query{Text: "семен"}, []string{"b"}},
		{"ё in query, upper case", directory.Query{Text: "СЕМЁН"}, []string{"b"}},
		{"upper-case ё at the start", directory.Query{Text: "елкин"}, []string{"e"}},
		{"word prefixes", directory.Query{Text: "гор пол"}, []string{"a"}},
		{"word order does not matter", directory.Query{Text: "пол гор"}, []string{"a"}},
		{"one word in two names", directory.Query{Text: "Городская"}, []string{"a", "c"}},
		{"address words", directory.Query{Text: "кремлев"}, []string{"c"}},
		{"number sign is punctuation", directory.Query{Text: "поликлиника №1"}, []string{"a"}},
		{"infix does not match", directory.Query{Text: "ликлиника"}, []string{}},
		{"every word must match", directory.Query{Text: "поликлиника казань"}, []string{}},
		{"no match", directory.Query{Text: "ветеринар"}, []string{}},
		{"type", directory.Query{Type: directory.TypeDental}, []string{"b"}},
		{"type and text", directory.Query{Type: directory.TypeHospital, Text: "гор"}, []string{"c"}},
		{"INN exact", directory.Query{INN: "7719012343"}, []string{"a"}},
		{"INN with spaces around", directory.Query{INN: " 7719012343 "}, []string{"a"}},
		{"valid personal INN matches nothing", directory.Query{INN: "500100732259"}, []string{}},
		{"near, default radius 10 km", directory.Query{Near: &redSquare}, []string{"a", "e", "b"}},
		{"near, max radius stops short of Kazan", directory.Query{Near: &redSquare, RadiusKm: 500}, []string{"a", "e", "b"}},
		{"near Kazan with text", directory.Query{Near: &kazanKremlin, RadiusKm: 500, Text: "гор"}, []string{"c"}},
		{"radius without near is ignored", directory.Query{RadiusKm: 1}, []string{"a", "e", "c", "d", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := x.Search(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
			if p.NextCursor != "" {
				t.Errorf("NextCursor = %q on a single page", p.NextCursor)
			}
			for _, r := range p.Items {
				if (r.DistanceKm != nil) != (tt.q.Near != nil) {
					t.Errorf("%s: DistanceKm = %v with Near %v", r.ID, r.DistanceKm, tt.q.Near)
				}
			}
		})
	}
}

func TestSearchDistance(t *testing.T) {
	x := newIndex(t)
	tests := []struct {
		name string
		q    directory.Query
		want []string
		km   []float64 // DistanceKm of each result, ± 0.05
	}{
		{"from Red Square, nearest first", directory.Query{Near: &redSquare, RadiusKm: 500},
			[]string{"a", "e", "b"}, []float64{0, 1.73, 6.90}},
		{"radius excludes the far one", directory.Query{Near: &redSquare, RadiusKm: 5},
			[]string{"a", "e"}, []float64{0, 1.73}},
		{"from the Kazan Kremlin", directory.Query{Near: &kazanKremlin, RadiusKm: 500},
			[]string{"c"}, []float64{0}},
		{"from Kazan, Moscow is beyond 500 km", directory.Query{Near: &kazanKremlin, RadiusKm: 500, Type: directory.TypePolyclinic},
			[]string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := x.Search(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); !slices.Equal(got, tt.want) {
				t.Fatalf("ids = %v, want %v", got, tt.want)
			}
			for i, r := range p.Items {
				d := *r.DistanceKm
				if math.Abs(d-tt.km[i]) > 0.05 {
					t.Errorf("%s: DistanceKm = %v, want %v", r.ID, d, tt.km[i])
				}
				if d != math.Round(d*100)/100 {
					t.Errorf("%s: DistanceKm = %v, not rounded to 2 decimals", r.ID, d)
				}
			}
		})
	}
}

func TestDistanceKm(t *testing.T) {
	tests := []struct {
		name      string
		a, b      directory.Point
		want, tol float64
	}{
		{"same point", redSquare, redSquare, 0, 0},
		{"Red Square to Kazan Kremlin", redSquare, kazanKremlin, 719, 5},
		{"symmetric", kazanKremlin, redSquare, 719, 5},
		{"a quarter meridian", directory.Point{Lat: 0, Lon: 0}, directory.Point{Lat: 90, Lon: 0}, 10007.5, 1},
		{"across the antimeridian", directory.Point{Lat: 0, Lon: 179.5}, directory.Point{Lat: 0, Lon: -179.5}, 111.2, 0.1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := directory.DistanceKm(tt.a, tt.b); math.Abs(got-tt.want) > tt.tol {
				t.Errorf("DistanceKm = %v, want %v ± %v", got, tt.want, tt.tol)
			}
		})
	}
}

func TestSearchInvalid(t *testing.T) {
	x := newIndex(t)
	p := func(lat, lon float64) *directory.Point { return &directory.Point{Lat: lat, Lon: lon} }
	tests := []struct {
		name string
		q    directory.Query
		want []errs.FieldError
	}{
		{"unknown type", directory.Query{Type: "spaceport"}, []errs.FieldError{{Field: "type", Code: "unknown_type"}}},
		{"type is case-sensitive", directory.Query{Type: "MFC"}, []errs.FieldError{{Field: "type", Code: "unknown_type"}}},
		{"INN bad checksum", directory.Query{INN: "7719012344"}, []errs.FieldError{{Field: "inn", Code: "invalid_inn"}}},
		{"INN 9 digits", directory.Query{INN: "771901234"}, []errs.FieldError{{Field: "inn", Code: "invalid_inn"}}},
		{"INN 11 digits", directory.Query{INN: "77190123430"}, []errs.FieldError{{Field: "inn", Code: "invalid_inn"}}},
		{"INN 12 digits bad checksum", directory.Query{INN: "500100732258"}, []errs.FieldError{{Field: "inn", Code: "invalid_inn"}}},
		{"INN letters", directory.Query{INN: "77190123ab"}, []errs.FieldError{{Field: "inn", Code: "invalid_inn"}}},
		{"lat 200", directory.Query{Near: p(200, 37)}, []errs.FieldError{{Field: "near", Code: "out_of_range"}}},
		{"lat -90.5", directory.Query{Near: p(-90.5, 37)}, []errs.FieldError{{Field: "near", Code: "out_of_range"}}},
		{"lon 181", directory.Query{Near: p(55, 181)}, []errs.FieldError{{Field: "near", Code: "out_of_range"}}},
		{"lat NaN", directory.Query{Near: p(math.NaN(), 37)}, []errs.FieldError{{Field: "near", Code: "out_of_range"}}},
		{"radius over 500", directory.Query{Near: &redSquare, RadiusKm: 500.1}, []errs.FieldError{{Field: "radiusKm", Code: "out_of_range"}}},
		{"negative radius", directory.Query{Near: &redSquare, RadiusKm: -1}, []errs.FieldError{{Field: "radiusKm", Code: "out_of_range"}}},
		{"every field at once", directory.Query{Type: "x", INN: "1", Near: p(91, 0), RadiusKm: 1000},
			[]errs.FieldError{{Field: "inn", Code: "invalid_inn"}, {Field: "near", Code: "out_of_range"},
				{Field: "radiusKm", Code: "out_of_range"}, {Field: "type", Code: "unknown_type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(tt.q)
			if got := fields(t, err, errs.Invalid); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSearchPaging(t *testing.T) {
	x := newIndex(t)
	tests := []struct {
		name  string
		q     directory.Query
		pages [][]string
	}{
		{"by name, 2 a page", directory.Query{Limit: 2}, [][]string{{"a", "e"}, {"c", "d"}, {"b"}}},
		{"by distance, 2 a page", directory.Query{Limit: 2, Near: &redSquare, RadiusKm: 500}, [][]string{{"a", "e"}, {"b"}}},
		{"exact fit leaves no cursor", directory.Query{Limit: 5}, [][]string{{"a", "e", "c", "d", "b"}}},
		{"limit 0 is the default", directory.Query{Limit: 0}, [][]string{{"a", "e", "c", "d", "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, seen := tt.q, map[string]bool{}
			for i, want := range tt.pages {
				p, err := x.Search(q)
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(p); !slices.Equal(got, want) {
					t.Errorf("page %d = %v, want %v", i, got, want)
				}
				for _, id := range ids(p) {
					if seen[id] {
						t.Errorf("page %d repeats %s", i, id)
					}
					seen[id] = true
				}
				if last := i == len(tt.pages)-1; last != (p.NextCursor == "") {
					t.Fatalf("page %d: NextCursor = %q", i, p.NextCursor)
				}
				q.Cursor = p.NextCursor
			}
		})
	}
	t.Run("cursor past the end is an empty last page", func(t *testing.T) {
		p, err := x.Search(directory.Query{Cursor: paging.EncodeCursor("99")})
		if err != nil || len(p.Items) != 0 || p.NextCursor != "" || p.Items == nil {
			t.Errorf("Search = %+v, %v; want an empty page", p, err)
		}
	})
}

func TestSearchBadCursor(t *testing.T) {
	x := newIndex(t)
	for _, tt := range []struct{ name, cursor string }{
		{"not base64", "!!!"},
		{"not a cursor", "aGVsbG8"},
		{"not a number", paging.EncodeCursor("abc")},
		{"negative", paging.EncodeCursor("-1")},
		{"leading zero", paging.EncodeCursor("01")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(directory.Query{Cursor: tt.cursor})
			want := []errs.FieldError{{Field: "cursor", Code: "invalid_cursor"}}
			if got := fields(t, err, errs.Malformed); !reflect.DeepEqual(got, want) {
				t.Errorf("fields = %v, want %v", got, want)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	x := newIndex(t)
	t.Run("institution", func(t *testing.T) {
		in, err := x.Institution("a")
		if err != nil || in.Name != "Городская поликлиника №1" || in.CancelDeadline != 3*time.Hour {
			t.Errorf("Institution(a) = %+v, %v", in, err)
		}
		in, err = x.Institution("b")
		if err != nil || in.CancelDeadline != directory.DefaultCancelDeadline {
			t.Errorf("Institution(b).CancelDeadline = %v, %v; want the default", in.CancelDeadline, err)
		}
	})
	t.Run("specialist", func(t *testing.T) {
		sp, err := x.Specialist("b-1")
		if err != nil || sp.InstitutionID != "b" || sp.Price != 2500 {
			t.Errorf("Specialist(b-1) = %+v, %v", sp, err)
		}
	})
	for _, tt := range []struct {
		name string
		call func() error
	}{
		{"missing institution", func() error { _, err := x.Institution("zz"); return err }},
		{"missing specialist", func() error { _, err := x.Specialist("zz"); return err }},
		{"specialists of a missing institution", func() error { _, err := x.Specialists("zz", ""); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errs.Is(err, errs.NotFound) {
				t.Errorf("err = %v, want NotFound", err)
			}
		})
	}
}

func TestSpecialists(t *testing.T) {
	x := newIndex(t)
	tests := []struct {
		name, inst, spec string
		want             []string
	}{
		{"all, by name with ё as е", "a", "", []string{"a-3", "a-2", "a-1"}},
		{"specialization ignores case", "a", "ТЕРАПЕВТ", []string{"a-3", "a-1"}},
		{"specialization is trimmed", "a", " педиатр ", []string{"a-2"}},
		{"specialization is exact", "a", "терапев", []string{}},
		{"another institution", "b", "стоматолог", []string{"b-1"}},
		{"institution without specialists", "c", "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := x.Specialists(tt.inst, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Error("Specialists = nil, want an empty slice")
			}
			var gotIDs []string
			for _, sp := range got {
				gotIDs = append(gotIDs, sp.ID)
			}
			if !slices.Equal(gotIDs, tt.want) {
				t.Errorf("ids = %v, want %v", gotIDs, tt.want)
			}
		})
	}
}

func TestIndexIsImmutable(t *testing.T) {
	insts, specs := fixture()
	x, err := directory.NewIndex(insts, specs)
	if err != nil {
		t.Fatal(err)
	}
	insts[1].Name, insts[1].Hours[0].Open = "changed", "00:00"
	specs[0].Modes[0] = "changed"

	in, _ := x.Institution("a")
	in.Hours[0].Close = "00:00"
	sp, _ := x.Specialist("a-1")
	sp.Modes[1] = "changed"
	p, _ := x.Search(directory.Query{Text: "гор пол"})
	p.Items[0].Hours[0].Weekday = time.Sunday

	in, _ = x.Institution("a")
	if in.Name != "Городская поликлиника №1" || in.Hours[0] != (directory.Hours{Weekday: time.Monday, Open: "08:00", Close: "20:00"}) {
		t.Errorf("institution changed through a copy: %+v", in)
	}
	sp, _ = x.Specialist("a-1")
	if !slices.Equal(sp.Modes, []string{directory.ModeInPerson, directory.ModeVideo}) {
		t.Errorf("specialist changed through a copy: %+v", sp)
	}
}

func TestNewIndexValidates(t *testing.T) {
	tests := []struct {
		name   string
		change func(insts []directory.Institution, specs []directory.Specialist) ([]directory.Institution, []directory.Specialist)
	}{
		{"empty institution id", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			i[0].ID = ""
			return i, s
		}},
		{"duplicate institution id", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			return append(i, i[0]), s
		}},
		{"unknown type", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			i[0].Type = "spaceport"
			return i, s
		}},
		{"coordinates out of range", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			i[0].Lat = 91
			return i, s
		}},
		{"no time zone", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			i[0].TimeZone = ""
			return i, s
		}},
		{"unknown licence status", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			i[0].Licence.Status = "lost"
			return i, s
		}},
		{"negative cancel deadline", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			i[0].CancelDeadline = -time.Hour
			return i, s
		}},
		{"duplicate specialist id", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			return i, append(s, s[0])
		}},
		{"specialist of a missing institution", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			s[0].InstitutionID = "zz"
			return i, s
		}},
		{"unknown mode", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			s[0].Modes = []string{"telepathy"}
			return i, s
		}},
		{"negative price", func(i []directory.Institution, s []directory.Specialist) ([]directory.Institution, []directory.Specialist) {
			s[0].Price = -1
			return i, s
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := directory.NewIndex(tt.change(fixture())); !errs.Is(err, errs.Invalid) {
				t.Errorf("NewIndex err = %v, want Invalid", err)
			}
		})
	}
}

func TestTypes(t *testing.T) {
	got := directory.Types()
	if len(got) != 9 {
		t.Fatalf("Types() = %v, want 9", got)
	}
	for _, typ := range got {
		if !directory.ValidType(typ) {
			t.Errorf("ValidType(%q) = false", typ)
		}
	}
	got[0] = "changed"
	if directory.Types()[0] == "changed" {
		t.Error("Types() returned the package's own slice")
	}
	if directory.ValidType("") || directory.ValidType("Polyclinic") {
		t.Error("ValidType accepts an unknown type")
	}
}
