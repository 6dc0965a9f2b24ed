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
)

type profileItem struct {
	PK        string        `dynamodbav:"pk"`
	SK        string        `dynamodbav:"sk"`
	Kind      string        `dynamodbav:"kind"`
	Name      string        `dynamodbav:"name,omitempty"`
	BirthDate string        `dynamodbav:"birthDate,omitempty"`
	TimeZone  string        `dynamodbav:"timeZone"`
	Language  string        `dynamodbav:"language"`
	Email     string        `dynamodbav:"email,omitempty"`
	Phone     string        `dynamodbav:"phone,omitempty"`
	Channels  *channelsAttr `dynamodbav:"channels,omitempty"`
	EmailSub  string        `dynamodbav:"emailSubscription,omitempty"`
	PhoneSub  string        `dynamodbav:"phoneSubscription,omitempty"`
	// EmailVerified and PhoneVerified: the person proved the contact with a
	// code (absent on profiles saved before verification existed: those
	// contacts are pending until proved).
	EmailVerified bool      `dynamodbav:"emailVerified,omitempty"`
	PhoneVerified bool      `dynamodbav:"phoneVerified,omitempty"`
	Version       int       `dynamodbav:"version"`
	UpdatedAt     time.Time `dynamodbav:"updatedAt"`
}

// GetProfile implements registry.Store.
func (s *Store) GetProfile(ctx context.Context, owner string) (registry.Profile, error) {
	const op = "store.GetProfile"
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: Key(UserPK(owner), profileSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return registry.Profile{}, Wrap(op, err)
	}
	if out.Item == nil {
		return registry.Profile{Owner: owner}, nil
	}
	var it profileItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return registry.Profile{}, errs.E(op, errs.Internal, err)
	}
	birth, err := ParseDate(it.BirthDate)
	if err != nil {
		return registry.Profile{}, errs.E(op, errs.Internal, err)
	}
	ch := registry.DefaultChannels // profiles saved before channels existed
	if it.Channels != nil {
		ch = registry.Channels{SMS: it.Channels.SMS, Email: it.Channels.Email}
	}
	return registry.Profile{Owner: owner, Name: it.Name, BirthDate: birth, TimeZone: it.TimeZone,
		Language: it.Language, Email: it.Email, Phone: it.Phone, Channels: ch,
		EmailSubscription: it.EmailSub, PhoneSubscription: it.PhoneSub,
		EmailVerified: it.EmailVerified, PhoneVerified: it.PhoneVerified,
		Version: it.Version, UpdatedAt: it.UpdatedAt}, nil
}

// PutProfile implements registry.Store.
func (s *Store) PutProfile(ctx context.Context, p registry.Profile, prevVersion int) error {
	const op = "store.PutProfile"
	in, err := s.profilePut(p, prevVersion)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	err = s.Write(ctx, types.TransactWriteItem{Put: in})
	if ConditionFailed(err) {
		return errs.E(op, errs.Precondition, errs.ReasonVersionMismatch)
	}
	return Wrap(op, err)
}

// profilePut is the Put of p, on condition that the stored profile is at
// prevVersion (0: none stored).
func (s *Store) profilePut(p registry.Profile, prevVersion int) (*types.Put, error) {
	av, err := attributevalue.MarshalMap(profileItem{PK: UserPK(p.Owner), SK: profileSK, Kind: kindProfile,
		Name: p.Name, BirthDate: DateString(p.BirthDate), TimeZone: p.TimeZone, Language: p.Language,
		Email: p.Email, Phone: p.Phone, Version: p.Version, UpdatedAt: p.UpdatedAt,
		Channels: &channelsAttr{SMS: p.Channels.SMS, Email: p.Channels.Email},
		EmailSub: p.EmailSubscription, PhoneSub: p.PhoneSubscription,
		EmailVerified: p.EmailVerified, PhoneVerified: p.PhoneVerified})
	if err != nil {
		return nil, err
	}
	in := &types.Put{TableName: aws.String(s.Table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(pk)")}
	if prevVersion > 0 {
		in.ConditionExpression = aws.String("version = :v")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.Itoa(prevVersion)}}
	}
	return in, nil
}

// channelsAttr is the profile's channels. A "push" attribute that
// profiles saved before the channel was removed may carry is ignored.
type channelsAttr struct {
	SMS   bool `dynamodbav:"sms"`
	Email bool `dynamodbav:"email"`
}
