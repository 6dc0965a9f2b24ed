package applications

import (
	"context"
	"math"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// Staff is the caller of a staff method, as the token says.
type Staff struct {
	Sub     string
	IsStaff bool
	Agency  string
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
// and rejected). A citizen gets Forbidden for their own application and
// NotFound for anyone else's; staff of another agency get NotFound, as for
// an id that does not exist.
// Errors: Forbidden (staff_only, applicant_only), NotFound,
// Invalid (to, comment), Conflict (invalid_transition, changed),
// Unavailable, Internal.
func (s *Service) Transition(ctx context.Context, st Staff, id string, to Status, comment string) (Application, error) {
	const op = "applications.Transition"
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
	a, err := s.Store.FindApplication(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if !st.handles(a) {
		return Application{}, errs.E(op, errs.NotFound, nil)
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
	p, err := s.Profiles.GetProfile(ctx, a.Owner)
	if err != nil {
		return Application{}, err
	}
	out, _, err := s.move(ctx, a, a, to, st.Sub, RoleStaff, comment, p, nil)
	return out, err
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
	const op = "applications.Queue"
	if !st.IsStaff || st.Agency == "" {
		return Page{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if status == "" {
		status = StatusReceived
	}
	if !status.Valid() || status == StatusDraft {
		var fe errs.Fields
		fe.Add("status", "unknown_status")
		return Page{}, fe.Err(op)
	}
	items, next, err := s.Store.AgencyQueue(ctx, st.Agency, status, cursor, paging.ClampLimit(limit))
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
		if a, _, err = s.move(ctx, a, a, to, "agency:"+a.Agency, RoleStaff, "document "+docID+" issued", p, nil); err != nil {
			return err
		}
	}
	return nil
}
