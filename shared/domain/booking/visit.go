package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// After a visit: staff close it with its outcome and, for a visit that
// took place, an act of service, e-prescriptions and referrals. The act and
// each prescription become documents of the patient's registry in the
// visit's own transaction (a prescription with its validity, reminded
// about before it lapses by the document reminder pipeline); a referral is
// the patient's, usable once to book the specialization it names
// (BookInput.ReferralID).

// Limits of a visit's record.
const (
	// VideoOpensBefore is how long before the start a video visit's link
	// opens (Booking.JoinLink).
	VideoOpensBefore = 15 * time.Minute
	// MaxPrescriptions and MaxReferrals bound one visit's lists.
	MaxPrescriptions = 10
	MaxReferrals     = 10
	// MaxValidity is how far ahead a prescription or a referral may run.
	MaxValidity = 366
	maxAct      = 4000
	maxDrug     = 200
)

// Prescription is an e-prescription written at a visit: a document of the
// patient's registry (DocumentID) valid until Until.
type Prescription struct {
	DocumentID string
	Drug       string
	Dose       string
	Until      civil.Date
}

// Referral sends the patient to a specialization until Until; a booking
// made with it (BookInput.ReferralID) uses it up.
type Referral struct {
	ID            string
	Owner         string
	InstitutionID string // the institution that wrote it
	BookingID     string // the visit it was written at
	// Patient is whom it was written for: the visit's patient ("" the
	// owner themself); only a booking for them may use it.
	Patient        string
	Specialization string
	Until          civil.Date
	// UsedBy is the booking that used it ("" while unused); cancelling
	// that booking (by the person or the institution) releases it.
	UsedBy    string
	CreatedAt time.Time
}

// VisitInput is what staff send to close a visit.
type VisitInput struct {
	Outcome       string              `json:"outcome"`
	Comment       string              `json:"comment"`
	Act           string              `json:"act"`
	Prescriptions []PrescriptionInput `json:"prescriptions"`
	Referrals     []ReferralInput     `json:"referrals"`
}

// PrescriptionInput is one prescription of a VisitInput.
type PrescriptionInput struct {
	Drug  string `json:"drug"`
	Dose  string `json:"dose"`
	Until string `json:"until"`
}

// ReferralInput is one referral of a VisitInput.
type ReferralInput struct {
	Specialization string `json:"specialization"`
	Until          string `json:"until"`
}

// VisitRecord is what closing a visit writes, in one transaction: the
// booking and the documents and referrals it gives the patient.
type VisitRecord struct {
	Booking   Booking
	Prev      int // the version the booking was read at
	Documents []registry.Document
	History   []registry.Event
	Referrals []Referral
}

// JoinLink is b's video link at now: only from VideoOpensBefore its start
// until its end, "" otherwise (and for an appointment in person).
func (b Booking) JoinLink(now time.Time) string {
	if b.VideoLink == "" || now.Before(b.VideoOpensAt()) || !now.Before(b.End) {
		return ""
	}
	return b.VideoLink
}

// VideoOpensAt is when a video visit's link opens.
func (b Booking) VideoOpensAt() time.Time { return b.Start.Add(-VideoOpensBefore) }

// visitTexts are the documents' titles by language.
var visitTexts = map[string][2]string{
	i18n.RU: {"Акт оказания медицинской услуги", "Электронный рецепт"},
	i18n.EN: {"Act of medical service", "E-prescription"},
}

// validateVisit checks in against the directory and today (the patient's
// date in the institution's zone); its fields are named as sent
// (prescriptions[0].drug).
func (s *Service) validateVisit(ctx context.Context, in VisitInput, inst directory.Institution, today civil.Date) (VisitInput, []Prescription, []Referral, error) {
	const op = "booking.RecordVisit"
	var fe errs.Fields
	if in.Outcome != string(Completed) && in.Outcome != string(NoShow) {
		fe.Add("outcome", "unknown_outcome")
	}
	comment, ok := usertext.Lines(in.Comment, maxComment)
	switch {
	case utf8.RuneCountInString(in.Comment) > maxComment:
		fe.Add("comment", "too_long")
	case !ok:
		fe.Add("comment", "invalid_text")
	}
	in.Comment = strings.TrimSpace(comment)
	act, ok := usertext.Lines(in.Act, maxAct)
	switch {
	case utf8.RuneCountInString(in.Act) > maxAct:
		fe.Add("act", "too_long")
	case !ok:
		fe.Add("act", "invalid_text")
	}
	in.Act = strings.TrimSpace(act)
	if in.Outcome == string(NoShow) {
		for f, given := range map[string]bool{"act": in.Act != "", "prescriptions": len(in.Prescriptions) > 0, "referrals": len(in.Referrals) > 0} {
			if given {
				fe.Add(f, "not_for_no_show")
			}
		}
	}
	until := func(field, v string) civil.Date {
		d, err := civil.Parse(v)
		switch {
		case strings.TrimSpace(v) == "":
			fe.Add(field, "required")
		case err != nil:
			fe.Add(field, "invalid_date")
		case d.Before(today):
			fe.Add(field, "before_today")
		case today.DaysUntil(d) > MaxValidity:
			fe.Add(field, "too_far")
		}
		return d
	}
	text := func(field, v string, max int, required bool) string {
		t, ok := usertext.Line(v, max)
		switch {
		case required && strings.TrimSpace(v) == "":
			fe.Add(field, "required")
		case utf8.RuneCountInString(v) > max:
			fe.Add(field, "too_long")
		case !ok:
			fe.Add(field, "invalid_text")
		}
		return strings.TrimSpace(t)
	}
	if len(in.Prescriptions) > MaxPrescriptions {
		fe.Add("prescriptions", "too_many")
	}
	var rx []Prescription
	for i, p := range in.Prescriptions {
		f := fmt.Sprintf("prescriptions[%d].", i)
		rx = append(rx, Prescription{Drug: text(f+"drug", p.Drug, maxDrug, true), Dose: text(f+"dose", p.Dose, maxDrug, false), Until: until(f+"until", p.Until)})
	}
	if len(in.Referrals) > MaxReferrals {
		fe.Add("referrals", "too_many")
	}
	var refs []Referral
	for i, r := range in.Referrals {
		f := fmt.Sprintf("referrals[%d].", i)
		spec := text(f+"specialization", r.Specialization, maxDrug, true)
		if spec != "" && !s.knownSpecialization(ctx, spec) {
			fe.Add(f+"specialization", "unknown_specialization")
		}
		refs = append(refs, Referral{Specialization: spec, Until: until(f+"until", r.Until)})
	}
	return in, rx, refs, fe.Err(op)
}

// knownSpecialization reports whether some specialist of the directory has
// specialization (case and ё aside).
func (s *Service) knownSpecialization(ctx context.Context, specialization string) bool {
	ok, err := s.Places.HasSpecialization(ctx, specialization)
	return ok || err != nil // an outage fails the visit's transaction too; never blame the input for it
}

// visitDocuments are the registry documents a completed visit gives the
// patient: the act (when written) and each prescription, titled in the
// patient's language, issued by the institution, with the reminder
// schedule of the document pipeline (a prescription is reminded about
// before it lapses).
func (s *Service) visitDocuments(b Booking, act string, rx []Prescription, spec directory.Specialist, loc *time.Location, language string, now time.Time) ([]registry.Document, []registry.Event, []Prescription) {
	t := visitTexts[lang(language)]
	issued := civil.Today(now, zone(b.TimeZone))
	doc := func(typ registry.DocType, title, number string, expires *civil.Date) registry.Document {
		d := registry.Document{ID: s.NewID(), Owner: b.Owner, Type: typ, Title: title, Number: number, IssuedOn: &issued,
			ExpiresOn: expires, ExpiresOnSource: registry.SourceAgency, Source: registry.SourceAgency, Issuer: b.InstitutionID,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		if expires == nil {
			d.ExpiresOnSource = registry.SourceRule // the type's rule: indefinite
		}
		d.Reminder = d.Schedule(loc, now)
		return d
	}
	var docs []registry.Document
	if act != "" {
		title := t[0]
		if spec.Specialization != "" {
			title += ": " + spec.Specialization
		}
		docs = append(docs, doc(registry.VisitAct, title, b.ConfirmationNumber, nil))
	}
	rx = slices.Clone(rx)
	for i := range rx {
		until := rx[i].Until
		title := t[1] + ": " + rx[i].Drug
		if rx[i].Dose != "" {
			title += ", " + rx[i].Dose
		}
		d := doc(registry.EPrescription, title, fmt.Sprintf("%s-%d", b.ConfirmationNumber, i+1), &until)
		rx[i].DocumentID = d.ID
		docs = append(docs, d)
	}
	var hist []registry.Event
	for _, d := range docs {
		hist = append(hist, registry.Event{ID: s.NewID(), DocID: d.ID, Owner: b.Owner, Action: registry.ActionCreated, Actor: b.InstitutionID, At: now})
	}
	return docs, hist, rx
}

// referral checks that owner's referral id may book slot of spec at inst:
// the same specialization, unused, valid on the slot's day. Errors:
// Invalid (referralId), Unavailable, Internal.
func (s *Service) referral(ctx context.Context, op, owner, id, patient string, slot Slot, spec directory.Specialist, inst directory.Institution) (Referral, error) {
	r, err := s.Store.GetReferral(ctx, owner, id)
	switch {
	case errs.Is(err, errs.NotFound):
		return Referral{}, fieldErr(op, "referralId", "unknown_referral")
	case err != nil:
		return Referral{}, err
	case r.Patient != patient:
		return Referral{}, fieldErr(op, "referralId", "referral_other_patient")
	case !directory.SameSpecialization(r.Specialization, spec.Specialization):
		return Referral{}, fieldErr(op, "referralId", "referral_other_specialization")
	case r.UsedBy != "":
		return Referral{}, fieldErr(op, "referralId", "referral_used")
	case civil.Of(slot.Start.In(zone(inst.TimeZone))).After(r.Until):
		return Referral{}, fieldErr(op, "referralId", "referral_expired")
	}
	return r, nil
}
