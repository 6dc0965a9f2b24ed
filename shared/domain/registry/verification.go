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
// and subscription stand and, for its owner, who else shares it.
// Errors: Unavailable, Internal.
func (s *Service) ContactStates(ctx context.Context, p Profile) ([]ContactState, error) {
	var out []ContactState
	now := s.Now().UTC()
	for _, ch := range []string{ChannelEmail, ChannelSMS} {
		addr, verified := p.contact(ch)
		if addr == "" {
			continue
		}
		sub := p.PhoneSubscription
		if ch == ChannelEmail {
			sub = p.EmailSubscription
		}
		c := ContactState{Channel: ch, Address: addr, Verified: verified, Subscription: "none"}
		if s.Contacts != nil && sub != "" {
			st, err := s.Contacts.State(ctx, sub)
			if err != nil {
				return nil, err
			}
			c.Subscription = st
		}
		switch {
		case !verified && s.Verifications != nil:
			code, found, err := s.Verifications.GetCode(ctx, p.Owner, ch)
			if err != nil {
				return nil, err
			}
			if found && code.Tag == verify.Tag(ch, addr) && now.Before(code.ExpiresAt) && code.AttemptsLeft() > 0 {
				exp := code.ExpiresAt
				c.CodeExpiresAt, c.AttemptsLeft = &exp, code.AttemptsLeft()
			}
			account, contact, err := s.Verifications.Sends(ctx, p.Owner, verify.Tag(ch, addr))
			if err != nil {
				return nil, err
			}
			next := later(account.Next(now), contact.Next(now))
			c.ResendAt = &next
		case verified && s.Contacts != nil:
			sharers, err := s.Contacts.Sharers(ctx, ch, addr)
			if err != nil {
				return nil, err
			}
			if len(sharers) > 0 && sharers[0].User == p.Owner {
				c.Owner = true
				c.Sharers = []SharerView{}
				for _, sh := range sharers[1:] {
					c.Sharers = append(c.Sharers, s.sharerView(ctx, ch, addr, sh))
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
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
	v := SharerView{ID: sharerID(channel, endpoint, sh.User), Name: "***"}
	if !sh.Since.IsZero() {
		t := sh.Since
		v.Since = &t
	}
	if p, err := s.Store.GetProfile(ctx, sh.User); err == nil && p.Name != "" {
		v.Name = maskName(p.Name)
	}
	return v
}

// sharerID names a sharer of one contact without their account id.
func sharerID(channel, endpoint, user string) string {
	h := sha256.Sum256([]byte(verify.Tag(channel, endpoint) + ":" + user))
	return hex.EncodeToString(h[:8])
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
// channel (a resend: the earlier code stops working).
// Errors: Invalid (field channel: no such contact, unsupported),
// Conflict (contact_verified: it is proved already; code_limit: the
// hourly cap of codes for the contact or the account is reached, with
// the time the next may be asked for), Unavailable, Internal.
func (s *Service) SendCode(ctx context.Context, owner, channel string) (time.Time, error) {
	const op = "registry.SendCode"
	p, err := s.GetProfile(ctx, owner)
	if err != nil {
		return time.Time{}, err
	}
	addr, verified, err := contactOf(op, p, channel)
	if err != nil {
		return time.Time{}, err
	}
	if verified {
		return time.Time{}, errs.E(op, errs.Conflict, ReasonContactVerified)
	}
	if s.Contacts != nil {
		// The subscription may be gone (the last verified sharer left):
		// opening it again lets the code through.
		if _, err := s.Contacts.Open(ctx, channel, addr); err != nil {
			return time.Time{}, err
		}
	}
	return s.sendCode(ctx, p, channel)
}

// sendCode draws, records and publishes a code for p's contact on
// channel, within the hourly caps; it returns when the code expires.
func (s *Service) sendCode(ctx context.Context, p Profile, channel string) (time.Time, error) {
	const op = "registry.SendCode"
	if s.Verifications == nil || s.Codes == nil {
		return time.Time{}, errs.E(op, errs.Internal, fmt.Errorf("no verification store or code publisher"))
	}
	addr, _ := p.contact(channel)
	tag := verify.Tag(channel, addr)
	now := s.Now().UTC()
	for range 3 { // a lost race for a window: read it again
		account, contact, err := s.Verifications.Sends(ctx, p.Owner, tag)
		if err != nil {
			return time.Time{}, err
		}
		if next := later(account.Next(now), contact.Next(now)); next.After(now) {
			return time.Time{}, errs.E(op, errs.Conflict, ReasonCodeLimit)
		}
		plain, err := verify.NewCode()
		if err != nil {
			return time.Time{}, errs.E(op, errs.Internal, err)
		}
		code, err := verify.Issue(p.Owner, channel, tag, plain, now)
		if err != nil {
			return time.Time{}, errs.E(op, errs.Internal, err)
		}
		err = s.Verifications.PutCode(ctx, code, account.With(now), contact.With(now))
		if errs.Is(err, errs.Conflict) {
			continue
		}
		if err != nil {
			return time.Time{}, err
		}
		subject, body := codeText(p.Language, plain)
		msg := message.Message{ID: "code." + tag[:16] + "." + code.Salt[:16], Subject: subject, Body: body,
			Attributes: map[string]string{message.AttrUserID: p.Owner, message.AttrChannel: channel,
				message.AttrKind: KindContactCode, message.AttrContact: tag}}
		if failed := s.Codes.Publish(ctx, []message.Message{msg}); failed[msg.ID] != nil {
			return time.Time{}, errs.E(op, errs.Unavailable, failed[msg.ID])
		}
		return code.ExpiresAt, nil
	}
	return time.Time{}, errs.E(op, errs.Unavailable, fmt.Errorf("the code windows kept changing"))
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

// VerifyContact checks code against the code last sent to owner's contact
// on channel. A match proves the contact: owner joins its subscription and
// from then on receives messages on it. Each guess is counted before it is
// compared, so concurrent guesses cannot exceed verify.MaxAttempts.
// Verifying a verified contact again changes nothing.
// Errors: Invalid (field channel: no such contact; field code: wrong_code,
// code_expired, too_many_attempts, no_code), Conflict (changed: another
// guess of the same code at this moment; contact_sharers_full),
// Precondition, Unavailable, Internal.
func (s *Service) VerifyContact(ctx context.Context, owner, channel, code string) (Profile, error) {
	const op = "registry.VerifyContact"
	p, err := s.GetProfile(ctx, owner)
	if err != nil {
		return Profile{}, err
	}
	addr, verified, err := contactOf(op, p, channel)
	if err != nil {
		return Profile{}, err
	}
	if verified {
		return p, nil
	}
	if s.Verifications == nil {
		return Profile{}, errs.E(op, errs.Internal, fmt.Errorf("no verification store"))
	}
	bad := func(why string) error { return errs.E(op, errs.Invalid, errs.FieldError{Field: "code", Code: why}) }
	if len(code) != verify.CodeDigits || strings.Trim(code, "0123456789") != "" {
		return Profile{}, bad("invalid_code")
	}
	c, found, err := s.Verifications.GetCode(ctx, owner, channel)
	if err != nil {
		return Profile{}, err
	}
	if !found {
		return Profile{}, bad("no_code")
	}
	tag, now := verify.Tag(channel, addr), s.Now().UTC()
	switch c.Check(code, tag, now) {
	case verify.OtherTarget:
		return Profile{}, bad("no_code")
	case verify.Expired:
		return Profile{}, bad("code_expired")
	case verify.Exhausted:
		return Profile{}, bad("too_many_attempts")
	case verify.Wrong:
		if err := s.Verifications.Guessed(ctx, c); err != nil {
			return Profile{}, err
		}
		if c.Attempts+1 >= verify.MaxAttempts {
			return Profile{}, bad("too_many_attempts")
		}
		return Profile{}, bad("wrong_code")
	}
	// A match still counts as a guess first: a concurrent guess of the
	// same code loses (Conflict), so at most MaxAttempts are ever compared.
	if err := s.Verifications.Guessed(ctx, c); err != nil {
		return Profile{}, err
	}
	next := p
	next.Version, next.UpdatedAt = p.Version+1, now
	if s.Contacts != nil {
		sub, err := s.Contacts.Join(ctx, owner, channel, addr)
		if err != nil {
			return Profile{}, err
		}
		if channel == ChannelSMS {
			next.PhoneSubscription = sub
		} else {
			next.EmailSubscription = sub
		}
	}
	if channel == ChannelSMS {
		next.PhoneVerified = true
	} else {
		next.EmailVerified = true
	}
	if err := s.Verifications.Verified(ctx, next, p.Version, channel); err != nil {
		// Joined but not recorded: the filter lets owner's messages through
		// while Reachable still says pending, so nothing is addressed to
		// the contact; the person's retry with the same code finishes.
		return Profile{}, err
	}
	return next, nil
}

// RemoveSharer removes another person, named by the id the profile shows
// them by, from a verified contact of owner's: only the contact's owner
// (who verified it first) may, and the person removed receives nothing
// more on it until they prove it again.
// Errors: NotFound (no such sharer of a contact owner owns), Unavailable,
// Internal.
func (s *Service) RemoveSharer(ctx context.Context, owner, sharer string) error {
	const op = "registry.RemoveSharer"
	p, err := s.GetProfile(ctx, owner)
	if err != nil {
		return err
	}
	if s.Contacts == nil || s.Verifications == nil {
		return errs.E(op, errs.NotFound)
	}
	// Both verified contacts at once, each read once (the record names
	// its sharers and is the version their removal is written against);
	// sharer's id names one person of one contact (sharerID), so at most
	// one matches.
	channels := []string{ChannelSMS, ChannelEmail}
	found := make([]bool, len(channels))
	expel := make([]func() error, len(channels))
	for i, channel := range channels {
		expel[i] = func() (err error) {
			addr, verified := p.contact(channel)
			if addr == "" || !verified {
				return nil
			}
			found[i], err = s.Contacts.Expel(ctx, owner, channel, addr, func(user string) bool {
				return user != owner && sharerID(channel, addr, user) == sharer
			})
			return err
		}
	}
	err = parallel.Do(expel...)
	if slices.Contains(found, true) {
		return nil
	}
	if err != nil {
		return err
	}
	return errs.E(op, errs.NotFound)
}

// contactOf returns p's contact on channel, refusing a channel without one.
func contactOf(op string, p Profile, channel string) (string, bool, error) {
	switch channel {
	case ChannelSMS, ChannelEmail:
	case "":
		return "", false, errs.E(op, errs.Invalid, errs.FieldError{Field: "channel", Code: "required"})
	default:
		return "", false, errs.E(op, errs.Invalid, errs.FieldError{Field: "channel", Code: "unsupported"})
	}
	addr, verified := p.contact(channel)
	if addr == "" {
		return "", false, errs.E(op, errs.Invalid, errs.FieldError{Field: "channel", Code: "no_contact"})
	}
	return addr, verified, nil
}
