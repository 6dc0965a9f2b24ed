package core

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// MaxContactSharers is how many people may share one phone number or
// e-mail address. A family sharing a phone, or a parent using their child's
// number, needs a handful; a cap keeps one endpoint from being made the
// recipient of many strangers' reminders (and keeps the subscription's
// filter policy small: SNS limits a policy to 150 value combinations).
const MaxContactSharers = 10

// contactAttempts bounds how often Subscribe and Unsubscribe re-read the
// record after losing a race to another change of the same endpoint; with
// pause's delays the attempts span about a second at most.
const contactAttempts = 8

var _ registry.Contacts = (*contacts)(nil)

// contacts is the registry's Contacts port: people's phone numbers and
// e-mail addresses subscribed to the reminders topic, shared when several
// people give the same one.
//
// SNS keeps one subscription per endpoint, so people share it: its filter
// policy lists every sharer's sub, and a contact record in the store
// (store.Contact) says who they are. The record is the source the filter is
// rebuilt from, and its version serialises changes: each change reads the
// record, rewrites the filter, then records the result on condition that
// the record is unchanged, starting over when it lost the race.
//
// The SNS change always comes first. A person joining is let through before
// they are recorded; a person leaving is filtered out (or the subscription
// removed) before their leaving is recorded. So a crash in between, or a
// racing change whose filter lands last, errs on the side of delivering: at
// worst someone keeps receiving for an endpoint they just removed, never is
// a recorded sharer silently cut off for good; the next change of the
// endpoint rewrites the filter from the record. A subscription SNS lost (an
// unconfirmed e-mail subscription expires after three days; a crash after
// the last sharer's unsubscribe) is made again by the next change.
type contacts struct {
	subs  *notify.Subscriptions
	store *store.Store
}

// Subscribe adds owner to the people sharing endpoint on channel and returns
// the endpoint's subscription ARN. The first person subscribes the endpoint;
// the next ones widen its filter.
//
// Errors: Invalid (the contact is malformed); Conflict (contact_in_use) when
// MaxContactSharers people share the endpoint already, or when it is
// subscribed without a record (a subscription from before sharing existed,
// which cannot be told apart from nobody's); Unavailable when SNS or the
// store is down or the endpoint kept changing under us; Internal. Errors
// never contain the endpoint.
func (c *contacts) Subscribe(ctx context.Context, owner, channel, endpoint string) (string, error) {
	const op = "contacts.Subscribe"
	if err := notify.CheckContact(owner, channel, endpoint); err != nil {
		return "", err
	}
	var last error
	for attempt := range contactAttempts {
		if err := pause(ctx, attempt); err != nil {
			return "", errs.E(op, errs.Unavailable, err)
		}
		rec, found, err := c.store.GetContact(ctx, channel, endpoint)
		if err != nil {
			return "", err
		}
		if !found {
			arn, err := c.subs.Subscribe(ctx, owner, channel, endpoint)
			if errs.Is(err, errs.Conflict) {
				// Subscribed for someone else, yet unrecorded: either
				// someone is subscribing it this moment and about to record
				// it (look again shortly and join), or it was subscribed
				// before sharing existed (refused when attempts run out).
				last = err
				continue
			}
			if err != nil {
				return "", err
			}
			err = c.store.CreateContact(ctx, channel, endpoint, store.Contact{SubscriptionARN: arn, Users: []string{owner}})
			if errs.Is(err, errs.Conflict) {
				c.abandon(ctx, channel, endpoint, arn)
				last = err
				continue
			}
			if err != nil {
				// The subscription is left as it is: it lets only owner's
				// messages through, and owner's retry finds it again (same
				// filter, same subscription) and records it.
				return "", err
			}
			return arn, nil
		}
		users := rec.Users
		if !slices.Contains(users, owner) {
			if len(users) >= MaxContactSharers {
				return "", errs.E(op, errs.Conflict, registry.ReasonContactInUse)
			}
			users = append(slices.Clone(users), owner)
			slices.Sort(users)
		}
		// Also when owner is recorded already: rewriting the filter from the
		// record repairs any drift and makes sure the ARN handed back is
		// one SNS still has.
		arn, err := c.apply(ctx, rec, users, channel, endpoint)
		if retry(err) {
			last = err
			continue
		}
		if err != nil {
			return "", err
		}
		if arn == rec.SubscriptionARN && len(users) == len(rec.Users) {
			return arn, nil // nothing to record
		}
		if lost, err := c.record(ctx, channel, endpoint, rec, arn, users); lost {
			last = err
			continue
		} else if err != nil {
			return "", err
		}
		return arn, nil
	}
	if errs.Is(last, errs.Conflict) && errs.ReasonOf(last) == registry.ReasonContactInUse {
		return "", errs.E(op, errs.Conflict, registry.ReasonContactInUse, last)
	}
	return "", errs.E(op, errs.Unavailable, last)
}

// Unsubscribe removes owner from the people sharing endpoint on channel:
// the others keep the subscription with a narrower filter; the last one
// leaving removes it. Removing someone who does not share the endpoint is
// not an error. An endpoint without a record is a subscription from before
// sharing existed, owner's alone: subscription is removed, as it was then.
//
// Errors: Unavailable when SNS or the store is down or the endpoint kept
// changing under us; Internal.
func (c *contacts) Unsubscribe(ctx context.Context, owner, channel, endpoint, subscription string) error {
	const op = "contacts.Unsubscribe"
	if endpoint == "" {
		return c.subs.Unsubscribe(ctx, subscription)
	}
	var last error
	for attempt := range contactAttempts {
		if err := pause(ctx, attempt); err != nil {
			return errs.E(op, errs.Unavailable, err)
		}
		rec, found, err := c.store.GetContact(ctx, channel, endpoint)
		if err != nil {
			return err
		}
		if !found {
			return c.subs.Unsubscribe(ctx, subscription)
		}
		if !slices.Contains(rec.Users, owner) {
			if subscription != rec.SubscriptionARN {
				// owner's own subscription of the endpoint from before the
				// record (or one SNS already lost): nobody else relies on it.
				return c.subs.Unsubscribe(ctx, subscription)
			}
			return nil
		}
		rest := slices.DeleteFunc(slices.Clone(rec.Users), func(u string) bool { return u == owner })
		if len(rest) == 0 {
			// Unsubscribe before deleting the record: if someone joins
			// meanwhile, the delete fails, the next attempt finds them
			// recorded and, the subscription being gone, subscribes the
			// endpoint again for them (apply).
			if err := c.subs.Unsubscribe(ctx, rec.SubscriptionARN); err != nil {
				return err
			}
			err := c.store.DeleteContact(ctx, channel, endpoint, rec.Version)
			if errs.Is(err, errs.Precondition) {
				last = err
				continue
			}
			return err
		}
		arn, err := c.apply(ctx, rec, rest, channel, endpoint)
		if retry(err) {
			last = err
			continue
		}
		if err != nil {
			return err
		}
		lost, err := c.record(ctx, channel, endpoint, rec, arn, rest)
		if lost {
			last = err
			continue
		}
		return err
	}
	return errs.E(op, errs.Unavailable, last)
}

// State reports the state of a subscription ("confirmed", "pending",
// "none").
func (c *contacts) State(ctx context.Context, sub string) (string, error) {
	st, err := c.subs.State(ctx, sub)
	return string(st), err
}

// apply makes the endpoint's subscription let through exactly users and
// returns its ARN: it rewrites the recorded subscription's filter or, when
// SNS no longer has that subscription, subscribes the endpoint afresh for
// users (a new ARN, which the caller records).
func (c *contacts) apply(ctx context.Context, rec store.Contact, users []string, channel, endpoint string) (string, error) {
	err := c.subs.SetFilterPolicy(ctx, rec.SubscriptionARN, users, channel)
	if err == nil {
		return rec.SubscriptionARN, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return "", err
	}
	return c.subs.SubscribeUsers(ctx, users, channel, endpoint)
}

// record stores users and arn as the endpoint's record, on condition that
// it is still rec. lost reports a lost race (err says so): the caller starts
// over, and a subscription this change made for the record is abandoned.
func (c *contacts) record(ctx context.Context, channel, endpoint string, rec store.Contact, arn string, users []string) (lost bool, err error) {
	err = c.store.UpdateContact(ctx, channel, endpoint, store.Contact{SubscriptionARN: arn, Users: users, Version: rec.Version})
	if !errs.Is(err, errs.Precondition) {
		return false, err
	}
	if arn != rec.SubscriptionARN {
		c.abandon(ctx, channel, endpoint, arn)
	}
	return true, err
}

// abandon removes a subscription this change made but could not record
// because another change won the race, unless the record (as the winner
// left it) names it: SNS holds one subscription per endpoint, so an
// unrecorded one would refuse everyone else's. Best effort: if it stays,
// it lets through only people who asked for the endpoint.
func (c *contacts) abandon(ctx context.Context, channel, endpoint, arn string) {
	rec, found, err := c.store.GetContact(ctx, channel, endpoint)
	if err != nil || (found && rec.SubscriptionARN == arn) {
		return
	}
	_ = c.subs.Unsubscribe(ctx, arn)
}

// retry reports an SNS answer that means another change of the endpoint
// is under way (SNS refused a subscription with another filter): start over
// from the record.
func retry(err error) bool {
	return errs.Is(err, errs.Conflict)
}

// pause waits before attempt (none before the first): a short, growing,
// jittered delay, so racing changes of one endpoint fall out of step.
func pause(ctx context.Context, attempt int) error {
	if attempt == 0 {
		return nil
	}
	d := min(time.Duration(25<<(attempt-1))*time.Millisecond, 200*time.Millisecond)
	d = d/2 + rand.N(d/2)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
