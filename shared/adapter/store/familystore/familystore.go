// Package familystore is the family domain's DynamoDB adapter
// (family.Store): a holder's dependents under the holder's own partition,
// so one holder's calls can never reach another's.
//
//	pk              sk              item
//	USER#<holder>   DEP#<id>        a dependent (name, birth date, relation, SNILS, until, the hand-over
//	                                at 18); in the due index (kind "dependent") while the pipeline is
//	                                to act on it: the 18th birthday, the hand-over's deadline
//
// A hand-over code's item (HANDOVER#<hash>) is handoverstore's.
package familystore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

const (
	idemScope = "family"
	depPrefix = "DEP#"
	// KindDependent is a dependent item's kind attribute (the due index's
	// readers tell items apart by it).
	KindDependent = "dependent"
	maxDependent  = family.MaxDependents + 5 // one page holds them all
)

// Store is the DynamoDB implementation of family.Store.
type Store struct{ *store.Store }

var _ family.Store = (*Store)(nil)

// New is the family's store on base's table.
func New(base *store.Store) *Store { return &Store{base} }

type depItem struct {
	PK        string    `dynamodbav:"pk"`
	SK        string    `dynamodbav:"sk"`
	Kind      string    `dynamodbav:"kind"`
	ID        string    `dynamodbav:"id"`
	Name      string    `dynamodbav:"name"`
	BirthDate string    `dynamodbav:"birthDate"`
	Relation  string    `dynamodbav:"relation"`
	SNILS     string    `dynamodbav:"snils,omitempty"`
	Until     string    `dynamodbav:"until,omitempty"`
	CreatedAt time.Time `dynamodbav:"createdAt"`
	UpdatedAt time.Time `dynamodbav:"updatedAt"`
	Version   int       `dynamodbav:"version"`
	// the hand-over at 18
	HandoverState    string     `dynamodbav:"handoverState,omitempty"`
	HandoverDeadline *time.Time `dynamodbav:"handoverDeadline,omitempty"`
	CodeHash         string     `dynamodbav:"codeHash,omitempty"`
	CodeUntil        *time.Time `dynamodbav:"codeUntil,omitempty"`
	RedeemedBy       string     `dynamodbav:"redeemedBy,omitempty"`
	RedeemedAt       *time.Time `dynamodbav:"redeemedAt,omitempty"`
	Moved            int        `dynamodbav:"moved,omitempty"`
	// the due index, while something is due
	DuePK        string `dynamodbav:"duePk,omitempty"`
	NextRemindAt string `dynamodbav:"nextRemindAt,omitempty"`
}

func (it depItem) dependent(holder string) (family.Dependent, error) {
	b, err := civil.Parse(it.BirthDate)
	if err != nil {
		return family.Dependent{}, err
	}
	until, err := store.ParseDate(it.Until)
	if err != nil {
		return family.Dependent{}, err
	}
	d := family.Dependent{ID: it.ID, Holder: holder, Name: it.Name, BirthDate: b, Relation: it.Relation, SNILS: it.SNILS,
		Until: until, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, Version: it.Version,
		Handover: family.Handover{State: family.HandoverState(it.HandoverState), Deadline: it.HandoverDeadline,
			CodeHash: it.CodeHash, CodeUntil: it.CodeUntil, RedeemedBy: it.RedeemedBy, RedeemedAt: it.RedeemedAt, Moved: it.Moved}}
	if it.NextRemindAt != "" {
		at, err := time.Parse(store.DueTimeLayout, it.NextRemindAt)
		if err != nil {
			return family.Dependent{}, err
		}
		d.DueAt = &at
	}
	return d, nil
}

// Dependent reads a dependent item (remindstore reads them off the due
// index). Errors: an item that does not unmarshal or parse.
func Dependent(av map[string]types.AttributeValue) (family.Dependent, error) {
	var it depItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return family.Dependent{}, err
	}
	return it.dependent(store.TrimPrefix(it.PK, store.UserPrefix))
}

// ListDependents implements family.Store.
func (s *Store) ListDependents(ctx context.Context, holder string) ([]family.Dependent, error) {
	out, _, err := store.QueryAs(ctx, s.Store, "store.ListDependents", holder, depPrefix, "", maxDependent, true,
		func(it depItem) (family.Dependent, error) { return it.dependent(holder) })
	return out, err
}

// GetDependent implements family.Store.
func (s *Store) GetDependent(ctx context.Context, holder, id string) (family.Dependent, error) {
	const op = "store.GetDependent"
	var it depItem
	if err := s.Get(ctx, op, store.UserPK(holder), depPrefix+id, &it); err != nil {
		return family.Dependent{}, err
	}
	d, err := it.dependent(holder)
	if err != nil {
		return family.Dependent{}, errs.E(op, errs.Internal, err)
	}
	return d, nil
}

// CreateDependent implements family.Store: the dependent and the
// Idempotency-Key claim (if any) in one transaction; a key claimed before
// answers the dependent it created.
func (s *Store) CreateDependent(ctx context.Context, d family.Dependent, idem *idempotency.Key) (family.Dependent, bool, error) {
	const op = "store.CreateDependent"
	t := s.Tx()
	t.Put(item(d), "attribute_not_exists(pk)", nil, nil) // a fresh id: a clash is a bug
	if idem != nil {
		s.ClaimIdem(t, idemScope, d.Holder, idem, d.ID)
	}
	err := t.Run(ctx, s.DB, op)
	if !errors.Is(err, store.ErrClaimed) {
		return d, false, err
	}
	id, ok, err := s.Claimed(ctx, op, idemScope, d.Holder, idem)
	if err == nil && !ok {
		err = errs.E(op, errs.Unavailable, nil) // claimed and gone in between: let the client retry
	}
	if err != nil {
		return family.Dependent{}, false, err
	}
	got, err := s.GetDependent(ctx, d.Holder, id)
	return got, true, err
}

// Item is d's item (handoverstore writes it in a hand-over's transaction).
func Item(d family.Dependent) any { return item(d) }

func item(d family.Dependent) depItem {
	h := d.Handover
	it := depItem{PK: store.UserPK(d.Holder), SK: depPrefix + d.ID, Kind: KindDependent, ID: d.ID, Name: d.Name,
		BirthDate: d.BirthDate.String(), Relation: d.Relation, SNILS: d.SNILS, Until: store.DateString(d.Until),
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version,
		HandoverState: string(h.State), HandoverDeadline: h.Deadline, CodeHash: h.CodeHash, CodeUntil: h.CodeUntil,
		RedeemedBy: h.RedeemedBy, RedeemedAt: h.RedeemedAt, Moved: h.Moved}
	if d.DueAt != nil {
		it.DuePK = store.DueKey(dueclass.KindGrownUp, d.Holder, d.ID)
		it.NextRemindAt = d.DueAt.UTC().Format(store.DueTimeLayout)
	}
	return it
}

// SK is the sort key of dependent id.
func SK(id string) string { return depPrefix + id }

// PutDependent implements family.Store.
func (s *Store) PutDependent(ctx context.Context, d family.Dependent, prevVersion int) error {
	const op = "store.PutDependent"
	t := s.Tx()
	t.Put(item(d), "version = :v", map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.Itoa(prevVersion)}},
		store.FailVersionMismatch)
	return t.Run(ctx, s.DB, op)
}

// DeleteDependent implements family.Store.
func (s *Store) DeleteDependent(ctx context.Context, holder, id string) error {
	const op = "store.DeleteDependent"
	t := s.Tx()
	t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(holder), depPrefix+id),
		ConditionExpression: aws.String("attribute_exists(pk)")}}, store.FailNotFound)
	return t.Run(ctx, s.DB, op)
}
