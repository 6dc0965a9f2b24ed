package appstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// An agency's roster of clerks:
//
//	pk                  sk                 item
//	ROSTER#<agency>     CLERK#<sub>        a clerk and their open (assigned, not final) applications
const (
	clerkPrefix = "CLERK#"
	kindClerk   = "clerk"
)

func rosterPK(agency string) string { return "ROSTER#" + agency }

type clerkItem struct {
	PK     string `dynamodbav:"pk"`
	SK     string `dynamodbav:"sk"`
	Kind   string `dynamodbav:"kind"`
	Agency string `dynamodbav:"agency"`
	Sub    string `dynamodbav:"sub"`
	Open   int    `dynamodbav:"open"`
}

// RegisterClerk implements applications.Store: a put that leaves a clerk
// already there (and their count) as it is. It goes through tx like every
// write of a request, so a staff write's audit entry is committed with the
// first write that lands (a clerk already on the roster cancels it, and the
// request's change carries the entry instead).
func (s *Store) RegisterClerk(ctx context.Context, agency, sub string) error {
	const op = "store.RegisterClerk"
	t := s.Tx()
	t.Put(clerkItem{PK: rosterPK(agency), SK: clerkPrefix + sub, Kind: kindClerk, Agency: agency, Sub: sub},
		"attribute_not_exists(pk)", nil, store.FailClaimed)
	if err := t.Run(ctx, s.DB, op); err != nil && !errors.Is(err, store.ErrClaimed) {
		return err
	}
	return nil
}

// Clerks implements applications.Store: the roster's partition, strongly
// consistent so a pick sees the counts the last assignment wrote.
func (s *Store) Clerks(ctx context.Context, agency string) ([]applications.Clerk, error) {
	const op = "store.Clerks"
	var out []applications.Clerk
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :c)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": store.Str(rosterPK(agency)), ":c": store.Str(clerkPrefix)}}
	for {
		res, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		var items []clerkItem
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &items); err != nil {
			return nil, errs.E(op, errs.Internal, err)
		}
		for _, it := range items {
			out = append(out, applications.Clerk{Agency: it.Agency, Sub: it.Sub, Open: it.Open})
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// clerkDelta is the transaction item adding d.Delta to a clerk's count,
// conditioned on the count read when d.Seen ≥ 0.
func (s *Store) clerkDelta(d applications.ClerkDelta) types.TransactWriteItem {
	u := &types.Update{TableName: aws.String(s.Table), Key: store.Key(rosterPK(d.Agency), clerkPrefix+d.Sub),
		UpdateExpression:          aws.String("SET #open = if_not_exists(#open, :zero) + :d"),
		ExpressionAttributeNames:  map[string]string{"#open": "open"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": store.Num(int64(d.Delta)), ":zero": store.Num(0)},
		ConditionExpression:       aws.String("attribute_exists(pk)")}
	if d.Seen >= 0 {
		u.ConditionExpression = aws.String("#open = :seen")
		u.ExpressionAttributeValues[":seen"] = &types.AttributeValueMemberN{Value: strconv.Itoa(d.Seen)}
	}
	return types.TransactWriteItem{Update: u}
}

// Reassign implements applications.Store.
func (s *Store) Reassign(ctx context.Context, a applications.Application, prevVersion int, from string) error {
	const op = "store.Reassign"
	t := s.Tx()
	t.First(store.FailChanged)
	t.Put(fromApplication(a), "attribute_exists(pk) AND version = :v", map[string]types.AttributeValue{":v": store.Num(int64(prevVersion))}, store.FailChanged)
	if from != "" {
		t.Add(s.clerkDelta(applications.ClerkDelta{Agency: a.Agency, Sub: from, Seen: -1, Delta: -1}), store.FailChanged)
	}
	t.Add(s.clerkDelta(applications.ClerkDelta{Agency: a.Agency, Sub: a.Assignee, Seen: -1, Delta: 1}), store.FailChanged)
	return t.Run(ctx, s.DB, op)
}
