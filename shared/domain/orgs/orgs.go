// Package orgs lets a person consent to an organisation (their employer)
// watching the deadlines of chosen document types, and lets the
// organisation's administrators see those documents — types, statuses and
// dates, never numbers — for as long as the consent stands, as a list, a CSV
// file and a weekly digest. Nothing here knows about AWS.
package orgs

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Consent lets organisation OrgID see Owner's documents of Types.
type Consent struct {
	ID        string
	Owner     string
	OrgID     string
	Types     []registry.DocType
	CreatedAt time.Time
}

// ConsentInput is the body of POST /consents.
type ConsentInput struct {
	OrganizationID string   `json:"organizationId"`
	DocumentTypes  []string `json:"documentTypes"`
}

// Store persists consents and reads what an organisation may see.
type Store interface {
	// CreateConsent stores c. Errors: Conflict (reason "consent_exists":
	// the owner already consents to c.OrgID), Unavailable, Internal.
	CreateConsent(ctx context.Context, c Consent) error
	// Organizations lists every organisation that has had a consent.
	Organizations(ctx context.Context) ([]string, error)
	// ListConsents returns up to MaxConsents of owner's consents, oldest
	// first. Errors: Unavailable, Internal.
	ListConsents(ctx context.Context, owner string) ([]Consent, error)
	// DeleteConsent removes one of owner's consents.
	// Errors: NotFound, Unavailable, Internal.
	DeleteConsent(ctx context.Context, owner, id string) error
	// OrgConsents returns up to limit consents given to org, by employee,
	// after position `after` ("" first), and the position to continue from
	// ("" at the end), as org's index has them: it lags, so a consent
	// withdrawn a moment ago may still be among them (Standing tells).
	// Errors: Malformed (after), Unavailable, Internal.
	OrgConsents(ctx context.Context, org, after string, limit int) ([]Consent, string, error)
	// Standing reports, for each of consents, whether it still stands, read
	// from the consents themselves. Errors: Unavailable, Internal.
	Standing(ctx context.Context, consents []Consent) ([]bool, error)
	// ListDocuments and GetProfile are the registry's.
	ListDocuments(ctx context.Context, owner, after string, limit int) ([]registry.Document, string, error)
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
}

// Service is consents and organisation views.
type Service struct {
	Store     Store
	Now       func() time.Time
	NewID     func() string
	Publisher message.Publisher // for Digest; nil where a function sends none
	// Points keeps what each digest counted, the organisation's dashboard
	// over time (Digest); nil keeps none.
	Points PointStore
}

// PointStore keeps an organisation's counts of consented documents by
// status as one digest run found them, one point a day.
type PointStore interface {
	PutOrgPoint(ctx context.Context, org string, day civil.Date, byStatus map[string]int64) error
}

// Admin is who asks for an organisation's view: an administrator (group
// orgadmin) of the organisation named by Org.
type Admin struct {
	Sub        string
	IsOrgAdmin bool
	Org        string
}

// Limits.
const (
	MaxConsents = 50 // a person's consents
	// DefaultEmployees and MaxEmployees are how many employees one page of
	// an organisation's view covers.
	DefaultEmployees = 20
	MaxEmployees     = 100
	// docBudget bounds the documents read per employee.
	docBudget = 500
	// exportPages bounds a CSV export or a digest: MaxEmployees * exportPages employees.
	exportPages = 50
)

// KindOrgDigest is the kind attribute of the weekly digest message.
const KindOrgDigest = "org_digest"

// AttrOrgID is the message attribute naming the organisation.
const AttrOrgID = "orgId"

// orgPattern is compiled on first use: every function binary links this
// package, and compiling the counted repetition at package init would add to
// every cold start.
var orgPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`) })

// ValidOrgID reports whether id can name an organisation.
func ValidOrgID(id string) bool { return orgPattern().MatchString(id) }

// Grant records owner's consent. Granting a consent that exists already,
// to the same organisation for the same document types, returns it with
// existed set: a retry of a grant whose answer was lost, or a concurrent
// copy of it, gets the consent, not an error. Errors: Invalid
// (organizationId, documentTypes), Conflict (consent_exists: another
// consent to that organisation; too_many_consents), Unavailable, Internal.
func (s *Service) Grant(ctx context.Context, owner string, in ConsentInput) (c Consent, existed bool, err error) {
	const op = "orgs.Grant"
	var fe errs.Fields
	switch {
	case in.OrganizationID == "":
		fe.Add("organizationId", "required")
	case !ValidOrgID(in.OrganizationID):
		fe.Add("organizationId", "invalid_text")
	}
	var types []registry.DocType
	for _, t := range in.DocumentTypes {
		dt := registry.DocType(t)
		if _, ok := registry.Lookup(dt); !ok {
			fe.Add("documentTypes", "unknown_type")
		} else if slices.Contains(types, dt) {
			fe.Add("documentTypes", "duplicate")
		}
		types = append(types, dt)
	}
	if len(in.DocumentTypes) == 0 {
		fe.Add("documentTypes", "required")
	}
	if err := fe.Err(op); err != nil {
		return Consent{}, false, err
	}
	have, err := s.Store.ListConsents(ctx, owner)
	if err != nil {
		return Consent{}, false, err
	}
	if c, ok := same(have, in.OrganizationID, types); ok {
		return c, true, nil
	}
	if len(have) >= MaxConsents {
		return Consent{}, false, errs.E(op, errs.Conflict, ReasonTooManyConsents)
	}
	c = Consent{ID: s.NewID(), Owner: owner, OrgID: in.OrganizationID, Types: types, CreatedAt: s.Now().UTC()}
	if err := s.Store.CreateConsent(ctx, c); err != nil {
		if errs.Is(err, errs.Conflict) { // a concurrent grant won: the same one?
			if have, lerr := s.Store.ListConsents(ctx, owner); lerr == nil {
				if c, ok := same(have, in.OrganizationID, types); ok {
					return c, true, nil
				}
			}
		}
		return Consent{}, false, err
	}
	return c, false, nil
}

// same finds, among have, the consent to org for exactly types (in any order).
func same(have []Consent, org string, types []registry.DocType) (Consent, bool) {
	for _, c := range have {
		if c.OrgID == org && len(c.Types) == len(types) && !slices.ContainsFunc(types, func(t registry.DocType) bool { return !slices.Contains(c.Types, t) }) {
			return c, true
		}
	}
	return Consent{}, false
}

// Consents lists owner's consents. Errors: Unavailable, Internal.
func (s *Service) Consents(ctx context.Context, owner string) ([]Consent, error) {
	return s.Store.ListConsents(ctx, owner)
}

// Revoke withdraws one of owner's consents; the organisation stops seeing
// the documents at once. Someone else's consent is NotFound.
// Errors: NotFound, Unavailable, Internal.
func (s *Service) Revoke(ctx context.Context, owner, id string) error {
	if id == "" {
		return errs.E("orgs.Revoke", errs.NotFound, nil)
	}
	return s.Store.DeleteConsent(ctx, owner, id)
}

// Filter selects an organisation's view.
type Filter struct {
	Status registry.Status // "", StatusExpiring or StatusExpired
	Limit  int             // employees per page
	Cursor string
}

// Row is one employee's document as the organisation sees it: no number,
// no title (a custom document's title may say too much).
type Row struct {
	EmployeeID   string
	EmployeeName string
	Type         registry.DocType
	Status       registry.Status
	ExpiresOn    *civil.Date // the last valid day, a legal extension included
	DaysLeft     *int
}

// Page is one page of an organisation's view.
type Page struct {
	Items      []Row
	NextCursor string
}

// authorize lets only an administrator of org through.
func authorize(op string, a Admin, org string) error {
	if !a.IsOrgAdmin {
		return errs.E(op, errs.Forbidden, ReasonOrgAdminOnly)
	}
	if a.Org == "" || a.Org != org {
		return errs.E(op, errs.Forbidden, ReasonOtherOrganization)
	}
	return nil
}

func checkFilter(op string, f Filter) error {
	var fe errs.Fields
	switch f.Status {
	case "", registry.StatusExpiring, registry.StatusExpired:
	default:
		fe.Add("status", "unknown_status")
	}
	return fe.Err(op)
}

// Documents lists, page by page of employees, the documents of consented
// types of the employees who consent to org, archived ones left out.
// Errors: Forbidden (not an administrator of org), Invalid (status),
// Malformed (cursor), Unavailable, Internal.
func (s *Service) Documents(ctx context.Context, a Admin, org string, f Filter) (Page, error) {
	const op = "orgs.Documents"
	if err := authorize(op, a, org); err != nil {
		return Page{}, err
	}
	if err := checkFilter(op, f); err != nil {
		return Page{}, err
	}
	after, err := paging.DecodeCursor(f.Cursor)
	if err != nil {
		return Page{}, err
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = DefaultEmployees
	case limit > MaxEmployees:
		limit = MaxEmployees
	}
	rows, next, err := s.page(ctx, org, f.Status, after, limit, s.Now())
	if err != nil {
		return Page{}, err
	}
	return Page{Items: rows, NextCursor: paging.EncodeCursor(next)}, nil
}

// Export is every row of the view (bounded), for the CSV file; truncated
// is true when the bound cut it short.
func (s *Service) Export(ctx context.Context, a Admin, org string, status registry.Status) (rows []Row, truncated bool, err error) {
	const op = "orgs.Export"
	if err := authorize(op, a, org); err != nil {
		return nil, false, err
	}
	if err := checkFilter(op, Filter{Status: status}); err != nil {
		return nil, false, err
	}
	return s.all(ctx, org, status, s.Now())
}

func (s *Service) all(ctx context.Context, org string, status registry.Status, now time.Time) ([]Row, bool, error) {
	var out []Row
	after := ""
	for range exportPages {
		rows, next, err := s.page(ctx, org, status, after, MaxEmployees, now)
		if err != nil {
			return nil, false, err
		}
		out = append(out, rows...)
		if next == "" {
			return out, false, nil
		}
		after = next
	}
	return out, true, nil
}

// page reads one page of org's consents from its index, then, at once
// (parallel.Fanout reads at a time), whether they still stand and every
// employee's profile and documents: a page costs the same round trips for
// one employee as for many, and an employee whose consent was withdrawn
// since the index was written is read but not shown.
func (s *Service) page(ctx context.Context, org string, status registry.Status, after string, limit int, now time.Time) ([]Row, string, error) {
	consents, next, err := s.Store.OrgConsents(ctx, org, after, limit)
	if err != nil {
		return nil, "", err
	}
	if len(consents) == 0 {
		return []Row{}, next, nil
	}
	var standing []bool
	each := make([][]Row, len(consents))
	reads := []func() error{func() (err error) { standing, err = s.Store.Standing(ctx, consents); return err }}
	for i, c := range consents {
		reads = append(reads, func() (err error) { each[i], err = s.employee(ctx, c, status, now); return err })
	}
	if err := parallel.Limit(parallel.Fanout, reads...); err != nil {
		return nil, "", err
	}
	rows := []Row{}
	for i, r := range each {
		if standing[i] {
			rows = append(rows, r...)
		}
	}
	return rows, next, nil
}

// employee is the rows of one consenting employee: their profile (the name,
// the zone their documents' status is reckoned in) read with their first
// page of documents, then any further pages up to docBudget.
func (s *Service) employee(ctx context.Context, c Consent, status registry.Status, now time.Time) ([]Row, error) {
	var (
		p    registry.Profile
		docs []registry.Document
		more string
	)
	if err := parallel.Do(
		func() (err error) { p, err = s.Store.GetProfile(ctx, c.Owner); return err },
		func() (err error) {
			docs, more, err = s.Store.ListDocuments(ctx, c.Owner, "", paging.MaxLimit)
			return err
		},
	); err != nil {
		return nil, err
	}
	today := civil.Today(now, p.Location())
	var rows []Row
	for read := 0; ; {
		for _, d := range docs {
			if !slices.Contains(c.Types, d.Type) || d.ArchivedAt != nil {
				continue
			}
			st, left := d.StatusOn(today)
			if status != "" && st != status {
				continue
			}
			rows = append(rows, Row{EmployeeID: c.Owner, EmployeeName: p.Name, Type: d.Type, Status: st,
				ExpiresOn: d.ValidUntil(), DaysLeft: left})
		}
		read += len(docs)
		if more == "" || read >= docBudget {
			return rows, nil
		}
		var err error
		if docs, more, err = s.Store.ListDocuments(ctx, c.Owner, more, paging.MaxLimit); err != nil {
			return nil, err
		}
	}
}

// TypeCounts are how many documents of one type are expiring and expired.
type TypeCounts struct {
	Expiring int `json:"expiring"`
	Expired  int `json:"expired"`
}

// DigestSummary is what Digest sent.
type DigestSummary struct {
	OrgID     string                          `json:"orgId"`
	Week      string                          `json:"week"`
	Employees int                             `json:"-"`
	Counts    map[registry.DocType]TypeCounts `json:"counts"`
	Truncated bool                            `json:"truncated"`
	MessageID string                          `json:"messageId"`
}

// Digest builds organisation org's weekly digest at now — how many
// documents of each consented type are expiring and expired — and
// publishes it with kind org_digest and attribute orgId, for the
// organisation's subscribers. The message id is the organisation and the
// ISO week, so a retried run is deduplicated by consumers. The counts of
// every status go to Points, the organisation's dashboard's point of the
// day.
// Errors: Invalid (org id), Unavailable (publishing failed), Internal, and
// those of Points.
func (s *Service) Digest(ctx context.Context, org string, now time.Time) (DigestSummary, error) {
	const op = "orgs.Digest"
	if !ValidOrgID(org) {
		return DigestSummary{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "orgId", Code: "invalid_text"})
	}
	if s.Publisher == nil {
		return DigestSummary{}, errs.E(op, errs.Internal, fmt.Errorf("no publisher"))
	}
	rows, truncated, err := s.all(ctx, org, "", now)
	if err != nil {
		return DigestSummary{}, err
	}
	y, w := now.UTC().ISOWeek()
	sum := DigestSummary{OrgID: org, Week: fmt.Sprintf("%04d-W%02d", y, w), Counts: map[registry.DocType]TypeCounts{}, Truncated: truncated}
	byStatus := map[string]int64{}
	for _, r := range rows {
		byStatus[string(r.Status)]++
		c := sum.Counts[r.Type]
		switch r.Status {
		case registry.StatusExpiring:
			c.Expiring++
		case registry.StatusExpired:
			c.Expired++
		default:
			continue
		}
		sum.Counts[r.Type] = c
	}
	sum.MessageID = "org-digest." + org + "." + sum.Week
	msg := message.Message{ID: sum.MessageID, Subject: digestSubjectRU + " / " + digestSubjectEN,
		Body: digestBody(sum, now), Attributes: map[string]string{message.AttrKind: KindOrgDigest, AttrOrgID: org}}
	if failed := s.Publisher.Publish(ctx, []message.Message{msg}); failed[msg.ID] != nil {
		return sum, errs.E(op, errs.Unavailable, failed[msg.ID])
	}
	// the dashboard's point: the day's in Moscow (a second run that day
	// replaces it)
	if s.Points != nil {
		if err := s.Points.PutOrgPoint(ctx, org, civil.Of(now.In(pointZone)), byStatus); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// pointZone is the zone of an organisation's points' days (stats.AgencyZone).
var pointZone = func() *time.Location {
	loc, err := civil.Zone("Europe/Moscow")
	if err != nil {
		panic(err)
	}
	return loc
}()

// The digest goes to an organisation's subscribers, whose language
// Kabinet does not know: it is written in Russian, then in English, each
// part in its own words.
const (
	digestSubjectRU = "Кабинет: сроки документов сотрудников"
	digestSubjectEN = "Kabinet: employees' document deadlines"
)

// Verbs agreeing with a count of documents: «1 истекает, 3 истекают».
var (
	expiringRU = i18n.Word{One: "истекает", Few: "истекают", Many: "истекают", Other: "истекают"}
	expiredRU  = i18n.Word{One: "истёк", Few: "истекли", Many: "истекли", Other: "истекли"}
)

// digestBody writes the counts in Russian and English, one line a type in
// catalogue order, for the ISO week of now (its Monday to Sunday, dates as
// each reader writes them); documents that are neither expiring nor
// expired are not counted.
func digestBody(sum DigestSummary, now time.Time) string {
	var ru, en []string
	for _, ti := range registry.Catalogue() {
		c, ok := sum.Counts[ti.Type]
		if !ok {
			continue
		}
		ru = append(ru, fmt.Sprintf("%s: %d %s, %d %s", ti.Title["ru"],
			c.Expiring, expiringRU.Form(i18n.RU, c.Expiring), c.Expired, expiredRU.Form(i18n.RU, c.Expired)))
		en = append(en, fmt.Sprintf("%s: %d expiring, %d expired", ti.Title["en"], c.Expiring, c.Expired))
	}
	if len(ru) == 0 {
		ru = []string{"Нет документов, срок которых истекает или истёк."}
		en = []string{"No document is expiring or expired."}
	}
	mon := civil.Of(now.UTC()).AddDays(-(int(now.UTC().Weekday()) + 6) % 7)
	sun := mon.AddDays(6)
	return fmt.Sprintf("Сводка за неделю с %s по %s, организация %s\n%s\n",
		i18n.Date(i18n.RU, mon), i18n.Date(i18n.RU, sun), sum.OrgID, strings.Join(ru, "\n")) + "\n" +
		fmt.Sprintf("Weekly digest, %s to %s, organisation %s\n%s\n",
			i18n.Date(i18n.EN, mon), i18n.Date(i18n.EN, sun), sum.OrgID, strings.Join(en, "\n"))
}

// DigestRun is what one weekly run of DigestAll did.
type DigestRun struct {
	Organizations int      `json:"organizations"`
	Published     int      `json:"published"`
	Failed        []string `json:"failed,omitempty"`
}

// DigestAll publishes the weekly digest of every organisation, for the
// scheduled org-digest function. One organisation failing does not stop the
// others; the run reports it, and the next week's run starts afresh.
// Errors: Unavailable when the list of organisations cannot be read.
func (s *Service) DigestAll(ctx context.Context, now time.Time) (DigestRun, error) {
	list, err := s.Store.Organizations(ctx)
	if err != nil {
		return DigestRun{}, err
	}
	run := DigestRun{Organizations: len(list)}
	for _, org := range list {
		if _, err := s.Digest(ctx, org, now); err != nil {
			run.Failed = append(run.Failed, org)
			continue
		}
		run.Published++
	}
	return run, nil
}
