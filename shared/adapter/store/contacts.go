package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// Contact records who shares one phone number or e-mail address: SNS keeps
// one subscription per endpoint, so the people sharing it are the users its
// filter policy lets through, and this record is what that filter is
// rebuilt from when someone joins or leaves.
type Contact struct {
	// SubscriptionARN is the endpoint's one subscription to the reminders topic.
	SubscriptionARN string
	// Users are the subs of the people who verified the endpoint and share
	// it, in the order they joined: the first is its owner, who sees the
	// others and may remove them. (Records written before verification
	// existed hold them sorted.)
	Users []string
	// Since says when each of Users joined (absent for records written
	// before verification existed).
	Since map[string]time.Time
	// Version counts the writes of the record (1 when created); updates and
	// deletes are conditional on the version read.
	Version int
}

// contactItem is a Contact under CONTACT#<hash of channel and endpoint>.
// The endpoint itself is not stored: the profiles that use it hold it.
type contactItem struct {
	PK              string               `dynamodbav:"pk"`
	SK              string               `dynamodbav:"sk"`
	Kind            string               `dynamodbav:"kind"`
	SubscriptionARN string               `dynamodbav:"subscriptionArn"`
	Users           []string             `dynamodbav:"users"`
	Since           map[string]time.Time `dynamodbav:"since,omitempty"`
	Version         int                  `dynamodbav:"version"`
}

func fromContact(channel, endpoint string, c Contact) contactItem {
	return contactItem{PK: contactPK(channel, endpoint), SK: contactSK, Kind: kindContact,
		SubscriptionARN: c.SubscriptionARN, Users: slices.Clone(c.Users), Since: c.Since, Version: c.Version}
}

// GetContact reads (consistently) who shares the endpoint on channel; found
// is false when nobody has recorded it. Errors: Unavailable, Internal.
func (s *Store) GetContact(ctx context.Context, channel, endpoint string) (c Contact, found bool, err error) {
	return s.GetContactByTag(ctx, verify.Tag(channel, endpoint))
}

// GetContactByTag is GetContact of the endpoint whose tag (verify.Tag) is
// tag: the record is keyed by it. Errors: Unavailable, Internal.
func (s *Store) GetContactByTag(ctx context.Context, tag string) (c Contact, found bool, err error) {
	const op = "store.GetContact"
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: Key(contactPrefix+tag, contactSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Contact{}, false, Wrap(op, err)
	}
	if out.Item == nil {
		return Contact{}, false, nil
	}
	var it contactItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return Contact{}, false, errs.E(op, errs.Internal, err)
	}
	return Contact{SubscriptionARN: it.SubscriptionARN, Users: it.Users, Since: it.Since, Version: it.Version}, true, nil
}

// CreateContact records the endpoint's subscription and first users at
// version 1 (c.Version is ignored), only if nobody has recorded the endpoint.
// Errors: Conflict when someone has, Unavailable, Internal.
func (s *Store) CreateContact(ctx context.Context, channel, endpoint string, c Contact) error {
	const op = "store.CreateContact"
	if len(c.Users) == 0 {
		return errs.E(op, errs.Internal, errors.New("a contact needs a user"))
	}
	c.Version = 1
	av, err := attributevalue.MarshalMap(fromContact(channel, endpoint, c))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	err = s.Write(ctx, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(pk)")}})
	if ConditionFailed(err) {
		return errs.E(op, errs.Conflict)
	}
	return Wrap(op, err)
}

// UpdateContact replaces the endpoint's subscription and users, only if the
// record is still at c.Version (what the caller read); it is then at
// c.Version+1. An empty Users is refused: the last user leaving deletes the
// record (DeleteContact).
// Errors: Precondition (reason version_mismatch) when the record changed or
// was deleted since it was read, Unavailable, Internal.
func (s *Store) UpdateContact(ctx context.Context, channel, endpoint string, c Contact) error {
	const op = "store.UpdateContact"
	if len(c.Users) == 0 {
		return errs.E(op, errs.Internal, errors.New("a contact needs a user"))
	}
	prev := c.Version
	c.Version++
	av, err := attributevalue.MarshalMap(fromContact(channel, endpoint, c))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	err = s.Write(ctx, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: av,
		ConditionExpression:       aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.Itoa(prev)}}}})
	if ConditionFailed(err) {
		return errs.E(op, errs.Precondition, errs.ReasonVersionMismatch)
	}
	return Wrap(op, err)
}

// DeleteContact deletes the endpoint's record, only if it is still at
// version (what the caller read).
// Errors: Precondition (reason version_mismatch) when the record changed or
// is gone, Unavailable, Internal.
func (s *Store) DeleteContact(ctx context.Context, channel, endpoint string, version int) error {
	const op = "store.DeleteContact"
	err := s.Write(ctx, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table),
		Key:                       Key(contactPK(channel, endpoint), contactSK),
		ConditionExpression:       aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.Itoa(version)}}}})
	if ConditionFailed(err) {
		return errs.E(op, errs.Precondition, errs.ReasonVersionMismatch)
	}
	return Wrap(op, err)
}
