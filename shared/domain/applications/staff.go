package applications

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// Staff is the caller of a staff method, as the token says.
type Staff struct {
	Sub     string
	IsStaff bool
	Agency  string
	// Lead: a lead clerk (claim agencyRole=lead), who may reassign.
	Lead bool
	// Operator: a member of Kabinet's operators (group operators), who
	// sees the payments no agency's numbering claims.
	Operator bool
}

// handles reports whether st may see a: staff see only their own agency's
// applications. Every staff read of an application by id decides through
// it, and anything else is NotFound, exactly as a missing id: another
// agency learns nothing, not even that the id exists (issue 15, point 6).
func (st Staff) handles(a Application) bool {
	return st.IsStaff && st.Agency != "" && a.Agency == st.Agency
}

// Transition moves an application as its agency's staff: to processing,
// needs_info, approved or rejected (a comment is required for needs_info
// and rejected). needs_info starts the applicant's response term (the
// service's ResponseDays, default 30): the scheduled pipeline reminds them
// three days before it ends and refuses the application when it has. A
// citizen gets Forbidden for their own application and NotFound for anyone
// else's; staff of another agency get NotFound, as for an id that does not
// exist.
// Errors: Forbidden (staff_only, applicant_only), NotFound,
// Invalid (to, comment), Conflict (invalid_transition, changed),
// Unavailable, Internal.
func (s *Service) Transition(ctx context.Context, st Staff, id string, to Status, comment string) (Application, error) {
	return s.Move(ctx, st, id, StaffMove{To: to, Comment: comment})
}

// StaffMove is a staff transition with what its target status needs:
// invited needs Invitation (a time after now and a place), ready_for_pickup
// needs Pickup (a place and a date from today on).
type StaffMove struct {
	To         Status
	Comment    string
	Invitation *Invitation
	Pickup     *Pickup
}

// Move is Transition with the details of invited and ready_for_pickup.
// Errors: as Transition, and Invalid (invitation.at, invitation.place,
// invitation.institutionId, pickup.place, pickup.until).
func (s *Service) Move(ctx context.Context, st Staff, id string, m StaffMove) (Application, error) {
	const op = "applications.Transition"
	to, comment := m.To, m.Comment
	if !st.IsStaff {
		// a citizen learns nothing of other people's ids: 404 as anywhere else
		if _, err := s.Get(ctx, st.Sub, id); err != nil {
			return Application{}, err
		}
		return Application{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if st.Agency == "" {
		return Application{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if id == "" {
		return Application{}, errs.E(op, errs.NotFound, nil)
	}
	// the application and its owner's profile (the message's language) at once
	var (
		p       registry.Profile
		profErr error
	)
	a, err := s.find(ctx, id, func(owner string) { p, profErr = s.Profiles.GetProfile(ctx, owner) })
	if err != nil {
		return Application{}, err
	}
	if !st.handles(a) {
		return Application{}, errs.E(op, errs.NotFound, nil)
	}
	if err := s.register(ctx, st); err != nil {
		return Application{}, err
	}
	if !to.Valid() {
		c := "unknown_status"
		if to == "" {
			c = "required"
		}
		return Application{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "to", Code: c})
	}
	comment, err = checkComment(op, comment, to == StatusNeedsInfo || to == StatusRejected)
	if err != nil {
		return Application{}, err
	}
	if err := CheckTransition(a.Status, to, RoleStaff); err != nil {
		return Application{}, err
	}
	if profErr != nil {
		return Application{}, profErr
	}
	next := a
	next.Invitation, next.Pickup = nil, nil
	if err := s.details(ctx, op, &next, m); err != nil {
		return Application{}, err
	}
	if to == StatusNeedsInfo {
		// the applicant's time to answer, in whole days of the service's term
		svc, _ := Lookup(a.ServiceCode)
		due := s.Now().UTC().Add(time.Duration(svc.ResponseDeadlineDays()) * 24 * time.Hour)
		next.ResponseDue, next.ResponseReminded = &due, false
	}
	out, _, err := s.move(ctx, a, next, to, st.Sub, RoleStaff, comment, "", p, nil)
	return out, err
}

// find finds application id for staff: its owner (sealed into the id, or
// by the reference item), then the application, with also (nil: nothing) run at once with the
// owner's id to read what else the request needs of theirs; also keeps its
// own results and errors, which the caller weighs after the application's.
// Errors: NotFound, Unavailable, Internal.
func (s *Service) find(ctx context.Context, id string, also func(owner string)) (Application, error) {
	owner, err := s.Store.ApplicationOwner(ctx, id)
	if err != nil {
		return Application{}, err
	}
	var a Application
	err = parallel.Do(
		func() (err error) { a, err = s.Store.GetApplication(ctx, owner, id); return err },
		func() error {
			if also != nil {
				also(owner)
			}
			return nil
		},
	)
	return a, err
}

// checkComment returns c NFC-normalised (usertext.Lines), refusing format
// and bidi characters.
func checkComment(op, c string, required bool) (string, error) {
	var fe errs.Fields
	n, ok := usertext.Lines(c, math.MaxInt)
	switch {
	case required && c == "":
		fe.Add("comment", "required")
	case len([]rune(c)) > maxComment:
		fe.Add("comment", "too_long")
	case !ok:
		fe.Add("comment", "invalid_text")
	}
	return n, fe.Err(op)
}

// Queue lists an agency's applications in a status (received when empty),
// oldest submission first, for its staff.
// Errors: Forbidden (staff_only), Invalid (status), Malformed (cursor),
// Unavailable, Internal.
func (s *Service) Queue(ctx context.Context, st Staff, status Status, limit int, cursor string) (Page, error) {
	return s.queue(ctx, st, status, limit, cursor, false)
}

func (s *Service) queue(ctx context.Context, st Staff, status Status, limit int, cursor string, mine bool) (Page, error) {
	const op = "applications.Queue"
	if !st.IsStaff || st.Agency == "" {
		return Page{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if err := s.register(ctx, st); err != nil {
		return Page{}, err
	}
	if status == "" {
		status = StatusReceived
	}
	if !status.Valid() || status == StatusDraft {
		var fe errs.Fields
		fe.Add("status", "unknown_status")
		return Page{}, fe.Err(op)
	}
	assignee := ""
	if mine {
		assignee = st.Sub
	}
	items, next, err := s.Store.AgencyQueue(ctx, st.Agency, status, assignee, cursor, paging.ClampLimit(limit))
	if err != nil {
		return Page{}, err
	}
	if items == nil {
		items = []Application{}
	}
	return Page{Items: items, NextCursor: next}, nil
}

// CloseApplication approves the application an issued document answers,
// for the agency ingest: the document itself is the decision. Walking
// received → processing → approved, it is idempotent (a final application
// is left as it is) and ignores an application of someone else.
// Errors: Unavailable, Internal.
func (s *Service) CloseApplication(ctx context.Context, owner, applicationID, docID string) error {
	a, err := s.Store.GetApplication(ctx, owner, applicationID)
	if errs.Is(err, errs.NotFound) {
		s.log().Warn("applications: an issued document names an unknown application", "application", applicationID)
		return nil
	}
	if err != nil {
		return err
	}
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return err
	}
	for _, to := range []Status{StatusProcessing, StatusApproved} {
		if a.Status.Final() || CheckTransition(a.Status, to, RoleStaff) != nil {
			continue
		}
		if a, _, err = s.move(ctx, a, a, to, "agency:"+a.Agency, RoleStaff, "", NoteDocumentIssued, p, nil); err != nil {
			return err
		}
	}
	return nil
}

// details checks and sets what invited and ready_for_pickup carry.
func (s *Service) details(ctx context.Context, op string, next *Application, m StaffMove) error {
	var fe errs.Fields
	now := s.Now().UTC()
	switch m.To {
	case StatusInvited:
		inv := m.Invitation
		if inv == nil {
			fe.Add("invitation", "required")
			return fe.Err(op)
		}
		if inv.At.IsZero() {
			fe.Add("invitation.at", "required")
		} else if !inv.At.After(now) {
			fe.Add("invitation.at", "out_of_range")
		}
		if strings.TrimSpace(inv.Place) == "" {
			fe.Add("invitation.place", "required")
		} else if len([]rune(inv.Place)) > 300 {
			fe.Add("invitation.place", "too_long")
		}
		out := Invitation{At: inv.At.UTC(), Place: strings.TrimSpace(inv.Place), InstitutionID: inv.InstitutionID}
		if inv.InstitutionID != "" && s.Places != nil {
			if _, err := s.Places.Institution(ctx, inv.InstitutionID); errs.Is(err, errs.NotFound) {
				fe.Add("invitation.institutionId", "unknown_institution")
			} else if err != nil {
				return err
			} else {
				out.BookingPath = "/appointments/institutions/" + inv.InstitutionID
			}
		}
		next.Invitation = &out
	case StatusReadyForPickup:
		p := m.Pickup
		if p == nil {
			fe.Add("pickup", "required")
			return fe.Err(op)
		}
		if strings.TrimSpace(p.Place) == "" {
			fe.Add("pickup.place", "required")
		} else if len([]rune(p.Place)) > 300 {
			fe.Add("pickup.place", "too_long")
		}
		if p.Until.IsZero() {
			fe.Add("pickup.until", "required")
		} else if p.Until.Before(civil.Of(now)) {
			fe.Add("pickup.until", "out_of_range")
		}
		next.Pickup = &Pickup{Place: strings.TrimSpace(p.Place), Until: p.Until}
	default:
		if m.Invitation != nil {
			fe.Add("invitation", "unknown_field")
		}
		if m.Pickup != nil {
			fe.Add("pickup", "unknown_field")
		}
	}
	return fe.Err(op)
}
