package notify

import (
	"context"
	"errors"
	"fmt"
	"github.com/kabinet/kabinet/shared/domain/message"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// These tests need no emulator.

func TestEntryID(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	for _, c := range []struct {
		pos  int
		id   string
		want string
	}{
		{0, "reminder-1_sms", "0-reminder-1_sms"},
		{3, "doc#42/sms", "3-doc_42_sms"},
		{9, "", "9-"},
		{1, "ünï", "1-__n__"}, // per byte: ü and ï are two each
		{2, strings.Repeat("a", 200), "2-" + strings.Repeat("a", 78)},
	} {
		got := entryID(c.pos, c.id)
		if got != c.want || !valid.MatchString(got) {
			t.Errorf("entryID(%d, %q) = %q, want %q matching %s", c.pos, c.id, got, c.want, valid)
		}
	}
	// Ids that sanitise alike stay distinct by position.
	if entryID(0, "a#b") == entryID(1, "a/b") {
		t.Error("entry ids collide")
	}
}

func TestSplit(t *testing.T) {
	mk := func(n, size int) []prepared {
		out := make([]prepared, n)
		for i := range out {
			out[i] = prepared{id: fmt.Sprint(i), size: size}
		}
		return out
	}
	sizes := func(bs [][]prepared) string {
		var s []string
		for _, b := range bs {
			s = append(s, fmt.Sprint(len(b)))
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		name string
		in   []prepared
		want string
	}{
		{"none", nil, ""},
		{"25 small", mk(25, 100), "10,10,5"},
		{"exactly 10", mk(10, 100), "10"},
		{"by size", mk(5, 100_000), "2,2,1"},
		{"one full-size each", mk(3, maxPayloadBytes), "1,1,1"},
	} {
		if got := sizes(split(c.in)); got != c.want {
			t.Errorf("%s: batch sizes %q, want %q", c.name, got, c.want)
		}
	}
}

func TestFilterPolicy(t *testing.T) {
	if got, want := FilterPolicy([]string{"u-1"}, ChannelSMS), `{"channel":["sms"],"userId":["u-1"]}`; got != want {
		t.Errorf("FilterPolicy = %s, want %s", got, want)
	}
	if got, want := FilterPolicy([]string{`a"b`}, ChannelEmail), `{"channel":["email"],"userId":["a\"b"]}`; got != want {
		t.Errorf("FilterPolicy escapes badly: %s, want %s", got, want)
	}
	if got, want := FilterPolicy([]string{"u-1", "u-2"}, ChannelSMS), `{"channel":["sms"],"userId":["u-1","u-2"]}`; got != want {
		t.Errorf("FilterPolicy of two users = %s, want %s", got, want)
	}
}

func TestPrepareAttributes(t *testing.T) {
	m := msg("r1#sms", "u-1", ChannelSMS, "hi")
	m.Attributes[message.AttrDedupeID] = "something else"
	p, err := prepare(m)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		message.AttrUserID: {"String", "u-1"}, message.AttrChannel: {"String", "sms"}, message.AttrKind: {"String", "document_expiring"},
		message.AttrDocumentType: {"String", "passport"}, message.AttrDaysLeft: {"Number", "30"}, message.AttrDedupeID: {"String", "r1#sms"},
	}
	if len(p.attrs) != len(want) {
		t.Errorf("attributes %v, want %v", p.attrs, want)
	}
	for name, w := range want {
		a := p.attrs[name]
		if aws.ToString(a.DataType) != w[0] || aws.ToString(a.StringValue) != w[1] {
			t.Errorf("%s = %s %q, want %s %q", name, aws.ToString(a.DataType), aws.ToString(a.StringValue), w[0], w[1])
		}
	}
	// Ten attributes are fine when one of them is dedupeId.
	m = msg("ten", "u-1", ChannelSMS, "hi")
	for i := range 4 {
		m.Attributes[fmt.Sprint("x", i)] = "v"
	}
	m.Attributes[message.AttrDedupeID] = "ten"
	if _, err := prepare(m); err != nil {
		t.Errorf("10 attributes including dedupeId: %v", err)
	}
}

func TestWrapClassifies(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want errs.Kind
	}{
		{"connection refused", errors.New("dial tcp: connection refused"), errs.Unavailable},
		{"cancelled", context.Canceled, errs.Unavailable},
		{"Throttled", &snstypes.ThrottledException{}, errs.Unavailable},
		{"KMSThrottling", &snstypes.KMSThrottlingException{}, errs.Unavailable},
		{"InternalError", &snstypes.InternalErrorException{}, errs.Unavailable},
		{"ThrottlingException", &smithy.GenericAPIError{Code: "ThrottlingException"}, errs.Unavailable},
		{"ServiceUnavailable", &smithy.GenericAPIError{Code: "ServiceUnavailable"}, errs.Unavailable},
		{"NotFound", &snstypes.NotFoundException{}, errs.Internal},
		{"AuthorizationError", &snstypes.AuthorizationErrorException{}, errs.Internal},
		{"entry refused", &EntryError{Code: "InvalidParameter", SenderFault: true}, errs.Internal},
		{"entry throttled", &EntryError{Code: "Throttled"}, errs.Unavailable},
		{"already classified", errs.E("x", errs.Conflict, nil), errs.Conflict},
	} {
		got := wrap("notify.Test", fmt.Errorf("operation error: %w", c.err))
		if !errs.Is(got, c.want) || !errors.Is(got, c.err) {
			t.Errorf("%s: wrap = %v (kind %s), want kind %s wrapping the cause", c.name, got, errs.KindOf(got), c.want)
		}
	}
}

func TestContactFilterPolicy(t *testing.T) {
	for _, c := range []struct {
		name  string
		users []string
		want  string
	}{
		{"nobody verified: codes only", nil, `{"channel":["sms"],"contact":["t1"]}`},
		{"verified people and the codes", []string{"u-1", "u-2"}, `{"$or":[{"userId":["u-1","u-2"]},{"contact":["t1"]}],"channel":["sms"]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ContactFilterPolicy(c.users, ChannelSMS, "t1"); got != c.want {
				t.Errorf("ContactFilterPolicy = %s, want %s", got, c.want)
			}
		})
	}
}
