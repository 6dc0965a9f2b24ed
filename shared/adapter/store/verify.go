package store

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// Verification items:
//
//	USER#<sub>      VERIFY#<channel>   the code last sent for the person's contact (hash, salt, attempts; TTL expiresAt)
//	USER#<sub>      VSENDS             when codes were sent for the account (the last hour's)
//	CONTACT#<hash>  VSENDS             when codes were sent to the endpoint, whoever asked
const (
	verifyPrefix = "VERIFY#"
	sendsSK      = "VSENDS"
	kindCode     = "verification_code"
	kindSends    = "verification_sends"
)

var _ registry.Verifications = (*Store)(nil)

type codeItem struct {
	PK        string    `dynamodbav:"pk"`
	SK        string    `dynamodbav:"sk"`
	Kind      string    `dynamodbav:"kind"`
	Tag       string    `dynamodbav:"tag"`
	Salt      string    `dynamodbav:"salt"`
	Hash      string    `dynamodbav:"hash"`
	SentAt    time.Time `dynamodbav:"sentAt"`
	ExpiresAt time.Time `dynamodbav:"codeExpiresAt"`
	Attempts  int       `dynamodbav:"attempts"`
	// TTL lets DynamoDB drop the item a day after the code died.
	TTL int64 `dynamodbav:"expiresAt"`
}

type sendsItem struct {
	PK      string      `dynamodbav:"pk"`
	SK      string      `dynamodbav:"sk"`
	Kind    string      `dynamodbav:"kind"`
	Times   []time.Time `dynamodbav:"times"`
	Version int         `dynamodbav:"version"`
	TTL     int64       `dynamodbav:"expiresAt"`
}

// GetCode implements registry.Verifications.
func (s *Store) GetCode(ctx context.Context, owner, channel string) (verify.Code, bool, error) {
	const op = "store.GetCode"
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: Key(UserPK(owner), verifyPrefix+channel), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return verify.Code{}, false, Wrap(op, err)
	}
	if out.Item == nil {
		return verify.Code{}, false, nil
	}
	var it codeItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return verify.Code{}, false, errs.E(op, errs.Internal, err)
	}
	return verify.Code{Owner: owner, Channel: channel, Tag: it.Tag, Salt: it.Salt, Hash: it.Hash,
		SentAt: it.SentAt, ExpiresAt: it.ExpiresAt, Attempts: it.Attempts}, true, nil
}

// Sends implements registry.Verifications: both windows in one read.
func (s *Store) Sends(ctx context.Context, owner, tag string) (account, contact verify.Sends, err error) {
	const op = "store.Sends"
	keys := []map[string]types.AttributeValue{Key(UserPK(owner), sendsSK), Key(contactPrefix+tag, sendsSK)}
	out, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.Table: {Keys: keys, ConsistentRead: aws.Bool(true)}}})
	if err != nil {
		return account, contact, Wrap(op, err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return account, contact, errs.E(op, errs.Unavailable)
	}
	for _, item := range out.Responses[s.Table] {
		var it sendsItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return account, contact, errs.E(op, errs.Internal, err)
		}
		w := verify.Sends{Times: it.Times, Version: it.Version}
		if it.PK == UserPK(owner) {
			account = w
		} else {
			contact = w
		}
	}
	return account, contact, nil
}

// PutCode implements registry.Verifications: the code and both windows in
// one transaction, each window on condition that it is still at the
// version read.
func (s *Store) PutCode(ctx context.Context, c verify.Code, account, contact verify.Sends) error {
	const op = "store.PutCode"
	ttl := c.ExpiresAt.Add(24 * time.Hour).Unix()
	t := s.Tx()
	t.Put(codeItem{PK: UserPK(c.Owner), SK: verifyPrefix + c.Channel, Kind: kindCode, Tag: c.Tag, Salt: c.Salt,
		Hash: c.Hash, SentAt: c.SentAt, ExpiresAt: c.ExpiresAt, Attempts: c.Attempts, TTL: ttl}, "", nil, nil)
	for _, w := range []struct {
		pk string
		s  verify.Sends
	}{{UserPK(c.Owner), account}, {contactPrefix + c.Tag, contact}} {
		cond, vals := "attribute_not_exists(pk)", map[string]types.AttributeValue(nil)
		if w.s.Version > 0 {
			cond = "version = :v"
			vals = map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.Itoa(w.s.Version)}}
		}
		t.Put(sendsItem{PK: w.pk, SK: sendsSK, Kind: kindSends, Times: w.s.Times, Version: w.s.Version + 1,
			TTL: c.SentAt.Add(verify.Window + time.Hour).Unix()}, cond, vals, FailChanged)
	}
	return t.Run(ctx, s.DB, op)
}

// Guessed implements registry.Verifications.
func (s *Store) Guessed(ctx context.Context, c verify.Code) error {
	const op = "store.Guessed"
	vals := codeValues(c)
	vals[":one"] = &types.AttributeValueMemberN{Value: "1"}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table),
		Key:                       Key(UserPK(c.Owner), verifyPrefix+c.Channel),
		UpdateExpression:          aws.String("SET attempts = attempts + :one"),
		ConditionExpression:       aws.String("attempts = :n AND salt = :salt"),
		ExpressionAttributeValues: vals})
	if ConditionFailed(err) {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return Wrap(op, err)
}

// failContactChanged: the endpoint's record changed since the join read
// it; the join starts over (registry.ErrContactRecordChanged).
var failContactChanged = errs.E("", errs.Conflict, registry.ErrContactRecordChanged)

// Verified implements registry.Verifications: the profile, the end of the
// code (the match counted as Guessed counts a wrong guess) and the
// endpoint's record in one transaction. When several conditions fail, the
// code is told first (another guess came first: the profile changed with
// it), then the profile, then the record.
func (s *Store) Verified(ctx context.Context, p registry.Profile, prevVersion int, c verify.Code, endpoint string, rec registry.ContactRecord) error {
	const op = "store.Verified"
	put, err := s.profilePut(p, prevVersion)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	t := s.Tx()
	t.Add(types.TransactWriteItem{Put: put}, FailVersionMismatch)
	t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table),
		Key:                       Key(UserPK(c.Owner), verifyPrefix+c.Channel),
		ConditionExpression:       aws.String("attempts = :n AND salt = :salt"),
		ExpressionAttributeValues: codeValues(c)}}, FailChanged)
	if !rec.Unchanged {
		users := make([]string, len(rec.Sharers))
		since := map[string]time.Time{}
		for i, sh := range rec.Sharers {
			users[i] = sh.User
			if !sh.Since.IsZero() {
				since[sh.User] = sh.Since
			}
		}
		cond, vals := "attribute_not_exists(pk)", map[string]types.AttributeValue(nil)
		if rec.Version > 0 {
			cond, vals = "version = :v", map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.Itoa(rec.Version)}}
		}
		t.Put(fromContact(c.Channel, endpoint, Contact{SubscriptionARN: rec.SubscriptionARN, Users: users, Since: since,
			Version: rec.Version + 1}), cond, vals, failContactChanged)
	}
	t.First(FailChanged, FailVersionMismatch, failContactChanged)
	return t.Run(ctx, s.DB, op)
}

// codeValues are the values of the condition that c is still the code, with
// the attempts read.
func codeValues(c verify.Code) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		":n": &types.AttributeValueMemberN{Value: strconv.Itoa(c.Attempts)}, ":salt": &types.AttributeValueMemberS{Value: c.Salt}}
}

// Unverify implements registry.Verifications.
func (s *Store) Unverify(ctx context.Context, owner, channel, endpoint string) error {
	const op = "store.Unverify"
	field, flag := "phone", "phoneVerified"
	if channel == registry.ChannelEmail {
		field, flag = "email", "emailVerified"
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table),
		Key:                      Key(UserPK(owner), profileSK),
		UpdateExpression:         aws.String("REMOVE #flag SET version = version + :one"),
		ConditionExpression:      aws.String("#field = :endpoint"),
		ExpressionAttributeNames: map[string]string{"#flag": flag, "#field": field},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"}, ":endpoint": &types.AttributeValueMemberS{Value: endpoint}}})
	if ConditionFailed(err) {
		return nil // the person has another contact now: nothing to take back
	}
	return Wrap(op, err)
}
