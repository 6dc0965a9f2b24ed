// Package directory is the electronic registry's catalogue of places: the
// institutions a citizen can book (polyclinics, MFCs, traffic police...) and
// the specialists or service windows inside them. It is read-mostly: the
// whole directory is loaded into an immutable Index, kept fresh by a Cache,
// and searched in memory. Nothing here knows about AWS; the DynamoDB adapter
// is shared/adapter/store (PutDirectory, LoadDirectory).
package directory

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Types of institution. Institution.Type holds one of these.
const (
	TypePolyclinic     = "polyclinic"
	TypeHospital       = "hospital"
	TypeLaboratory     = "laboratory"
	TypeDental         = "dental"
	TypeMFC            = "mfc"
	TypeTrafficPolice  = "traffic_police"
	TypePassportOffice = "passport_office"
	TypeTaxOffice      = "tax_office"
	TypeRegistryOffice = "registry_office"
)

var types = []string{
	TypePolyclinic, TypeHospital, TypeLaboratory, TypeDental, TypeMFC,
	TypeTrafficPolice, TypePassportOffice, TypeTaxOffice, TypeRegistryOffice,
}

// Types returns every known institution type, in a stable order. The HTTP
// layer lists them for clients; Search and Validate refuse any other.
func Types() []string { return slices.Clone(types) }

// ValidType reports whether t is one of Types.
func ValidType(t string) bool { return slices.Contains(types, t) }

// Ways an appointment with a specialist can take place (Specialist.Modes).
// The booking package checks a requested mode against this list.
const (
	ModeInPerson = "in_person"
	ModeVideo    = "video"
)

// Licence statuses. An institution that needs no licence (an MFC, a
// registry office) has a zero Licence with Status "".
const (
	LicenceActive    = "active"
	LicenceSuspended = "suspended"
	LicenceRevoked   = "revoked"
)

// DefaultCancelDeadline is Institution.CancelDeadline when none is set,
// for every type but polyclinics (see DefaultCancelDeadlineFor): NewIndex
// fills it in, so institutions read from an Index carry their deadline.
const DefaultCancelDeadline = 2 * time.Hour

// DefaultCancelDeadlineFor is the cancel deadline of an institution of type
// typ that sets none. A polyclinic's appointments may be cancelled or moved
// until they start (0), as the large registries allow; the others keep
// DefaultCancelDeadline.
func DefaultCancelDeadlineFor(typ string) time.Duration {
	if typ == TypePolyclinic {
		return 0
	}
	return DefaultCancelDeadline
}

// Deadline is how long before the start a booking at in may still be
// cancelled or moved: its own CancelDeadline, else its type's default.
func (in Institution) Deadline() time.Duration {
	if in.CancelDeadline > 0 {
		return in.CancelDeadline
	}
	return DefaultCancelDeadlineFor(in.Type)
}

// Institution is one place that serves citizens.
type Institution struct {
	ID       string
	Name     string
	Type     string // one of Types
	INN      string // 10-digit taxpayer number of the organisation
	Address  string // street address in Russian, without the city
	City     string
	Phone    string // E.164, +7...
	TimeZone string // IANA zone the opening hours and slots are in
	Lat, Lon float64
	Hours    []Hours // opening hours, one entry per open weekday
	Licence  Licence
	// CancelDeadline is how long before its start a booking may still be
	// cancelled or rescheduled, as the institution set it; 0 means its
	// type's default (DefaultCancelDeadlineFor; read it through Deadline).
	CancelDeadline time.Duration
}

// Hours is when an institution is open on one weekday, as local "HH:MM"
// times in its TimeZone.
type Hours struct {
	Weekday     time.Weekday
	Open, Close string
}

// Licence is an institution's medical (or other) licence.
type Licence struct {
	Number     string
	Status     string      // LicenceActive, LicenceSuspended, LicenceRevoked, or "" for none
	ValidUntil *civil.Date // nil: indefinite (every licence issued since 2011)
}

// Specialist is a doctor, or for offices a service window, that takes bookings.
type Specialist struct {
	ID             string
	InstitutionID  string
	Name           string
	Specialization string // e.g. "Терапевт"; for windows, the service ("Паспорт РФ")
	Rating         float64
	Reviews        int
	Certificates   []string
	Price          int      // roubles per appointment; 0 = free under OMS
	Modes          []string // ModeInPerson, ModeVideo
	// MinAge and MaxAge bound the patients the specialist sees, in whole
	// years on the appointment's day (a paediatrician: MaxAge 17, under
	// 18s); 0 is no bound. Booking checks them against the patient's birth
	// date (booking.ReasonAgeNotAccepted).
	MinAge, MaxAge int
}

// Accepts reports whether a patient born on birth is within s's age
// bounds on day (years counted as the registry counts them, a 29 February
// birthday on 28 February of a common year). An unknown birth date (nil:
// an account holder whose profile gives none; a dependent always has one)
// is not refused: the registry cannot tell, and the reception checks the
// patient's papers at the visit.
func (s Specialist) Accepts(birth *civil.Date, day civil.Date) bool {
	if birth == nil || (s.MinAge == 0 && s.MaxAge == 0) {
		return true
	}
	age := birth.YearsTo(day)
	return (s.MinAge == 0 || age >= s.MinAge) && (s.MaxAge == 0 || age <= s.MaxAge)
}

// Point is a place on the globe in degrees (WGS 84).
type Point struct{ Lat, Lon float64 }

// Store persists the directory. It is implemented by shared/adapter/store.
type Store interface {
	// PutDirectory writes (creates or replaces) the given institutions and
	// specialists. Errors: Invalid (empty or duplicate ids), Unavailable, Internal.
	PutDirectory(ctx context.Context, insts []Institution, specs []Specialist) error
	// LoadDirectory reads the whole directory. Errors: Unavailable, Internal.
	LoadDirectory(ctx context.Context) ([]Institution, []Specialist, error)
	// GetInstitution errors: NotFound, Unavailable, Internal.
	GetInstitution(ctx context.Context, id string) (Institution, error)
	// GetSpecialist errors: NotFound, Unavailable, Internal.
	GetSpecialist(ctx context.Context, id string) (Specialist, error)
}

// Validate checks that insts and specs form a consistent directory: ids
// present and unique, known types, licence statuses and modes, coordinates
// in range, no negative deadline or price, every specialist in a listed
// institution. NewIndex calls it; seeding tools may call it before writing.
// Errors: Invalid, listing every problem found.
func Validate(insts []Institution, specs []Specialist) error {
	var problems []error
	bad := func(format string, a ...any) { problems = append(problems, fmt.Errorf(format, a...)) }
	seen := make(map[string]bool, len(insts))
	for _, in := range insts {
		switch {
		case in.ID == "":
			bad("institution %q: empty id", in.Name)
			continue
		case seen[in.ID]:
			bad("institution %s: duplicate id", in.ID)
		}
		seen[in.ID] = true
		if !ValidType(in.Type) {
			bad("institution %s: unknown type %q", in.ID, in.Type)
		}
		if !inRange(in.Lat, -90, 90) || !inRange(in.Lon, -180, 180) {
			bad("institution %s: coordinates %v,%v out of range", in.ID, in.Lat, in.Lon)
		}
		if in.TimeZone == "" {
			bad("institution %s: no time zone", in.ID)
		}
		if in.CancelDeadline < 0 {
			bad("institution %s: negative cancel deadline", in.ID)
		}
		switch in.Licence.Status {
		case "", LicenceActive, LicenceSuspended, LicenceRevoked:
		default:
			bad("institution %s: unknown licence status %q", in.ID, in.Licence.Status)
		}
	}
	specSeen := make(map[string]bool, len(specs))
	for _, sp := range specs {
		switch {
		case sp.ID == "":
			bad("specialist %q: empty id", sp.Name)
			continue
		case specSeen[sp.ID]:
			bad("specialist %s: duplicate id", sp.ID)
		}
		specSeen[sp.ID] = true
		if !seen[sp.InstitutionID] {
			bad("specialist %s: unknown institution %q", sp.ID, sp.InstitutionID)
		}
		if sp.Price < 0 {
			bad("specialist %s: negative price", sp.ID)
		}
		for _, m := range sp.Modes {
			if m != ModeInPerson && m != ModeVideo {
				bad("specialist %s: unknown mode %q", sp.ID, m)
			}
		}
	}
	if len(problems) > 0 {
		return errs.E("directory.Validate", errs.Invalid, errors.Join(problems...))
	}
	return nil
}

// inRange reports whether lo <= v <= hi; NaN is never in range.
func inRange(v, lo, hi float64) bool { return v >= lo && v <= hi }

// earthRadiusKm is the mean radius of the Earth (IUGG).
const earthRadiusKm = 6371.0088

// DistanceKm is the great-circle distance between a and b in kilometres
// (haversine), unrounded. Search rounds it to 2 decimals for display.
func DistanceKm(a, b Point) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := a.Lat*rad, b.Lat*rad
	dφ, dλ := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	sφ, sλ := math.Sin(dφ/2), math.Sin(dλ/2)
	h := sφ*sφ + math.Cos(φ1)*math.Cos(φ2)*sλ*sλ
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// clone copies the slices of an institution so callers cannot change the
// Index's copy.
func (in Institution) clone() Institution {
	in.Hours = slices.Clone(in.Hours)
	if in.Licence.ValidUntil != nil {
		d := *in.Licence.ValidUntil
		in.Licence.ValidUntil = &d
	}
	return in
}

func (sp Specialist) clone() Specialist {
	sp.Certificates = slices.Clone(sp.Certificates)
	sp.Modes = slices.Clone(sp.Modes)
	return sp
}
