package bookingstore

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// A visit's referrals:
//
//	pk          sk              item
//	USER#<sub>  REFERRAL#<id>   a referral (usedBy: the booking made with it)
//
// The act and the prescriptions a visit gives are docstore's document items.

const (
	referralPrefix = "REFERRAL#"
	kindReferral   = "referral"
)

type referralItem struct {
	PK             string    `dynamodbav:"pk"`
	SK             string    `dynamodbav:"sk"`
	Kind           string    `dynamodbav:"kind"`
	ID             string    `dynamodbav:"id"`
	InstitutionID  string    `dynamodbav:"institutionId"`
	BookingID      string    `dynamodbav:"bookingId"`
	Patient        string    `dynamodbav:"patient,omitempty"`
	Specialization string    `dynamodbav:"specialization"`
	Until          string    `dynamodbav:"until"`
	UsedBy         string    `dynamodbav:"usedBy,omitempty"`
	CreatedAt      time.Time `dynamodbav:"createdAt"`
}

func fromReferral(r booking.Referral) referralItem {
	return referralItem{PK: store.UserPK(r.Owner), SK: referralPrefix + r.ID, Kind: kindReferral, ID: r.ID, InstitutionID: r.InstitutionID,
		BookingID: r.BookingID, Patient: r.Patient, Specialization: r.Specialization, Until: r.Until.String(), UsedBy: r.UsedBy, CreatedAt: r.CreatedAt.UTC()}
}

// GetReferral implements booking.Store.
func (s *Store) GetReferral(ctx context.Context, owner, id string) (booking.Referral, error) {
	const op = "store.GetReferral"
	var it referralItem
	if err := s.Get(ctx, op, store.UserPK(owner), referralPrefix+id, &it); err != nil {
		return booking.Referral{}, err
	}
	until, err := civil.Parse(it.Until)
	if err != nil {
		return booking.Referral{}, errs.E(op, errs.Internal, err)
	}
	return booking.Referral{ID: it.ID, Owner: owner, InstitutionID: it.InstitutionID, BookingID: it.BookingID, Patient: it.Patient,
		Specialization: it.Specialization, Until: until, UsedBy: it.UsedBy, CreatedAt: it.CreatedAt}, nil
}

// referralRelease makes b's referral usable again when b is cancelled:
// in the cancellation's transaction, if b is still the booking that used
// it (nothing for a booking without one).
func referralRelease(t *store.Tx, table string, b booking.Booking) {
	if b.ReferralID == "" {
		return
	}
	t.Add(types.TransactWriteItem{Update: &types.Update{TableName: aws.String(table), Key: store.Key(store.UserPK(b.Owner), referralPrefix+b.ReferralID),
		UpdateExpression:          aws.String("REMOVE usedBy"),
		ConditionExpression:       aws.String("usedBy = :b"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":b": store.Str(b.ID)}}}, store.FailChanged)
}

// referralUse marks b's referral used by b, in b's transaction, if nobody
// used it meanwhile.
func referralUse(t *store.Tx, table string, b booking.Booking) {
	if b.ReferralID == "" {
		return
	}
	t.Add(types.TransactWriteItem{Update: &types.Update{TableName: aws.String(table), Key: store.Key(store.UserPK(b.Owner), referralPrefix+b.ReferralID),
		UpdateExpression:          aws.String("SET usedBy = :b"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND attribute_not_exists(usedBy)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":b": store.Str(b.ID)}}}, failReferralUsed)
}
