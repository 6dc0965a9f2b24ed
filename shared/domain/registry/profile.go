package registry

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// Contacts manages the subscriptions of people's phones and e-mail
// addresses to the reminders topic. An endpoint has one subscription,
// which lets through the messages addressed to the endpoint itself
// (verification codes) and those of the people who verified it; several
// people may verify the same one (a family sharing a phone), up to
// MaxContactSharers.
type Contacts interface {
	// Open makes sure endpoint (a phone for "sms", an address for "email")
	// can receive its verification codes and returns its subscription's id;
	// it adds nobody to the people receiving on it. read is the
	// endpoint's record as Read returned it with the caller's reads (nil:
	// Open reads it). Errors: Invalid, Unavailable, Internal.
	Open(ctx context.Context, channel, endpoint string, read *ContactRecord) (string, error)
	// Read returns the record of the endpoint whose tag (verify.Tag) is
	// tag, as it stands (Version 0: nobody has recorded it), for a change
	// to read with its other reads and hand to Open, Join or Expel.
	// Errors: Unavailable, Internal.
	Read(ctx context.Context, tag string) (ContactRecord, error)
	// Join adds owner, who proved endpoint theirs, to the people receiving
	// on it: it lets owner through the subscription first, then hands
	// commit the endpoint's record as it is to be written, for commit to
	// write it with the proof itself in one write, on condition that the
	// record is still at the version read (a commit failing with
	// ErrContactRecordChanged makes Join read the record again and start
	// over). read is the record as Read returned it with the caller's
	// reads (nil: Join reads it first). It returns the record as committed
	// (its Version the one read). Errors: commit's; Conflict
	// (contact_sharers_full) when MaxContactSharers people share it
	// already, Invalid, Unavailable, Internal.
	Join(ctx context.Context, owner, channel, endpoint string, read *ContactRecord, commit func(context.Context, ContactRecord) error) (ContactRecord, error)
	// Unsubscribe stops owner receiving on endpoint, whose subscription
	// was given as subscription; others sharing it keep receiving.
	// Removing what is not there is not an error.
	Unsubscribe(ctx context.Context, owner, channel, endpoint, subscription string) error
	// Expel removes from endpoint's sharers the one match picks (never
	// the first, who verified it first: its owner), when owner is the
	// first, as Unsubscribe removes a person, and takes back that person's
	// proof of endpoint (as Verifications.Unverify) at once with recording
	// their leaving. read is the record as Read returned it with the
	// caller's reads (nil: Expel reads it). found is false when owner is
	// not endpoint's first sharer or nobody else matched.
	// Errors: Unavailable, Internal.
	Expel(ctx context.Context, owner, channel, endpoint string, read *ContactRecord, match func(user string) bool) (found bool, err error)
	// Sharers lists who verified endpoint, in the order they did (the
	// first is its owner). Errors: Unavailable, Internal.
	Sharers(ctx context.Context, channel, endpoint string) ([]Sharer, error)
	// State tells "confirmed", "pending" or "none".
	State(ctx context.Context, subscription string) (string, error)
}

// Sharer is one person who verified a shared contact.
type Sharer struct {
	User  string
	Since time.Time // zero for people who joined before it was recorded
}

// ContactRecord is who shares one endpoint as a join leaves it: the
// endpoint's subscription, its sharers in the order they joined (the first
// is its owner), and the version of the record the join read (0: nobody had
// recorded the endpoint), which writing it is conditioned on.
type ContactRecord struct {
	SubscriptionARN string
	Sharers         []Sharer
	Version         int
	// Unchanged: the person joining was recorded already, with this
	// subscription; the record needs no write.
	Unchanged bool
}

// ErrContactRecordChanged is the cause of the Conflict a join's commit
// fails with when the endpoint's record changed since the join read it
// (another person joined or left meanwhile): the join starts over.
var ErrContactRecordChanged = errors.New("the contact's record changed")

// MaxContactSharers is how many people may verify one phone number or
// e-mail address. A family sharing a phone needs a handful; everyone
// counted has proved they hold the phone, so nobody else can fill it (the
// squatting of before), and the owner may remove any of them.
const MaxContactSharers = 10

// Verifications keeps verification codes and the windows that cap them;
// a store implements it.
type Verifications interface {
	// GetCode returns the code last sent for owner's channel; found is
	// false when there is none. Errors: Unavailable, Internal.
	GetCode(ctx context.Context, owner, channel string) (c verify.Code, found bool, err error)
	// Sends returns when codes were sent lately for owner's account and
	// to the contact tag. Errors: Unavailable, Internal.
	Sends(ctx context.Context, owner, tag string) (account, contact verify.Sends, err error)
	// PutCode stores c in place of the channel's earlier code with the two
	// windows, on condition that neither changed since it was read.
	// Errors: Conflict (changed), Unavailable, Internal.
	PutCode(ctx context.Context, c verify.Code, account, contact verify.Sends) error
	// Guessed counts a wrong guess of c, on condition that c is still the
	// code and its attempts what was read. Errors: Conflict (changed),
	// Unavailable, Internal.
	Guessed(ctx context.Context, c verify.Code) error
	// Verified saves p (on condition that the stored profile is at
	// prevVersion), ends the code c (on condition that it is still the code,
	// with the attempts read: the match counts as the guess it is, so two
	// guesses of one code at once cannot both succeed) and, unless
	// rec.Unchanged, writes rec as the record of who shares endpoint on
	// c.Channel (on condition that it is still at rec.Version), in one
	// write. Errors: Conflict (changed: another guess of c came first;
	// ErrContactRecordChanged), Precondition, Unavailable, Internal.
	Verified(ctx context.Context, p Profile, prevVersion int, c verify.Code, endpoint string, rec ContactRecord) error
	// Unverify takes back owner's proof of their channel's contact if it is
	// still endpoint (the endpoint's owner removed them).
	// Errors: Unavailable, Internal.
	Unverify(ctx context.Context, owner, channel, endpoint string) error
}

// Contact channels.
const (
	ChannelSMS   = "sms"
	ChannelEmail = "email"
)

// Reachable lists the channels p wants messages on and can receive them
// on: a channel needs its contact, proved by a code. It is where every
// message to a person is addressed (reminders, status messages, booking
// reminders), so an unverified contact receives nothing but its codes
// whatever sends. The cabinet's inbox is not among them: it always gets
// every message.
func (p Profile) Reachable() []string {
	var out []string
	if p.Channels.SMS && p.Phone != "" && p.PhoneVerified {
		out = append(out, ChannelSMS)
	}
	if p.Channels.Email && p.Email != "" && p.EmailVerified {
		out = append(out, ChannelEmail)
	}
	return out
}

// contact returns p's endpoint on channel and whether it is verified.
func (p Profile) contact(channel string) (string, bool) {
	switch channel {
	case ChannelSMS:
		return p.Phone, p.PhoneVerified
	case ChannelEmail:
		return p.Email, p.EmailVerified
	}
	return "", false
}

// subscription returns the subscription of p's contact on channel.
func (p Profile) subscription(channel string) string {
	if channel == ChannelEmail {
		return p.EmailSubscription
	}
	return p.PhoneSubscription
}

// GetProfile returns owner's profile, with defaults when none was saved.
// Errors: Unavailable, Internal.
func (s *Service) GetProfile(ctx context.Context, owner string) (Profile, error) {
	p, err := s.Store.GetProfile(ctx, owner)
	if err != nil {
		return Profile{}, err
	}
	if p.Version == 0 {
		p = Profile{Owner: owner, TimeZone: DefaultTimeZone, Language: DefaultLanguage, Channels: DefaultChannels}
	}
	return p, nil
}

// PutProfile replaces owner's profile. With ifMatch set, only if the stored
// version is still that one. A new or changed phone or e-mail is pending
// until proved: its subscription is opened (it receives codes only), the
// profile saved, the old address left, and a code sent to the new one
// (unless the hourly cap is reached: the profile's contact then says when
// a code can be asked for). A contact someone else verified is never
// refused: the person proves it and joins.
// Errors: Invalid, Precondition, Unavailable, Internal.
func (s *Service) PutProfile(ctx context.Context, owner string, in ProfileInput, ifMatch *int) (Profile, error) {
	const op = "registry.PutProfile"
	cur, err := s.Store.GetProfile(ctx, owner)
	if err != nil {
		return Profile{}, err
	}
	if ifMatch != nil {
		if err := errs.CheckVersion(op, ifMatch, cur.Version); err != nil {
			return Profile{}, err
		}
	}
	p, err := validProfile(owner, in, s.today(cur))
	if err != nil {
		return Profile{}, err
	}
	p.Version, p.UpdatedAt = cur.Version+1, s.Now().UTC()
	p.EmailSubscription, p.PhoneSubscription = cur.EmailSubscription, cur.PhoneSubscription
	p.EmailVerified = cur.EmailVerified && cur.Email == p.Email
	p.PhoneVerified = cur.PhoneVerified && cur.Phone == p.Phone

	type change struct {
		channel, old, new string
		sub               *string
		prevSub           string
	}
	changes := []change{
		{ChannelEmail, cur.Email, p.Email, &p.EmailSubscription, cur.EmailSubscription},
		{ChannelSMS, cur.Phone, p.Phone, &p.PhoneSubscription, cur.PhoneSubscription},
	}
	var fresh []string // channels whose new contact is sent a code
	for _, c := range changes {
		if c.old != c.new {
			*c.sub = "" // a subscription belongs to the address it was made for
		}
		if s.Contacts == nil || c.new == "" || (c.old == c.new && c.prevSub != "") {
			continue
		}
		sub, err := s.Contacts.Open(ctx, c.channel, c.new, nil)
		if err != nil {
			return Profile{}, err
		}
		*c.sub = sub
		if c.old != c.new {
			fresh = append(fresh, c.channel)
		}
	}
	if err := s.Store.PutProfile(ctx, p, cur.Version); err != nil {
		return Profile{}, err
	}
	if s.Contacts != nil {
		for _, c := range changes {
			if c.old != "" && c.old != c.new {
				// Best effort: if it fails, the old address at worst keeps
				// receiving this person's messages until its next change
				// (the filter is rebuilt from the record then).
				_ = s.Contacts.Unsubscribe(context.WithoutCancel(ctx), owner, c.channel, c.old, c.prevSub)
			}
		}
	}
	for _, ch := range fresh {
		if _, err := s.sendCode(ctx, p, ch, nil); err != nil && !errs.Is(err, errs.Conflict) {
			// The profile stands; the person asks for the code again.
			s.logger().Warn("registry: verification code not sent", "channel", ch, "err", err.Error())
		}
	}
	return p, nil
}

func (s *Service) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
