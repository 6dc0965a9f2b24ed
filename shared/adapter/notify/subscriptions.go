package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/mail"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/numbers"
)

// SubscriptionState is where a contact subscription stands, as State
// reports it.
type SubscriptionState string

// The states of a subscription.
const (
	// StateConfirmed: SNS delivers to the endpoint.
	StateConfirmed SubscriptionState = "confirmed"
	// StatePending: the person has not yet followed the confirmation link
	// SNS sent (e-mail); nothing is delivered until they do.
	StatePending SubscriptionState = "pending"
	// StateNone: no such subscription (never made, unsubscribed, expired).
	StateNone SubscriptionState = "none"
)

// FilterPolicyScope is the scope Subscribe gives its FilterPolicy: the
// policy matches message attributes, not the body.
const FilterPolicyScope = "MessageAttributes"

// FilterPolicy is the subscription filter policy that lets exactly the
// messages for the given users on channel through:
// {"channel":[channel],"userId":[users...]} (keys sorted, as encoding/json
// writes maps; users in the order given), matched against the message
// attributes Publish sends. Several users share one subscription when they
// share a phone or an address (SNS keeps one per endpoint). Subscribe and
// SetFilterPolicy use it; so can anything else that subscribes to the topic
// on a person's behalf (a test queue, say).
func FilterPolicy(users []string, channel string) string {
	b, err := json.Marshal(map[string][]string{message.AttrUserID: users, message.AttrChannel: {channel}})
	if err != nil { // cannot happen: strings always marshal
		panic(err)
	}
	return string(b)
}

// ContactFilterPolicy is the filter policy of a contact's subscription: it
// lets through, on channel, the messages of the people who verified the
// endpoint (users) and the messages addressed to the endpoint itself by
// its tag (the message.AttrContact attribute: verification codes, which
// must reach an endpoint nobody has verified yet):
//
//	{"$or":[{"userId":[users...]},{"contact":[tag]}],"channel":[channel]}
//
// or, when nobody has verified it, {"channel":[channel],"contact":[tag]}:
// until someone proves the endpoint is theirs it receives nothing but its
// codes. users are written in the order given (callers sort them: SNS
// compares policies as written when it decides whether a subscription is
// the same one). SNS counts such a policy as len(users)+1 combinations,
// far below its limit of 150 for MaxContactSharers people.
func ContactFilterPolicy(users []string, channel, tag string) string {
	var v any
	if len(users) == 0 {
		v = map[string][]string{message.AttrChannel: {channel}, message.AttrContact: {tag}}
	} else {
		v = map[string]any{message.AttrChannel: []string{channel}, "$or": []map[string][]string{
			{message.AttrUserID: users}, {message.AttrContact: {tag}}}}
	}
	b, err := json.Marshal(v)
	if err != nil { // cannot happen: strings always marshal
		panic(err)
	}
	return string(b)
}

// RedrivePolicy is the subscription redrive policy that sends messages SNS
// could not deliver to the SQS queue deadLetterARN:
// {"deadLetterTargetArn":deadLetterARN}.
func RedrivePolicy(deadLetterARN string) string {
	b, err := json.Marshal(map[string]string{"deadLetterTargetArn": deadLetterARN})
	if err != nil { // cannot happen: strings always marshal
		panic(err)
	}
	return string(b)
}

// Subscriptions manages people's contact subscriptions on one topic: one per
// person and channel (sms → protocol "sms" with an E.164 phone number,
// email → protocol "email" with the address), each filtered by FilterPolicy
// so the person receives only their own messages on that channel.
//
// SNS keeps one subscription per (topic, protocol, endpoint): subscribing an
// endpoint again with the same people and channel returns the existing
// subscription, but subscribing it with another filter is refused ("Subscription
// already exists with different attributes", reported as errs.Conflict). People share an endpoint by widening the one
// subscription's filter with SetFilterPolicy; who shares it is recorded
// outside SNS (shared/app/core composes that with the store).
type Subscriptions struct {
	SNS      *sns.Client
	TopicARN string
	// DeadLetterARN, if set, is the SQS queue SNS moves messages it could
	// not deliver to a subscription to: Subscribe gives every subscription
	// the RedrivePolicy {"deadLetterTargetArn":DeadLetterARN}.
	DeadLetterARN string
}

// Subscribe subscribes endpoint to the topic for userID on channel and
// returns the subscription's ARN. It asks SNS for the real ARN even while
// an e-mail subscription awaits confirmation, so it can be checked with
// State and removed with Unsubscribe at once.
//
// Errors: errs.Invalid (with field errors userId/channel/endpoint) for an
// empty user id, a channel other than sms or email, or an endpoint that is
// not an E.164 number or a bare e-mail address, before SNS is called;
// errs.Conflict when the endpoint is subscribed for
// someone else; errs.Unavailable when SNS is unreachable or throttling;
// errs.Internal for any other SNS failure (missing topic). Errors never
// contain the endpoint.
func (s *Subscriptions) Subscribe(ctx context.Context, userID, channel, endpoint string) (subscriptionARN string, err error) {
	return s.SubscribeUsers(ctx, []string{userID}, channel, endpoint)
}

// SubscribeUsers is Subscribe for an endpoint shared by several people: the
// subscription's filter lets through the messages of every one of users
// (FilterPolicy). SNS treats a subscription with the same filter as the same
// subscription, so the order of users matters; callers pass them sorted.
//
// Errors: as Subscribe; errs.Invalid (field userId) also when users is
// empty or one of them is empty; errs.Conflict when the
// endpoint is subscribed with another set of users.
func (s *Subscriptions) SubscribeUsers(ctx context.Context, users []string, channel, endpoint string) (subscriptionARN string, err error) {
	const op = "notify.Subscribe"
	protocol, err := checkContact(op, users, channel, endpoint)
	if err != nil {
		return "", err
	}
	attrs := map[string]string{
		"FilterPolicy":      FilterPolicy(users, channel),
		"FilterPolicyScope": FilterPolicyScope,
	}
	if s.DeadLetterARN != "" {
		attrs["RedrivePolicy"] = RedrivePolicy(s.DeadLetterARN)
	}
	out, err := s.SNS.Subscribe(ctx, &sns.SubscribeInput{
		TopicArn:              aws.String(s.TopicARN),
		Protocol:              aws.String(protocol),
		Endpoint:              aws.String(endpoint),
		Attributes:            attrs,
		ReturnSubscriptionArn: true,
	})
	if err != nil {
		if takenByAnother(err) {
			return "", errs.E(op, errs.Conflict, err)
		}
		return "", wrap(op, err)
	}
	arn := aws.ToString(out.SubscriptionArn)
	if arn == "" {
		return "", errs.E(op, errs.Internal, errors.New("SNS returned no subscription ARN"))
	}
	return arn, nil
}

// SubscribeContact subscribes endpoint (whose Tag is tag) with
// ContactFilterPolicy: the codes addressed to it, and the messages of users
// (none before anyone verified it). SNS returns the existing subscription
// when it is subscribed with the same policy already.
//
// Errors: as SubscribeUsers, except that users may be empty; errs.Invalid
// (field tag) for an empty tag.
func (s *Subscriptions) SubscribeContact(ctx context.Context, users []string, channel, endpoint, tag string) (string, error) {
	const op = "notify.SubscribeContact"
	protocol, err := checkContactOf(op, users, channel, endpoint, tag)
	if err != nil {
		return "", err
	}
	attrs := map[string]string{
		"FilterPolicy":      ContactFilterPolicy(users, channel, tag),
		"FilterPolicyScope": FilterPolicyScope,
	}
	if s.DeadLetterARN != "" {
		attrs["RedrivePolicy"] = RedrivePolicy(s.DeadLetterARN)
	}
	out, err := s.SNS.Subscribe(ctx, &sns.SubscribeInput{
		TopicArn: aws.String(s.TopicARN), Protocol: aws.String(protocol), Endpoint: aws.String(endpoint),
		Attributes: attrs, ReturnSubscriptionArn: true,
	})
	if err != nil {
		if takenByAnother(err) {
			return "", errs.E(op, errs.Conflict, err)
		}
		return "", wrap(op, err)
	}
	arn := aws.ToString(out.SubscriptionArn)
	if arn == "" {
		return "", errs.E(op, errs.Internal, errors.New("SNS returned no subscription ARN"))
	}
	return arn, nil
}

// SetContactFilter replaces the filter of a contact's subscription with
// ContactFilterPolicy(users, channel, tag): how verified people join or
// leave an endpoint.
//
// Errors: as SetFilterPolicy, except that users may be empty.
func (s *Subscriptions) SetContactFilter(ctx context.Context, subscriptionARN string, users []string, channel, tag string) error {
	const op = "notify.SetContactFilter"
	if tag == "" {
		return errs.E(op, errs.Invalid, errs.FieldError{Field: "tag", Code: "required"})
	}
	if subscriptionARN == "" || isPendingARN(subscriptionARN) {
		return errs.E(op, errs.NotFound, errors.New("no subscription ARN"))
	}
	_, err := s.SNS.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{
		SubscriptionArn: aws.String(subscriptionARN),
		AttributeName:   aws.String("FilterPolicy"),
		AttributeValue:  aws.String(ContactFilterPolicy(users, channel, tag)),
	})
	if err != nil {
		if isNotFound(err) {
			return errs.E(op, errs.NotFound, err)
		}
		return wrap(op, err)
	}
	return nil
}

// SetFilterPolicy replaces the filter policy of subscription so that it lets
// through the messages of exactly users on channel (FilterPolicy): how
// people join or leave an endpoint they share. SNS applies the change to
// messages published afterwards (on AWS within a few minutes at most).
//
// Errors: errs.Invalid (field userId) for no users or an empty one;
// errs.NotFound when SNS no longer knows the subscription (unsubscribed, an
// unconfirmed e-mail subscription SNS expired) or subscriptionARN is a
// "pending confirmation" placeholder; errs.Unavailable when SNS is
// unreachable or throttling; errs.Internal for any other SNS failure.
func (s *Subscriptions) SetFilterPolicy(ctx context.Context, subscriptionARN string, users []string, channel string) error {
	const op = "notify.SetFilterPolicy"
	var f errs.Fields
	checkUsers(&f, users)
	if err := f.Err(op); err != nil {
		return err
	}
	if subscriptionARN == "" || isPendingARN(subscriptionARN) {
		return errs.E(op, errs.NotFound, errors.New("no subscription ARN"))
	}
	_, err := s.SNS.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{
		SubscriptionArn: aws.String(subscriptionARN),
		AttributeName:   aws.String("FilterPolicy"),
		AttributeValue:  aws.String(FilterPolicy(users, channel)),
	})
	if err != nil {
		if isNotFound(err) {
			return errs.E(op, errs.NotFound, err)
		}
		return wrap(op, err)
	}
	return nil
}

// CheckContact validates a person's contact as Subscribe would, without
// calling SNS: errs.Invalid with field errors userId/channel/endpoint.
// Callers that key records by the endpoint check it first.
func CheckContact(userID, channel, endpoint string) error {
	_, err := checkContact("notify.CheckContact", []string{userID}, channel, endpoint)
	return err
}

// Unsubscribe deletes the subscription. An empty ARN, a "pending
// confirmation" placeholder (nothing to delete: unconfirmed subscriptions
// deliver nothing and SNS expires them) and an ARN SNS no longer knows are
// not errors, so removing a contact is idempotent.
//
// Errors: errs.Unavailable when SNS is unreachable or throttling,
// errs.Internal for any other SNS failure (a malformed ARN, no permission).
func (s *Subscriptions) Unsubscribe(ctx context.Context, subscriptionARN string) error {
	const op = "notify.Unsubscribe"
	if subscriptionARN == "" || isPendingARN(subscriptionARN) {
		return nil
	}
	_, err := s.SNS.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(subscriptionARN)})
	if err != nil && !isNotFound(err) {
		return wrap(op, err)
	}
	return nil
}

// State reports whether the subscription is confirmed, pending
// confirmation (PendingConfirmation true, or the "pending confirmation"
// placeholder SNS hands out instead of an ARN), or gone (empty ARN, or SNS
// answers NotFound).
//
// Errors: errs.Unavailable when SNS is unreachable or throttling,
// errs.Internal for any other SNS failure.
func (s *Subscriptions) State(ctx context.Context, subscriptionARN string) (SubscriptionState, error) {
	const op = "notify.State"
	if subscriptionARN == "" {
		return StateNone, nil
	}
	if isPendingARN(subscriptionARN) {
		return StatePending, nil
	}
	out, err := s.SNS.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(subscriptionARN)})
	if err != nil {
		if isNotFound(err) {
			return StateNone, nil
		}
		return "", wrap(op, err)
	}
	if strings.EqualFold(out.Attributes["PendingConfirmation"], "true") {
		return StatePending, nil
	}
	return StateConfirmed, nil
}

// takenByAnother reports SNS's refusal to subscribe an endpoint that is
// subscribed already with another filter policy, i.e. for another person.
func takenByAnother(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "InvalidParameter" &&
		strings.Contains(api.ErrorMessage(), "already exists with different attributes")
}

// checkContact validates a Subscribe request and returns the SNS protocol.
func checkContact(op string, users []string, channel, endpoint string) (string, error) {
	var f errs.Fields
	checkUsers(&f, users)
	var protocol string
	switch channel {
	case ChannelSMS:
		protocol = "sms"
		if !numbers.ValidPhone(endpoint) {
			f.Add("endpoint", "invalid_phone")
		}
	case ChannelEmail:
		protocol = "email"
		if a, err := mail.ParseAddress(endpoint); err != nil || a.Name != "" || a.Address != endpoint || len(endpoint) > 254 {
			f.Add("endpoint", "invalid_email")
		}
	case "":
		f.Add("channel", "required")
	default:
		f.Add("channel", "unsupported")
	}
	if err := f.Err(op); err != nil {
		return "", err
	}
	return protocol, nil
}

// checkContactOf is checkContact for a contact subscription: users may
// be empty (nobody verified the endpoint yet) but not blank, and tag is
// required.
func checkContactOf(op string, users []string, channel, endpoint, tag string) (string, error) {
	probe := users
	if len(probe) == 0 {
		probe = []string{"-"}
	}
	protocol, err := checkContact(op, probe, channel, endpoint)
	if err != nil {
		return "", err
	}
	if tag == "" {
		return "", errs.E(op, errs.Invalid, errs.FieldError{Field: "tag", Code: "required"})
	}
	return protocol, nil
}

// checkUsers adds a userId field error unless users is a non-empty list of
// non-blank ids.
func checkUsers(f *errs.Fields, users []string) {
	if len(users) == 0 || slices.ContainsFunc(users, func(u string) bool { return strings.TrimSpace(u) == "" }) {
		f.Add("userId", "required")
	}
}

// isPendingARN reports whether arn is the placeholder SNS returns instead
// of an ARN for an unconfirmed subscription ("pending confirmation" from
// Subscribe, "PendingConfirmation" from ListSubscriptions).
func isPendingARN(arn string) bool {
	return strings.EqualFold(strings.ReplaceAll(arn, " ", ""), "PendingConfirmation")
}

// isNotFound reports whether err is SNS's NotFound answer.
func isNotFound(err error) bool {
	var nf *types.NotFoundException
	if errors.As(err, &nf) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "NotFound"
}
