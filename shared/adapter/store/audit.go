package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
)

var _ audit.Log = (*Store)(nil)

// auditRetention is how long audit entries are kept before TTL removes them.
const auditRetention = 3 * 365 * 24 * time.Hour

// auditPrefix keys a person's audit trail: AUDIT#<sub> / <at>#<time-ordered id>.
// It lies outside USER#<sub>, so erasing a person's documents leaves the
// trail of what was done (which names objects by id only).
const auditPrefix = "AUDIT#"

type auditItem struct {
	PK        string    `dynamodbav:"pk"`
	SK        string    `dynamodbav:"sk"`
	Kind      string    `dynamodbav:"kind"`
	Actor     string    `dynamodbav:"actor"`
	Route     string    `dynamodbav:"route"`
	Path      string    `dynamodbav:"path"`
	Status    int       `dynamodbav:"status"`
	RequestID string    `dynamodbav:"requestId"`
	At        time.Time `dynamodbav:"at"`
	ExpiresAt int64     `dynamodbav:"expiresAt"`
}

// RecordAudit implements audit.Log. Entries are only ever created
// (the condition refuses to overwrite one).
func (s *Store) RecordAudit(ctx context.Context, e audit.Entry) error {
	at := s.now().UTC()
	av, err := attributevalue.MarshalMap(auditItem{PK: auditPrefix + e.Actor, SK: at.Format(time.RFC3339Nano) + "#" + ids.New(),
		Kind: "audit", Actor: e.Actor, Route: e.Route, Path: e.Path, Status: e.Status, RequestID: e.RequestID, At: at,
		ExpiresAt: at.Add(auditRetention).Unix()})
	if err != nil {
		return errs.E("store.RecordAudit", errs.Internal, err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(pk)")})
	return wrap("store.RecordAudit", err)
}
