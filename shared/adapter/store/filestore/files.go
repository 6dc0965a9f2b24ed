package filestore

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// Keys of the files of a person (store/keys.go has the whole layout):
//
//	USER#<sub>  FILE#<docId>#<fileId>  a file record (an electronic copy of a document)
//	USER#<sub>  FILECOUNT#<docId>      how many files the document holds (n), for the per-document limit
//	USER#<sub>  QUOTA#FILES            bytes the person's files take (bytes), for the quota
const (
	filePrefix  = "FILE#"
	fileCountSK = "FILECOUNT#"
	fileQuotaSK = "QUOTA#FILES"
	kindFile    = "file"
	kindCounter = "counter"
)

func fileDocPrefix(docID string) string { return filePrefix + docID + "#" }

// DocumentPrefixes are the sort key prefixes of what files keep of document
// docID in its owner's partition: its file records and their count
// (handoverstore moves them with the document, and the objects to the new
// owner's prefix).
func DocumentPrefixes(docID string) []string {
	return []string{fileDocPrefix(docID), fileCountSK + docID}
}
func fileSK(docID, id string) string { return fileDocPrefix(docID) + id }

var _ files.Store = (*Store)(nil)

type fileItem struct {
	PK          string              `dynamodbav:"pk"`
	SK          string              `dynamodbav:"sk"`
	Kind        string              `dynamodbav:"kind"`
	ID          string              `dynamodbav:"id"`
	DocID       string              `dynamodbav:"docId"`
	Name        string              `dynamodbav:"name"`
	ContentType string              `dynamodbav:"contentType"`
	Size        int64               `dynamodbav:"size"`
	SHA256      string              `dynamodbav:"sha256"`
	Status      string              `dynamodbav:"status"`
	Key         string              `dynamodbav:"objectKey"`
	CreatedAt   time.Time           `dynamodbav:"createdAt"`
	UploadBy    time.Time           `dynamodbav:"uploadBy"`
	CompletedAt *time.Time          `dynamodbav:"completedAt,omitempty"`
	ScannedAt   *time.Time          `dynamodbav:"scannedAt,omitempty"`
	ScanVerdict string              `dynamodbav:"scanVerdict,omitempty"`
	Signatures  []signatureCheckRec `dynamodbav:"signatures,omitempty"`
	Version     int                 `dynamodbav:"version"`
}

type signatureCheckRec struct {
	Result     string        `dynamodbav:"result"`
	Reason     string        `dynamodbav:"reason,omitempty"`
	Signer     *files.Signer `dynamodbav:"signer,omitempty"`
	SignedAt   *time.Time    `dynamodbav:"signedAt,omitempty"`
	VerifiedAt time.Time     `dynamodbav:"verifiedAt"`
}

func fromFile(f files.File) fileItem {
	it := fileItem{
		PK: store.UserPK(f.Owner), SK: fileSK(f.DocumentID, f.ID), Kind: kindFile, ID: f.ID, DocID: f.DocumentID,
		Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256, Status: string(f.Status),
		Key: f.Key, CreatedAt: f.CreatedAt, UploadBy: f.UploadBy, CompletedAt: f.CompletedAt, ScannedAt: f.ScannedAt,
		ScanVerdict: string(f.ScanVerdict), Version: f.Version,
	}
	for _, v := range f.Signatures {
		it.Signatures = append(it.Signatures, signatureCheckRec{Result: string(v.Result), Reason: v.Reason, Signer: v.Signer, SignedAt: v.SignedAt, VerifiedAt: v.VerifiedAt})
	}
	return it
}

func (it fileItem) file() files.File {
	f := files.File{
		ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), DocumentID: it.DocID, Name: it.Name,
		ContentType: it.ContentType, Size: it.Size, SHA256: it.SHA256, Status: files.Status(it.Status),
		Key: it.Key, CreatedAt: it.CreatedAt, UploadBy: it.UploadBy, CompletedAt: it.CompletedAt, ScannedAt: it.ScannedAt,
		ScanVerdict: files.Verdict(it.ScanVerdict), Version: it.Version,
	}
	for _, v := range it.Signatures {
		f.Signatures = append(f.Signatures, files.Verification{Result: files.Result(v.Result), Reason: v.Reason, Signer: v.Signer, SignedAt: v.SignedAt, VerifiedAt: v.VerifiedAt})
	}
	return f
}

// CreateFile implements files.Store: the record, the document's file count
// and the person's bytes in one transaction, each condition carrying the
// error it stands for.
func (s *Store) CreateFile(ctx context.Context, f files.File, idem *idempotency.Key) (files.File, bool, error) {
	const op = "store.CreateFile"
	pk := store.UserPK(f.Owner)
	t := s.Tx()
	scope := idemScopeFiles + ":" + f.DocumentID // a key is per document: the body does not name it
	if idem != nil {
		s.ClaimIdem(t, scope, f.Owner, idem, f.ID)
	}
	t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(s.Table), Key: store.Key(pk, docstore.DocSK(f.DocumentID)),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}, store.FailNotFound)
	s.AddFile(t, f)
	// A replay, then a missing document, is told before the limits it
	// would also break.
	t.First(store.FailClaimed, store.FailNotFound, failTooManyFiles, failQuotaExceeded)
	err := t.Run(ctx, s.DB, op)
	if idem == nil || !errors.Is(err, store.ErrClaimed) {
		return f, false, err
	}
	id, ok, err := s.Claimed(ctx, op, scope, f.Owner, idem)
	if err != nil {
		return f, false, err
	}
	if !ok {
		return f, false, errs.E(op, errs.Conflict, errs.ReasonChanged) // the claim expired meanwhile: retry
	}
	stored, err := s.GetFile(ctx, f.Owner, f.DocumentID, id)
	return stored, err == nil, err
}

// AddFile adds to t the file record and its share of the document's count
// and the person's bytes, each condition carrying its failure: for
// CreateFile, and for the ingest store, which writes a lab result's file
// in its event's transaction.
func (s *Store) AddFile(t *store.Tx, f files.File) {
	pk := store.UserPK(f.Owner)
	t.Put(fromFile(f), "attribute_not_exists(pk)", nil, store.FailConflict)
	t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.Table), Key: store.Key(pk, fileCountSK+f.DocumentID),
		UpdateExpression:          aws.String("SET kind = :kind ADD n :one"),
		ConditionExpression:       aws.String("attribute_not_exists(n) OR n < :max"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": store.Num(1), ":max": store.Num(files.MaxFilesPerDocument), ":kind": store.Str(kindCounter)},
	}}, failTooManyFiles)
	t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.Table), Key: store.Key(pk, fileQuotaSK),
		UpdateExpression:          aws.String("SET kind = :kind ADD #b :size"),
		ConditionExpression:       aws.String("attribute_not_exists(#b) OR #b <= :room"),
		ExpressionAttributeNames:  map[string]string{"#b": "bytes"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":size": store.Num(f.Size), ":room": store.Num(files.MaxBytesPerPerson - f.Size), ":kind": store.Str(kindCounter)},
	}}, failQuotaExceeded)
}

var (
	failTooManyFiles  = errs.E("", errs.Conflict, files.ReasonTooManyFiles)
	failQuotaExceeded = errs.E("", errs.Conflict, files.ReasonQuotaExceeded)
)

// GetFile implements files.Store.
func (s *Store) GetFile(ctx context.Context, owner, docID, id string) (files.File, error) {
	var it fileItem
	if err := s.Get(ctx, "store.GetFile", store.UserPK(owner), fileSK(docID, id), &it); err != nil {
		return files.File{}, err
	}
	return it.file(), nil
}

// ListFiles implements files.Store.
func (s *Store) ListFiles(ctx context.Context, owner, docID string) ([]files.File, error) {
	return s.listFiles(ctx, "store.ListFiles", owner, fileDocPrefix(docID))
}

// ListOwnerFiles implements files.Store.
func (s *Store) ListOwnerFiles(ctx context.Context, owner string) ([]files.File, error) {
	return s.listFiles(ctx, "store.ListOwnerFiles", owner, filePrefix)
}

func (s *Store) listFiles(ctx context.Context, op, owner, prefix string) ([]files.File, error) {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     &types.AttributeValueMemberS{Value: store.UserPK(owner)},
			":prefix": &types.AttributeValueMemberS{Value: prefix},
		},
		ConsistentRead: aws.Bool(true),
	})
	var out []files.File
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		var its []fileItem
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &its); err != nil {
			return nil, errs.E(op, errs.Internal, err)
		}
		for _, it := range its {
			out = append(out, it.file())
		}
	}
	return out, nil
}

// UpdateFile implements files.Store.
func (s *Store) UpdateFile(ctx context.Context, f files.File, prevVersion int) error {
	const op = "store.UpdateFile"
	av, err := attributevalue.MarshalMap(fromFile(f))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	// The request's audit entry goes with the change (write).
	err = s.Write(ctx, types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.Table), Item: av,
		ConditionExpression:       aws.String("attribute_exists(pk) AND version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": store.Num(int64(prevVersion))},
	}})
	if store.ConditionFailed(err) {
		if _, gerr := s.GetFile(ctx, f.Owner, f.DocumentID, f.ID); gerr != nil {
			return gerr
		}
		return errs.E(op, errs.Precondition, errs.ReasonVersionMismatch)
	}
	return store.Wrap(op, err)
}

// DeleteFile implements files.Store: the record goes with its slot and
// bytes in one transaction, so the counters never drift from the records.
func (s *Store) DeleteFile(ctx context.Context, f files.File) error {
	const op = "store.DeleteFile"
	pk := store.UserPK(f.Owner)
	t := s.Tx()
	t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(pk, fileSK(f.DocumentID, f.ID)),
		ConditionExpression: aws.String("attribute_exists(pk)")}}, store.FailNotFound)
	t.Add(types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: store.Key(pk, fileCountSK+f.DocumentID),
		UpdateExpression: aws.String("ADD n :minus"), ExpressionAttributeValues: map[string]types.AttributeValue{":minus": store.Num(-1)}}}, nil)
	t.Add(QuotaDelta(s.Table, f.Owner, -f.Size), nil)
	return t.Run(ctx, s.DB, op)
}

// QuotaDelta is the update adding delta bytes to owner's quota counter, in
// a transaction that deletes a file or moves files between people (a
// hand-over).
func QuotaDelta(table, owner string, delta int64) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(table), Key: store.Key(store.UserPK(owner), fileQuotaSK),
		UpdateExpression: aws.String("ADD #b :d"), ExpressionAttributeNames: map[string]string{"#b": "bytes"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": store.Num(delta)}}}
}

// FileUsage reports the bytes and, for docID, the file count the counters
// hold: for tests that prove a refused or deleted file gave its share back.
// Errors: Unavailable, Internal.
func (s *Store) FileUsage(ctx context.Context, owner, docID string) (bytes, count int64, err error) {
	const op = "store.FileUsage"
	read := func(sk, attr string) (int64, error) {
		out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), sk), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return 0, store.Wrap(op, err)
		}
		if n, ok := out.Item[attr].(*types.AttributeValueMemberN); ok {
			return strconv.ParseInt(n.Value, 10, 64)
		}
		return 0, nil
	}
	if bytes, err = read(fileQuotaSK, "bytes"); err != nil {
		return 0, 0, err
	}
	count, err = read(fileCountSK+docID, "n")
	return bytes, count, err
}

// DocumentRecords is a store.Hanging: the file records of owner's
// document docID and their count deleted, the bytes they held given back to
// the quota, in the document's erasure (docstore.New).
func (s *Store) DocumentRecords(ctx context.Context, owner, docID string) (store.Hung, error) {
	all, err := s.ListFiles(ctx, owner, docID)
	if err != nil {
		return store.Hung{}, err
	}
	pk := store.UserPK(owner)
	keys := []map[string]types.AttributeValue{store.Key(pk, fileCountSK+docID)} // it outlives the last file
	var size int64
	for _, f := range all {
		keys = append(keys, store.Key(pk, fileSK(docID, f.ID)))
		size += f.Size
	}
	h := store.Hung{Items: s.Deletes(keys), Objects: len(all) > 0}
	if size != 0 {
		h.Items = append(h.Items, QuotaDelta(s.Table, owner, -size))
	}
	return h, nil
}
