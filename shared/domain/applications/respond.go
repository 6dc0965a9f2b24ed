package applications

import (
	"context"
	"maps"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

// KindResponse is the inbox kind of the notification a clerk gets when the
// applicant answers their request for information.
const KindResponse = "application_response"

// Response is the applicant's answer to a request for information: changed
// fields (merged over the application's) and/or a comment.
type Response struct {
	Fields  map[string]string `json:"fields"`
	Comment string            `json:"comment"`
	// Files are ids of the applicant's files (uploaded to a document of
	// their registry through the files routes, complete): the answer links
	// them (see Attachment), at most MaxResponseFiles.
	Files []string `json:"files"`
}

// Respond answers the request for information of owner's application in
// needs_info: the fields are merged and the whole application validated as
// on submission, the answer goes on the timeline (applicant, needs_info →
// processing, the comment, the files it links) and the clerk who asked
// gets an inbox notification in the same transaction. The applicant is
// told as on every status change. Every file is checked before anything is
// written: one bad id writes nothing.
// Errors: NotFound (also someone else's), Invalid (fields.<name>
// unknown_field and the field rules, comment too_long, files too_many,
// files[i] not_found (also another person's file), not_ready, duplicate;
// files not_supported where no file storage is composed; nothing to answer
// with), Conflict (invalid_transition: not
// in needs_info; response_overdue: the deadline passed; changed),
// Unavailable, Internal.
func (s *Service) Respond(ctx context.Context, owner, id string, r Response) (Application, error) {
	const op = "applications.Respond"
	a, p, pErr, err := s.getWithProfile(ctx, owner, id)
	if err != nil {
		return Application{}, err
	}
	var fe errs.Fields
	switch {
	case len(r.Files) > 0 && s.Files == nil:
		fe.Add("files", "not_supported")
	case len(r.Files) > MaxResponseFiles:
		fe.Add("files", "too_many")
	}
	if len([]rune(r.Comment)) > maxComment {
		fe.Add("comment", "too_long")
	}
	if len(r.Fields) == 0 && r.Comment == "" && len(r.Files) == 0 {
		fe.Add("comment", "required")
	}
	if err := fe.Err(op); err != nil {
		return Application{}, err
	}
	if err := CheckTransition(a.Status, StatusProcessing, RoleApplicant); err != nil {
		return Application{}, err
	}
	now := s.Now().UTC()
	if a.ResponseDue != nil && !now.Before(*a.ResponseDue) {
		// the scheduled pipeline refuses it (DeadlineDue); until it runs,
		// a late answer is refused the same way
		return Application{}, errs.E(op, errs.Conflict, ReasonResponseOverdue)
	}
	svc, _ := Lookup(a.ServiceCode)
	if pErr != nil {
		return Application{}, pErr
	}
	merged := maps.Clone(a.Fields)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, r.Fields)
	rtoday := civil.Today(now, p.Location())
	fields, vfe := validate(applicantService(svc, a, rtoday), merged, true, rtoday)
	if err := vfe.Err(op); err != nil {
		return Application{}, err
	}
	var sent []Attachment
	if len(r.Files) > 0 {
		if sent, err = s.Files.Attachable(ctx, owner, r.Files); err != nil {
			return Application{}, err
		}
	}
	next := a
	next.Fields = fields
	var also []Effect
	if clerk := requester(a); clerk != "" {
		title := "Заявление " + a.ReceiptNumber + ": получен ответ заявителя"
		body := "Заявитель ответил на запрос дополнительных сведений по услуге «" + svc.Title["ru"] + "»."
		also = append(also, Effect{Notify: &inbox.Notification{ID: s.NewID(), Owner: clerk, Kind: KindResponse, Title: title, Body: body, CreatedAt: now}})
	}
	out, _, err := s.moveWith(ctx, a, next, StatusProcessing, owner, RoleApplicant, r.Comment, "", sent, p, nil, also...)
	return out, err
}

// requester is the clerk who last asked for information on a.
func requester(a Application) string {
	for i := len(a.Timeline) - 1; i >= 0; i-- {
		if e := a.Timeline[i]; e.To == StatusNeedsInfo && e.Role == RoleStaff {
			return e.Actor
		}
	}
	return ""
}

// DeadlineReminder is the reminder before an application's response
// deadline, for the reminder pipeline to send (shared/app/pipeline gives
// it to the reminders domain as its reminders.DeadlineReminder: this
// package does not link the pipeline).
type DeadlineReminder struct {
	Key           string // decision key: the deadline's, so a new deadline has a new key
	Kind          string // KindResponseDue
	Subject, Body string
	Next          time.Time // the deadline: when the application is next due
}

// Inbox and message kinds of the reminders before an application's
// deadline: to answer a request for information, to pay the state fee.
const (
	KindResponseDue = "application_response_due"
	KindPaymentDue  = "application_payment_due"
)

// DeadlineDue is called by the reminder pipeline (a reminder worker, or the
// single-loop scan) for an application in the due index at `at`
// (Application.NextDue), at the pipeline's instant now. At or after its
// Deadline (to answer in needs_info, to pay in awaiting_payment) it
// refuses the application (system → rejected, the NoteResponseOverdue or
// NotePaymentOverdue text) through the one transition path,
// so the timeline, the inbox, the outbox and whoever watches status changes
// see it as any other change; it returns nil. Before the deadline, and not
// yet reminded, it returns the reminder in lang for the pipeline to send
// once (its decision key is the deadline's). An application that moved on
// (answered, withdrawn, gone) gets nil and nothing. Nobody else calls it.
// Errors: Conflict (changed: the applicant answered meanwhile; the index
// holds its new state), Unavailable, Internal.
func (s *Service) DeadlineDue(ctx context.Context, owner, id string, at, now time.Time, lang string) (*DeadlineReminder, error) {
	a, err := s.Store.GetApplication(ctx, owner, id)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := a.Deadline()
	if d == nil || now.Before(at) {
		return nil, nil
	}
	due := *d
	remind, overdue, kind, step := NoteResponseReminder, NoteResponseOverdue, KindResponseDue, "#remind"
	if a.Status == StatusAwaitingPayment {
		remind, overdue, kind, step = NotePaymentReminder, NotePaymentOverdue, KindPaymentDue, "#pay"
	}
	if now.Before(due) {
		if a.ResponseReminded {
			return nil, nil
		}
		svc, _ := Lookup(a.ServiceCode)
		title, body := render(a, svc, "", remind, lang)
		return &DeadlineReminder{Key: due.UTC().Format(time.RFC3339) + step, Kind: kind,
			Subject: title, Body: body, Next: due}, nil
	}
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return nil, err
	}
	_, _, err = s.move(ctx, a, a, StatusRejected, "system", RoleSystem, "", overdue, p, nil)
	return nil, err
}
