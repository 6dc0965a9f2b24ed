// Package verify is how a person proves a phone number or an e-mail address
// is theirs before Kabinet sends it anything but the proof: a six-digit
// code, stored only as a keyed hash, valid CodeTTL, at most MaxAttempts
// guesses, and at most CodesPerHour codes an hour for one contact and for
// one account (sliding windows). It holds the rules and the numbers; the
// registry's profile service applies them and a store keeps the items.
//
// Why each number: a code of 10^6 values with 5 guesses gives a guesser
// 1 in 200,000 per code, and 3 codes an hour per account bounds that to
// a few in a million an hour; 3 codes an hour per contact bounds what
// any number of accounts can make one victim's phone receive (the SMS
// amplification the security review found) to 72 messages a day.
package verify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// The numbers of verification, in one place (TestNumbers keeps them).
const (
	// CodeDigits is the length of a code.
	CodeDigits = 6
	// CodeTTL is how long a code is accepted after it was sent.
	CodeTTL = 10 * time.Minute
	// MaxAttempts is how many wrong guesses a code survives; the next
	// guess needs a new code.
	MaxAttempts = 5
	// CodesPerHour is how many codes one contact, and one account, may be
	// sent in any Window.
	CodesPerHour = 3
	// Window is the span CodesPerHour counts over.
	Window = time.Hour
)

// Code is a verification code sent to one contact of one person. Only its
// keyed hash is kept: a leaked table does not hand out live codes (a
// six-digit code can be brute-forced from its hash, which is why the salt
// is per code and the code dies after CodeTTL).
type Code struct {
	Owner   string
	Channel string
	// Tag names the contact the code was sent to (Tag of channel and
	// endpoint): a code is for that contact only, so changing the profile's
	// phone makes the code for the old one useless.
	Tag       string
	Salt      string
	Hash      string
	SentAt    time.Time
	ExpiresAt time.Time
	// Attempts counts wrong guesses.
	Attempts int
}

// Tag is the stable, non-reversible name of a contact: hex(sha256(channel
// ":" endpoint)). Subscriptions filter on it to let a code through to an
// endpoint before anyone has verified it, and records are keyed by it, so
// the endpoint itself is never a key or a message attribute.
func Tag(channel, endpoint string) string {
	h := sha256.Sum256([]byte(channel + ":" + endpoint))
	return hex.EncodeToString(h[:])
}

// NewCode draws a uniformly random code of CodeDigits digits from
// crypto/rand.
func NewCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("draw a code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// Issue makes the Code record of plain, sent now to the contact tag of
// owner's channel, with a fresh salt.
func Issue(owner, channel, tag, plain string, now time.Time) (Code, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return Code{}, fmt.Errorf("draw a salt: %w", err)
	}
	c := Code{Owner: owner, Channel: channel, Tag: tag, Salt: hex.EncodeToString(salt),
		SentAt: now.UTC(), ExpiresAt: now.UTC().Add(CodeTTL)}
	c.Hash = c.hash(plain)
	return c, nil
}

func (c Code) hash(plain string) string {
	m := hmac.New(sha256.New, []byte(c.Salt))
	m.Write([]byte(c.Owner + "\x00" + c.Channel + "\x00" + c.Tag + "\x00" + plain))
	return hex.EncodeToString(m.Sum(nil))
}

// Outcome is what checking a guess found.
type Outcome int

// The outcomes of Check.
const (
	Match       Outcome = iota // the guess is the code
	Wrong                      // a wrong guess; Attempts grows
	Expired                    // the code is past ExpiresAt
	Exhausted                  // MaxAttempts wrong guesses were made already
	OtherTarget                // the code was sent to another contact
)

// Check compares guess with c for the contact tag at now, in constant time.
func (c Code) Check(guess, tag string, now time.Time) Outcome {
	switch {
	case c.Tag != tag:
		return OtherTarget
	case !now.Before(c.ExpiresAt):
		return Expired
	case c.Attempts >= MaxAttempts:
		return Exhausted
	}
	if subtle.ConstantTimeCompare([]byte(c.hash(guess)), []byte(c.Hash)) == 1 {
		return Match
	}
	return Wrong
}

// AttemptsLeft is how many guesses c still takes.
func (c Code) AttemptsLeft() int { return max(0, MaxAttempts-c.Attempts) }

// Sends are the times codes were sent to one contact or one account, with
// the version of the record that holds them (0: none yet), so that two
// sends at once cannot both take the last place.
type Sends struct {
	Times   []time.Time
	Version int
}

// Recent returns the sends within Window before now, oldest first.
func (s Sends) Recent(now time.Time) []time.Time {
	var out []time.Time
	for _, t := range s.Times {
		if now.Sub(t) < Window && !t.After(now) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// Next returns when another code may be sent: now when fewer than
// CodesPerHour were sent in the Window, else when the oldest of them
// leaves it.
func (s Sends) Next(now time.Time) time.Time {
	r := s.Recent(now)
	if len(r) < CodesPerHour {
		return now
	}
	return r[len(r)-CodesPerHour].Add(Window)
}

// With returns s with a send at now added and sends older than Window
// dropped (the record stays small).
func (s Sends) With(now time.Time) Sends {
	return Sends{Times: append(s.Recent(now), now.UTC()), Version: s.Version}
}
