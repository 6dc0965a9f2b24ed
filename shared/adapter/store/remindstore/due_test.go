package remindstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// dueIn finds which class and shard of the due index holds owner's item at
// now, with the item's position.
func dueIn(t *testing.T, st *allstore.Store, now time.Time, owner string) (reminders.Class, int, reminders.Due, bool) {
	t.Helper()
	for _, c := range reminders.Classes {
		for n := range store.DueShards[c] {
			due, _, _, err := st.DueItems(context.Background(), c, n, now, 100, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range due {
				if d.Ref().Owner == owner {
					return c, n, d, true
				}
			}
		}
	}
	return "", 0, reminders.Due{}, false
}

// TestDueItemsByClassAndPosition: a document is due in a document shard,
// and an item's Pos continues after it.
func TestDueItemsByClassAndPosition(t *testing.T) {
	ctx := context.Background()
	cl, name := testenv.Table(t, "due")
	st := allstore.New(cl.DynamoDB, name)
	at := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	exp := civil.Date{Year: 2026, Month: 12, Day: 31}
	var docs []registry.Document
	for i := range 40 { // more than one in some shards
		d := registry.Document{ID: ids.New(), Owner: "same", Type: registry.Custom, Title: "x", ExpiresOn: &exp,
			ExpiresOnSource: registry.SourceUser, Source: registry.SourceUser, CreatedAt: at, UpdatedAt: at, Version: 1}
		next := at.Add(time.Duration(i) * time.Minute)
		d.Reminder = registry.Reminder{Next: &registry.Step{Kind: registry.StepBefore, N: 30, Date: exp.AddDays(-30)}, NextAt: &next}
		docs = append(docs, d)
	}
	if err := st.PutDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	now := at.Add(time.Hour)
	class, _, _, ok := dueIn(t, st, now, "same")
	if !ok || class != reminders.ClassDocument {
		t.Fatalf("the documents are due in class %q (found %v), want document", class, ok)
	}
	// Each shard's items continue after any one of them by its Pos.
	for n := range store.DocumentShards {
		due, _, _, err := st.DueItems(ctx, reminders.ClassDocument, n, now, 100, "")
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range due {
			rest, _, _, err := st.DueItems(ctx, reminders.ClassDocument, n, now, 100, d.Pos)
			if err != nil {
				t.Fatal(err)
			}
			if len(rest) != len(due)-i-1 {
				t.Errorf("shard %d after item %d: %d items, want %d", n, i, len(rest), len(due)-i-1)
			}
		}
	}
	if _, _, _, err := st.DueItems(ctx, reminders.ClassUrgent, store.UrgentShards, now, 1, ""); !errs.Is(err, errs.Invalid) {
		t.Errorf("a shard past the last: %v, want Invalid", err)
	}
}

// TestMoveLegacyDue: an item written when the due index had no classes
// ("DUE#<n>") is moved into its class's partitions, once.
func TestMoveLegacyDue(t *testing.T) {
	ctx := context.Background()
	cl, name := testenv.Table(t, "legacy")
	st := allstore.New(cl.DynamoDB, name)
	at := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	exp := civil.Date{Year: 2026, Month: 12, Day: 31}
	d := registry.Document{ID: ids.New(), Owner: "old", Type: registry.Custom, Title: "x", ExpiresOn: &exp,
		ExpiresOnSource: registry.SourceUser, Source: registry.SourceUser, CreatedAt: at, UpdatedAt: at, Version: 1}
	d.Reminder = registry.Reminder{Next: &registry.Step{Kind: registry.StepBefore, N: 30, Date: exp.AddDays(-30)}, NextAt: &at}
	if err := st.PutDocuments(ctx, []registry.Document{d}); err != nil {
		t.Fatal(err)
	}
	// as the code before classes wrote it
	if _, err := cl.DynamoDB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(name),
		Key:                       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "USER#old"}, "sk": &types.AttributeValueMemberS{Value: "DOC#" + d.ID}},
		UpdateExpression:          aws.String("SET duePk = :old"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":old": &types.AttributeValueMemberS{Value: "DUE#5"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok := dueIn(t, st, at, "old"); ok {
		t.Fatal("a legacy item is found in the classes' partitions")
	}
	for _, want := range []int{1, 0} {
		n, err := st.MoveLegacyDue(ctx)
		if err != nil || n != want {
			t.Errorf("MoveLegacyDue = %d, %v; want %d", n, err, want)
		}
	}
	class, _, due, ok := dueIn(t, st, at, "old")
	if !ok || class != reminders.ClassDocument || due.Document == nil || due.Document.ID != d.ID {
		t.Errorf("after the move: class %q, %+v, found %v", class, due, ok)
	}
}
