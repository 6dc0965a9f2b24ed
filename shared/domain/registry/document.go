// Package registry is the document registry: every document a person holds,
// its status derived from its dates and the owner's today, its history, and
// the profile facts the rules need. It decides; shared/adapter/store persists and
// shared/adapter/httpapi speaks HTTP. Nothing here knows about AWS.
package registry

import (
	"time"
	// Zone rules travel inside the binary: Lambda's provided.al2023 image
	// is not guaranteed to carry /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// Source says where a value came from.
type Source string

// Sources of an expiry date and of a document.
const (
	SourceUser   Source = "user"   // typed by the owner
	SourceRule   Source = "rule"   // computed from the type's validity rule
	SourceAgency Source = "agency" // pushed by an issuing agency
)

// Document is one document a person holds. Owner is the identity's subject;
// it is never taken from a request body.
type Document struct {
	ID              string
	Owner           string
	Type            DocType
	Title           string
	Number          string
	IssuedOn        *civil.Date
	ExpiresOn       *civil.Date // nil: indefinite
	ExpiresOnSource Source
	// Variant is the kind of the type whose rule applies (TypeInfo.Variants),
	// "" for the type's default.
	Variant string
	// HolderBirthDate is the birth date of the holder printed on a document
	// that carries it (a child's birth certificate), nil otherwise.
	HolderBirthDate *civil.Date
	RemindDays      []int // per-document reminder steps, descending; nil: the type's defaults
	// Subject is the dependent (family) the document belongs to, "" for the
	// holder (Owner) themself; SubjectName names them in messages
	// («Маша: Загранпаспорт»), kept from when the document was added.
	Subject     string
	SubjectName string
	Source      Source
	ArchivedAt  *time.Time
	// Issuer is the issuing agency of a document pushed by one (Source
	// agency), "" otherwise.
	Issuer string
	// RevokedAt and RevokedReason are set when the issuing agency revoked
	// the document; it then shows StatusRevoked unless archived.
	RevokedAt     *time.Time
	RevokedReason string
	// ReplacedBy is the id of the document that replaced this one (an
	// agency issued its successor), "" otherwise.
	ReplacedBy string
	Reminder   Reminder
	// RenewalApplication is the application started to renew this document.
	RenewalApplication string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Version            int
}

// Status is a document's state on a given day.
type Status string

// The statuses, derived, never stored.
const (
	StatusValid               Status = "valid"
	StatusExpiring            Status = "expiring"
	StatusExpired             Status = "expired"
	StatusReplacementRequired Status = "replacement_required"
	StatusArchived            Status = "archived"
	StatusRevoked             Status = "revoked" // the issuing agency revoked it; wins over all but archived
)

// Statuses lists every status, for validating filters.
var Statuses = []Status{StatusValid, StatusExpiring, StatusExpired, StatusReplacementRequired, StatusArchived, StatusRevoked}

// ExpiringWindow is how many days before expiry the document counts as
// expiring: the largest of its own reminder steps, else its type's default.
func (d Document) ExpiringWindow() int {
	if len(d.RemindDays) > 0 {
		m := d.RemindDays[0]
		for _, x := range d.RemindDays {
			m = max(m, x)
		}
		return m
	}
	ti, _ := Lookup(d.Type)
	return ti.ExpiringDays
}

// Extension returns the law's extension of d's validity beyond its own
// expiry date (a driver's licence under decree No. 353), nil when none applies.
func (d Document) Extension() *Extension {
	if d.ExpiresOn == nil {
		return nil
	}
	ti, _ := Lookup(d.Type)
	if ti.Extend == nil {
		return nil
	}
	return ti.Extend(*d.ExpiresOn)
}

// ValidUntil is the last day d is valid: the extension's date when the law
// extended it, else its own expiry date; nil when indefinite.
func (d Document) ValidUntil() *civil.Date {
	if x := d.Extension(); x != nil {
		return &x.Until
	}
	return d.ExpiresOn
}

// Milestone returns the date d's holder must act on although d does not
// expire (a birth certificate's holder turning 14), nil when d's type has
// none or the holder's birth date is unknown.
func (d Document) Milestone() *Milestone {
	ti, _ := Lookup(d.Type)
	if ti.Milestone == nil || d.ExpiresOn != nil {
		return nil
	}
	return ti.Milestone(d.HolderBirthDate)
}

// Deadline is the date d's reminders count towards: the end of its validity
// or, for a document that does not expire, a milestone (Kind says which).
type Deadline struct {
	Date civil.Date
	// Milestone is "" for the end of validity.
	Milestone MilestoneKind
}

// Deadline returns what d's reminders count towards, false when nothing.
func (d Document) Deadline() (Deadline, bool) {
	if v := d.ValidUntil(); v != nil {
		return Deadline{Date: *v}, true
	}
	if m := d.Milestone(); m != nil {
		return Deadline{Date: m.On, Milestone: m.Kind}, true
	}
	return Deadline{}, false
}

// StatusOn derives the status on day today (the owner's local date) and the
// days left until the end of validity (nil when indefinite), which follows
// a legal extension. A document is valid through its last valid day and
// expired from the day after. A type with a replacement grace (the
// internal passport) is "replacement_required" from its expiry date until
// the grace ends, then expired.
func (d Document) StatusOn(today civil.Date) (Status, *int) {
	var left *int
	if v := d.ValidUntil(); v != nil {
		n := today.DaysUntil(*v)
		left = &n
	}
	switch {
	case d.ArchivedAt != nil:
		return StatusArchived, left
	case d.RevokedAt != nil:
		return StatusRevoked, left
	case left == nil:
		return StatusValid, nil
	}
	ti, _ := Lookup(d.Type)
	if ti.ReplacementGraceDays > 0 && *left <= 0 {
		if -*left <= ti.ReplacementGraceDays {
			return StatusReplacementRequired, left
		}
		return StatusExpired, left
	}
	switch {
	case *left < 0:
		return StatusExpired, left
	case *left <= d.ExpiringWindow():
		return StatusExpiring, left
	}
	return StatusValid, left
}

// Action names a kind of history entry.
type Action string

// History actions. Later features add reminder_sent, reminder_acked, ...
const (
	ActionCreated         Action = "created"
	ActionUpdated         Action = "updated"
	ActionArchived        Action = "archived"
	ActionUnarchived      Action = "unarchived"
	ActionRenewalStarted  Action = "renewal_started"
	ActionReminderSent    Action = "reminder_sent"
	ActionReminderAcked   Action = "reminder_acked"
	ActionReminderSnoozed Action = "reminder_snoozed"
	// ActionReplaced: an agency issued a successor (Event.ReplacedBy) and
	// the document went to the archive. ActionRevoked: the agency revoked it.
	ActionReplaced Action = "replaced"
	ActionRevoked  Action = "revoked"
	// ActionHandedOver: the document came from the account of the person
	// who kept it for its owner as a child (family's hand-over at 18).
	ActionHandedOver Action = "handed_over"
)

// Event is one entry of a document's history. Fields names what an update
// changed (never the values: history is personal data too and is kept lean);
// Step and Channels say which reminder went out where.
type Event struct {
	ID       string
	DocID    string
	Owner    string
	Action   Action
	Fields   []string
	Step     string
	Channels []string
	// ReplacedBy links a "replaced" entry to the successor document.
	ReplacedBy string
	Actor      string
	At         time.Time
}

// ActorSystem is the actor of what Kabinet does on its own (reminders).
const ActorSystem = "system"

// Profile holds what the document rules and reminders need about a person.
type Profile struct {
	Owner     string
	Name      string
	BirthDate *civil.Date
	TimeZone  string
	Language  string
	Email     string
	Phone     string
	Channels  Channels
	// EmailSubscription and PhoneSubscription are the reminders-topic
	// subscriptions of the current contacts ("" when none).
	EmailSubscription string
	PhoneSubscription string
	// EmailVerified and PhoneVerified: the person proved the contact with a
	// code sent to it. Until then it receives nothing but codes.
	EmailVerified bool
	PhoneVerified bool
	Version       int // 0: never saved
	UpdatedAt     time.Time
}

// Channels are where a person wants reminders besides the cabinet's own
// inbox, which always gets them. (There is no push channel: nothing could
// deliver it; see the README's "Push".)
type Channels struct {
	SMS   bool `json:"sms"`
	Email bool `json:"email"`
}

// DefaultChannels: SMS and e-mail wherever a contact is given.
var DefaultChannels = Channels{SMS: true, Email: true}

// Defaults for a person who has not filled in a profile.
const (
	DefaultTimeZone = "Europe/Moscow"
	DefaultLanguage = "ru"
)

// Location returns the profile's time zone, Moscow when unset or unknown.
func (p Profile) Location() *time.Location {
	if p.TimeZone != "" {
		if loc, err := civil.Zone(p.TimeZone); err == nil {
			return loc
		}
	}
	loc, err := civil.Zone(DefaultTimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}
