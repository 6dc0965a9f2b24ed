package directory_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/numbers"
)

func TestDemo(t *testing.T) {
	insts, specs := directory.Demo()
	if len(insts) < 12 {
		t.Errorf("%d institutions, want at least 12", len(insts))
	}
	if _, err := directory.NewIndex(insts, specs); err != nil {
		t.Fatalf("Demo does not validate: %v", err)
	}

	wantZones := map[string]string{
		"Москва": "Europe/Moscow", "Казань": "Europe/Moscow",
		"Калининград": "Europe/Kaliningrad", "Петропавловск-Камчатский": "Asia/Kamchatka",
	}
	wantOffsets := map[string]int{"Europe/Moscow": 3, "Europe/Kaliningrad": 2, "Asia/Kamchatka": 12}
	cities, types, ids := map[string]int{}, map[string]bool{}, map[string]bool{}
	perInst := map[string]int{}
	for _, sp := range specs {
		perInst[sp.InstitutionID]++
	}
	hhmm := regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
	for _, in := range insts {
		t.Run(in.ID, func(t *testing.T) {
			if ids[in.ID] {
				t.Errorf("duplicate id")
			}
			ids[in.ID] = true
			cities[in.City]++
			types[in.Type] = true
			if !numbers.ValidINN(in.INN) || len(in.INN) != 10 {
				t.Errorf("INN %q is not a valid organisation INN", in.INN)
			}
			if z := wantZones[in.City]; z == "" || z != in.TimeZone {
				t.Errorf("city %q in zone %q", in.City, in.TimeZone)
			}
			loc, err := time.LoadLocation(in.TimeZone)
			if err != nil {
				t.Fatalf("LoadLocation(%q): %v", in.TimeZone, err)
			}
			if _, off := time.Date(2025, 1, 15, 12, 0, 0, 0, loc).Zone(); off != wantOffsets[in.TimeZone]*3600 {
				t.Errorf("%s is UTC%+d, want UTC%+d", in.TimeZone, off/3600, wantOffsets[in.TimeZone])
			}
			if n := perInst[in.ID]; n < 2 || n > 4 {
				t.Errorf("%d specialists, want 2 to 4", n)
			}
			if !strings.HasPrefix(in.Phone, "+7") || len(in.Phone) != 12 {
				t.Errorf("phone %q is not +7 and 10 digits", in.Phone)
			}
			if in.Name == "" || in.Address == "" || in.Lat == 0 || in.Lon == 0 || len(in.Hours) == 0 ||
				in.CancelDeadline < 0 || (in.CancelDeadline == 0 && in.Type != directory.TypePolyclinic) { // a polyclinic may leave it to the type's default
				t.Errorf("incomplete: %+v", in)
			}
			for _, h := range in.Hours {
				if !hhmm.MatchString(h.Open) || !hhmm.MatchString(h.Close) || h.Open >= h.Close {
					t.Errorf("hours %+v", h)
				}
			}
			if city := nearestCity(in); city != in.City {
				t.Errorf("coordinates %v,%v are in %s, not %s", in.Lat, in.Lon, city, in.City)
			}
		})
	}
	if len(cities) != 4 {
		t.Errorf("cities = %v, want 4", cities)
	}
	for _, typ := range directory.Types() {
		if !types[typ] {
			t.Errorf("no institution of type %s", typ)
		}
	}
	for _, sp := range specs {
		if ids[sp.ID] {
			t.Errorf("duplicate id %s", sp.ID)
		}
		ids[sp.ID] = true
		if want := "spec-" + strings.TrimPrefix(sp.InstitutionID, "inst-") + "-"; !strings.HasPrefix(sp.ID, want) {
			t.Errorf("specialist id %s does not follow %s<n>", sp.ID, want)
		}
		if sp.Name == "" || sp.Specialization == "" || len(sp.Modes) == 0 {
			t.Errorf("incomplete specialist %+v", sp)
		}
	}
}

// nearestCity places an institution by its coordinates.
func nearestCity(in directory.Institution) string {
	centres := map[string]directory.Point{
		"Москва": {Lat: 55.7558, Lon: 37.6173}, "Казань": {Lat: 55.7963, Lon: 49.1088},
		"Калининград": {Lat: 54.7104, Lon: 20.4522}, "Петропавловск-Камчатский": {Lat: 53.0452, Lon: 158.6483},
	}
	for city, c := range centres {
		if directory.DistanceKm(c, directory.Point{Lat: in.Lat, Lon: in.Lon}) < 30 {
			return city
		}
	}
	return "nowhere"
}

func TestDemoReturnsFreshSlices(t *testing.T) {
	insts, specs := directory.Demo()
	insts[0].Hours[0].Open = "00:00"
	specs[0].Modes[0] = "changed"
	specs[1].Modes = append(specs[1].Modes[:0], "changed")
	again, againSpecs := directory.Demo()
	fresh, freshSpecs := directory.Demo()
	if !reflect.DeepEqual(again, fresh) || !reflect.DeepEqual(againSpecs, freshSpecs) {
		t.Fatal("Demo is not deterministic")
	}
	if again[0].Hours[0].Open == "00:00" || againSpecs[0].Modes[0] == "changed" || againSpecs[1].Modes[0] == "changed" {
		t.Error("a change to one Demo() result shows in the next")
	}
}

func TestDemoSearch(t *testing.T) {
	x, err := directory.NewIndex(directory.Demo())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		q     directory.Query
		first string
		count int
	}{
		{"polyclinics", directory.Query{Type: directory.TypePolyclinic}, "inst-msk-01", 4},
		{"Semyonovskaya by е", directory.Query{Text: "семеновская"}, "inst-msk-01", 1},
		{"MFCs near Red Square", directory.Query{Type: directory.TypeMFC, Near: &redSquare}, "inst-msk-03", 1},
		{"by INN", directory.Query{INN: "4101063519"}, "inst-pkc-04", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := x.Search(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != tt.count || p.Items[0].ID != tt.first {
				t.Errorf("ids = %v, want %d starting with %s", ids(p), tt.count, tt.first)
			}
		})
	}
}

// GIVEN a paediatrician of the demo directory (under 18s) and a
// specialist without bounds WHEN patients of several ages ask THEN the
// paediatrician takes children to the day before their 18th birthday
// (29 February counted as 28 February in a common year), the other
// anyone; an unknown birth date is not refused.
func TestSpecialistAgeBounds(t *testing.T) {
	var paed, other directory.Specialist
	_, specs := directory.Demo()
	for _, s := range specs {
		switch {
		case s.Specialization == "Педиатр" && paed.ID == "":
			paed = s
		case s.MaxAge == 0 && s.MinAge == 0 && other.ID == "":
			other = s
		}
	}
	if paed.MaxAge != 17 {
		t.Fatalf("the demo paediatrician %s takes up to %d years, want 17", paed.ID, paed.MaxAge)
	}
	day := civil.Date{Year: 2026, Month: 2, Day: 28}
	for _, tc := range []struct {
		birth        string
		paed, anyone bool
	}{
		{"2020-05-01", true, true},
		{"2008-03-01", true, true}, // 17 until 1 March
		{"2008-02-29", true, true}, // 18 only on 1 March of a common year
		{"2008-02-28", false, true},
		{"1990-01-01", false, true},
	} {
		b, err := civil.Parse(tc.birth)
		if err != nil {
			t.Fatal(err)
		}
		if got := paed.Accepts(&b, day); got != tc.paed {
			t.Errorf("paediatrician, born %s: %v, want %v", tc.birth, got, tc.paed)
		}
		if got := other.Accepts(&b, day); got != tc.anyone {
			t.Errorf("%s, born %s: %v, want %v", other.Specialization, tc.birth, got, tc.anyone)
		}
	}
	if !paed.Accepts(nil, day) {
		t.Error("an unknown birth date is refused")
	}
}
