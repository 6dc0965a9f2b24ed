package registry

import (
	"net/mail"
	"slices"
	"strings"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/numbers"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// DocumentFields are the fields of a document its owner may set. It is the
// whole request type of an update and, with Type, of a create: nothing else
// (owner, status, version, source, timestamps) can be assigned by a client.
// Absent fields are left alone; null clears; expiresOn null means indefinite.
type DocumentFields struct {
	Title      opt.Value[string] `json:"title"`
	Number     opt.Value[string] `json:"number"`
	IssuedOn   opt.Value[string] `json:"issuedOn"`
	ExpiresOn  opt.Value[string] `json:"expiresOn"`
	RemindDays opt.Value[[]int]  `json:"remindDays"`
	// Variant picks the kind of a type with variants (TypeInfo.Variants).
	Variant opt.Value[string] `json:"variant"`
	// HolderBirthDate is the holder's birth date on a type that carries it.
	HolderBirthDate opt.Value[string] `json:"holderBirthDate"`
}

// CreateInput is the body of a new document.
type CreateInput struct {
	Type string `json:"type"`
	// Subject is a dependent of the holder's the document belongs to
	// (GET /family); empty for the holder.
	Subject string `json:"subject"`
	DocumentFields
}

// ProfileInput is the whole profile as PUT replaces it; absent fields are
// cleared (time zone and language fall back to their defaults).
type ProfileInput struct {
	Name      string    `json:"name"`
	BirthDate string    `json:"birthDate"`
	TimeZone  string    `json:"timeZone"`
	Language  string    `json:"language"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Channels  *Channels `json:"channels"`
}

// Limits on what a person can store, so one account cannot grow without bound.
const (
	maxTitle      = 200
	maxNumber     = 64
	maxName       = 200
	maxEmail      = 254
	maxRemindDays = 6
	maxRemindDay  = 3 * 365
)

// apply merges in into d (a copy of the stored document, or a new one with
// its Type set) and returns the names of the fields that changed. Validation
// needs the owner's birth date (for rules) and today (no issue in the future).
func apply(d *Document, in DocumentFields, creating bool, birth *civil.Date, today civil.Date) ([]string, *errs.Fields) {
	var fe errs.Fields
	ti, _ := Lookup(d.Type)
	before := *d

	if in.Title.Set {
		d.Title = ""
		if !in.Title.Null {
			t, ok := usertext.Line(in.Title.V, maxTitle)
			if !ok {
				fe.Add("title", "invalid_text")
			}
			d.Title = t
		}
	}
	if in.Number.Set {
		d.Number = ""
		if !in.Number.Null {
			n, ok := usertext.Line(in.Number.V, maxNumber)
			switch {
			case !ok:
				fe.Add("number", "invalid_text")
			case n == "":
			case ti.Number != nil:
				norm, ok := ti.Number(n)
				if !ok {
					fe.Add("number", "invalid_number")
				}
				n = norm
			}
			d.Number = n
		}
	}
	if in.IssuedOn.Set {
		d.IssuedOn = nil
		if !in.IssuedOn.Null {
			if t, err := civil.Parse(in.IssuedOn.V); err != nil {
				fe.Add("issuedOn", "invalid_date")
			} else if t.After(today) {
				fe.Add("issuedOn", "in_future")
			} else {
				d.IssuedOn = &t
			}
		}
	}
	if in.Variant.Set {
		d.Variant = ""
		if v := strings.TrimSpace(in.Variant.V); !in.Variant.Null && v != "" {
			switch _, ok := ti.variant(v); {
			case len(ti.Variants) == 0:
				fe.Add("variant", "not_for_type")
			case !ok:
				fe.Add("variant", "unknown_variant")
			default:
				d.Variant = v
			}
		}
	}
	if in.HolderBirthDate.Set {
		d.HolderBirthDate = nil
		if !in.HolderBirthDate.Null {
			switch t, err := civil.Parse(in.HolderBirthDate.V); {
			case !ti.HolderBirthDate:
				fe.Add("holderBirthDate", "not_for_type")
			case err != nil:
				fe.Add("holderBirthDate", "invalid_date")
			case t.After(today):
				fe.Add("holderBirthDate", "in_future")
			default:
				d.HolderBirthDate = &t
			}
		}
	}
	if d.HolderBirthDate != nil && d.IssuedOn != nil && d.IssuedOn.Before(*d.HolderBirthDate) && !fe.Has("issuedOn") {
		fe.Add("issuedOn", "before_birth")
	}
	if in.RemindDays.Set {
		d.RemindDays = nil
		if !in.RemindDays.Null && len(in.RemindDays.V) > 0 {
			days := slices.Clone(in.RemindDays.V)
			slices.Sort(days)
			slices.Reverse(days)
			switch {
			case len(days) > maxRemindDays:
				fe.Add("remindDays", "too_many")
			case days[len(days)-1] < 1 || days[0] > maxRemindDay:
				fe.Add("remindDays", "out_of_range")
			case len(slices.Compact(slices.Clone(days))) != len(days):
				fe.Add("remindDays", "duplicate")
			default:
				d.RemindDays = days
			}
		}
	}
	switch {
	case in.ExpiresOn.Set:
		d.ExpiresOn, d.ExpiresOnSource = nil, SourceUser
		if !in.ExpiresOn.Null {
			if t, err := civil.Parse(in.ExpiresOn.V); err != nil {
				fe.Add("expiresOn", "invalid_date")
			} else {
				d.ExpiresOn = &t
			}
		}
	case ti.Rule != nil && (creating || (d.ExpiresOnSource == SourceRule && (in.IssuedOn.Set || in.Variant.Set))):
		if fe.Has("issuedOn") || fe.Has("variant") {
			break
		}
		if ti.HolderBirthDate && d.HolderBirthDate != nil {
			birth = d.HolderBirthDate
		}
		exp, missing := ti.Rule(RuleInput{Issued: d.IssuedOn, Birth: birth, Variant: d.Variant})
		if missing != "" {
			fe.Add(missingField(missing), missing)
			break
		}
		d.ExpiresOn, d.ExpiresOnSource = exp, SourceRule
	case creating:
		d.ExpiresOnSource = SourceUser
	}
	if d.ExpiresOn != nil && d.IssuedOn != nil && d.ExpiresOn.Before(*d.IssuedOn) && !fe.Has("expiresOn") {
		fe.Add("expiresOn", "before_issued")
	}
	if ti.NeedsTitle && d.Title == "" && !fe.Has("title") {
		fe.Add("title", "required")
	}
	return changedFields(before, *d), &fe
}

func changedFields(a, b Document) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("title", a.Title != b.Title)
	add("number", a.Number != b.Number)
	add("issuedOn", !eqDate(a.IssuedOn, b.IssuedOn))
	add("expiresOn", !eqDate(a.ExpiresOn, b.ExpiresOn) || a.ExpiresOnSource != b.ExpiresOnSource)
	add("remindDays", !slices.Equal(a.RemindDays, b.RemindDays))
	add("variant", a.Variant != b.Variant)
	add("holderBirthDate", !eqDate(a.HolderBirthDate, b.HolderBirthDate))
	return out
}

func eqDate(a, b *civil.Date) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// validProfile checks in and returns the profile it describes.
func validProfile(owner string, in ProfileInput, today civil.Date) (Profile, error) {
	var fe errs.Fields
	p := Profile{Owner: owner, Name: strings.TrimSpace(in.Name), TimeZone: in.TimeZone,
		Language: in.Language, Email: strings.TrimSpace(in.Email), Phone: strings.TrimSpace(in.Phone),
		Channels: DefaultChannels}
	if in.Channels != nil {
		p.Channels = *in.Channels
	}
	if name, ok := usertext.Line(in.Name, maxName); ok {
		p.Name = name
	} else {
		fe.Add("name", "invalid_text")
	}
	if in.BirthDate != "" {
		if d, err := civil.Parse(in.BirthDate); err != nil {
			fe.Add("birthDate", "invalid_date")
		} else if d.After(today) {
			fe.Add("birthDate", "in_future")
		} else {
			p.BirthDate = &d
		}
	}
	if p.TimeZone == "" {
		p.TimeZone = DefaultTimeZone
	} else if !validZone(p.TimeZone) {
		fe.Add("timeZone", "invalid_time_zone")
	}
	switch p.Language {
	case "":
		p.Language = DefaultLanguage
	case "ru", "en":
	default:
		fe.Add("language", "unsupported_language")
	}
	if p.Email != "" {
		a, err := mail.ParseAddress(p.Email)
		if err != nil || a.Address != p.Email || a.Name != "" || len(p.Email) > maxEmail || !strings.Contains(p.Email[strings.LastIndexByte(p.Email, '@'):], ".") {
			fe.Add("email", "invalid_email")
		}
	}
	if p.Phone != "" {
		// Kept in E.164, which SMS takes: «8 916 123-45-67» is +79161234567.
		phone, ok := numbers.Phone(p.Phone)
		if !ok {
			fe.Add("phone", "invalid_phone")
		}
		p.Phone = phone
	}
	return p, fe.Err("registry.PutProfile")
}

// validZone accepts IANA zone names only: not "Local", not a bare offset,
// not the host's own zoneinfo folders (posix/, right/, SystemV/), which the
// zone data built into the Lambda binary does not have.
func validZone(z string) bool {
	if z == "UTC" {
		return true
	}
	if !strings.Contains(z, "/") || strings.Contains(z, "..") || z[0] < 'A' || z[0] > 'Z' {
		return false
	}
	for _, host := range []string{"SystemV/"} {
		if strings.HasPrefix(z, host) {
			return false
		}
	}
	_, err := civil.Zone(z)
	return err == nil
}
