package orgstore

import (
	"context"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

var _ orgs.Store = (*Store)(nil)

const (
	consentPrefix    = "CONSENT#"
	consentOrgPrefix = "CONSENTORG#" // not under CONSENT#: a consent query never returns a guard
	orgPrefix        = "ORG#"
	kindConsent      = "consent"
	kindConsentGuard = "consent_guard"
)

// consentItem is a consent under its owner, indexed on gsi1 by organisation
// so an organisation lists its consents with a Query.
type consentItem struct {
	PK        string    `dynamodbav:"pk"`
	SK        string    `dynamodbav:"sk"`
	Kind      string    `dynamodbav:"kind"`
	ID        string    `dynamodbav:"id"`
	OrgID     string    `dynamodbav:"orgId"`
	Types     []string  `dynamodbav:"documentTypes"`
	CreatedAt time.Time `dynamodbav:"createdAt"`
	GSI1PK    string    `dynamodbav:"gsi1pk"`
	GSI1SK    string    `dynamodbav:"gsi1sk"`
}

// consentGuardItem makes a person's consent to an organisation unique.
type consentGuardItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Kind      string `dynamodbav:"kind"`
	ConsentID string `dynamodbav:"consentId"`
}

func consentGSI1SK(owner, id string) string { return owner + "#" + id }

func fromConsent(c orgs.Consent) consentItem {
	types := make([]string, len(c.Types))
	for i, t := range c.Types {
		types[i] = string(t)
	}
	return consentItem{PK: store.UserPK(c.Owner), SK: consentPrefix + c.ID, Kind: kindConsent, ID: c.ID, OrgID: c.OrgID,
		Types: types, CreatedAt: c.CreatedAt, GSI1PK: orgPrefix + c.OrgID, GSI1SK: consentGSI1SK(c.Owner, c.ID)}
}

func (it consentItem) consent() orgs.Consent {
	c := orgs.Consent{ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), OrgID: it.OrgID, CreatedAt: it.CreatedAt}
	for _, t := range it.Types {
		c.Types = append(c.Types, registry.DocType(t))
	}
	return c
}

// CreateConsent implements orgs.Store.
func (s *Store) CreateConsent(ctx context.Context, c orgs.Consent) error {
	t := s.Tx()
	t.Put(consentGuardItem{PK: store.UserPK(c.Owner), SK: consentOrgPrefix + c.OrgID, Kind: kindConsentGuard, ConsentID: c.ID},
		"attribute_not_exists(pk)", nil, failConsentExists)
	t.Put(fromConsent(c), "attribute_not_exists(pk)", nil, failConsentExists)
	// The organisation joins the list the weekly digest walks (one Query,
	// never a Scan); rewriting the marker is harmless.
	t.Put(orgMarkerItem{PK: orgsPK, SK: "ORG#" + c.OrgID, Kind: "organization", OrgID: c.OrgID}, "", nil, nil)
	return t.Run(ctx, s.DB, "store.CreateConsent")
}

// orgsPK is the partition listing every organisation that ever received a consent.
const orgsPK = "ORGS"

type orgMarkerItem struct {
	PK    string `dynamodbav:"pk"`
	SK    string `dynamodbav:"sk"`
	Kind  string `dynamodbav:"kind"`
	OrgID string `dynamodbav:"orgId"`
}

// Organizations implements orgs.Store: every organisation with a consent,
// read from one partition.
func (s *Store) Organizations(ctx context.Context) ([]string, error) {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": store.Str(orgsPK)}})
	var out []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, store.Wrap("store.Organizations", err)
		}
		var items []orgMarkerItem
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			return nil, errs.E("store.Organizations", errs.Internal, err)
		}
		for _, it := range items {
			out = append(out, it.OrgID)
		}
	}
	return out, nil
}

// ListConsents implements orgs.Store.
func (s *Store) ListConsents(ctx context.Context, owner string) ([]orgs.Consent, error) {
	const op = "store.ListConsents"
	var out []orgs.Consent
	after := ""
	for len(out) < orgs.MaxConsents {
		var items []consentItem
		next, err := s.Query(ctx, owner, consentPrefix, after, orgs.MaxConsents, true, &items)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		for _, it := range items {
			out = append(out, it.consent())
		}
		if next == "" {
			break
		}
		after = next
	}
	return out, nil
}

func (s *Store) getConsent(ctx context.Context, owner, id string) (consentItem, error) {
	const op = "store.GetConsent"
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: store.Key(store.UserPK(owner), consentPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return consentItem{}, store.Wrap(op, err)
	}
	if out.Item == nil {
		return consentItem{}, errs.E(op, errs.NotFound, nil)
	}
	var it consentItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return consentItem{}, errs.E(op, errs.Internal, err)
	}
	return it, nil
}

// DeleteConsent implements orgs.Store: the consent and its guard go together.
func (s *Store) DeleteConsent(ctx context.Context, owner, id string) error {
	const op = "store.DeleteConsent"
	it, err := s.getConsent(ctx, owner, id)
	if err != nil {
		return err
	}
	t := s.Tx()
	t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), consentPrefix+id),
		ConditionExpression: aws.String("attribute_exists(pk)")}}, store.FailNotFound)
	t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), consentOrgPrefix+it.OrgID),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR consentId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": store.Str(id)}}}, store.FailNotFound)
	return t.Run(ctx, s.DB, op)
}

// OrgConsents implements orgs.Store: a Query of gsi1 by organisation (which
// projects the whole consent). The index lags the table: Standing reads the
// consents themselves.
func (s *Store) OrgConsents(ctx context.Context, org, after string, limit int) ([]orgs.Consent, string, error) {
	const op = "store.OrgConsents"
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		IndexName:              aws.String(store.GSI1),
		KeyConditionExpression: aws.String("gsi1pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(orgPrefix + org),
		},
		Limit: aws.Int32(int32(limit)),
	}
	if after != "" {
		owner, id, ok := strings.Cut(after, "#")
		if !ok || owner == "" || id == "" {
			return nil, "", errs.E(op, errs.Malformed, errs.FieldError{Field: "cursor", Code: "invalid_cursor"})
		}
		in.ExclusiveStartKey = map[string]types.AttributeValue{
			store.Schema.PK: store.Str(store.UserPK(owner)), store.Schema.SK: store.Str(consentPrefix + id),
			"gsi1pk": store.Str(orgPrefix + org), "gsi1sk": store.Str(after),
		}
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", store.Wrap(op, err)
	}
	next := ""
	if sk, ok := out.LastEvaluatedKey["gsi1sk"].(*types.AttributeValueMemberS); ok {
		next = sk.Value
	}
	var its []consentItem
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &its); err != nil {
		return nil, "", errs.E(op, errs.Internal, err)
	}
	consents := make([]orgs.Consent, 0, len(its))
	for _, it := range its {
		if it.Kind == kindConsent && it.OrgID == org {
			consents = append(consents, it.consent())
		}
	}
	return consents, next, nil
}

// Standing implements orgs.Store: the consents themselves, read at once (one
// BatchGetItem per hundred), each standing while its item is there for its
// organisation.
func (s *Store) Standing(ctx context.Context, consents []orgs.Consent) ([]bool, error) {
	const op = "store.Standing"
	keys := make([]map[string]types.AttributeValue, len(consents))
	for i, c := range consents {
		keys[i] = store.Key(store.UserPK(c.Owner), consentPrefix+c.ID)
	}
	found, err := s.BatchGet(ctx, op, keys)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(consents))
	for i, k := range keys {
		it := found[store.KeyString(k)]
		out[i] = it != nil && store.AttrS(it, "orgId") == consents[i].OrgID
	}
	return out, nil
}
