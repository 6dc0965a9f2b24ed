package notify

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Sentinel causes wrapped in the errs.Invalid errors Publish reports for
// messages it refused before sending, so a caller can tell a bad message
// (fix the code, do not retry) from a failed send (retry later) with
// errors.Is, without parsing text.
var (
	// ErrEmptyID: Message.ID is empty; reported under the key "".
	ErrEmptyID = errors.New("notify: message id is empty")
	// ErrDuplicateID: the same Message.ID appears more than once in one
	// Publish call; none of the copies is sent, since one map entry cannot
	// report two outcomes.
	ErrDuplicateID = errors.New("notify: message id is not unique in this call")
	// ErrEmptyBody: Message.Body is empty; SNS refuses it (and fauxqs drops
	// such a batch entry without a word).
	ErrEmptyBody = errors.New("notify: message body is empty")
	// ErrInvalidBody: Message.Body is not UTF-8 text, which SNS requires.
	ErrInvalidBody = errors.New("notify: message body is not UTF-8")
	// ErrTooManyAttributes: more than 10 message attributes, counting the
	// dedupeId attribute Publish adds.
	ErrTooManyAttributes = errors.New("notify: more than 10 message attributes")
	// ErrInvalidAttribute: an attribute name or value SNS would refuse: an
	// empty value, a name outside SNS's rules (characters [A-Za-z0-9_.-],
	// at most 256 bytes, no AWS./Amazon. prefix, no leading, trailing or
	// doubled period), a daysLeft that is not a decimal number, a value
	// that is not UTF-8.
	ErrInvalidAttribute = errors.New("notify: invalid message attribute")
	// ErrInvalidSubject: a subject SNS would refuse (over 100 characters,
	// line breaks or control characters, not UTF-8).
	ErrInvalidSubject = errors.New("notify: invalid subject")
	// ErrTooLarge: body, subject and attributes together exceed SNS's
	// 256 KiB message size.
	ErrTooLarge = errors.New("notify: message exceeds 256 KiB")
	// ErrNotAcknowledged: SNS answered a PublishBatch call but listed the
	// entry neither as successful nor as failed. Publish counts it as not
	// published (errs.Internal), never as published.
	ErrNotAcknowledged = errors.New("notify: SNS did not acknowledge the message")
)

// unavailableCodes are SNS error codes that mean "try again later". The SDK
// has already retried them (awsconf: 3 attempts) by the time we see them.
var unavailableCodes = map[string]bool{
	"Throttled":           true,
	"ThrottlingException": true,
	"InternalError":       true,
	"ServiceUnavailable":  true,
	"KMSThrottling":       true,
}

// wrap turns an SDK error into a Kabinet error: Unavailable when SNS could
// not be reached (no API answer at all: connection refused, timeout,
// cancelled context) or answered with a throttling or server error code,
// Internal for any other answer (missing topic, bad parameter, denied).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ke *errs.Error
	if errors.As(err, &ke) {
		return err
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if unavailableCodes[api.ErrorCode()] {
			return errs.E(op, errs.Unavailable, err)
		}
		return errs.E(op, errs.Internal, err)
	}
	return errs.E(op, errs.Unavailable, err)
}

// EntryError is SNS's refusal of one entry of an otherwise successful
// PublishBatch call (an element of the response's Failed list). Publish
// reports it wrapped in an errs.Error: Unavailable for a throttling or
// server code, Internal otherwise. It satisfies smithy.APIError, so code
// that classifies SDK errors by code treats it the same way.
type EntryError struct {
	Code        string // SNS error code, e.g. "InvalidParameter", "Throttled"
	Message     string // SNS's explanation
	SenderFault bool   // true when SNS blames the request, false for its own failure
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("sns refused batch entry: %s: %s", e.Code, e.Message)
}

// ErrorCode returns SNS's error code for the entry.
func (e *EntryError) ErrorCode() string { return e.Code }

// ErrorMessage returns SNS's explanation for the entry.
func (e *EntryError) ErrorMessage() string { return e.Message }

// ErrorFault says whether SNS blamed the request (client) or itself (server).
func (e *EntryError) ErrorFault() smithy.ErrorFault {
	if e.SenderFault {
		return smithy.FaultClient
	}
	return smithy.FaultServer
}
