package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// TestVerifiedConditions: the proof of a contact is written with the end
// of its code and the endpoint's record in one transaction, and only if
// none of the three changed since they were read: a guess counted or a
// new code sent meanwhile (the match must count as the guess it is, so
// two guesses of one code cannot both succeed), the profile saved, or
// someone joining the endpoint first. A refused proof writes nothing, and
// says which of them changed.
func TestVerifiedConditions(t *testing.T) {
	st, ctx := newDirStore(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, tc := range []struct {
		name string
		// meanwhile changes what was read before the proof is written
		meanwhile  func(owner, phone string, c verify.Code) error
		prev       int // the profile's version as read (1 is stored)
		recVersion int // the record's version as read (0: none)
		wantKind   errs.Kind
		wantRecord bool // the record is told (registry.ErrContactRecordChanged)
	}{
		{name: "as read", prev: 1},
		{name: "a wrong guess counted meanwhile", prev: 1, wantKind: errs.Conflict,
			meanwhile: func(_, _ string, c verify.Code) error { return st.Guessed(ctx, c) }},
		{name: "a new code sent meanwhile", prev: 1, wantKind: errs.Conflict,
			meanwhile: func(_, _ string, c verify.Code) error {
				c.Salt = "another-salt"
				return st.PutCode(ctx, c, verify.Sends{Version: 1}, verify.Sends{Version: 1})
			}},
		{name: "the profile saved meanwhile", prev: 0, wantKind: errs.Precondition},
		{name: "someone joined the endpoint first", prev: 1, wantKind: errs.Conflict, wantRecord: true,
			meanwhile: func(_, phone string, _ verify.Code) error {
				return st.CreateContact(ctx, registry.ChannelSMS, phone, store.Contact{SubscriptionARN: "arn-other", Users: []string{"other"}})
			}},
		{name: "the record changed since the join read it", prev: 1, recVersion: 3, wantKind: errs.Conflict, wantRecord: true,
			meanwhile: func(_, phone string, _ verify.Code) error {
				return st.CreateContact(ctx, registry.ChannelSMS, phone, store.Contact{SubscriptionARN: "arn-other", Users: []string{"other"}})
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			owner, phone := fmt.Sprintf("verified-%d", i), fmt.Sprintf("+7916000000%d", i)
			p := registry.Profile{Owner: owner, TimeZone: "Europe/Moscow", Language: "ru", Phone: phone, Version: 1, UpdatedAt: now}
			if err := st.PutProfile(ctx, p, 0); err != nil {
				t.Fatal(err)
			}
			code, err := verify.Issue(owner, registry.ChannelSMS, verify.Tag(registry.ChannelSMS, phone), "123456", now)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.PutCode(ctx, code, verify.Sends{}, verify.Sends{}); err != nil {
				t.Fatal(err)
			}
			if tc.meanwhile != nil {
				if err := tc.meanwhile(owner, phone, code); err != nil {
					t.Fatal(err)
				}
			}
			next := p
			next.Version, next.PhoneVerified, next.PhoneSubscription = 2, true, "arn-1"
			if tc.prev == 0 { // saved meanwhile: the stored profile is at 2
				saved := p
				saved.Version = 2
				if err := st.PutProfile(ctx, saved, 1); err != nil {
					t.Fatal(err)
				}
				tc.prev, next.Version = 1, 2
			}
			rec := registry.ContactRecord{SubscriptionARN: "arn-1", Sharers: []registry.Sharer{{User: owner, Since: now}}, Version: tc.recVersion}
			err = st.Verified(ctx, next, tc.prev, code, phone, rec)

			got, gerr := st.GetProfile(ctx, owner)
			if gerr != nil {
				t.Fatal(gerr)
			}
			stored, codeLeft, gerr := st.GetCode(ctx, owner, registry.ChannelSMS)
			if gerr != nil {
				t.Fatal(gerr)
			}
			record, recorded, gerr := st.GetContact(ctx, registry.ChannelSMS, phone)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if tc.wantKind == errs.Internal {
				if err != nil {
					t.Fatalf("Verified: %v", err)
				}
				if !got.PhoneVerified || got.Version != 2 || codeLeft || !recorded || !slices.Equal(record.Users, []string{owner}) || record.Version != 1 {
					t.Errorf("after the proof: verified %v at %d, code left %v, record %+v (found %v)", got.PhoneVerified, got.Version, codeLeft, record, recorded)
				}
				return
			}
			if !errs.Is(err, tc.wantKind) || errors.Is(err, registry.ErrContactRecordChanged) != tc.wantRecord {
				t.Fatalf("Verified: %v, want %v (the record told: %v)", err, tc.wantKind, tc.wantRecord)
			}
			if got.PhoneVerified || !codeLeft || stored.Attempts > 1 || (recorded && slices.Contains(record.Users, owner)) {
				t.Errorf("a refused proof wrote something: verified %v, code left %v (attempts %d), record %+v", got.PhoneVerified, codeLeft, stored.Attempts, record)
			}
		})
	}
}
