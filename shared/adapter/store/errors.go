package store

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// unavailableCodes are DynamoDB error codes that mean "try again later".
// The SDK has already retried them with backoff by the time we see them.
var unavailableCodes = map[string]bool{
	// A cancelled transaction names its reasons with short codes.
	"TransactionConflict":           true,
	"ThrottlingError":               true,
	"ProvisionedThroughputExceeded": true,

	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"RequestLimitExceeded":                   true,
	"TransactionConflictException":           true,
	"TransactionInProgressException":         true,
	"InternalServerError":                    true,
	"ServiceUnavailable":                     true,
	"LimitExceededException":                 true,
}

// wrap turns an SDK error into a Kabinet error of the right kind: a service
// that cannot be reached or that throttles is Unavailable (the client gets a
// 503 with Retry-After), anything else Internal. Conditions are mapped by the
// caller, which knows what the condition meant.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ke *errs.Error
	if errors.As(err, &ke) {
		return err
	}
	var api smithy.APIError
	switch {
	case errors.As(err, &api):
		if unavailableCodes[api.ErrorCode()] {
			return errs.E(op, errs.Unavailable, err)
		}
		var tc *types.TransactionCanceledException
		if errors.As(err, &tc) {
			for _, r := range tc.CancellationReasons {
				if r.Code != nil && unavailableCodes[*r.Code] {
					return errs.E(op, errs.Unavailable, err)
				}
			}
		}
		return errs.E(op, errs.Internal, err)
	case errors.Is(err, context.Canceled):
		return errs.E(op, errs.Unavailable, err)
	default:
		// No API answer at all: connection refused, reset, DNS, deadline.
		return errs.E(op, errs.Unavailable, err)
	}
}

// conditionFailed reports whether err is the failed condition of a single
// write (PutItem, UpdateItem, DeleteItem); a transaction's are told by tx.
func ConditionFailed(err error) bool {
	var cc *types.ConditionalCheckFailedException
	return errors.As(err, &cc)
}
