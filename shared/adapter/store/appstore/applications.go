package appstore

import (
	"context"
	"errors"
	"fmt"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

var _ applications.Store = (*Store)(nil)

// The applications' items:
//
//	pk                  sk                 item
//	USER#<sub>          APP#<id>           an application, its timeline inside (gsi1 once submitted:
//	                                       AGENCY#<agency>#<status>, <submittedAt>#<id>)
//	USER#<sub>          IDEM#applications#<key>  an Idempotency-Key claim of a create or a submit
//	APPLICATION#<id>    REF                owner of an application, for staff
//	RECEIPT#<year>#<n>  COUNTER            shard n of the year's receipt sequence (seq, ADD only)
//	UIN#<uin>           ACCRUAL            the application an accrual's УИН names
//	UIN#<uin>           PAY#<event id>     a payment that did not settle it exactly, or of an
//	                                       unknown УИН (gsi1: PAYMENTS#<agency>#unmatched, <at>#<event id>)
const (
	appPrefix         = "APP#"
	refSK             = "REF" // an application's owner record, APPLICATION#<id>
	kindApplication   = "application"
	idemScopeApps     = "applications"
	counterSK         = "COUNTER"
	submittedAtLayout = "2006-01-02T15:04:05.000000000Z"
)

func appSK(id string) string { return appPrefix + id }

// KindApplication is an application item's kind attribute: the due index
// holds one while its deadline is due (remindstore reads it there).
const KindApplication = kindApplication

// SK is the sort key of application id under its owner's partition.
func SK(id string) string       { return appSK(id) }
func appRefPK(id string) string { return "APPLICATION#" + id }
func receiptPK(year, shard int) string {
	return "RECEIPT#" + strconv.Itoa(year) + "#" + strconv.Itoa(shard)
}

// ReceiptShards is how many counter items a year's receipt numbers are
// taken from. One item takes about 1,000 writes a second (a partition's
// limit, which adaptive capacity cannot split for a single key), and the
// national peak (the morning school enrolment opens) submits far more;
// 32 items take 32,000. Shard n hands out n+1, n+1+32, n+1+64, ...:
// unique across shards, in order within one, dense overall as the shards
// are picked evenly.
const ReceiptShards = 32

// unmatchedPK is gsi1's partition of an agency's unmatched payments
// ("" the agency of none).
func unmatchedPK(agency string) string { return "PAYMENTS#" + agency + "#unmatched" }
func agencyQueuePK(agency string, st applications.Status) string {
	return "AGENCY#" + agency + "#" + string(st)
}

type timelineAttr struct {
	At      time.Time `dynamodbav:"at"`
	Actor   string    `dynamodbav:"actor"`
	Role    string    `dynamodbav:"role"`
	From    string    `dynamodbav:"from"`
	To      string    `dynamodbav:"to"`
	Comment string    `dynamodbav:"comment,omitempty"`
	Note    string    `dynamodbav:"note,omitempty"`
	// Files are the applicant's files an answer linked: references to
	// FILE# items of the same person, with their name as sent.
	Files []attachmentAttr `dynamodbav:"files,omitempty"`
}

type attachmentAttr struct {
	FileID      string `dynamodbav:"fileId"`
	DocumentID  string `dynamodbav:"documentId"`
	Name        string `dynamodbav:"name"`
	ContentType string `dynamodbav:"contentType"`
	Size        int64  `dynamodbav:"size"`
}

type applicationItem struct {
	PK               string            `dynamodbav:"pk"`
	SK               string            `dynamodbav:"sk"`
	Kind             string            `dynamodbav:"kind"`
	GSI1PK           string            `dynamodbav:"gsi1pk,omitempty"`
	GSI1SK           string            `dynamodbav:"gsi1sk,omitempty"`
	ID               string            `dynamodbav:"id"`
	ServiceCode      string            `dynamodbav:"serviceCode"`
	Agency           string            `dynamodbav:"agency"`
	Fields           map[string]string `dynamodbav:"fields"`
	Status           string            `dynamodbav:"status"`
	ReceiptNumber    string            `dynamodbav:"receiptNumber,omitempty"`
	DocumentID       string            `dynamodbav:"documentId,omitempty"`
	Subject          string            `dynamodbav:"subject,omitempty"`
	SubjectName      string            `dynamodbav:"subjectName,omitempty"`
	SubjectBirth     string            `dynamodbav:"subjectBirth,omitempty"`
	SubmittedAt      *time.Time        `dynamodbav:"submittedAt,omitempty"`
	ExpectedDecision string            `dynamodbav:"expectedDecision,omitempty"`
	TimeZone         string            `dynamodbav:"timeZone,omitempty"`
	Timeline         []timelineAttr    `dynamodbav:"timeline"`
	ResponseDue      *time.Time        `dynamodbav:"responseDue,omitempty"`
	ResponseReminded bool              `dynamodbav:"responseReminded,omitempty"`
	Assignee         string            `dynamodbav:"assignee,omitempty"`
	Invitation       *invitationAttr   `dynamodbav:"invitation,omitempty"`
	Pickup           *pickupAttr       `dynamodbav:"pickup,omitempty"`
	Fee              *feeAttr          `dynamodbav:"fee,omitempty"`
	// DuePK and NextRemindAt keep the application in the due index while
	// something is due (Application.NextDue: the response deadline).
	DuePK        string    `dynamodbav:"duePk,omitempty"`
	NextRemindAt string    `dynamodbav:"nextRemindAt,omitempty"`
	CreatedAt    time.Time `dynamodbav:"createdAt"`
	UpdatedAt    time.Time `dynamodbav:"updatedAt"`
	Version      int       `dynamodbav:"version"`
}

type invitationAttr struct {
	At            time.Time `dynamodbav:"at"`
	Place         string    `dynamodbav:"place"`
	InstitutionID string    `dynamodbav:"institutionId,omitempty"`
	BookingPath   string    `dynamodbav:"bookingPath,omitempty"`
}

// feeAttr is the state fee's accrual and the payments confirmed against it.
type feeAttr struct {
	UIN      string        `dynamodbav:"uin"`
	Kopecks  int64         `dynamodbav:"kopecks"`
	Purpose  string        `dynamodbav:"purpose"`
	PayBy    time.Time     `dynamodbav:"payBy"`
	Payments []paymentAttr `dynamodbav:"payments"`
}

type paymentAttr struct {
	EventID string    `dynamodbav:"eventId"`
	Kopecks int64     `dynamodbav:"kopecks"`
	PaidAt  time.Time `dynamodbav:"paidAt"`
	Payer   string    `dynamodbav:"payer,omitempty"`
}

// uinPK is the partition of a УИН: its accrual's reference item (uinSK,
// the owner and application a Treasury payment names) and the payments
// that named it when no accrual had it (PAY#<event id>).
func uinPK(uin string) string { return "UIN#" + uin }

const uinSK = "ACCRUAL"

type uinRefItem struct {
	PK            string `dynamodbav:"pk"`
	SK            string `dynamodbav:"sk"`
	Kind          string `dynamodbav:"kind"`
	Owner         string `dynamodbav:"owner"`
	ApplicationID string `dynamodbav:"applicationId"`
}

// unmatchedPaymentItem is a payment that did not settle an accrual
// exactly (an unknown УИН, an under- or overpayment): kept under its УИН,
// one per event id, never applied again, and in its agency's partition of
// gsi1 for the agency's reconciliation (newest first).
type unmatchedPaymentItem struct {
	PK            string    `dynamodbav:"pk"`
	SK            string    `dynamodbav:"sk"`
	GSI1PK        string    `dynamodbav:"gsi1pk"`
	GSI1SK        string    `dynamodbav:"gsi1sk"`
	Kind          string    `dynamodbav:"kind"`
	EventID       string    `dynamodbav:"eventId"`
	UIN           string    `dynamodbav:"uin"`
	Kopecks       int64     `dynamodbav:"kopecks"`
	PaidAt        time.Time `dynamodbav:"paidAt"`
	Payer         string    `dynamodbav:"payer,omitempty"`
	At            time.Time `dynamodbav:"at"`
	Agency        string    `dynamodbav:"agency,omitempty"`
	Outcome       string    `dynamodbav:"outcome"`
	ApplicationID string    `dynamodbav:"applicationId,omitempty"`
	ReceiptNumber string    `dynamodbav:"receiptNumber,omitempty"`
	Owed          int64     `dynamodbav:"owed,omitempty"`
	Surplus       int64     `dynamodbav:"surplus,omitempty"`
}

func fromUnmatched(u applications.UnmatchedPayment) unmatchedPaymentItem {
	return unmatchedPaymentItem{PK: uinPK(u.UIN), SK: "PAY#" + u.EventID, GSI1PK: unmatchedPK(u.Agency),
		GSI1SK: u.At.UTC().Format(submittedAtLayout) + "#" + u.EventID, Kind: "unmatched_payment",
		EventID: u.EventID, UIN: u.UIN, Kopecks: u.Kopecks, PaidAt: u.PaidAt.UTC(), Payer: u.Payer, At: u.At.UTC(), Agency: u.Agency,
		Outcome: u.Outcome, ApplicationID: u.ApplicationID, ReceiptNumber: u.ReceiptNumber, Owed: u.Owed, Surplus: u.Surplus}
}

func (it unmatchedPaymentItem) payment() applications.UnmatchedPayment {
	return applications.UnmatchedPayment{EventID: it.EventID, UIN: it.UIN, Kopecks: it.Kopecks, PaidAt: it.PaidAt, Payer: it.Payer, At: it.At,
		Agency: it.Agency, Outcome: it.Outcome, ApplicationID: it.ApplicationID, ReceiptNumber: it.ReceiptNumber, Owed: it.Owed, Surplus: it.Surplus}
}

type pickupAttr struct {
	Place string `dynamodbav:"place"`
	Until string `dynamodbav:"until"`
}

type appRefItem struct {
	PK            string `dynamodbav:"pk"`
	SK            string `dynamodbav:"sk"`
	Kind          string `dynamodbav:"kind"`
	Owner         string `dynamodbav:"owner"`
	ApplicationID string `dynamodbav:"applicationId"`
}

func fromApplication(a applications.Application) applicationItem {
	it := applicationItem{PK: store.UserPK(a.Owner), SK: appSK(a.ID), Kind: kindApplication, ID: a.ID, ServiceCode: a.ServiceCode,
		Agency: a.Agency, Fields: a.Fields, Status: string(a.Status), ReceiptNumber: a.ReceiptNumber, DocumentID: a.DocumentID, SubmittedAt: a.SubmittedAt,
		Subject: a.Subject, SubjectName: a.SubjectName, SubjectBirth: store.DateString(a.SubjectBirth),
		ExpectedDecision: store.DateString(a.ExpectedDecision), TimeZone: a.TimeZone, Timeline: []timelineAttr{},
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: a.Version, ResponseDue: a.ResponseDue, ResponseReminded: a.ResponseReminded, Assignee: a.Assignee}
	if v := a.Invitation; v != nil {
		it.Invitation = &invitationAttr{At: v.At, Place: v.Place, InstitutionID: v.InstitutionID, BookingPath: v.BookingPath}
	}
	if p := a.Pickup; p != nil {
		it.Pickup = &pickupAttr{Place: p.Place, Until: p.Until.String()}
	}
	if f := a.Fee; f != nil {
		it.Fee = &feeAttr{UIN: f.UIN, Kopecks: f.Kopecks, Purpose: f.Purpose, PayBy: f.PayBy, Payments: []paymentAttr{}}
		for _, p := range f.Payments {
			it.Fee.Payments = append(it.Fee.Payments, paymentAttr{EventID: p.EventID, Kopecks: p.Kopecks, PaidAt: p.PaidAt, Payer: p.Payer})
		}
	}
	if at := a.NextDue(); at != nil {
		it.DuePK, it.NextRemindAt = store.DueKey(dueclass.KindDeadline, a.Owner, a.ID), at.UTC().Format(store.DueTimeLayout)
	}
	if it.Fields == nil {
		it.Fields = map[string]string{}
	}
	// Only a submitted application is in an agency's queue, and one with a
	// fee only once it is paid.
	if a.Status != applications.StatusDraft && a.Status != applications.StatusAwaitingPayment && a.SubmittedAt != nil {
		it.GSI1PK = agencyQueuePK(a.Agency, a.Status)
		it.GSI1SK = a.SubmittedAt.UTC().Format(submittedAtLayout) + "#" + a.ID
	}
	for _, e := range a.Timeline {
		te := timelineAttr{At: e.At, Actor: e.Actor, Role: string(e.Role), From: string(e.From),
			To: string(e.To), Comment: e.Comment, Note: string(e.Note)}
		for _, f := range e.Files {
			te.Files = append(te.Files, attachmentAttr{FileID: f.FileID, DocumentID: f.DocumentID, Name: f.Name, ContentType: f.ContentType, Size: f.Size})
		}
		it.Timeline = append(it.Timeline, te)
	}
	return it
}

// Application reads an application item (the stats aggregator reads them
// off the table's stream). Errors: an item that does not unmarshal or parse.
func Application(av map[string]types.AttributeValue) (applications.Application, error) {
	var it applicationItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return applications.Application{}, err
	}
	return it.application()
}

func (it applicationItem) application() (applications.Application, error) {
	a := applications.Application{ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), ServiceCode: it.ServiceCode, Agency: it.Agency,
		Fields: it.Fields, Status: applications.Status(it.Status), ReceiptNumber: it.ReceiptNumber, DocumentID: it.DocumentID, SubmittedAt: it.SubmittedAt,
		TimeZone: it.TimeZone, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, Version: it.Version,
		ResponseDue: it.ResponseDue, ResponseReminded: it.ResponseReminded, Assignee: it.Assignee}
	if a.Fields == nil {
		a.Fields = map[string]string{}
	}
	if f := it.Fee; f != nil {
		a.Fee = &applications.Accrual{UIN: f.UIN, Kopecks: f.Kopecks, Purpose: f.Purpose, PayBy: f.PayBy}
		for _, p := range f.Payments {
			a.Fee.Payments = append(a.Fee.Payments, applications.Payment{EventID: p.EventID, Kopecks: p.Kopecks, PaidAt: p.PaidAt, Payer: p.Payer})
		}
	}
	for _, e := range it.Timeline {
		en := applications.Entry{At: e.At, Actor: e.Actor, Role: applications.Role(e.Role),
			From: applications.Status(e.From), To: applications.Status(e.To), Comment: e.Comment, Note: applications.Note(e.Note)}
		for _, f := range e.Files {
			en.Files = append(en.Files, applications.Attachment{FileID: f.FileID, DocumentID: f.DocumentID, Name: f.Name, ContentType: f.ContentType, Size: f.Size})
		}
		a.Timeline = append(a.Timeline, en)
	}
	d, err := store.ParseDate(it.ExpectedDecision)
	if err != nil {
		return a, fmt.Errorf("application %s: %w", it.ID, err)
	}
	a.Subject, a.SubjectName = it.Subject, it.SubjectName
	if a.SubjectBirth, err = store.ParseDate(it.SubjectBirth); err != nil {
		return a, fmt.Errorf("application %s subject: %w", it.ID, err)
	}
	if v := it.Invitation; v != nil {
		a.Invitation = &applications.Invitation{At: v.At, Place: v.Place, InstitutionID: v.InstitutionID, BookingPath: v.BookingPath}
	}
	if p := it.Pickup; p != nil {
		u, err := civil.Parse(p.Until)
		if err != nil {
			return a, fmt.Errorf("application %s pickup: %w", it.ID, err)
		}
		a.Pickup = &applications.Pickup{Place: p.Place, Until: u}
	}
	a.ExpectedDecision = d
	return a, nil
}

// CreateApplication implements applications.Store.
func (s *Store) CreateApplication(ctx context.Context, a applications.Application, idem *idempotency.Key) (applications.Application, bool, error) {
	const op = "store.CreateApplication"
	t := s.Tx()
	t.Put(fromApplication(a), "attribute_not_exists(pk)", nil, nil) // a fresh id: a clash is a bug
	t.Put(appRefItem{PK: appRefPK(a.ID), SK: refSK, Kind: "application_ref", Owner: a.Owner, ApplicationID: a.ID},
		"attribute_not_exists(pk)", nil, nil)
	if idem != nil {
		s.ClaimIdem(t, idemScopeApps, a.Owner, idem, a.ID)
	}
	err := t.Run(ctx, s.DB, op)
	if errors.Is(err, store.ErrClaimed) {
		return s.replayApp(ctx, op, a.Owner, idem)
	}
	return a, false, err
}

// replayApp answers a write whose Idempotency-Key was already claimed.
func (s *Store) replayApp(ctx context.Context, op, owner string, idem *idempotency.Key) (applications.Application, bool, error) {
	a, ok, err := s.ReplayApplication(ctx, owner, idem)
	if err == nil && !ok {
		err = errs.E(op, errs.Unavailable, nil) // claimed and gone: let the client retry
	}
	return a, ok, err
}

// ReplayApplication implements applications.Store.
func (s *Store) ReplayApplication(ctx context.Context, owner string, idem *idempotency.Key) (applications.Application, bool, error) {
	id, ok, err := s.Claimed(ctx, "store.ReplayApplication", idemScopeApps, owner, idem)
	if err != nil || !ok {
		return applications.Application{}, false, err
	}
	a, err := s.GetApplication(ctx, owner, id)
	return a, err == nil, err
}

// GetApplication implements applications.Store.
func (s *Store) GetApplication(ctx context.Context, owner, id string) (applications.Application, error) {
	const op = "store.GetApplication"
	var it applicationItem
	if err := s.Get(ctx, op, store.UserPK(owner), appSK(id), &it); err != nil {
		return applications.Application{}, err
	}
	a, err := it.application()
	if err != nil {
		return a, errs.E(op, errs.Internal, err)
	}
	return a, nil
}

// ApplicationOwner implements applications.Store: the owner sealed into
// the id, else the one the application's reference item names.
func (s *Store) ApplicationOwner(ctx context.Context, id string) (string, error) {
	if owner, ok := s.Owner(id); ok {
		return owner, nil
	}
	var ref appRefItem
	if err := s.Get(ctx, "store.ApplicationOwner", appRefPK(id), refSK, &ref); err != nil {
		return "", err
	}
	return ref.Owner, nil
}

// FindByUIN implements applications.Store.
func (s *Store) FindByUIN(ctx context.Context, uin string) (owner, id string, err error) {
	var ref uinRefItem
	if err := s.Get(ctx, "store.FindByUIN", uinPK(uin), uinSK, &ref); err != nil {
		return "", "", err
	}
	return ref.Owner, ref.ApplicationID, nil
}

// RecordUnmatchedPayment implements applications.Store: one item per
// event id under the УИН, so a redelivery finds it.
func (s *Store) RecordUnmatchedPayment(ctx context.Context, u applications.UnmatchedPayment) (bool, error) {
	const op = "store.RecordUnmatchedPayment"
	av, err := attributevalue.MarshalMap(fromUnmatched(u))
	if err != nil {
		return false, errs.E(op, errs.Internal, err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(pk)")})
	if store.ConditionFailed(err) {
		return true, nil
	}
	return false, store.Wrap(op, err)
}

// ListApplications implements applications.Store.
func (s *Store) ListApplications(ctx context.Context, owner, after string, limit int) ([]applications.Application, string, error) {
	return store.QueryAs(ctx, s.Store, "store.ListApplications", owner, appPrefix, after, limit, true, applicationItem.application)
}

// UpdateDraft implements applications.Store.
func (s *Store) UpdateDraft(ctx context.Context, a applications.Application, prevVersion int) error {
	const op = "store.UpdateDraft"
	av, err := attributevalue.MarshalMap(fromApplication(a))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	err = s.Write(ctx, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: av,
		ConditionExpression:      aws.String("version = :v AND #st = :draft"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v": store.Num(int64(prevVersion)), ":draft": store.Str(string(applications.StatusDraft))}}})
	if store.ConditionFailed(err) {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return store.Wrap(op, err)
}

// DeleteDraft implements applications.Store.
func (s *Store) DeleteDraft(ctx context.Context, owner, id string) error {
	const op = "store.DeleteDraft"
	t := s.Tx()
	t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), appSK(id)),
		ConditionExpression:      aws.String("attribute_exists(pk) AND #st = :draft"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":draft": store.Str(string(applications.StatusDraft))}}}, failNotDraft)
	t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(appRefPK(id), refSK)}}, nil)
	err := t.Run(ctx, s.DB, op)
	if errs.ReasonOf(err) == applications.ReasonNotDraft {
		// Missing (or someone else's) fails the same condition: tell them apart.
		if _, gerr := s.GetApplication(ctx, owner, id); gerr != nil {
			return gerr
		}
	}
	return err
}

// NextReceiptSeq implements applications.Store with an atomic ADD on one
// of the year's counter items (ReceiptShards), picked at random.
func (s *Store) NextReceiptSeq(ctx context.Context, year int) (int64, error) {
	const op = "store.NextReceiptSeq"
	shard := rand.IntN(ReceiptShards)
	if s.Shard != nil {
		shard = s.Shard()
	}
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: store.Key(receiptPK(year, shard), counterSK),
		UpdateExpression:          aws.String("ADD seq :one SET kind = :kind"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": store.Num(1), ":kind": store.Str("receipt_counter")},
		ReturnValues:              types.ReturnValueUpdatedNew})
	if err != nil {
		return 0, store.Wrap(op, err)
	}
	n, ok := out.Attributes["seq"].(*types.AttributeValueMemberN)
	if !ok {
		return 0, errs.E(op, errs.Internal, fmt.Errorf("counter returned no seq: %v", out.Attributes))
	}
	seq, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, errs.E(op, errs.Internal, err)
	}
	return (seq-1)*ReceiptShards + int64(shard) + 1, nil
}

// SaveTransition implements applications.Store: the application (version
// condition), the inbox notification as an outbox entry, the effects
// (a daily count among them) and the optional claim in one transaction.
func (s *Store) SaveTransition(ctx context.Context, a applications.Application, prevVersion int, n inbox.Notification,
	idem *idempotency.Key, effects ...applications.Effect) (applications.Application, bool, error) {
	const op = "store.SaveTransition"
	t := s.Tx()
	t.First(store.FailClaimed, store.FailChanged, failAssignRace, store.FailDailyLimit)
	t.Put(fromApplication(a), "attribute_exists(pk) AND version = :v", map[string]types.AttributeValue{":v": store.Num(int64(prevVersion))}, store.FailChanged)
	t.Put(statusNotification(a, n), "attribute_not_exists(pk)", nil, nil) // a fresh id
	for _, e := range effects {
		if e.Notify != nil {
			it := inboxstore.FromNotification(*e.Notify)
			it.ApplicationID, it.ApplicationStatus = a.ID, string(a.Status)
			t.Put(it, "attribute_not_exists(pk)", nil, nil) // a fresh id
		}
		if e.Clerk != nil {
			t.Add(s.clerkDelta(*e.Clerk), failAssignRace)
		}
		if e.Cap != nil {
			t.Add(s.CapCount(*e.Cap), store.FailDailyLimit)
		}
		if e.Unmatched != nil {
			// one per event id: the application's version condition
			// already stops a second delivery
			t.Put(fromUnmatched(*e.Unmatched), "attribute_not_exists(pk)", nil, nil)
		}
		if e.Accrual != "" {
			// a УИН is made once (the receipt's number): its reference is new
			t.Put(uinRefItem{PK: uinPK(e.Accrual), SK: uinSK, Kind: "uin_ref", Owner: a.Owner, ApplicationID: a.ID},
				"attribute_not_exists(pk)", nil, nil)
		}
	}
	if idem != nil {
		s.ClaimIdem(t, idemScopeApps, a.Owner, idem, a.ID)
	}
	err := t.Run(ctx, s.DB, op)
	if errors.Is(err, store.ErrClaimed) {
		return s.replayApp(ctx, op, a.Owner, idem)
	}
	return a, false, err
}

// statusNotification is the inbox item of a status change (NOTIF#<id>, as
// the reminders write them) that also names the application, and is an
// outbox entry of the due index, due at once (inboxstore.Outbox): the
// reminder pipeline sends it and takes it out.
func statusNotification(a applications.Application, n inbox.Notification) inboxstore.NotificationItem {
	it := inboxstore.Outbox(n)
	it.ApplicationID, it.ApplicationStatus = a.ID, string(a.Status)
	return it
}

// AgencyQueue implements applications.Store through gsi1: one partition
// per agency and status, sorted by submission time.
func (s *Store) AgencyQueue(ctx context.Context, agency string, st applications.Status, assignee, cursor string, limit int) ([]applications.Application, string, error) {
	const op = "store.AgencyQueue"
	pk := agencyQueuePK(agency, st)
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(store.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": store.Str(pk)},
		ScanIndexForward:          aws.Bool(true),
		Limit:                     aws.Int32(int32(limit))}
	if assignee != "" {
		// a filter over the agency's partition: a clerk's queue is a share
		// of it, and the partition is read in pages of limit either way
		in.FilterExpression = aws.String("assignee = :me")
		in.ExpressionAttributeValues[":me"] = store.Str(assignee)
	}
	var items []applicationItem
	next, err := s.queryIndex(ctx, op, in, pk, cursor, &items)
	if err != nil {
		return nil, "", err
	}
	res := make([]applications.Application, 0, len(items))
	for _, it := range items {
		a, err := it.application()
		if err != nil {
			return nil, "", errs.E(op, errs.Internal, err)
		}
		res = append(res, a)
	}
	return res, next, nil
}

// queryIndex runs in, a query of gsi1's partition pk, from an opaque
// cursor ("" from the start), into out, and returns the cursor to
// continue from. Errors: Malformed (a cursor that is not a position of
// this query), Unavailable, Internal.
func (s *Store) queryIndex(ctx context.Context, op string, in *dynamodb.QueryInput, pk, cursor string, out any) (string, error) {
	if cursor != "" {
		start, err := store.DecodeKey(cursor)
		bad := err != nil || len(start) != 4
		if !bad {
			k, _ := start["gsi1pk"].(*types.AttributeValueMemberS)
			_, hasPK := start[store.Schema.PK]
			_, hasSK := start[store.Schema.SK]
			_, hasGSK := start["gsi1sk"]
			bad = k == nil || k.Value != pk || !hasPK || !hasSK || !hasGSK
		}
		if bad {
			return "", errs.E(op, errs.Malformed, errs.FieldError{Field: "cursor", Code: "invalid_cursor"})
		}
		in.ExclusiveStartKey = start
	}
	res, err := s.DB.Query(ctx, in)
	var api smithy.APIError
	if cursor != "" && errors.As(err, &api) && api.ErrorCode() == "ValidationException" {
		// A start key of the right shape that is not a position of this
		// query ("The provided starting key is invalid"): the client's
		// cursor, not a fault of ours.
		return "", errs.E(op, errs.Malformed, errs.FieldError{Field: "cursor", Code: "invalid_cursor"}, err)
	}
	if err != nil {
		return "", store.Wrap(op, err)
	}
	if err := attributevalue.UnmarshalListOfMaps(res.Items, out); err != nil {
		return "", errs.E(op, errs.Internal, err)
	}
	next := ""
	if len(res.LastEvaluatedKey) > 0 {
		if next, err = store.EncodeKey(res.LastEvaluatedKey); err != nil {
			return "", errs.E(op, errs.Internal, err)
		}
	}
	return next, nil
}

// UnmatchedPayments implements applications.Store: gsi1's partition of
// the agency's unmatched payments, newest first.
func (s *Store) UnmatchedPayments(ctx context.Context, agency, cursor string, limit int) ([]applications.UnmatchedPayment, string, error) {
	const op = "store.UnmatchedPayments"
	pk := unmatchedPK(agency)
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(store.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": store.Str(pk)},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(limit))}
	var items []unmatchedPaymentItem
	next, err := s.queryIndex(ctx, op, in, pk, cursor, &items)
	if err != nil {
		return nil, "", err
	}
	res := make([]applications.UnmatchedPayment, len(items))
	for i, it := range items {
		res[i] = it.payment()
	}
	return res, next, nil
}

// Pointers are the keys of the items outside its owner's partition that
// point at an application item (its owner, for the agency's staff), for the
// erasure that removes the application; none for any other item.
func Pointers(item map[string]types.AttributeValue) []map[string]types.AttributeValue {
	if store.AttrS(item, "kind") != kindApplication {
		return nil
	}
	return []map[string]types.AttributeValue{store.Key(appRefPK(store.TrimPrefix(store.AttrS(item, "sk"), appSK(""))), refSK)}
}
