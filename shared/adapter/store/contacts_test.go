package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// TestContactRecord: the record of who shares an endpoint is created once,
// and updated or deleted only at the version read, so racing changes of one
// endpoint cannot overwrite each other; its key does not reveal the endpoint.
func TestContactRecord(t *testing.T) {
	st, ctx := newDirStore(t)
	const phone = "+79161234567"
	if _, found, err := st.GetContact(ctx, "sms", phone); err != nil || found {
		t.Fatalf("GetContact before any: found %v, %v", found, err)
	}
	if err := st.CreateContact(ctx, "sms", phone, store.Contact{SubscriptionARN: "arn-1", Users: []string{"bob"}}); err != nil {
		t.Fatalf("CreateContact: %v", err)
	}
	steps := []struct {
		name      string
		do        func() error
		wantKind  errs.Kind // the zero Kind (Internal, which no step expects) means success
		wantUsers []string
		wantVer   int
	}{
		{"creating it again is a conflict",
			func() error {
				return st.CreateContact(ctx, "sms", phone, store.Contact{SubscriptionARN: "arn-2", Users: []string{"eve"}})
			}, errs.Conflict, []string{"bob"}, 1},
		{"an update at the version read succeeds, users in the order they joined (the first is the owner)",
			func() error {
				return st.UpdateContact(ctx, "sms", phone, store.Contact{SubscriptionARN: "arn-1", Users: []string{"bob", "alice"}, Version: 1})
			}, 0, []string{"bob", "alice"}, 2},
		{"an update at a stale version is refused",
			func() error {
				return st.UpdateContact(ctx, "sms", phone, store.Contact{SubscriptionARN: "arn-1", Users: []string{"bob", "carol"}, Version: 1})
			}, errs.Precondition, []string{"bob", "alice"}, 2},
		{"a delete at a stale version is refused",
			func() error { return st.DeleteContact(ctx, "sms", phone, 1) }, errs.Precondition, []string{"bob", "alice"}, 2},
		{"the same number by e-mail is another record",
			func() error {
				_, found, err := st.GetContact(ctx, "email", phone)
				if found {
					t.Error("the sms record answered for email")
				}
				return err
			}, 0, []string{"bob", "alice"}, 2},
		{"a delete at the version read succeeds",
			func() error { return st.DeleteContact(ctx, "sms", phone, 2) }, 0, nil, 0},
		{"an update of a deleted record is refused",
			func() error {
				return st.UpdateContact(ctx, "sms", phone, store.Contact{SubscriptionARN: "arn-1", Users: []string{"bob"}, Version: 2})
			}, errs.Precondition, nil, 0},
	}
	for _, s := range steps {
		err := s.do()
		if s.wantKind == 0 && err != nil || s.wantKind != 0 && !errs.Is(err, s.wantKind) {
			t.Errorf("%s: err = %v, want kind %v", s.name, err, s.wantKind)
		}
		c, found, err := st.GetContact(ctx, "sms", phone)
		if err != nil {
			t.Fatalf("%s: GetContact: %v", s.name, err)
		}
		if found != (s.wantUsers != nil) || !slices.Equal(c.Users, s.wantUsers) || c.Version != s.wantVer {
			t.Errorf("%s: record %+v (found %v), want users %q version %d", s.name, c, found, s.wantUsers, s.wantVer)
		}
	}

	// The key is a hash; the endpoint appears nowhere in the table.
	if err := st.CreateContact(ctx, "email", "family@example.ru", store.Contact{SubscriptionARN: "arn-3", Users: []string{"alice"}}); err != nil {
		t.Fatal(err)
	}
	out, err := st.DB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(st.Table)})
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range out.Items {
		for name, v := range item {
			if s, ok := v.(*types.AttributeValueMemberS); ok && (strings.Contains(s.Value, "family@") || strings.Contains(s.Value, "9161234567")) {
				t.Errorf("attribute %s = %q reveals the endpoint", name, s.Value)
			}
		}
		if pk := item["pk"].(*types.AttributeValueMemberS).Value; !strings.HasPrefix(pk, "CONTACT#") || len(pk) != len("CONTACT#")+64 {
			t.Errorf("pk %q, want CONTACT# and a SHA-256 in hex", pk)
		}
	}
}
