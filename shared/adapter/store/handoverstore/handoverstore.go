// Package handoverstore is the DynamoDB side of a grown-up child's
// hand-over (family.HandoverStore): the dependent's hand-over state, the
// one-time code's item, and the move of the child's documents from the
// holder's partition to their own account's, or their archiving.
//
//	pk                 sk     item
//	HANDOVER#<hash>    CODE   a hand-over code: holder, dependent, until (TTL expiresAt); hash = family.HashCode
//
// A document moves in bounded steps, each of which a later run repeats
// harmlessly: its id is first added to the dependent's movingDocs set; its
// history and its files' records are copied to the new owner; one
// transaction puts the document there (no longer naming a subject),
// deletes it from the holder and counts it moved; then the holder's copies
// of its history, file records and reminder decisions are deleted and the id
// leaves the set. A run that stopped anywhere is finished by the next,
// which starts with the set.
package handoverstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/filestore"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"github.com/kabinet/kabinet/shared/adapter/store/sharestore"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/numbers"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

const (
	codePrefix = "HANDOVER#"
	codeSK     = "CODE"
	kindCode   = "handover_code"
	// codeKeep is how long a code's item outlives its validity before TTL
	// removes it.
	codeKeep = 24 * time.Hour
	pageSize = 100
)

// Store is the DynamoDB implementation of family.HandoverStore.
type Store struct {
	*store.Store
	// NewID names the history entries the move and the archiving write.
	NewID func() string
	// Objects is the files bucket: a moved document's objects move with it
	// to the new owner's prefix (and its bytes to their quota); nil leaves
	// them where the records point.
	Objects files.Objects
}

var _ family.HandoverStore = (*Store)(nil)

// New is the hand-over's store on base's table.
func New(base *store.Store, newID func() string) *Store { return &Store{Store: base, NewID: newID} }

type codeItem struct {
	PK          string    `dynamodbav:"pk"`
	SK          string    `dynamodbav:"sk"`
	Kind        string    `dynamodbav:"kind"`
	Holder      string    `dynamodbav:"holder"`
	DependentID string    `dynamodbav:"dependentId"`
	Until       time.Time `dynamodbav:"until"`
	ExpiresAt   int64     `dynamodbav:"expiresAt"`
}

// SetHandover implements family.HandoverStore.
func (s *Store) SetHandover(ctx context.Context, d family.Dependent, prevVersion int, code *family.HandoverCode, notice *inbox.Notification) error {
	const op = "store.SetHandover"
	t := s.Tx()
	// the set of documents whose move started is the store's own: kept as it is
	t.Add(types.TransactWriteItem{Update: s.dependentUpdate(d, prevVersion)}, store.FailVersionMismatch)
	if code != nil {
		t.Put(codeItem{PK: codePrefix + code.Hash, SK: codeSK, Kind: kindCode, Holder: code.Holder, DependentID: code.DependentID,
			Until: code.Until.UTC(), ExpiresAt: code.Until.Add(codeKeep).Unix()}, "attribute_not_exists(pk)", nil, nil)
	}
	if notice != nil {
		t.Put(inboxstore.Outbox(*notice), "attribute_not_exists(pk)", nil, nil) // a fresh id
	}
	return t.Run(ctx, s.DB, op)
}

// dependentUpdate writes every attribute of d's item but movingDocs, if the
// version is still prevVersion.
func (s *Store) dependentUpdate(d family.Dependent, prevVersion int) *types.Update {
	av, _ := attributevalue.MarshalMap(familystore.Item(d))
	names := map[string]string{}
	values := map[string]types.AttributeValue{":prev": store.Num(int64(prevVersion))}
	set, remove := "", ""
	i := 0
	for _, attr := range []string{"kind", "id", "name", "birthDate", "relation", "snils", "until", "createdAt", "updatedAt", "version",
		"handoverState", "handoverDeadline", "codeHash", "codeUntil", "redeemedBy", "redeemedAt", "moved", "duePk", "nextRemindAt"} {
		ph := "#a" + strconv.Itoa(i)
		names[ph] = attr
		if v, ok := av[attr]; ok {
			values[":v"+strconv.Itoa(i)] = v
			set += sep(set) + ph + " = :v" + strconv.Itoa(i)
		} else {
			remove += sep(remove) + ph
		}
		i++
	}
	names["#ver"] = "version"
	expr := "SET " + set
	if remove != "" {
		expr += " REMOVE " + remove
	}
	return &types.Update{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(d.Holder), familystore.SK(d.ID)),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String("#ver = :prev"),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values}
}

// GetHandoverCode implements family.HandoverStore.
func (s *Store) GetHandoverCode(ctx context.Context, hash string) (family.HandoverCode, error) {
	var it codeItem
	if err := s.Get(ctx, "store.GetHandoverCode", codePrefix+hash, codeSK, &it); err != nil {
		return family.HandoverCode{}, err
	}
	return family.HandoverCode{Hash: hash, Holder: it.Holder, DependentID: it.DependentID, Until: it.Until}, nil
}

type movingItem struct {
	Moving []string `dynamodbav:"movingDocs,stringset,omitempty"`
	Moved  int      `dynamodbav:"moved"`
}

// MoveSubjectDocuments implements family.HandoverStore.
func (s *Store) MoveSubjectDocuments(ctx context.Context, holder, id, to string, at time.Time) (int, error) {
	const op = "store.MoveSubjectDocuments"
	var dep movingItem
	if err := s.Get(ctx, op, store.UserPK(holder), familystore.SK(id), &dep); err != nil {
		return 0, err
	}
	for _, docID := range dep.Moving { // a run that stopped half-way
		if err := s.moveOne(ctx, op, holder, id, to, docID, at); err != nil {
			return 0, err
		}
	}
	for {
		docs, err := s.subjectDocuments(ctx, op, holder, id)
		if err != nil {
			return 0, err
		}
		for _, d := range docs {
			if err := s.startMove(ctx, op, holder, id, d.ID); err != nil {
				return 0, err
			}
			if err := s.moveOne(ctx, op, holder, id, to, d.ID, at); err != nil {
				return 0, err
			}
		}
		if len(docs) < pageSize {
			break
		}
	}
	if err := s.Get(ctx, op, store.UserPK(holder), familystore.SK(id), &dep); err != nil {
		return 0, err
	}
	return dep.Moved, nil
}

// subjectDocuments is up to pageSize of holder's documents naming subject id.
func (s *Store) subjectDocuments(ctx context.Context, op, holder, id string) ([]registry.Document, error) {
	return s.subjectQuery(ctx, op, holder, id, "subject = :s", nil)
}

func (s *Store) subjectQuery(ctx context.Context, op, holder, id, filter string, names map[string]string) ([]registry.Document, error) {
	var out []registry.Document
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:                aws.String(s.Table),
		KeyConditionExpression:   aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		FilterExpression:         aws.String(filter),
		ExpressionAttributeNames: names,
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(store.UserPK(holder)), ":prefix": store.Str(docstore.DocSK("")), ":s": store.Str(id),
		},
		ConsistentRead: aws.Bool(true),
	})
	for p.HasMorePages() && len(out) < pageSize {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		for _, av := range page.Items {
			d, err := docstore.Document(av)
			if err != nil {
				return nil, errs.E(op, errs.Internal, err)
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// startMove records that docID's move started.
func (s *Store) startMove(ctx context.Context, op, holder, id, docID string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(holder), familystore.SK(id)),
		UpdateExpression:          aws.String("ADD movingDocs :d"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberSS{Value: []string{docID}}},
	})
	if store.ConditionFailed(err) {
		return errs.E(op, errs.NotFound, nil)
	}
	return store.Wrap(op, err)
}

// ownedPrefixes are the sort key prefixes of what belongs to document
// docID besides its item: its history and its files' records. Its
// reminder decisions are not moved (the new owner's reminders start anew).
func ownedPrefixes(docID string) []string {
	return append([]string{docstore.HistoryPrefix(docID)}, filestore.DocumentPrefixes(docID)...)
}

// moveOne moves one document whose move started (or finishes what a
// stopped run left of it).
func (s *Store) moveOne(ctx context.Context, op, holder, id, to, docID string, at time.Time) error {
	// Its shares end first: the holder shared it, the grown-up has not, and
	// no institution reads it at their account (a share's record names the
	// holder's document, which is gone once moved). Run again, nothing is left.
	if err := sharestore.New(s.Store).DeleteShares(ctx, holder, docID); err != nil {
		return err
	}
	d, err := docstore.New(s.Store).GetDocument(ctx, holder, docID)
	switch {
	case errs.Is(err, errs.NotFound): // moved already: only the holder's copies may be left
	case err != nil:
		return err
	default:
		// The records are copied first, naming the objects at the new
		// owner's prefix, then the objects: no object without a record at
		// any point, and the copies are invisible until the document moves.
		var bytes int64
		for _, prefix := range ownedPrefixes(docID) {
			n, err := s.copyPrefix(ctx, op, holder, to, prefix)
			if err != nil {
				return err
			}
			bytes += n
		}
		if err := s.copyObjects(ctx, op, holder, to, docID); err != nil {
			return err
		}
		moved := d
		moved.Owner, moved.Subject, moved.SubjectName = to, "", ""
		moved.Version, moved.UpdatedAt = d.Version+1, at
		// the reminder state moves as it is: the due index's key is the new
		// owner's (FromDocument), and their pipeline reads it in their zone
		ev := registry.Event{ID: s.NewID(), DocID: docID, Owner: to, Action: registry.ActionHandedOver, Actor: registry.ActorSystem, At: at}
		t := s.Tx()
		t.Put(docstore.FromDocument(moved), "attribute_not_exists(pk)", nil, store.FailConflict)
		t.Put(docstore.FromEvent(ev), "", nil, nil)
		t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(holder), docstore.DocSK(docID)),
			ConditionExpression: aws.String("attribute_exists(pk)")}}, store.FailChanged)
		t.Add(types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(holder), familystore.SK(id)),
			UpdateExpression:          aws.String("ADD moved :one"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": store.Num(1)}}}, nil)
		if s.Objects != nil && bytes != 0 {
			// the files' bytes count against the new owner's quota now, once:
			// with the move itself
			for _, q := range []struct {
				owner string
				delta int64
			}{{to, bytes}, {holder, -bytes}} {
				t.Add(filestore.QuotaDelta(s.Table, q.owner, q.delta), nil)
			}
		}
		if err := t.Run(ctx, s.DB, op); err != nil {
			if errs.Is(err, errs.Conflict) {
				return errs.E(op, errs.Unavailable, err) // changed meanwhile: the next run repeats it
			}
			return err
		}
	}
	for _, prefix := range append(ownedPrefixes(docID), store.RemindPrefix+docID+"#") {
		if err := s.DeletePrefix(ctx, holder, prefix); err != nil {
			return store.Wrap(op, err)
		}
	}
	if err := s.deleteOldObjects(ctx, op, holder, to, docID); err != nil {
		return err
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(holder), familystore.SK(id)),
		UpdateExpression:          aws.String("DELETE movingDocs :d"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberSS{Value: []string{docID}}},
	})
	return store.Wrap(op, err)
}

// copyPrefix puts a copy of every item of from's whose sort key starts
// with prefix into to's partition, as it is (a repeat overwrites the same
// copy).
// objectPrefix is where owner's objects are in the bucket (files.Service's keys).
func objectPrefix(owner string) string { return "files/" + owner + "/" }

// copyObjects copies the objects of docID's file records, copied to to's
// partition already (copyPrefix), from from's prefix to the keys they name
// now. Copying again is harmless; a record whose object never arrived (an
// upload not finished) has nothing to copy.
func (s *Store) copyObjects(ctx context.Context, op, from, to, docID string) error {
	if s.Objects == nil {
		return nil
	}
	return s.eachMovedObject(ctx, op, from, to, docID, func(old, moved string) error {
		if err := s.Objects.Copy(ctx, old, moved); err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		return nil
	})
}

// deleteOldObjects deletes the objects docID's files had at from's prefix,
// once the document is to's: after the move's transaction, and again by a
// run finishing a move that stopped. Deleting what is gone is harmless.
func (s *Store) deleteOldObjects(ctx context.Context, op, from, to, docID string) error {
	if s.Objects == nil {
		return nil
	}
	return s.eachMovedObject(ctx, op, from, to, docID, func(old, _ string) error { return s.Objects.Delete(ctx, old) })
}

// eachMovedObject calls f with the old and the new key of each of docID's
// file records at to whose object moved from from's prefix.
func (s *Store) eachMovedObject(ctx context.Context, op, from, to, docID string, f func(old, moved string) error) error {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": store.Str(store.UserPK(to)), ":prefix": store.Str(filestore.DocumentPrefixes(docID)[0])},
		ProjectionExpression:      aws.String("objectKey"),
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return store.Wrap(op, err)
		}
		for _, it := range page.Items {
			moved := store.AttrS(it, "objectKey")
			if rest, ok := strings.CutPrefix(moved, objectPrefix(to)); ok {
				if err := f(objectPrefix(from)+rest, moved); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// copyPrefix copies from's items under prefix to to's partition, a file
// record naming its object at to's prefix when the objects move (Objects),
// and returns the bytes of the file records copied.
func (s *Store) copyPrefix(ctx context.Context, op, from, to, prefix string) (int64, error) {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(store.UserPK(from)), ":prefix": store.Str(prefix),
		},
		ConsistentRead: aws.Bool(true),
		Limit:          aws.Int32(25),
	})
	var bytes int64
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, store.Wrap(op, err)
		}
		if len(page.Items) == 0 {
			continue
		}
		reqs := make([]types.WriteRequest, len(page.Items))
		for i, item := range page.Items {
			item["pk"] = store.Str(store.UserPK(to))
			if key, ok := strings.CutPrefix(store.AttrS(item, "objectKey"), objectPrefix(from)); ok && s.Objects != nil {
				item["objectKey"] = store.Str(objectPrefix(to) + key)
				if n, ok := item["size"].(*types.AttributeValueMemberN); ok {
					size, _ := strconv.ParseInt(n.Value, 10, 64)
					bytes += size
				}
			}
			reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: item}}
		}
		if err := s.BatchWrite(ctx, reqs); err != nil {
			return 0, store.Wrap(op, err)
		}
	}
	return bytes, nil
}

// ArchiveSubjectDocuments implements family.HandoverStore: each
// unarchived document naming subject id gets archivedAt and an
// "archived" history entry by the system in one transaction.
func (s *Store) ArchiveSubjectDocuments(ctx context.Context, holder, id string, at time.Time) (int, error) {
	const op = "store.ArchiveSubjectDocuments"
	n := 0
	for {
		docs, err := s.subjectQuery(ctx, op, holder, id, "subject = :s AND attribute_not_exists(archivedAt)", nil)
		if err != nil {
			return n, err
		}
		for _, d := range docs {
			prev := d.Version
			archived := at.UTC()
			d.ArchivedAt, d.Version, d.UpdatedAt = &archived, prev+1, archived
			d.Reminder = registry.Reminder{} // an archived document reminds of nothing
			ev := registry.Event{ID: s.NewID(), DocID: d.ID, Owner: holder, Action: registry.ActionArchived, Actor: registry.ActorSystem, At: archived}
			t := s.Tx()
			t.Put(docstore.FromDocument(d), "version = :v", map[string]types.AttributeValue{":v": store.Num(int64(prev))}, store.FailChanged)
			t.Put(docstore.FromEvent(ev), "", nil, nil)
			if err := t.Run(ctx, s.DB, op); err != nil {
				if errs.Is(err, errs.Conflict) {
					return n, errs.E(op, errs.Unavailable, err) // changed meanwhile: the next run sees it
				}
				return n, err
			}
			n++
		}
		if len(docs) < pageSize {
			return n, nil
		}
	}
}

// IdentityOf implements family.HandoverStore: the profile's birth date and
// the numbers of sub's own SNILS documents, read at once.
func (s *Store) IdentityOf(ctx context.Context, sub string) (family.Identity, error) {
	const op = "store.IdentityOf"
	var (
		p    registry.Profile
		docs []registry.Document
	)
	if err := parallel.Do(
		func() (err error) { p, err = s.GetProfile(ctx, sub); return err },
		func() (err error) {
			docs, err = s.subjectQuery(ctx, op, sub, string(registry.SNILS), "#type = :s AND attribute_not_exists(subject)", map[string]string{"#type": "type"})
			return err
		},
	); err != nil {
		return family.Identity{}, err
	}
	id := family.Identity{BirthDate: p.BirthDate}
	for _, d := range docs {
		if n, ok := numbers.SNILS(d.Number); ok {
			id.SNILS = append(id.SNILS, n)
		}
	}
	return id, nil
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return ", "
}

// Pointers are the keys of the items outside its holder's partition that
// point at a dependent item (the hand-over code it was offered with), for
// the erasure that removes the dependent; none for any other item.
func Pointers(item map[string]types.AttributeValue) []map[string]types.AttributeValue {
	if store.AttrS(item, "kind") != familystore.KindDependent || store.AttrS(item, "codeHash") == "" {
		return nil
	}
	return []map[string]types.AttributeValue{store.Key(codePrefix+store.AttrS(item, "codeHash"), codeSK)}
}
