package core

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// MaxContactSharers is registry.MaxContactSharers: SNS limits a filter
// policy to 150 value combinations, and a contact's policy has one per
// sharer and one for the contact's own tag.
const MaxContactSharers = registry.MaxContactSharers

// contactAttempts bounds how often Subscribe and Unsubscribe re-read the
// record after losing a race to another change of the same endpoint; with
// pause's delays the attempts span about a second at most.
const contactAttempts = 8

var _ registry.Contacts = (*contacts)(nil)

// contacts is the registry's Contacts port: people's phone numbers and
// e-mail addresses subscribed to the reminders topic, shared when several
// people prove the same one. An endpoint's subscription always lets
// through the codes addressed to its tag (notify.ContactFilterPolicy), and
// the messages of the people recorded as having proved it.
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

// Open makes sure endpoint on channel has its subscription, letting
// through the codes addressed to it and the messages of whoever verified
// it, and returns the subscription's ARN. It records nobody: a pending
// person is not a sharer. An endpoint nobody verified has no record, and
// its subscription lets through codes only.
//
// Errors: Invalid (the contact is malformed); Unavailable when SNS or the
// store is down or the endpoint kept changing under us; Internal. Errors
// never contain the endpoint.
func (c *contacts) Open(ctx context.Context, channel, endpoint string, read *registry.ContactRecord) (string, error) {
	const op = "contacts.Open"
	if err := notify.CheckContact("-", channel, endpoint); err != nil {
		return "", err
	}
	var last error
	for attempt := range contactAttempts {
		if err := pause(ctx, attempt); err != nil {
			return "", errs.E(op, errs.Unavailable, err)
		}
		rec, found, err := c.first(ctx, channel, endpoint, attempt, read)
		if err != nil {
			return "", err
		}
		if !found {
			arn, err := c.subs.SubscribeContact(ctx, nil, channel, endpoint, verify.Tag(channel, endpoint))
			if errs.Is(err, errs.Conflict) {
				// Someone is joining it this moment (its filter has them
				// already, the record follows): look again shortly.
				last = err
				continue
			}
			return arn, err
		}
		arn, err := c.apply(ctx, rec, rec.Users, channel, endpoint)
		if retry(err) {
			last = err
			continue
		}
		if err != nil {
			return "", err
		}
		if arn == rec.SubscriptionARN {
			return arn, nil
		}
		if lost, err := c.record(ctx, channel, endpoint, rec, arn, rec.Users, rec.Since); lost {
			last = err
			continue
		} else if err != nil {
			return "", err
		}
		return arn, nil
	}
	return "", errs.E(op, errs.Unavailable, last)
}

// Join adds owner, who proved endpoint theirs with a code, to the people
// sharing it: the filter lets owner through first, then commit writes the
// record (the first one records the endpoint and is its owner; the next
// ones widen its filter) with the proof, on condition that the record is
// still as read; losing that race starts over from the record. It returns
// the record as committed (its Version the one read).
//
// Errors: commit's; Invalid (the contact is malformed); Conflict
// (contact_sharers_full) when MaxContactSharers people share it already;
// Unavailable when SNS or the store is down or the endpoint kept changing
// under us; Internal. Errors never contain the endpoint.
func (c *contacts) Join(ctx context.Context, owner, channel, endpoint string, read *registry.ContactRecord,
	commit func(context.Context, registry.ContactRecord) error) (registry.ContactRecord, error) {
	const op = "contacts.Join"
	if err := notify.CheckContact(owner, channel, endpoint); err != nil {
		return registry.ContactRecord{}, err
	}
	tag := verify.Tag(channel, endpoint)
	var last error
	for attempt := range contactAttempts {
		if err := pause(ctx, attempt); err != nil {
			return registry.ContactRecord{}, errs.E(op, errs.Unavailable, err)
		}
		rec, found, err := c.first(ctx, channel, endpoint, attempt, read)
		if err != nil {
			return registry.ContactRecord{}, err
		}
		now := time.Now().UTC()
		var next registry.ContactRecord
		if !found {
			// The code-only subscription Open made (or a new one), then
			// owner let through, then recorded.
			arn, err := c.subs.SubscribeContact(ctx, nil, channel, endpoint, tag)
			if errs.Is(err, errs.Conflict) {
				last = err
				continue
			}
			if err != nil {
				return registry.ContactRecord{}, err
			}
			if err := c.subs.SetContactFilter(ctx, arn, []string{owner}, channel, tag); err != nil {
				if errs.Is(err, errs.NotFound) {
					last = err
					continue
				}
				return registry.ContactRecord{}, err
			}
			next = registry.ContactRecord{SubscriptionARN: arn, Sharers: []registry.Sharer{{User: owner, Since: now}}}
		} else {
			users, since := rec.Users, rec.Since
			if !slices.Contains(users, owner) {
				if len(users) >= MaxContactSharers {
					return registry.ContactRecord{}, errs.E(op, errs.Conflict, registry.ReasonContactSharersFull)
				}
				users = append(slices.Clone(users), owner)
				since = maps.Clone(since)
				if since == nil {
					since = map[string]time.Time{}
				}
				since[owner] = now
			}
			// Also when owner is recorded already: rewriting the filter from
			// the record repairs any drift and makes sure the ARN handed
			// back is one SNS still has.
			arn, err := c.apply(ctx, rec, users, channel, endpoint)
			if retry(err) {
				last = err
				continue
			}
			if err != nil {
				return registry.ContactRecord{}, err
			}
			next = registry.ContactRecord{SubscriptionARN: arn, Version: rec.Version,
				Unchanged: arn == rec.SubscriptionARN && len(users) == len(rec.Users)}
			for _, u := range users {
				next.Sharers = append(next.Sharers, registry.Sharer{User: u, Since: since[u]})
			}
		}
		err = commit(ctx, next)
		if errors.Is(err, registry.ErrContactRecordChanged) {
			// Someone else joined or left first: join as they left it.
			if found && next.SubscriptionARN != rec.SubscriptionARN {
				c.abandon(ctx, channel, endpoint, next.SubscriptionARN)
			}
			last = err
			continue
		}
		if err != nil {
			// The subscription lets owner's messages through unrecorded;
			// owner's retry finds it again and records it.
			return registry.ContactRecord{}, err
		}
		return next, nil
	}
	return registry.ContactRecord{}, errs.E(op, errs.Unavailable, last)
}

// Expel removes the sharer match picks from endpoint on channel, when
// owner is its first sharer (its owner, who cannot be expelled), as
// Unsubscribe does: the filter narrowed first, then the record written on
// condition that it is unchanged; and with that write, at once, the
// person's proof of the endpoint taken back (store.Unverify: only if
// their profile still has endpoint). Taking the proof back before the
// record is written is safe: the filter keeps them out already, and an
// unverified contact is addressed nothing; a lost race starts over from
// the record, and one whose winner removed the person already finds
// nothing left but the proof. The record is read once per attempt (the
// first is read, when the caller read it with its own reads).
//
// Errors: Unavailable when SNS or the store is down or the endpoint kept
// changing under us; Internal.
func (c *contacts) Expel(ctx context.Context, owner, channel, endpoint string, read *registry.ContactRecord, match func(user string) bool) (bool, error) {
	const op = "contacts.Expel"
	var (
		last       error
		user       string // the person matched, once found
		unverified bool
	)
	unverify := func() error {
		if unverified {
			return nil
		}
		err := c.store.Unverify(ctx, user, channel, endpoint)
		unverified = err == nil
		return err
	}
	for attempt := range contactAttempts {
		if err := pause(ctx, attempt); err != nil {
			return user != "", errs.E(op, errs.Unavailable, err)
		}
		rec, found, err := c.first(ctx, channel, endpoint, attempt, read)
		if err != nil {
			return user != "", err
		}
		i := -1
		if found && len(rec.Users) > 1 && rec.Users[0] == owner {
			if user == "" {
				if j := slices.IndexFunc(rec.Users[1:], match); j >= 0 {
					user = rec.Users[1+j]
				}
			}
			i = slices.Index(rec.Users, user)
		}
		switch {
		case user == "":
			return false, nil // nobody of this contact's, or not owner's to remove
		case i < 1:
			// removed meanwhile (or owner no longer first): only the proof
			// may be left to take back
			return true, unverify()
		}
		rest := slices.Delete(slices.Clone(rec.Users), i, i+1)
		since := maps.Clone(rec.Since)
		delete(since, user)
		arn, err := c.apply(ctx, rec, rest, channel, endpoint)
		if retry(err) {
			last = err
			continue
		}
		if err != nil {
			return true, err
		}
		var (
			lost           bool
			recErr, unvErr error
		)
		_ = parallel.Do(
			func() error { lost, recErr = c.record(ctx, channel, endpoint, rec, arn, rest, since); return nil },
			func() error { unvErr = unverify(); return nil },
		)
		if lost {
			last = recErr
			continue
		}
		if recErr != nil {
			return true, recErr
		}
		return true, unvErr
	}
	return true, errs.E(op, errs.Unavailable, last)
}

// Sharers lists who verified endpoint on channel, in the order they joined.
// Errors: Unavailable, Internal.
func (c *contacts) Sharers(ctx context.Context, channel, endpoint string) ([]registry.Sharer, error) {
	rec, err := c.Read(ctx, verify.Tag(channel, endpoint))
	return rec.Sharers, err
}

// Read returns the record of the endpoint whose tag is tag (Version 0:
// none). Errors: Unavailable, Internal.
func (c *contacts) Read(ctx context.Context, tag string) (registry.ContactRecord, error) {
	rec, found, err := c.store.GetContactByTag(ctx, tag)
	if err != nil || !found {
		return registry.ContactRecord{}, err
	}
	out := registry.ContactRecord{SubscriptionARN: rec.SubscriptionARN, Version: rec.Version, Sharers: make([]registry.Sharer, 0, len(rec.Users))}
	for _, u := range rec.Users {
		out.Sharers = append(out.Sharers, registry.Sharer{User: u, Since: rec.Since[u]})
	}
	return out, nil
}

// first is endpoint's record for a change's attempt: read, the record the
// caller read with its own reads, on the first (when it has one), else
// read now.
func (c *contacts) first(ctx context.Context, channel, endpoint string, attempt int, read *registry.ContactRecord) (store.Contact, bool, error) {
	if attempt == 0 && read != nil {
		return fromRecord(*read), read.Version > 0, nil
	}
	return c.store.GetContact(ctx, channel, endpoint)
}

// fromRecord is the store's record of what Read returned.
func fromRecord(r registry.ContactRecord) store.Contact {
	rec := store.Contact{SubscriptionARN: r.SubscriptionARN, Version: r.Version}
	for _, sh := range r.Sharers {
		rec.Users = append(rec.Users, sh.User)
		if !sh.Since.IsZero() {
			if rec.Since == nil {
				rec.Since = map[string]time.Time{}
			}
			rec.Since[sh.User] = sh.Since
		}
	}
	return rec
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
		since := maps.Clone(rec.Since)
		delete(since, owner)
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
		lost, err := c.record(ctx, channel, endpoint, rec, arn, rest, since)
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
	tag := verify.Tag(channel, endpoint)
	sorted := slices.Sorted(slices.Values(users)) // SNS compares policies as written
	err := c.subs.SetContactFilter(ctx, rec.SubscriptionARN, sorted, channel, tag)
	if err == nil {
		return rec.SubscriptionARN, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return "", err
	}
	return c.subs.SubscribeContact(ctx, sorted, channel, endpoint, tag)
}

// record stores users and arn as the endpoint's record, on condition that
// it is still rec. lost reports a lost race (err says so): the caller starts
// over, and a subscription this change made for the record is abandoned.
func (c *contacts) record(ctx context.Context, channel, endpoint string, rec store.Contact, arn string, users []string, since map[string]time.Time) (lost bool, err error) {
	err = c.store.UpdateContact(ctx, channel, endpoint, store.Contact{SubscriptionARN: arn, Users: users, Since: since, Version: rec.Version})
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
