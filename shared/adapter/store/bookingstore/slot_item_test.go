package bookingstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/booking"
)

// TestSlotFromItem: the slots route's reflection-free reading of a slot
// item gives what attributevalue gives, and refuses what it would refuse.
func TestSlotFromItem(t *testing.T) {
	kgd, err := time.LoadLocation("Europe/Kaliningrad")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 6, 16, 9, 30, 0, 0, kgd)
	slots := []booking.Slot{
		{SpecialistID: "spec-1", InstitutionID: "inst-1", Start: start, End: start.Add(30 * time.Minute), Capacity: 1},
		{SpecialistID: "spec-2", InstitutionID: "inst-2", Start: start.Add(time.Hour), End: start.Add(75 * time.Minute),
			Capacity: 3, Booked: 2, MaxPerDay: 12},
	}
	for _, sl := range slots {
		av, err := attributevalue.MarshalMap(fromSlot(sl))
		if err != nil {
			t.Fatal(err)
		}
		var it slotItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			t.Fatal(err)
		}
		got, err := slotFromItem(av)
		if err != nil || !reflect.DeepEqual(got, it.slot()) {
			t.Errorf("slotFromItem = %+v, %v;\nattributevalue reads %+v", got, err, it.slot())
		}
	}

	good, _ := attributevalue.MarshalMap(fromSlot(slots[1]))
	for name, bad := range map[string]types.AttributeValue{
		"capacity": &types.AttributeValueMemberS{Value: "3"},
		"booked":   &types.AttributeValueMemberN{Value: "two"},
		"start":    &types.AttributeValueMemberS{Value: "16.06.2026 09:30"},
		"pk":       &types.AttributeValueMemberN{Value: "1"},
	} {
		av := map[string]types.AttributeValue{}
		for k, v := range good {
			av[k] = v
		}
		av[name] = bad
		if _, err := slotFromItem(av); err == nil {
			t.Errorf("%s = %v read without an error", name, bad)
		}
	}
}
