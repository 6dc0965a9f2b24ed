package sharestore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/sharing"
)

// Keys of document shares (store/keys.go has the whole layout):
//
//	USER#<sub>      SHARE#<shareId>                   a share of one document with an institution;
//	                                                  while running gsi1pk = SHAREINST#<instId>,
//	                                                  gsi1sk = <until RFC 3339>#<shareId>
//	SHARE#<shareId> REF                               the share's owner, for staff who name only the share
//	USER#<sub>      SHAREREAD#<docId>#<shareId>#<at>#<rand>  one staff read, shown to the owner
//	                                                  (under the document: its shares' reads are
//	                                                  listed, and erased, with it at once)
//
// Revoking removes gsi1pk, so a revoked share leaves the institution's
// index at once; an expired one falls below the key condition gsi1sk > now.
const (
	sharePrefix     = "SHARE#"
	shareReadPrefix = "SHAREREAD#"
	shareInstPrefix = "SHAREINST#"
	kindShare       = "share"
	kindShareRead   = "share_read"
)

var _ sharing.Store = (*Store)(nil)

type shareItem struct {
	PK          string     `dynamodbav:"pk"`
	SK          string     `dynamodbav:"sk"`
	Kind        string     `dynamodbav:"kind"`
	ID          string     `dynamodbav:"id"`
	DocID       string     `dynamodbav:"docId"`
	Institution string     `dynamodbav:"institutionId"`
	Specialist  string     `dynamodbav:"specialistId,omitempty"`
	Until       time.Time  `dynamodbav:"until"`
	CreatedAt   time.Time  `dynamodbav:"createdAt"`
	RevokedAt   *time.Time `dynamodbav:"revokedAt,omitempty"`
	GSI1PK      string     `dynamodbav:"gsi1pk,omitempty"`
	GSI1SK      string     `dynamodbav:"gsi1sk,omitempty"`
}

func (it shareItem) share() sharing.Share {
	return sharing.Share{ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), DocumentID: it.DocID, InstitutionID: it.Institution,
		SpecialistID: it.Specialist, Until: it.Until, CreatedAt: it.CreatedAt, RevokedAt: it.RevokedAt}
}

type shareRefItem struct {
	PK    string `dynamodbav:"pk"`
	SK    string `dynamodbav:"sk"`
	Kind  string `dynamodbav:"kind"`
	Owner string `dynamodbav:"owner"`
}

type shareReadItem struct {
	PK          string    `dynamodbav:"pk"`
	SK          string    `dynamodbav:"sk"`
	Kind        string    `dynamodbav:"kind"`
	ShareID     string    `dynamodbav:"shareId"`
	DocID       string    `dynamodbav:"docId"`
	Staff       string    `dynamodbav:"staff"`
	Institution string    `dynamodbav:"institutionId"`
	At          time.Time `dynamodbav:"at"`
}

// PutShare implements sharing.Store: the share and its reference in one write.
func (s *Store) PutShare(ctx context.Context, sh sharing.Share, idem *idempotency.Key) (sharing.Share, bool, error) {
	const op = "store.PutShare"
	it := shareItem{PK: store.UserPK(sh.Owner), SK: sharePrefix + sh.ID, Kind: kindShare, ID: sh.ID, DocID: sh.DocumentID,
		Institution: sh.InstitutionID, Specialist: sh.SpecialistID, Until: sh.Until, CreatedAt: sh.CreatedAt,
		GSI1PK: shareInstPrefix + sh.InstitutionID, GSI1SK: sh.Until.UTC().Format(time.RFC3339) + "#" + sh.ID}
	t := s.Tx()
	scope := idemScopeShares + ":" + sh.DocumentID
	if idem != nil {
		s.ClaimIdem(t, scope, sh.Owner, idem, sh.ID)
	}
	t.First(store.FailClaimed)
	t.Put(it, "attribute_not_exists(pk)", nil, store.FailConflict)
	t.Put(shareRefItem{PK: sharePrefix + sh.ID, SK: shareRefSK, Kind: kindShare, Owner: sh.Owner}, "attribute_not_exists(pk)", nil, store.FailConflict)
	err := t.Run(ctx, s.DB, op)
	if idem == nil || !errors.Is(err, store.ErrClaimed) {
		return sh, false, err
	}
	id, ok, err := s.Claimed(ctx, op, scope, sh.Owner, idem)
	if err != nil {
		return sh, false, err
	}
	if !ok {
		return sh, false, errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	stored, err := s.GetShare(ctx, sh.Owner, id)
	return stored, err == nil, err
}

// GetShare implements sharing.Store.
func (s *Store) GetShare(ctx context.Context, owner, id string) (sharing.Share, error) {
	var it shareItem
	if err := s.Get(ctx, "store.GetShare", store.UserPK(owner), sharePrefix+id, &it); err != nil {
		return sharing.Share{}, err
	}
	return it.share(), nil
}

// ListShares implements sharing.Store.
func (s *Store) ListShares(ctx context.Context, owner, docID string) ([]sharing.Share, error) {
	const op = "store.ListShares"
	items, err := s.queryPrefix(ctx, store.UserPK(owner), sharePrefix)
	if err != nil {
		return nil, store.Wrap(op, err)
	}
	var its []shareItem
	if err := attributevalue.UnmarshalListOfMaps(items, &its); err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	var out []sharing.Share
	for i := len(its) - 1; i >= 0; i-- { // ids are time-ordered: newest first
		if its[i].DocID == docID {
			out = append(out, its[i].share())
		}
	}
	return out, nil
}

func (s *Store) queryPrefix(ctx context.Context, pk, prefix string) ([]map[string]types.AttributeValue, error) {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(pk), ":prefix": store.Str(prefix),
		},
		ConsistentRead: aws.Bool(true),
	})
	var all []map[string]types.AttributeValue
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
	}
	return all, nil
}

// RevokeShare implements sharing.Store: the share leaves the institution's
// index in the same write.
func (s *Store) RevokeShare(ctx context.Context, owner, id string, at time.Time) error {
	const op = "store.RevokeShare"
	av, err := attributevalue.Marshal(at)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	// The request's audit entry goes with the change (write).
	err = s.Write(ctx, types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), sharePrefix+id),
		UpdateExpression:          aws.String("SET revokedAt = :at REMOVE gsi1pk, gsi1sk"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": av},
	}})
	if store.ConditionFailed(err) {
		return errs.E(op, errs.NotFound, nil)
	}
	return store.Wrap(op, err)
}

// InstitutionShares implements sharing.Store: a Query of gsi1 for shares
// whose until is after now, as the index has them (it projects the whole
// share). The index is eventually consistent: a share revoked a moment ago
// may still be there, which AddRead's condition, on the share itself, sees.
func (s *Store) InstitutionShares(ctx context.Context, institution string, now time.Time) ([]sharing.Share, error) {
	const op = "store.InstitutionShares"
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), IndexName: aws.String(store.GSI1),
		KeyConditionExpression: aws.String("gsi1pk = :pk AND gsi1sk > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(shareInstPrefix + institution), ":now": store.Str(now.UTC().Format(time.RFC3339)),
		},
	})
	var out []sharing.Share
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		var its []shareItem
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &its); err != nil {
			return nil, errs.E(op, errs.Internal, err)
		}
		for _, it := range its {
			if it.Kind == kindShare && it.Institution == institution {
				out = append(out, it.share())
			}
		}
	}
	return out, nil
}

// FindShare implements sharing.Store: from owner's partition, else through
// the share's reference.
func (s *Store) FindShare(ctx context.Context, institution, owner, id string) (sharing.Share, error) {
	const op = "store.FindShare"
	if owner == "" {
		var ref shareRefItem
		if err := s.Get(ctx, op, sharePrefix+id, shareRefSK, &ref); err != nil {
			return sharing.Share{}, err
		}
		owner = ref.Owner
	}
	sh, err := s.GetShare(ctx, owner, id)
	if err != nil {
		return sharing.Share{}, err
	}
	if sh.InstitutionID != institution {
		return sharing.Share{}, errs.E(op, errs.NotFound, nil)
	}
	return sh, nil
}

// failShareEnded: the share a read is recorded for no longer runs for its
// reader (AddRead).
var failShareEnded = errs.E("", errs.NotFound, sharing.ReasonShareEnded)

// AddRead implements sharing.Store: the read, with a check of the share in
// the same transaction — still in its institution's index (revoking takes
// it out), its until's second after r.At's (so a share ends up to a second
// early, never late), of r's document, and for all staff or r.Staff.
func (s *Store) AddRead(ctx context.Context, owner string, r sharing.Read) error {
	const op = "store.AddRead"
	var b [4]byte
	_, _ = rand.Read(b[:])
	t := s.Tx()
	t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), sharePrefix+r.ShareID),
		ConditionExpression: aws.String("gsi1pk = :inst AND gsi1sk > :at AND docId = :doc AND (attribute_not_exists(specialistId) OR specialistId = :staff)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":inst": store.Str(shareInstPrefix + r.InstitutionID), ":doc": store.Str(r.DocumentID), ":staff": store.Str(r.Staff),
			":at": store.Str(r.At.UTC().Add(time.Second - 1).Truncate(time.Second).Format(time.RFC3339)),
		},
	}}, failShareEnded)
	t.Put(shareReadItem{PK: store.UserPK(owner), SK: readPrefix(r.DocumentID) + r.ShareID + "#" + r.At.UTC().Format(time.RFC3339Nano) + "#" + hex.EncodeToString(b[:]),
		Kind: kindShareRead, ShareID: r.ShareID, DocID: r.DocumentID, Staff: r.Staff, Institution: r.InstitutionID, At: r.At}, "", nil, nil)
	return t.Run(ctx, s.DB, op)
}

func readPrefix(docID string) string { return shareReadPrefix + docID + "#" }

// DocumentReads implements sharing.Store: by share, newest first.
func (s *Store) DocumentReads(ctx context.Context, owner, docID string) ([]sharing.Read, error) {
	const op = "store.DocumentReads"
	items, err := s.queryPrefix(ctx, store.UserPK(owner), readPrefix(docID))
	if err != nil {
		return nil, store.Wrap(op, err)
	}
	var its []shareReadItem
	if err := attributevalue.UnmarshalListOfMaps(items, &its); err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	reads := make([]sharing.Read, len(its))
	for i, it := range slices.Backward(its) { // newest first
		reads[len(its)-1-i] = sharing.Read{ShareID: it.ShareID, DocumentID: it.DocID, Staff: it.Staff, InstitutionID: it.Institution, At: it.At}
	}
	return reads, nil
}

// DocumentRecords is a store.Hanging: the shares of owner's document
// docID, their references and their reads, for its erasure
// (docstore.New).
func (s *Store) DocumentRecords(ctx context.Context, owner, docID string) (store.Hung, error) {
	keys, err := s.documentKeys(ctx, owner, docID)
	return store.Hung{Items: s.Deletes(keys)}, err
}

// DeleteShares erases the shares of owner's document docID with their
// references and reads, in parallel batches: a document handed over to
// another person keeps none (handoverstore). Errors: Unavailable, Internal.
func (s *Store) DeleteShares(ctx context.Context, owner, docID string) error {
	keys, err := s.documentKeys(ctx, owner, docID)
	if err != nil {
		return err
	}
	return store.Wrap("store.DeleteShares", s.BatchDelete(ctx, keys))
}

// documentKeys are the keys of the shares of owner's document docID,
// their references and their reads. A share is found by its document
// among the owner's shares, its reads under the document: both at once.
func (s *Store) documentKeys(ctx context.Context, owner, docID string) ([]map[string]types.AttributeValue, error) {
	var (
		shares []sharing.Share
		reads  []map[string]types.AttributeValue
	)
	err := parallel.Do(
		func() (err error) { shares, err = s.ListShares(ctx, owner, docID); return err },
		func() (err error) { reads, err = s.PrefixKeys(ctx, owner, readPrefix(docID)); return err },
	)
	if err != nil {
		return nil, err
	}
	keys := reads
	for _, sh := range shares {
		keys = append(keys, store.Key(sharePrefix+sh.ID, shareRefSK), store.Key(store.UserPK(owner), sharePrefix+sh.ID))
	}
	return keys, nil
}

// Pointers are the keys of the items outside its owner's partition that
// point at a share item (its owner, for the institution's staff), for the
// erasure that removes the share; none for any other item.
func Pointers(item map[string]types.AttributeValue) []map[string]types.AttributeValue {
	if store.AttrS(item, "kind") != kindShare || !strings.HasPrefix(store.AttrS(item, "pk"), store.UserPrefix) {
		return nil
	}
	return []map[string]types.AttributeValue{store.Key(store.AttrS(item, "sk"), shareRefSK)}
}
