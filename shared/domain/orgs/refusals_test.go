package orgs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/orgs"
)

// newService is an orgs.Service on a table of the test's own in DynamoDB
// Local, at the package's fixed now.
func newService(t *testing.T) (*orgs.Service, context.Context) {
	t.Helper()
	cl, name := testenv.Table(t, "orgs")
	return &orgs.Service{Store: allstore.New(cl.DynamoDB, name), Now: func() time.Time { return now }, NewID: ids.New}, context.Background()
}

// mustGrant grants sub's consent to org for types or fails the test.
func mustGrant(t *testing.T, svc *orgs.Service, sub, org string, types ...string) orgs.Consent {
	t.Helper()
	c, _, err := svc.Grant(context.Background(), sub, orgs.ConsentInput{OrganizationID: org, DocumentTypes: types})
	if err != nil {
		t.Fatalf("Grant(%s, %s): %v", sub, org, err)
	}
	return c
}

// checkRefusal fails the test unless err is of kind want and reason wantReason.
func checkRefusal(t *testing.T, err error, want errs.Kind, wantReason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %v (%s)", want, wantReason)
	}
	if got := errs.KindOf(err); got != want {
		t.Errorf("kind = %v, want %v (%v)", got, want, err)
	}
	if got := string(errs.ReasonOf(err)); got != wantReason {
		t.Errorf("reason = %q, want %q (%v)", got, wantReason, err)
	}
}

// TestConsentCap: a person may hold MaxConsents consents. The cap itself
// is allowed, one more is refused; a retry of a consent they hold is still
// answered at the cap, and withdrawing one makes room again.
func TestConsentCap(t *testing.T) {
	svc, ctx := newService(t)
	org := func(i int) string { return fmt.Sprintf("org-%02d", i) }
	for i := 1; i < orgs.MaxConsents-1; i++ { // the first cap−2, so the table below starts at cap−1
		mustGrant(t, svc, "anna", org(i), "osago")
	}
	var last orgs.Consent
	for _, step := range []struct {
		name        string
		do          func() (orgs.Consent, bool, error)
		wantKind    errs.Kind // Internal, which no refusal here is, means granted
		wantReason  string
		wantExisted bool
	}{
		{name: "cap−1: granted", do: func() (orgs.Consent, bool, error) {
			return svc.Grant(ctx, "anna", orgs.ConsentInput{OrganizationID: org(orgs.MaxConsents - 1), DocumentTypes: []string{"osago"}})
		}},
		{name: "cap: granted", do: func() (orgs.Consent, bool, error) {
			return svc.Grant(ctx, "anna", orgs.ConsentInput{OrganizationID: org(orgs.MaxConsents), DocumentTypes: []string{"osago"}})
		}},
		{name: "cap+1: refused", wantKind: errs.Conflict, wantReason: "too_many_consents", do: func() (orgs.Consent, bool, error) {
			return svc.Grant(ctx, "anna", orgs.ConsentInput{OrganizationID: org(orgs.MaxConsents + 1), DocumentTypes: []string{"osago"}})
		}},
		{name: "at the cap, another organisation with other types: refused", wantKind: errs.Conflict, wantReason: "too_many_consents",
			do: func() (orgs.Consent, bool, error) {
				return svc.Grant(ctx, "anna", orgs.ConsentInput{OrganizationID: "zeta", DocumentTypes: []string{"snils", "inn"}})
			}},
		{name: "at the cap, a retry of a consent held: answered with it", wantExisted: true, do: func() (orgs.Consent, bool, error) {
			return svc.Grant(ctx, "anna", orgs.ConsentInput{OrganizationID: org(orgs.MaxConsents), DocumentTypes: []string{"osago"}})
		}},
		{name: "one withdrawn: cap again, granted", do: func() (orgs.Consent, bool, error) {
			if err := svc.Revoke(ctx, "anna", last.ID); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			return svc.Grant(ctx, "anna", orgs.ConsentInput{OrganizationID: org(orgs.MaxConsents + 1), DocumentTypes: []string{"osago"}})
		}},
		{name: "and cap+1 refused again", wantKind: errs.Conflict, wantReason: "too_many_consents", do: func() (orgs.Consent, bool, error) {
			return svc.Grant(ctx, "anna", orgs.ConsentInput{OrganizationID: org(orgs.MaxConsents + 2), DocumentTypes: []string{"osago"}})
		}},
		{name: "another person's cap is their own", do: func() (orgs.Consent, bool, error) {
			return svc.Grant(ctx, "boris", orgs.ConsentInput{OrganizationID: org(orgs.MaxConsents + 2), DocumentTypes: []string{"osago"}})
		}},
	} {
		t.Run(step.name, func(t *testing.T) {
			c, existed, err := step.do()
			if step.wantKind != errs.Internal {
				checkRefusal(t, err, step.wantKind, step.wantReason)
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want granted", err)
			}
			if existed != step.wantExisted {
				t.Errorf("existed = %v, want %v", existed, step.wantExisted)
			}
			last = c
		})
	}
	list, err := svc.Consents(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list), orgs.MaxConsents; got != want {
		t.Errorf("anna holds %d consents, want %d", got, want)
	}
}

// TestOrgRefusals: each refusal of the orgs service, with the kind the
// HTTP layer maps to a status and the reason it maps to a problem type.
func TestOrgRefusals(t *testing.T) {
	svc, ctx := newService(t)
	held := mustGrant(t, svc, "bob", "acme", "osago")
	for _, tc := range []struct {
		name       string
		do         func() error
		wantKind   errs.Kind
		wantReason string
	}{
		{"another consent to an organisation consented to: consent_exists", func() error {
			_, _, err := svc.Grant(ctx, "bob", orgs.ConsentInput{OrganizationID: "acme", DocumentTypes: []string{"snils"}})
			return err
		}, errs.Conflict, "consent_exists"},
		{"more types for an organisation consented to: consent_exists", func() error {
			_, _, err := svc.Grant(ctx, "bob", orgs.ConsentInput{OrganizationID: "acme", DocumentTypes: []string{"osago", "snils"}})
			return err
		}, errs.Conflict, "consent_exists"},
		{"a citizen lists an organisation's documents: org_admin_only", func() error {
			_, err := svc.Documents(ctx, orgs.Admin{Sub: "bob", Org: "acme"}, "acme", orgs.Filter{})
			return err
		}, errs.Forbidden, "org_admin_only"},
		{"a citizen exports an organisation's documents: org_admin_only", func() error {
			_, _, err := svc.Export(ctx, orgs.Admin{Sub: "bob", Org: "acme"}, "acme", "")
			return err
		}, errs.Forbidden, "org_admin_only"},
		{"a citizen naming no organisation: org_admin_only", func() error {
			_, err := svc.Documents(ctx, orgs.Admin{Sub: "bob"}, "acme", orgs.Filter{})
			return err
		}, errs.Forbidden, "org_admin_only"},
		{"another organisation's administrator: other_organization", func() error {
			_, err := svc.Documents(ctx, orgs.Admin{Sub: "boss", IsOrgAdmin: true, Org: "other"}, "acme", orgs.Filter{})
			return err
		}, errs.Forbidden, "other_organization"},
		{"an administrator of no organisation: other_organization", func() error {
			_, _, err := svc.Export(ctx, orgs.Admin{Sub: "boss", IsOrgAdmin: true}, "acme", "")
			return err
		}, errs.Forbidden, "other_organization"},
		{"withdrawing someone else's consent: not found, as a missing one", func() error {
			return svc.Revoke(ctx, "mallory", held.ID)
		}, errs.NotFound, ""},
		{"withdrawing a consent that never was: not found", func() error {
			return svc.Revoke(ctx, "bob", ids.New())
		}, errs.NotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkRefusal(t, tc.do(), tc.wantKind, tc.wantReason)
		})
	}
	// None of the refusals changed bob's consent.
	list, err := svc.Consents(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != held.ID || len(list[0].Types) != 1 {
		t.Errorf("bob's consents = %+v, want only %+v", list, held)
	}
}
