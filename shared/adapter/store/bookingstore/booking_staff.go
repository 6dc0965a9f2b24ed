package bookingstore

import (
	"context"
	"github.com/kabinet/kabinet/shared/adapter/store"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// What staff read: a booking by id alone, and a specialist's day.

// BookingOwner implements booking.Store: the owner sealed into the id,
// else the one the booking's reference item names.
func (s *Store) BookingOwner(ctx context.Context, id string) (string, error) {
	if owner, ok := s.Owner(id); ok {
		return owner, nil
	}
	var ref refItem
	if err := s.Get(ctx, "store.BookingOwner", bookingRefPK(id), refSK, &ref); err != nil {
		return "", err
	}
	return ref.Owner, nil
}

// DayBookings implements booking.Store through gsi1.
func (s *Store) DayBookings(ctx context.Context, specialistID string, day civil.Date) ([]booking.Booking, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(store.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": store.Str("SPECDAY#" + specialistID + "#" + day.String())}})
	if err != nil {
		return nil, store.Wrap("store.DayBookings", err)
	}
	var items []bookingItem
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		return nil, errs.E("store.DayBookings", errs.Internal, err)
	}
	res := make([]booking.Booking, len(items))
	for i, it := range items {
		b, err := it.booking()
		if err != nil {
			return nil, errs.E("store.DayBookings", errs.Internal, err)
		}
		res[i] = b
	}
	return res, nil
}
