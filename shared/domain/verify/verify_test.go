package verify

import (
	"testing"
	"time"
)

// TestNumbers keeps the numbers the README, the OpenAPI document and the
// web cabinet state: change them together.
func TestNumbers(t *testing.T) {
	if CodeDigits != 6 || CodeTTL != 10*time.Minute || MaxAttempts != 5 || CodesPerHour != 3 || Window != time.Hour {
		t.Errorf("digits %d, ttl %v, attempts %d, per hour %d, window %v", CodeDigits, CodeTTL, MaxAttempts, CodesPerHour, Window)
	}
}

func TestCodeCheck(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tag := Tag("sms", "+79161234567")
	c, err := Issue("anna", "sms", tag, "042917", t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Hash == "" || c.Hash == "042917" || len(c.Salt) != 32 {
		t.Fatalf("code record %+v", c)
	}
	tired := c
	tired.Attempts = MaxAttempts
	for _, tc := range []struct {
		name  string
		code  Code
		guess string
		tag   string
		at    time.Time
		want  Outcome
	}{
		{"the code", c, "042917", tag, t0, Match},
		{"a second before expiry", c, "042917", tag, t0.Add(CodeTTL - time.Second), Match},
		{"at expiry", c, "042917", tag, t0.Add(CodeTTL), Expired},
		{"a wrong guess", c, "042918", tag, t0, Wrong},
		{"without the leading zero", c, "42917", tag, t0, Wrong},
		{"another contact", c, "042917", Tag("sms", "+79161234568"), t0, OtherTarget},
		{"after MaxAttempts", tired, "042917", tag, t0, Exhausted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.code.Check(tc.guess, tc.tag, tc.at); got != tc.want {
				t.Errorf("Check = %v, want %v", got, tc.want)
			}
		})
	}
	// The same code for another person hashes differently.
	d, _ := Issue("boris", "sms", tag, "042917", t0)
	if d.Hash == c.Hash {
		t.Error("two people's records of one code are equal")
	}
}

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeDigits {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 190 {
		t.Errorf("200 codes, %d distinct", len(seen))
	}
}

func TestSendsWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var s Sends
	for i := range CodesPerHour {
		at := t0.Add(time.Duration(i) * 10 * time.Minute)
		if next := s.Next(at); !next.Equal(at) {
			t.Fatalf("send %d: next %v, want now", i, next)
		}
		s = s.With(at)
	}
	at := t0.Add(30 * time.Minute)
	if next := s.Next(at); !next.Equal(t0.Add(Window)) {
		t.Errorf("after %d sends: next %v, want an hour after the first", CodesPerHour, next)
	}
	if next := s.Next(t0.Add(Window)); !next.Equal(t0.Add(Window)) {
		t.Errorf("an hour after the first: next %v, want then", next)
	}
	s = s.With(t0.Add(Window))
	if got := len(s.Times); got != CodesPerHour {
		t.Errorf("the window holds %d sends, want %d (the oldest dropped)", got, CodesPerHour)
	}
}
