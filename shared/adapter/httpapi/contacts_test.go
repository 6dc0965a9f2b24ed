package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// codeQueue subscribes a queue to the env's reminders topic, as /dev/outbox's
// sink is subscribed locally, and returns a function reading the last code
// published for sub.
func (e *env) codeQueue() func(sub string) string {
	e.t.Helper()
	ctx := context.Background()
	sq := sqs.NewFromConfig(e.cl.AWS)
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(e.table + "-codes")})
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.cl.SNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(e.topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(a.Attributes["QueueArn"])}); err != nil {
		e.t.Fatal(err)
	}
	codes := map[string]string{}
	six := regexp.MustCompile(`\b[0-9]{6}\b`)
	return func(sub string) string {
		e.t.Helper()
		for {
			res, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10})
			if err != nil {
				e.t.Fatal(err)
			}
			if len(res.Messages) == 0 {
				break
			}
			for _, m := range res.Messages {
				var env struct {
					Message           string
					MessageAttributes map[string]struct{ Value string }
				}
				_ = json.Unmarshal([]byte(aws.ToString(m.Body)), &env)
				if env.MessageAttributes["kind"].Value == registry.KindContactCode {
					codes[env.MessageAttributes["userId"].Value] = six.FindString(env.Message)
				}
				_, _ = sq.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle})
			}
		}
		if codes[sub] == "" {
			e.t.Fatalf("no code was published for %s", sub)
		}
		return codes[sub]
	}
}

func contactOf(t *testing.T, profile map[string]any, channel string) map[string]any {
	t.Helper()
	for _, c := range profile["contacts"].([]any) {
		if m := c.(map[string]any); m["channel"] == channel {
			return m
		}
	}
	t.Fatalf("no %s contact in %v", channel, profile)
	return nil
}

// TestContactVerificationRoutes: PUT /profile with a phone answers it
// pending with a live code; the wrong code is 422 with attempts left; the
// code sent (read off the topic) verifies it; a resend is then 409
// contact_verified; a second person giving the same phone is saved, not
// refused, and its owner sees them and removes them.
func TestContactVerificationRoutes(t *testing.T) {
	e := newEnvWithTopic(t)
	code := e.codeQueue()
	const phone = "+79161234567"
	r := e.do(req{method: "PUT", path: "/profile", token: e.token("alice"), body: map[string]any{"name": "Алиса", "phone": phone}})
	if r.status != http.StatusOK {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	c := contactOf(t, r.json(t), "sms")
	if c["state"] != "pending" || c["attemptsLeft"] != 5.0 || c["codeExpiresAt"] != e.clock.Now().Add(10*time.Minute).UTC().Format(time.RFC3339) {
		t.Errorf("the new phone: %v", c)
	}
	first := code("alice")
	wrong := fmt.Sprintf("%06d", (func() int { n := 0; fmt.Sscan(first, &n); return n }()+1)%1_000_000)
	assertType(t, e.do(req{method: "POST", path: "/profile/contacts/verify", token: e.token("alice"), body: map[string]any{"channel": "sms", "address": phone, "code": wrong}}),
		http.StatusUnprocessableEntity, "validation", "code:wrong_code")
	assertType(t, e.do(req{method: "POST", path: "/profile/contacts/verify", token: e.token("alice"), body: map[string]any{"channel": "push", "address": phone, "code": first}}),
		http.StatusUnprocessableEntity, "validation", "channel:unsupported")
	r = e.do(req{method: "POST", path: "/profile/contacts/verify", token: e.token("alice"), body: map[string]any{"channel": "sms", "address": phone, "code": first}})
	if r.status != http.StatusOK {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	if c := contactOf(t, r.json(t), "sms"); c["state"] != "verified" || c["owner"] != true {
		t.Errorf("verified phone: %v", c)
	}
	assertType(t, e.do(req{method: "POST", path: "/profile/contacts/resend", token: e.token("alice"), body: map[string]any{"channel": "sms", "address": phone}}),
		http.StatusConflict, "contact-verified")

	// Bob gives alice's phone: saved (the 409 contact_in_use is gone), pending.
	r = e.do(req{method: "PUT", path: "/profile", token: e.token("bob"), body: map[string]any{"name": "Борис Петров", "phone": phone}})
	if r.status != http.StatusOK {
		t.Fatalf("bob's put: %d %s", r.status, r.body)
	}
	if c := contactOf(t, r.json(t), "sms"); c["state"] != "pending" {
		t.Errorf("bob's phone: %v", c)
	}
	if r := e.do(req{method: "POST", path: "/profile/contacts/verify", token: e.token("bob"), body: map[string]any{"channel": "sms", "address": phone, "code": code("bob")}}); r.status != http.StatusOK {
		t.Fatalf("bob's verify: %d %s", r.status, r.body)
	}
	c = contactOf(t, e.do(req{method: "GET", path: "/profile", token: e.token("alice")}).json(t), "sms")
	sharers, _ := c["sharers"].([]any)
	if len(sharers) != 1 || sharers[0].(map[string]any)["name"] != "Б*** П***" {
		t.Fatalf("alice's sharers: %v", c)
	}
	id := sharers[0].(map[string]any)["id"].(string)
	assertType(t, e.do(req{method: "DELETE", path: "/profile/contacts/sharers/" + id, token: e.token("bob")}), http.StatusNotFound, "not-found")
	if r := e.do(req{method: "DELETE", path: "/profile/contacts/sharers/" + id, token: e.token("alice")}); r.status != http.StatusNoContent {
		t.Fatalf("remove: %d %s", r.status, r.body)
	}
	if c := contactOf(t, e.do(req{method: "GET", path: "/profile", token: e.token("bob")}).json(t), "sms"); c["state"] != "pending" {
		t.Errorf("bob after removal: %v", c)
	}
}

// sharer gives owner a verified phone shared with one more person and
// returns that person's sharer id, as the owner's profile shows it: the
// BOLA suite's fixture. Each call adds another sharer.
func (e *env) sharer(owner string) string {
	e.t.Helper()
	ctx := context.Background()
	st := store.New(e.db, e.table)
	const phone = "+79161230000"
	p, err := st.GetProfile(ctx, owner)
	if err != nil {
		e.t.Fatal(err)
	}
	if p.Phone != phone {
		if r := e.do(req{method: "PUT", path: "/profile", token: e.token(owner), body: map[string]any{"phone": phone}}); r.status != http.StatusOK {
			e.t.Fatalf("put: %d %s", r.status, r.body)
		}
		testenv.Verified(e.t, st, owner)
		p, _ = st.GetProfile(ctx, owner)
		if err := st.CreateContact(ctx, "sms", phone, store.Contact{SubscriptionARN: p.PhoneSubscription, Users: []string{owner}}); err != nil {
			e.t.Fatal(err)
		}
	}
	rec, _, err := st.GetContact(ctx, "sms", phone)
	if err != nil {
		e.t.Fatal(err)
	}
	rec.Users = append(rec.Users, fmt.Sprintf("sharer-%d", len(rec.Users)))
	if err := st.UpdateContact(ctx, "sms", phone, rec); err != nil {
		e.t.Fatal(err)
	}
	c := contactOf(e.t, e.do(req{method: "GET", path: "/profile", token: e.token(owner)}).json(e.t), "sms")
	sharers := c["sharers"].([]any)
	return sharers[len(sharers)-1].(map[string]any)["id"].(string)
}
