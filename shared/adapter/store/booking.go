package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

var _ booking.Store = (*Store)(nil)

// The appointment book's items:
//
//	pk                 sk                          item
//	SPEC#<specId>      SCHEDULE                    the specialist's schedule
//	SPEC#<specId>      SLOT#<start UTC>            a slot: capacity, booked
//	SPEC#<specId>      DAY#<local date>            the specialist's bookings that day (daily limit)
//	USER#<sub>         BOOK#<bookingId>            a booking (gsi1: SPECDAY#<specId>#<date>, start)
//	USER#<sub>         BOOKDAY#<specId>#<date>     the person's one booking with that specialist that day
//	BOOKING#<id>       REF                         owner of a booking, for staff
//	CONF#<number>      REF                         a confirmation number in use
const (
	specPrefix    = "SPEC#"
	slotPrefix    = "SLOT#"
	bookPrefix    = "BOOK#"
	slotKeyLayout = "2006-01-02T15:04Z"
	kindSlot      = "slot"
	kindBooking   = "booking"
	scheduleSK    = "SCHEDULE"
	refSK         = "REF"
)

func specPK(id string) string            { return specPrefix + id }
func slotSK(start time.Time) string      { return slotPrefix + start.UTC().Format(slotKeyLayout) }
func daySK(d civil.Date) string          { return "DAY#" + d.String() }
func bookSK(id string) string            { return bookPrefix + id }
func dayLockSK(b booking.Booking) string { return "BOOKDAY#" + b.SpecialistID + "#" + b.Day().String() }
func bookingRefPK(id string) string      { return "BOOKING#" + id }
func confPK(n string) string             { return "CONF#" + n }
func specDayKey(b booking.Booking) string {
	return "SPECDAY#" + b.SpecialistID + "#" + b.Day().String()
}

type slotItem struct {
	PK            string    `dynamodbav:"pk"`
	SK            string    `dynamodbav:"sk"`
	Kind          string    `dynamodbav:"kind"`
	InstitutionID string    `dynamodbav:"institutionId"`
	Start         time.Time `dynamodbav:"start"`
	End           time.Time `dynamodbav:"end"`
	Capacity      int       `dynamodbav:"capacity"`
	Booked        int       `dynamodbav:"booked"`
	MaxPerDay     int       `dynamodbav:"maxPerDay"`
}

func fromSlot(sl booking.Slot) slotItem {
	return slotItem{PK: specPK(sl.SpecialistID), SK: slotSK(sl.Start), Kind: kindSlot, InstitutionID: sl.InstitutionID,
		Start: sl.Start, End: sl.End, Capacity: sl.Capacity, Booked: sl.Booked, MaxPerDay: sl.MaxPerDay}
}

// slotFromItem reads a stored slot as attributevalue would into slotItem,
// without reflection: the slots route reads hundreds per request, and
// reflection was most of the handler's own time (BENCHMARKS.md, request
// cost). TestSlotFromItem holds the two readings equal.
func slotFromItem(av map[string]types.AttributeValue) (booking.Slot, error) {
	var err error // the first attribute that does not read
	fail := func(name string, why any) {
		if err == nil {
			err = fmt.Errorf("slot attribute %s: %v", name, why)
		}
	}
	text := func(name string) string {
		switch v := av[name].(type) {
		case nil:
			return ""
		case *types.AttributeValueMemberS:
			return v.Value
		default:
			fail(name, fmt.Sprintf("%T, not a string", v))
			return ""
		}
	}
	number := func(name string) int {
		switch v := av[name].(type) {
		case nil:
			return 0
		case *types.AttributeValueMemberN:
			n, perr := strconv.Atoi(v.Value)
			if perr != nil {
				fail(name, perr)
			}
			return n
		default:
			fail(name, fmt.Sprintf("%T, not a number", v))
			return 0
		}
	}
	instant := func(name string) time.Time {
		t, perr := time.Parse(time.RFC3339Nano, text(name))
		if perr != nil {
			fail(name, perr)
		}
		return t
	}
	it := slotItem{PK: text("pk"), InstitutionID: text("institutionId"), Start: instant("start"), End: instant("end"),
		Capacity: number("capacity"), Booked: number("booked"), MaxPerDay: number("maxPerDay")}
	return it.slot(), err
}

func (it slotItem) slot() booking.Slot {
	return booking.Slot{SpecialistID: trimPrefix(it.PK, specPrefix), InstitutionID: it.InstitutionID,
		Start: it.Start.UTC(), End: it.End.UTC(), Capacity: it.Capacity, Booked: it.Booked, MaxPerDay: it.MaxPerDay}
}

type eventAttr struct {
	Action string     `dynamodbav:"action"`
	Actor  string     `dynamodbav:"actor"`
	At     time.Time  `dynamodbav:"at"`
	Reason string     `dynamodbav:"reason,omitempty"`
	From   *time.Time `dynamodbav:"from,omitempty"`
	To     *time.Time `dynamodbav:"to,omitempty"`
}

type bookingItem struct {
	PK                 string      `dynamodbav:"pk"`
	SK                 string      `dynamodbav:"sk"`
	Kind               string      `dynamodbav:"kind"`
	GSI1PK             string      `dynamodbav:"gsi1pk"`
	GSI1SK             string      `dynamodbav:"gsi1sk"`
	ID                 string      `dynamodbav:"id"`
	SpecialistID       string      `dynamodbav:"specialistId"`
	InstitutionID      string      `dynamodbav:"institutionId"`
	Start              time.Time   `dynamodbav:"start"`
	End                time.Time   `dynamodbav:"end"`
	TimeZone           string      `dynamodbav:"timeZone"`
	Mode               string      `dynamodbav:"mode"`
	ContactPhone       string      `dynamodbav:"contactPhone,omitempty"`
	ConfirmationNumber string      `dynamodbav:"confirmationNumber"`
	Place              int         `dynamodbav:"place"`
	Status             string      `dynamodbav:"status"`
	CancelDeadline     time.Time   `dynamodbav:"cancelDeadline"`
	VideoLink          string      `dynamodbav:"videoLink,omitempty"`
	Checklist          []string    `dynamodbav:"checklist,omitempty"`
	StaffComment       string      `dynamodbav:"staffComment,omitempty"`
	Events             []eventAttr `dynamodbav:"events"`
	CreatedAt          time.Time   `dynamodbav:"createdAt"`
	UpdatedAt          time.Time   `dynamodbav:"updatedAt"`
	Version            int         `dynamodbav:"version"`
	reminderAttrs                  // duePk and nextRemindAt while a reminder is due: the due index
}

func fromBooking(b booking.Booking) bookingItem {
	it := bookingItem{PK: userPK(b.Owner), SK: bookSK(b.ID), Kind: kindBooking, GSI1PK: specDayKey(b),
		GSI1SK: b.Start.UTC().Format(time.RFC3339), ID: b.ID, SpecialistID: b.SpecialistID, InstitutionID: b.InstitutionID,
		Start: b.Start.UTC(), End: b.End.UTC(), TimeZone: b.TimeZone, Mode: string(b.Mode), ContactPhone: b.ContactPhone,
		ConfirmationNumber: b.ConfirmationNumber, Place: b.Place, Status: string(b.Status), CancelDeadline: b.CancelDeadline.UTC(),
		VideoLink: b.VideoLink, Checklist: b.Checklist, StaffComment: b.StaffComment,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, Version: b.Version,
		reminderAttrs: fromReminder(b.Owner, b.ID, b.Reminder)}
	for _, e := range b.Events {
		it.Events = append(it.Events, eventAttr{Action: e.Action, Actor: e.Actor, At: e.At, Reason: e.Reason, From: e.From, To: e.To})
	}
	return it
}

func (it bookingItem) booking() (booking.Booking, error) {
	b := booking.Booking{ID: it.ID, Owner: trimPrefix(it.PK, userPrefix), SpecialistID: it.SpecialistID,
		InstitutionID: it.InstitutionID, Start: it.Start.UTC(), End: it.End.UTC(), TimeZone: it.TimeZone,
		Mode: booking.Mode(it.Mode), ContactPhone: it.ContactPhone, ConfirmationNumber: it.ConfirmationNumber, Place: it.Place,
		Status: booking.Status(it.Status), CancelDeadline: it.CancelDeadline.UTC(), VideoLink: it.VideoLink,
		Checklist: it.Checklist, StaffComment: it.StaffComment, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, Version: it.Version}
	for _, e := range it.Events {
		b.Events = append(b.Events, booking.Event{Action: e.Action, Actor: e.Actor, At: e.At, Reason: e.Reason, From: e.From, To: e.To})
	}
	r, err := it.reminder()
	if err != nil {
		return b, fmt.Errorf("booking %s: %w", it.ID, err)
	}
	b.Reminder = r
	return b, nil
}

type scheduleItem struct {
	PK       string `dynamodbav:"pk"`
	SK       string `dynamodbav:"sk"`
	Kind     string `dynamodbav:"kind"`
	Schedule string `dynamodbav:"schedule"` // JSON: read whole, written whole
}

type refItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Kind      string `dynamodbav:"kind"`
	Owner     string `dynamodbav:"owner"`
	BookingID string `dynamodbav:"bookingId"`
}

// PutSchedule implements booking.Store.
func (s *Store) PutSchedule(ctx context.Context, sc booking.Schedule) error {
	b, err := json.Marshal(sc)
	if err != nil {
		return errs.E("store.PutSchedule", errs.Internal, err)
	}
	av, _ := attributevalue.MarshalMap(scheduleItem{PK: specPK(sc.SpecialistID), SK: scheduleSK, Kind: "schedule", Schedule: string(b)})
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av})
	return wrap("store.PutSchedule", err)
}

// PutSlots implements booking.Store with conditional puts, eight at a time.
func (s *Store) PutSlots(ctx context.Context, slots []booking.Slot) (int, error) {
	const op = "store.PutSlots"
	var (
		mu       sync.Mutex
		created  int
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, 8)
	)
	for _, sl := range slots {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			av, err := attributevalue.MarshalMap(fromSlot(sl))
			if err == nil {
				_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av,
					ConditionExpression: aws.String("attribute_not_exists(pk)")})
			}
			mu.Lock()
			defer mu.Unlock()
			if single, _ := conditionFailed(err); err == nil {
				created++
			} else if !single && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return created, wrap(op, firstErr)
}

// ImportSlots writes slots in bulk without conditions, for seeding a fresh
// table; schedules set by staff go through PutSlots, which never touches an
// existing (possibly booked) slot.
func (s *Store) ImportSlots(ctx context.Context, slots []booking.Slot) error {
	return bulkPut(ctx, s, "store.ImportSlots", slots, func(sl booking.Slot) any { return fromSlot(sl) })
}

// RemoveFreeSlots implements booking.Store.
func (s *Store) RemoveFreeSlots(ctx context.Context, slots []booking.Slot) (int, error) {
	removed := 0
	for _, sl := range slots {
		_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table),
			Key: key(specPK(sl.SpecialistID), slotSK(sl.Start)), ConditionExpression: aws.String("booked = :zero"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":zero": num(0)}})
		if single, _ := conditionFailed(err); single {
			continue // booked meanwhile: kept
		}
		if err != nil {
			return removed, wrap("store.RemoveFreeSlots", err)
		}
		removed++
	}
	return removed, nil
}

// ListSlots implements booking.Store.
func (s *Store) ListSlots(ctx context.Context, specialistID string, from, to time.Time) ([]booking.Slot, error) {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(specPK(specialistID)), ":from": str(slotSK(from)), ":to": str(slotSK(to.Add(-time.Minute))),
		},
	})
	var out []booking.Slot
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("store.ListSlots", err)
		}
		for _, av := range page.Items {
			sl, err := slotFromItem(av)
			if err != nil {
				return nil, errs.E("store.ListSlots", errs.Internal, err)
			}
			out = append(out, sl)
		}
	}
	return out, nil
}

// GetSlot implements booking.Store.
func (s *Store) GetSlot(ctx context.Context, specialistID string, start time.Time) (booking.Slot, error) {
	var it slotItem
	if err := s.get(ctx, "store.GetSlot", specPK(specialistID), slotSK(start), &it); err != nil {
		return booking.Slot{}, err
	}
	return it.slot(), nil
}

// get reads one item strongly; missing is NotFound.
func (s *Store) get(ctx context.Context, op, pk, sk string, out any) error {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return wrap(op, err)
	}
	if res.Item == nil {
		return errs.E(op, errs.NotFound, nil)
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	return nil
}

// slotDelta takes (+1) or frees (-1) a place in a slot.
func (s *Store) slotDelta(b booking.Booking, delta int) types.TransactWriteItem {
	u := &types.Update{TableName: aws.String(s.Table), Key: key(specPK(b.SpecialistID), slotSK(b.Start)),
		UpdateExpression: aws.String("SET booked = booked + :d"), ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(int64(delta))}}
	if delta > 0 {
		u.ConditionExpression = aws.String("attribute_exists(pk) AND booked < #cap")
		u.ExpressionAttributeNames = map[string]string{"#cap": "capacity"} // a reserved word
	} else {
		u.ConditionExpression = aws.String("booked > :zero")
		u.ExpressionAttributeValues[":zero"] = num(0)
	}
	return types.TransactWriteItem{Update: u}
}

// dayDelta counts a booking in (or out of) the specialist's day, within its limit.
func (s *Store) dayDelta(b booking.Booking, delta, maxPerDay int) types.TransactWriteItem {
	u := &types.Update{TableName: aws.String(s.Table), Key: key(specPK(b.SpecialistID), daySK(b.Day())),
		UpdateExpression:          aws.String("SET booked = if_not_exists(booked, :zero) + :d"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(int64(delta)), ":zero": num(0)}}
	if delta > 0 && maxPerDay > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(booked) OR booked < :max")
		u.ExpressionAttributeValues[":max"] = num(int64(maxPerDay))
	}
	return types.TransactWriteItem{Update: u}
}

func (s *Store) lockPut(b booking.Booking) types.TransactWriteItem {
	item, _ := attributevalue.MarshalMap(refItem{PK: userPK(b.Owner), SK: dayLockSK(b), Kind: "booking_day", Owner: b.Owner, BookingID: b.ID})
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}}
}

func (s *Store) lockDelete(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(userPK(b.Owner), dayLockSK(b))}}
}

func (s *Store) bookingPut(b booking.Booking, prevVersion int) (types.TransactWriteItem, error) {
	if prevVersion == 0 {
		return put(s.Table, fromBooking(b), "attribute_not_exists(pk)", nil)
	}
	return put(s.Table, fromBooking(b), "version = :v", map[string]types.AttributeValue{":v": num(int64(prevVersion))})
}

// placeSK is one of a person's MaxUpcoming places for upcoming bookings.
func placeSK(n int) string { return "BOOKPLACE#" + strconv.Itoa(n) }

// placePut takes place b.Place for b until its start; a place whose
// booking has started (holdUntil passed) is free for the taking.
func (s *Store) placePut(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table),
		Item: map[string]types.AttributeValue{
			Schema.PK: str(userPK(b.Owner)), Schema.SK: str(placeSK(b.Place)), "kind": str("booking_place"),
			"bookingId": str(b.ID), "holdUntil": num(b.Start.Unix()),
		},
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR holdUntil <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(b.CreatedAt.Unix())},
	}}
}

// placeMove holds b's place until its new start.
func (s *Store) placeMove(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(userPK(b.Owner), placeSK(b.Place)),
		UpdateExpression:    aws.String("SET holdUntil = :h, bookingId = :id, kind = :k"),
		ConditionExpression: aws.String("attribute_not_exists(pk) OR bookingId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": num(b.Start.Unix()), ":id": str(b.ID),
			":k": str("booking_place")},
	}}
}

// placeDelete frees b's place, if b still holds it.
func (s *Store) placeDelete(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(userPK(b.Owner), placeSK(b.Place)),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR bookingId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(b.ID)},
	}}
}

// GetSchedule implements booking.Store.
func (s *Store) GetSchedule(ctx context.Context, specialistID string) (booking.Schedule, bool, error) {
	var it scheduleItem
	err := s.get(ctx, "store.GetSchedule", specPK(specialistID), scheduleSK, &it)
	if errs.Is(err, errs.NotFound) {
		return booking.Schedule{}, false, nil
	}
	if err != nil {
		return booking.Schedule{}, false, err
	}
	var sc booking.Schedule
	if err := json.Unmarshal([]byte(it.Schedule), &sc); err != nil {
		return sc, false, errs.E("store.GetSchedule", errs.Internal, err)
	}
	sc.SpecialistID = specialistID
	return sc, true, nil
}

// DayCounts implements booking.Store: the DAY# counters sit beside the
// slots in the specialist's partition.
func (s *Store) DayCounts(ctx context.Context, specialistID string, from, to civil.Date) (map[civil.Date]int, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(specPK(specialistID)), ":from": str(daySK(from)), ":to": str(daySK(to)),
		}})
	if err != nil {
		return nil, wrap("store.DayCounts", err)
	}
	counts := map[civil.Date]int{}
	for _, item := range out.Items {
		var it struct {
			SK     string `dynamodbav:"sk"`
			Booked int    `dynamodbav:"booked"`
		}
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, errs.E("store.DayCounts", errs.Internal, err)
		}
		if d, err := civil.Parse(trimPrefix(it.SK, "DAY#")); err == nil {
			counts[d] = it.Booked
		}
	}
	return counts, nil
}

// Book implements booking.Store.
func (s *Store) Book(ctx context.Context, b booking.Booking, slot booking.Slot, idem *idempotency.Key) (booking.Booking, bool, error) {
	const op = "store.Book"
	bput, err := s.bookingPut(b, 0)
	if err != nil {
		return b, false, errs.E(op, errs.Internal, err)
	}
	conf, _ := put(s.Table, refItem{PK: confPK(b.ConfirmationNumber), SK: refSK, Kind: "confirmation", Owner: b.Owner, BookingID: b.ID}, "attribute_not_exists(pk)", nil)
	ref, _ := put(s.Table, refItem{PK: bookingRefPK(b.ID), SK: refSK, Kind: "booking_ref", Owner: b.Owner, BookingID: b.ID}, "attribute_not_exists(pk)", nil)
	items := []types.TransactWriteItem{s.slotDelta(b, 1), s.dayDelta(b, 1, slot.MaxPerDay), s.lockPut(b), conf, bput, ref, s.placePut(b)}
	if idem != nil {
		claim, err := s.claimPut(idemScopeBookings, b.Owner, idem, b.ID)
		if err != nil {
			return b, false, errs.E(op, errs.Internal, err)
		}
		items = append(items, claim)
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return b, false, nil
	}
	// A duplicate racing the first request may be cancelled with only the
	// slot's (or day's, or place's) condition reported, not the claim's
	// (seen on DynamoDB Local): booking.Service.Book replays any conflict
	// whose key turns out claimed.
	_, failed := conditionFailed(err)
	switch {
	case slices.Contains(failed, 7):
		b, ok, err := s.Replay(ctx, b.Owner, idem)
		if err == nil && !ok {
			err = errs.E(op, errs.Unavailable, nil) // claimed and gone: let the client retry
		}
		return b, true, err
	case slices.Contains(failed, 0):
		return b, false, errs.E(op, errs.Conflict, booking.ReasonSlotTaken)
	case slices.Contains(failed, 1):
		return b, false, errs.E(op, errs.Conflict, booking.ReasonDayFull)
	case slices.Contains(failed, 2):
		return b, false, errs.E(op, errs.Conflict, booking.ReasonOnePerDay)
	case slices.Contains(failed, 6):
		return b, false, errs.E(op, errs.Conflict, booking.ReasonPlaceTaken)
	case slices.Contains(failed, 3):
		return b, false, errs.E(op, errs.Conflict, booking.ReasonConfirmationTaken)
	}
	return b, false, wrap(op, err)
}

// Replay implements booking.Store.
func (s *Store) Replay(ctx context.Context, owner string, idem *idempotency.Key) (booking.Booking, bool, error) {
	id, ok, err := s.claimed(ctx, "store.Replay", idemScopeBookings, owner, idem)
	if err != nil || !ok {
		return booking.Booking{}, false, err
	}
	b, err := s.GetBooking(ctx, owner, id)
	return b, err == nil, err
}

// GetBooking implements booking.Store.
func (s *Store) GetBooking(ctx context.Context, owner, id string) (booking.Booking, error) {
	var it bookingItem
	if err := s.get(ctx, "store.GetBooking", userPK(owner), bookSK(id), &it); err != nil {
		return booking.Booking{}, err
	}
	b, err := it.booking()
	if err != nil {
		return b, errs.E("store.GetBooking", errs.Internal, err)
	}
	return b, nil
}

// FindBooking implements booking.Store.
func (s *Store) FindBooking(ctx context.Context, id string) (booking.Booking, error) {
	var ref refItem
	if err := s.get(ctx, "store.FindBooking", bookingRefPK(id), refSK, &ref); err != nil {
		return booking.Booking{}, err
	}
	return s.GetBooking(ctx, ref.Owner, id)
}

// ListBookings implements booking.Store.
func (s *Store) ListBookings(ctx context.Context, owner string) ([]booking.Booking, error) {
	var out []booking.Booking
	after := ""
	for {
		page, next, err := queryAs(ctx, s, "store.ListBookings", owner, bookPrefix, after, 100, true, bookingItem.booking)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// DayBookings implements booking.Store through gsi1.
func (s *Store) DayBookings(ctx context.Context, specialistID string, day civil.Date) ([]booking.Booking, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": str("SPECDAY#" + specialistID + "#" + day.String())}})
	if err != nil {
		return nil, wrap("store.DayBookings", err)
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

// Reschedule implements booking.Store.
func (s *Store) Reschedule(ctx context.Context, old, next booking.Booking, slot booking.Slot) error {
	const op = "store.Reschedule"
	bput, err := s.bookingPut(next, old.Version)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	items := []types.TransactWriteItem{s.slotDelta(next, 1), bput, s.slotDelta(old, -1), s.placeMove(next)}
	if old.Day() != next.Day() {
		items = append(items, s.dayDelta(next, 1, slot.MaxPerDay), s.lockPut(next), s.dayDelta(old, -1, 0), s.lockDelete(old))
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return s.txConflict(op, err, map[int]errs.Reason{0: booking.ReasonSlotTaken, 1: errs.ReasonChanged, 4: booking.ReasonDayFull, 5: booking.ReasonOnePerDay})
}

// Cancel implements booking.Store.
func (s *Store) Cancel(ctx context.Context, old, next booking.Booking) error {
	const op = "store.Cancel"
	bput, err := s.bookingPut(next, old.Version)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	items := []types.TransactWriteItem{bput, s.slotDelta(old, -1), s.dayDelta(old, -1, 0), s.lockDelete(old), s.placeDelete(old)}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return s.txConflict(op, err, map[int]errs.Reason{0: errs.ReasonChanged})
}

// UpdateBooking implements booking.Store.
func (s *Store) UpdateBooking(ctx context.Context, b booking.Booking, prev int) error {
	const op = "store.UpdateBooking"
	bput, err := s.bookingPut(b, prev)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: bput.Put.TableName, Item: bput.Put.Item,
		ConditionExpression: bput.Put.ConditionExpression, ExpressionAttributeValues: bput.Put.ExpressionAttributeValues})
	if single, _ := conditionFailed(err); single {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return wrap(op, err)
}

// txConflict maps the failed conditions of a transaction to Conflict reasons.
func (s *Store) txConflict(op string, err error, reasons map[int]errs.Reason) error {
	if err == nil {
		return nil
	}
	_, failed := conditionFailed(err)
	for _, i := range failed {
		if r, ok := reasons[i]; ok {
			return errs.E(op, errs.Conflict, r)
		}
	}
	if len(failed) > 0 {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return wrap(op, err)
}
