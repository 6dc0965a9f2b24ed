package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/booking"
)

// The table's items the check reads (see shared/adapter/store/booking_items.go).
type slotRow struct {
	PK       string `dynamodbav:"pk"`
	SK       string `dynamodbav:"sk"`
	Capacity int    `dynamodbav:"capacity"`
	Booked   int    `dynamodbav:"booked"`
}

type bookingRow struct {
	PK           string    `dynamodbav:"pk"`
	ID           string    `dynamodbav:"id"`
	SpecialistID string    `dynamodbav:"specialistId"`
	Start        time.Time `dynamodbav:"start"`
	Status       string    `dynamodbav:"status"`
}

func slotKey(spec string, start time.Time) string {
	return "SPEC#" + spec + "|SLOT#" + start.UTC().Format("2006-01-02T15:04Z")
}

// check reads every slot and booking item of the local table (the endpoint
// and name from stack.env) and records what does not add up in r.Problems.
func check(ctx context.Context, env map[string]string, r *result) error {
	region := env["AWS_REGION"]
	if region == "" {
		region = "us-east-1"
	}
	db := dynamodb.New(dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL_DYNAMODB"]),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "stack.env"}, nil
		}),
	})
	slots := map[string]slotRow{}
	var books []bookingRow
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{
		TableName:                 aws.String(env["TABLE_NAME"]),
		FilterExpression:          aws.String("#k IN (:slot, :booking)"),
		ExpressionAttributeNames:  map[string]string{"#k": "kind"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":slot": &types.AttributeValueMemberS{Value: "slot"}, ":booking": &types.AttributeValueMemberS{Value: "booking"}},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("scan %s: %w", env["TABLE_NAME"], err)
		}
		for _, item := range page.Items {
			kind, _ := item["kind"].(*types.AttributeValueMemberS)
			switch {
			case kind == nil:
			case kind.Value == "slot":
				var s slotRow
				if err := attributevalue.UnmarshalMap(item, &s); err != nil {
					return err
				}
				slots[s.PK+"|"+s.SK] = s
			case kind.Value == "booking":
				var b bookingRow
				if err := attributevalue.UnmarshalMap(item, &b); err != nil {
					return err
				}
				books = append(books, b)
			}
		}
	}
	r.BookingsInTable = len(books)
	problem := func(f string, a ...any) {
		if len(r.Problems) < 50 {
			r.Problems = append(r.Problems, fmt.Sprintf(f, a...))
		}
	}

	confirmed := map[string]int{} // slot key → confirmed bookings holding it
	byID := map[string][]bookingRow{}
	for _, b := range books {
		byID[b.ID] = append(byID[b.ID], b)
		if b.Status == string(booking.Confirmed) {
			confirmed[slotKey(b.SpecialistID, b.Start)]++
		}
	}

	// every touched slot: booked equals the confirmed bookings, within capacity
	for _, id := range r.Tried {
		spec, start, err := booking.ParseSlotID(id)
		if err != nil {
			problem("slot id %q from the API does not parse: %v", id, err)
			continue
		}
		k := slotKey(spec, start)
		s, ok := slots[k]
		if !ok {
			if confirmed[k] > 0 {
				problem("slot %s is gone but %d confirmed bookings hold it", id, confirmed[k])
			}
			continue
		}
		r.SlotsChecked++
		if s.Booked != confirmed[k] {
			problem("slot %s: booked = %d, confirmed bookings holding it = %d", id, s.Booked, confirmed[k])
		}
		if s.Booked > s.Capacity || s.Booked < 0 {
			problem("slot %s: booked = %d, capacity %d", id, s.Booked, s.Capacity)
		}
	}

	// every booking the clients saw created: exactly once, with its state
	seen := map[string]int{}
	for _, b := range r.Bookings {
		seen[b.ID]++
	}
	for _, b := range r.Bookings {
		if seen[b.ID] > 1 {
			problem("booking id %s answered 201 to %d different requests", b.ID, seen[b.ID])
			seen[b.ID] = 1
		}
		rows := byID[b.ID]
		if len(rows) != 1 {
			problem("booking %s (201 to %s): %d items in the table, want 1", b.ID, b.Owner, len(rows))
			continue
		}
		row := rows[0]
		spec, start, _ := booking.ParseSlotID(b.SlotID)
		if row.PK != "USER#"+b.Owner || row.SpecialistID != spec || !row.Start.Equal(start) {
			problem("booking %s: stored for %s on %s at %s, the client booked %s for %s", b.ID, row.PK, row.SpecialistID, row.Start, b.SlotID, b.Owner)
		}
		want := string(booking.Confirmed)
		if b.Cancelled {
			want = string(booking.Cancelled)
		}
		if row.Status != want {
			problem("booking %s: status %q in the table, the client expects %q", b.ID, row.Status, want)
		}
	}
	return nil
}
