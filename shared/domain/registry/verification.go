package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// KindContactCode is the kind attribute of a verification code message.
const KindContactCode = "contact_code"

// ContactState is a contact as its person sees it in the profile.
type ContactState struct {
	Channel string
	Address string
	// Verified: the person proved it; until then it receives only codes.
	Verified bool
	// Subscription is SNS's state of the endpoint's subscription
	// ("confirmed", "pending": an e-mail address has not followed SNS's
	// own confirmation link yet, "none").
	Subscription string
	// CodeExpiresAt and AttemptsLeft describe the code last sent, when
	// one is live (pending contacts only).
	CodeExpiresAt *time.Time
	AttemptsLeft  int
	// ResendAt is when another code may be asked for (pending contacts).
	ResendAt *time.Time
	// Owner: the person verified the contact first; they see the others
	// who share it (Sharers, masked) and may remove them.
	Owner   bool
	Sharers []SharerView
}

// SharerView is another person sharing a contact, as its owner sees them:
// an opaque id to remove them by, their name masked, and since when.
type SharerView struct {
	ID    string
	Name  string
	Since *time.Time
}

// ContactStates reports, for each contact of p, where its verification
// and subscription stand and, for its owner, who else shares it. What it
// reads of each contact it reads at once.
// Errors: Unavailable, Internal.
func (s *Service) ContactStates(ctx context.Context, p Profile) ([]ContactState, error) {
	data, err := s.readContacts(ctx, p, "")
	if err != nil {
		return nil, err
	}
	return s.contactStates(ctx, p, data)
}

// contactData is what the profile shows of one contact beyond the profile
// itself: for a pending contact its last code and the two windows of codes
// sent, for a verified one who shares it. readContacts reads it; a change
// that has just written it (a code sent, a join) knows it already.
type contactData struct {
	code             verify.Code
	hasCode          bool
	account, contact verify.Sends
	sharers          []Sharer
}

// contactChannels are the channels p has a contact on, in the order the
// profile shows them.
func contactChannels(p Profile) []string {
	var out []string
	for _, ch := range []string{ChannelEmail, ChannelSMS} {
		if addr, _ := p.contact(ch); addr != "" {
			out = append(out, ch)
		}
	}
	return out
}

// readContacts reads, at once, the contactData of each of p's contacts but
// the one on skip (which the caller knows already).
func (s *Service) readContacts(ctx context.Context, p Profile, skip string) (map[string]contactData, error) {
	chans := slices.DeleteFunc(contactChannels(p), func(ch string) bool { return ch == skip })
	data := make([]contactData, len(chans))
	var reads []func() error
	for i, ch := range chans {
		addr, verified := p.contact(ch)
		d := &data[i]
		switch {
		case !verified && s.Verifications != nil:
			reads = append(reads,
				func() (err error) { d.code, d.hasCode, err = s.Verifications.GetCode(ctx, p.Owner, ch); return err },
				func() (err error) {
					d.account, d.contact, err = s.Verifications.Sends(ctx, p.Owner, verify.Tag(ch, addr))
					return err
				})
		case verified && s.Contacts != nil:
			reads = append(reads, func() (err error) { d.sharers, err = s.Contacts.Sharers(ctx, ch, addr); return err })
		}
	}
	if err := parallel.Do(reads...); err != nil {
		return nil, err
	}
	out := make(map[string]contactData, len(chans)+1)
	for i, ch := range chans {
		out[ch] = data[i]
	}
	return out, nil
}

// contactStates is each of p's contacts as its person sees it, from data
// (by channel); the subscriptions' states and the sharers' names are
// looked up at once.
func (s *Service) contactStates(ctx context.Context, p Profile, data map[string]contactData) ([]ContactState, error) {
	chans := contactChannels(p)
	if len(chans) == 0 {
		return nil, nil
	}
	out := make([]ContactState, len(chans))
	states := make([]func() error, len(chans))
	for i, ch := range chans {
		states[i] = func() (err error) { out[i], err = s.contactState(ctx, p, ch, data[ch]); return err }
	}
	if err := parallel.Do(states...); err != nil {
		return nil, err
	}
	return out, nil
}

// contactState is p's contact on channel as its person sees it, from d.
func (s *Service) contactState(ctx context.Context, p Profile, channel string, d contactData) (ContactState, error) {
	now := s.Now().UTC()
	addr, verified := p.contact(channel)
	sub := p.subscription(channel)
	c := ContactState{Channel: channel, Address: addr, Verified: verified, Subscription: "none"}
	if s.Contacts != nil && sub != "" {
		st, err := s.Contacts.State(ctx, sub)
		if err != nil {
			return ContactState{}, err
		}
		c.Subscription = st
	}
	switch {
	case !verified && s.Verifications != nil:
		code := d.code
		if d.hasCode && code.Tag == verify.Tag(channel, addr) && now.Before(code.ExpiresAt) && code.AttemptsLeft() > 0 {
			exp := code.ExpiresAt
			c.CodeExpiresAt, c.AttemptsLeft = &exp, code.AttemptsLeft()
		}
		next := later(d.account.Next(now), d.contact.Next(now))
		c.ResendAt = &next
	case verified && s.Contacts != nil:
		if len(d.sharers) > 0 && d.sharers[0].User == p.Owner {
			c.Owner = true
			c.Sharers = make([]SharerView, len(d.sharers)-1)
			views := make([]func() error, len(c.Sharers))
			for i, sh := range d.sharers[1:] {
				views[i] = func() error { c.Sharers[i] = s.sharerView(ctx, channel, addr, sh); return nil }
			}
			_ = parallel.Limit(parallel.Fanout, views...)
		}
	}
	return c, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// sharerView shows sh to the contact's owner. The name is read from sh's
// profile and masked to initials: the owner learns that a person shares
// the phone, not who they are beyond what a family would recognise.
func (s *Service) sharerView(ctx context.Context, channel, endpoint string, sh Sharer) SharerView {
	v := SharerView{ID: s.sharerID(channel, endpoint, sh.User), Name: "***"}
	if !sh.Since.IsZero() {
		t := sh.Since
		v.Since = &t
	}
	if p, err := s.Store.GetProfile(ctx, sh.User); err == nil && p.Name != "" {
		v.Name = maskName(p.Name)
	}
	return v
}

// sharerID names a sharer of one contact without their account id: the
// plain id (plainSharerID) with the contact sealed into it (ids.Locator:
// nobody without the key reads it), so that removing them reads the
// contact's record with the profile.
func (s *Service) sharerID(channel, endpoint, user string) string {
	tag := verify.Tag(channel, endpoint)
	raw, _ := hex.DecodeString(tag)
	return s.Locator.Seal(plainSharerID(tag, user), channel+":"+string(raw))
}

// plainSharerID is a sharer's id as it was before sealing, and the part
// of a sealed one that names the person.
func plainSharerID(tag, user string) string {
	h := sha256.Sum256([]byte(tag + ":" + user))
	return hex.EncodeToString(h[:8])
}

// sharerContact opens the contact sealed into a sharer's id: its channel
// and tag; false for an id from before sealing, or not sealed by this key.
func (s *Service) sharerContact(id string) (channel, tag string, ok bool) {
	sealed, ok := s.Locator.Owner(id)
	if !ok {
		return "", "", false
	}
	channel, raw, _ := strings.Cut(sealed, ":")
	if checkChannel("", channel) != nil || len(raw) != sha256.Size {
		return "", "", false
	}
	return channel, hex.EncodeToString([]byte(raw)), true
}

// maskName keeps each word's first letter: «Мария Иванова» is «М*** И***».
func maskName(name string) string {
	var parts []string
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		parts = append(parts, string(r)+"***")
	}
	return strings.Join(parts, " ")
}

// SendCode sends a new verification code to owner's pending contact on
// channel, which must be address (a resend: the earlier code stops
// working), and returns the profile with its contacts' states, the new
// code's among them. The profile, the endpoint's record and the windows
// of codes sent (both keyed by the address the request names) are read at
// once; then the endpoint's subscription is opened (it may be gone), and
// the code and the windows written in one transaction while the other
// contact's state is read.
// Errors: Invalid (field channel: no such contact, unsupported; field
// address: required, no_contact when the profile's contact on the channel
// is another), Conflict (contact_verified: it is proved already;
// code_limit: the hourly cap of codes for the contact or the account is
// reached), Unavailable, Internal.
func (s *Service) SendCode(ctx context.Context, owner, channel, address string) (Profile, []ContactState, error) {
	const op = "registry.SendCode"
	if err := checkChannel(op, channel); err != nil {
		return Profile{}, nil, err
	}
	address, err := checkAddress(op, address)
	if err != nil {
		return Profile{}, nil, err
	}
	var (
		p    Profile
		sent contactData
		read *ContactRecord
	)
	reads := []func() error{func() (err error) { p, err = s.GetProfile(ctx, owner); return err }}
	if s.Verifications != nil {
		reads = append(reads, func() (err error) {
			sent.account, sent.contact, err = s.Verifications.Sends(ctx, owner, verify.Tag(channel, address))
			return err
		})
	}
	if s.Contacts != nil {
		reads = append(reads, s.readRecord(ctx, verify.Tag(channel, address), &read))
	}
	if err := parallel.Do(reads...); err != nil {
		return Profile{}, nil, err
	}
	addr, verified, err := contactOf(op, p, channel)
	if err != nil {
		return Profile{}, nil, err
	}
	if addr != address {
		return Profile{}, nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "address", Code: "no_contact"})
	}
	if verified {
		return Profile{}, nil, errs.E(op, errs.Conflict, ReasonContactVerified)
	}
	if s.Verifications == nil || s.Codes == nil {
		return Profile{}, nil, errs.E(op, errs.Internal, fmt.Errorf("no verification store or code publisher"))
	}
	if s.Contacts != nil {
		// The subscription may be gone (the last verified sharer left):
		// opening it again lets the code through.
		if _, err := s.Contacts.Open(ctx, channel, addr, read); err != nil {
			return Profile{}, nil, err
		}
	}
	var others map[string]contactData
	var code contactData
	if err := parallel.Do(
		func() (err error) { code, err = s.sendCode(ctx, p, channel, &sent); return err },
		func() (err error) { others, err = s.readContacts(ctx, p, channel); return err },
	); err != nil {
		return Profile{}, nil, err
	}
	others[channel] = code
	states, err := s.contactStates(ctx, p, others)
	if err != nil {
		return Profile{}, nil, err
	}
	return p, states, nil
}

// readRecord is the read, among a change's reads at once, of the record
// of the endpoint tag names into *into, for the Contacts port's change
// after them; it never fails: without it (*into nil) the port reads it.
func (s *Service) readRecord(ctx context.Context, tag string, into **ContactRecord) func() error {
	return func() error {
		if rec, err := s.Contacts.Read(ctx, tag); err == nil {
			*into = &rec
		}
		return nil
	}
}

// checkAddress is the address a request names, trimmed; required.
func checkAddress(op, address string) (string, error) {
	address = strings.TrimSpace(address)
	if address == "" {
		return "", errs.E(op, errs.Invalid, errs.FieldError{Field: "address", Code: "required"})
	}
	return address, nil
}

// sendCode draws, records and publishes a code for p's contact on
// channel, within the hourly caps, and returns the code with the windows
// as written. read holds the windows when the caller read them already
// (nil: read them here); a lost race for a window reads them again.
func (s *Service) sendCode(ctx context.Context, p Profile, channel string, read *contactData) (contactData, error) {
	const op = "registry.SendCode"
	if s.Verifications == nil || s.Codes == nil {
		return contactData{}, errs.E(op, errs.Internal, fmt.Errorf("no verification store or code publisher"))
	}
	addr, _ := p.contact(channel)
	tag := verify.Tag(channel, addr)
	now := s.Now().UTC()
	for range 3 { // a lost race for a window: read it again
		var account, contact verify.Sends
		if read != nil {
			account, contact, read = read.account, read.contact, nil
		} else {
			var err error
			if account, contact, err = s.Verifications.Sends(ctx, p.Owner, tag); err != nil {
				return contactData{}, err
			}
		}
		if next := later(account.Next(now), contact.Next(now)); next.After(now) {
			return contactData{}, errs.E(op, errs.Conflict, ReasonCodeLimit)
		}
		plain, err := verify.NewCode()
		if err != nil {
			return contactData{}, errs.E(op, errs.Internal, err)
		}
		code, err := verify.Issue(p.Owner, channel, tag, plain, now)
		if err != nil {
			return contactData{}, errs.E(op, errs.Internal, err)
		}
		account, contact = account.With(now), contact.With(now)
		err = s.Verifications.PutCode(ctx, code, account, contact)
		if errs.Is(err, errs.Conflict) {
			continue
		}
		if err != nil {
			return contactData{}, err
		}
		subject, body := codeText(p.Language, plain)
		msg := message.Message{ID: "code." + tag[:16] + "." + code.Salt[:16], Subject: subject, Body: body,
			Attributes: map[string]string{message.AttrUserID: p.Owner, message.AttrChannel: channel,
				message.AttrKind: KindContactCode, message.AttrContact: tag}}
		if failed := s.Codes.Publish(ctx, []message.Message{msg}); failed[msg.ID] != nil {
			return contactData{}, errs.E(op, errs.Unavailable, failed[msg.ID])
		}
		return contactData{code: code, hasCode: true, account: account, contact: contact}, nil
	}
	return contactData{}, errs.E(op, errs.Unavailable, fmt.Errorf("the code windows kept changing"))
}

// codeText is the code message in lang. It says what the code is for and
// that nobody should be told it: the usual lure is a caller asking for it.
func codeText(lang, code string) (subject, body string) {
	mins := int(verify.CodeTTL / time.Minute)
	if lang == i18n.EN {
		return "Confirmation code", fmt.Sprintf("Kabinet: your confirmation code is %s. It is valid for %d minutes. Do not tell it to anyone.", code, mins)
	}
	return "Код подтверждения", fmt.Sprintf("Кабинет: код подтверждения %s. Действует %d минут. Никому не сообщайте его.", code, mins)
}

// VerifyInput is what a person verifying a contact sends.
type VerifyInput struct {
	// Channel is the contact's: sms or email.
	Channel string
	// Address is the contact as the profile shows it, the one the code was
	// sent to: named by the request, the endpoint's record is read with the
	// profile and the code, not after them.
	Address string
	// Code is the code received.
	Code string
}

// VerifyContact checks in.Code against the code last sent to owner's
// contact on in.Channel, which must be in.Address, and returns the profile
// with its contacts' states. A match proves the contact: owner joins its
// subscription and from then on receives messages on it. The profile, the
// code and the endpoint's record are read at once; a wrong guess is then
// counted, on condition that nobody counted one meanwhile; a match joins
// the endpoint (SNS's filter widened from the record read) and writes the
// proof, the end of the code (on the same condition: a match counts as the
// guess it is) and the endpoint's record in one transaction. So concurrent
// guesses cannot exceed verify.MaxAttempts, and two with the right code
// cannot both succeed. Verifying a verified contact again changes nothing.
// Errors: Invalid (field channel: no such contact; field address:
// required, no_contact when the profile's contact on the channel is
// another; field code: wrong_code, code_expired, too_many_attempts,
// no_code), Conflict (changed: another guess of the same code at this
// moment; contact_sharers_full), Precondition, Unavailable, Internal.
func (s *Service) VerifyContact(ctx context.Context, owner string, in VerifyInput) (Profile, []ContactState, error) {
	const op = "registry.VerifyContact"
	channel, code := in.Channel, in.Code
	if err := checkChannel(op, channel); err != nil {
		return Profile{}, nil, err
	}
	var err error
	if in.Address, err = checkAddress(op, in.Address); err != nil {
		return Profile{}, nil, err
	}
	if s.Verifications == nil {
		return Profile{}, nil, errs.E(op, errs.Internal, fmt.Errorf("no verification store"))
	}
	var (
		p     Profile
		c     verify.Code
		found bool
		read  *ContactRecord
	)
	reads := []func() error{
		func() (err error) { p, err = s.GetProfile(ctx, owner); return err },
		func() (err error) { c, found, err = s.Verifications.GetCode(ctx, owner, channel); return err },
	}
	if s.Contacts != nil {
		reads = append(reads, s.readRecord(ctx, verify.Tag(channel, in.Address), &read))
	}
	if err := parallel.Do(reads...); err != nil {
		return Profile{}, nil, err
	}
	addr, verified, err := contactOf(op, p, channel)
	if err != nil {
		return Profile{}, nil, err
	}
	if addr != in.Address {
		return Profile{}, nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "address", Code: "no_contact"})
	}
	if verified {
		states, err := s.ContactStates(ctx, p)
		if err != nil {
			return Profile{}, nil, err
		}
		return p, states, nil
	}
	bad := func(why string) error { return errs.E(op, errs.Invalid, errs.FieldError{Field: "code", Code: why}) }
	if len(code) != verify.CodeDigits || strings.Trim(code, "0123456789") != "" {
		return Profile{}, nil, bad("invalid_code")
	}
	if !found {
		return Profile{}, nil, bad("no_code")
	}
	tag, now := verify.Tag(channel, addr), s.Now().UTC()
	switch c.Check(code, tag, now) {
	case verify.OtherTarget:
		return Profile{}, nil, bad("no_code")
	case verify.Expired:
		return Profile{}, nil, bad("code_expired")
	case verify.Exhausted:
		return Profile{}, nil, bad("too_many_attempts")
	case verify.Wrong:
		if err := s.Verifications.Guessed(ctx, c); err != nil {
			return Profile{}, nil, err
		}
		if c.Attempts+1 >= verify.MaxAttempts {
			return Profile{}, nil, bad("too_many_attempts")
		}
		return Profile{}, nil, bad("wrong_code")
	}
	next := p
	next.Version, next.UpdatedAt = p.Version+1, now
	if channel == ChannelSMS {
		next.PhoneVerified = true
	} else {
		next.EmailVerified = true
	}
	commit := func(ctx context.Context, rec ContactRecord) error {
		if channel == ChannelSMS {
			next.PhoneSubscription = rec.SubscriptionARN
		} else {
			next.EmailSubscription = rec.SubscriptionARN
		}
		return s.Verifications.Verified(ctx, next, p.Version, c, addr, rec)
	}
	var (
		joined contactData
		others map[string]contactData
	)
	err = parallel.Do(
		func() error {
			if s.Contacts == nil {
				return commit(ctx, ContactRecord{SubscriptionARN: p.subscription(channel), Unchanged: true})
			}
			// Joined but not recorded (the commit failed): the filter lets
			// owner's messages through while Reachable still says pending,
			// so nothing is addressed to the contact; the person's retry
			// with the same code finishes.
			rec, err := s.Contacts.Join(ctx, owner, channel, addr, read, commit)
			joined.sharers = rec.Sharers
			return err
		},
		func() (err error) { others, err = s.readContacts(ctx, p, channel); return err })
	if err != nil {
		return Profile{}, nil, err
	}
	others[channel] = joined
	states, err := s.contactStates(ctx, next, others)
	if err != nil {
		return Profile{}, nil, err
	}
	return next, states, nil
}

// RemoveSharer removes another person, named by the id the profile shows
// them by, from a verified contact of owner's: only the contact's owner
// (who verified it first) may, and the person removed receives nothing
// more on it until they prove it again. The id names its contact, so the
// profile and the contact's record are read at once (an id from before
// that reads the profile, then both verified contacts' records).
// Errors: NotFound (no such sharer of a contact owner owns), Unavailable,
// Internal.
func (s *Service) RemoveSharer(ctx context.Context, owner, sharer string) error {
	const op = "registry.RemoveSharer"
	var (
		found bool
		err   error
	)
	if channel, tag, ok := s.sharerContact(sharer); ok {
		found, err = s.expelSealed(ctx, owner, sharer, channel, tag)
	} else {
		found, err = s.expelEither(ctx, owner, sharer)
	}
	switch {
	case found:
		return nil
	case err != nil:
		return err
	}
	return errs.E(op, errs.NotFound)
}

// expelSealed expels sharer, whose id names the contact of channel and tag:
// the profile and the contact's record at once, then the expulsion from
// the record read; false when the profile's verified contact on channel is
// not that one.
func (s *Service) expelSealed(ctx context.Context, owner, sharer, channel, tag string) (bool, error) {
	if s.Contacts == nil || s.Verifications == nil {
		return false, nil
	}
	var (
		p   Profile
		rec ContactRecord
	)
	if err := parallel.Do(
		func() (err error) { p, err = s.GetProfile(ctx, owner); return err },
		func() (err error) { rec, err = s.Contacts.Read(ctx, tag); return err },
	); err != nil {
		return false, err
	}
	addr, verified := p.contact(channel)
	if addr == "" || !verified || verify.Tag(channel, addr) != tag {
		return false, nil
	}
	return s.Contacts.Expel(ctx, owner, channel, addr, &rec, sharerMatch(owner, sharer, tag))
}

// expelEither expels sharer, named by an id from before sealing, from
// whichever of owner's verified contacts they share: the profile, then both
// contacts' records at once (each read once: the record names its sharers
// and is the version their removal is written against); the id names one
// person of one contact, so at most one matches.
func (s *Service) expelEither(ctx context.Context, owner, sharer string) (bool, error) {
	p, err := s.GetProfile(ctx, owner)
	if err != nil || s.Contacts == nil || s.Verifications == nil {
		return false, err
	}
	channels := []string{ChannelSMS, ChannelEmail}
	found := make([]bool, len(channels))
	expel := make([]func() error, len(channels))
	for i, channel := range channels {
		expel[i] = func() (err error) {
			addr, verified := p.contact(channel)
			if addr == "" || !verified {
				return nil
			}
			found[i], err = s.Contacts.Expel(ctx, owner, channel, addr, nil, sharerMatch(owner, sharer, verify.Tag(channel, addr)))
			return err
		}
	}
	err = parallel.Do(expel...)
	return slices.Contains(found, true), err
}

// sharerMatch picks, among the sharers of the contact of tag, the one
// sharer's id (sealed or plain) names, never owner.
func sharerMatch(owner, sharer, tag string) func(user string) bool {
	return func(user string) bool {
		plain, _, _ := strings.Cut(sharer, "_")
		return user != owner && plainSharerID(tag, user) == plain
	}
}

// checkChannel refuses a channel that names no kind of contact.
func checkChannel(op, channel string) error {
	switch channel {
	case ChannelSMS, ChannelEmail:
		return nil
	case "":
		return errs.E(op, errs.Invalid, errs.FieldError{Field: "channel", Code: "required"})
	default:
		return errs.E(op, errs.Invalid, errs.FieldError{Field: "channel", Code: "unsupported"})
	}
}

// contactOf returns p's contact on channel, refusing a channel without one.
func contactOf(op string, p Profile, channel string) (string, bool, error) {
	if err := checkChannel(op, channel); err != nil {
		return "", false, err
	}
	addr, verified := p.contact(channel)
	if addr == "" {
		return "", false, errs.E(op, errs.Invalid, errs.FieldError{Field: "channel", Code: "no_contact"})
	}
	return addr, verified, nil
}
