package notify

import (
	"context"
	"errors"
	"fmt"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/message"
)

// Channels a Message is addressed to (the message.AttrChannel attribute), as the
// registry names them. Subscriptions supports ChannelSMS and ChannelEmail.
const (
	ChannelSMS   = registry.ChannelSMS
	ChannelEmail = registry.ChannelEmail
)

// SNS limits Publish enforces before sending, so one bad message fails
// alone instead of failing (or being silently dropped from) its batch.
const (
	maxBatchEntries    = 10     // PublishBatch entries per call
	maxPayloadBytes    = 262144 // one message, and all entries of one PublishBatch call together
	maxAttributes      = 10     // message attributes per message
	maxAttrNameLen     = 256
	maxSubjectLen      = 100
	maxEntryIDLen      = 80
	defaultConcurrency = 4
)

// Publisher publishes Messages to one SNS topic with PublishBatch: ten
// messages per call and several calls at once, so a reminder run over
// thousands of people takes few round trips. The zero Concurrency means 4.
type Publisher struct {
	SNS         *sns.Client
	TopicARN    string
	Concurrency int // batches in flight at once; default 4
}

// Publish sends msgs in PublishBatch calls of at most 10 entries (and at
// most 256 KiB together), up to Concurrency calls at once, and returns the
// ids of the messages that were NOT published with the reason; nil means
// all were published. It never reports a message as published that SNS did
// not accept; a message may still reach SNS and be reported failed (a
// timeout after SNS accepted it), so a retry can deliver twice and
// consumers dedupe on the dedupeId attribute.
//
// The errors in the map are *errs.Error:
//   - errs.Invalid wrapping ErrEmptyID, ErrDuplicateID, ErrEmptyBody,
//     ErrInvalidBody, ErrTooManyAttributes, ErrInvalidAttribute,
//     ErrInvalidSubject or ErrTooLarge: the message was refused before
//     sending; the others went.
//   - errs.Unavailable: SNS was unreachable or throttled the call (or the
//     entry), or ctx ended before the message's batch was sent (the error
//     then wraps ctx.Err()); retry later.
//   - errs.Internal: any other failure of the call (a missing topic, no
//     permission), an entry SNS refused (wrapping *EntryError), or an entry
//     SNS did not acknowledge (ErrNotAcknowledged).
//
// A failed call fails all its entries; a partial batch failure fails just
// the refused entries. Once ctx ends no further batch is started. Publish
// does not log.
func (p *Publisher) Publish(ctx context.Context, msgs []message.Message) map[string]error {
	const op = "notify.Publish"
	if len(msgs) == 0 {
		return nil
	}
	failed := make(map[string]error)
	if p.SNS == nil || p.TopicARN == "" {
		err := errs.E(op, errs.Internal, errors.New("publisher has no SNS client or topic ARN"))
		for _, m := range msgs {
			failed[m.ID] = err
		}
		return failed
	}

	seen := make(map[string]int, len(msgs))
	for _, m := range msgs {
		seen[m.ID]++
	}
	var ready []prepared
	for _, m := range msgs {
		if n := seen[m.ID]; n > 1 && m.ID != "" {
			failed[m.ID] = errs.E(op, errs.Invalid, fmt.Errorf("message %q: %w (%d copies)", m.ID, ErrDuplicateID, n))
			continue
		}
		pm, err := prepare(m)
		if err != nil {
			failed[m.ID] = errs.E(op, errs.Invalid, fmt.Errorf("message %q: %w", m.ID, err))
			continue
		}
		ready = append(ready, pm)
	}

	batches := split(ready)
	results := make([]map[string]error, len(batches))
	conc := p.Concurrency
	if conc <= 0 {
		conc = defaultConcurrency
	}
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, b := range batches {
		if ctx.Err() == nil {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
		}
		if err := ctx.Err(); err != nil {
			notSent := errs.E(op, errs.Unavailable, fmt.Errorf("not sent: %w", err))
			for _, rest := range batches[i:] {
				for _, pm := range rest {
					failed[pm.id] = notSent
				}
			}
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = p.send(ctx, op, b)
		})
	}
	wg.Wait()
	for _, r := range results {
		for id, err := range r {
			failed[id] = err
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return failed
}

// prepared is a validated Message turned into SNS's shape.
type prepared struct {
	id      string
	subject string
	body    string
	attrs   map[string]types.MessageAttributeValue
	size    int // bytes SNS counts against the 256 KiB limits
}

// send makes one PublishBatch call and returns the ids it did not publish.
func (p *Publisher) send(ctx context.Context, op string, batch []prepared) map[string]error {
	entries := make([]types.PublishBatchRequestEntry, len(batch))
	byEntry := make(map[string]string, len(batch)) // entry id -> Message.ID
	for i, pm := range batch {
		eid := entryID(i, pm.id)
		byEntry[eid] = pm.id
		entries[i] = types.PublishBatchRequestEntry{
			Id:                aws.String(eid),
			Message:           aws.String(pm.body),
			MessageAttributes: pm.attrs,
		}
		if pm.subject != "" {
			entries[i].Subject = aws.String(pm.subject)
		}
	}
	failed := make(map[string]error)
	out, err := p.SNS.PublishBatch(ctx, &sns.PublishBatchInput{
		TopicArn:                   aws.String(p.TopicARN),
		PublishBatchRequestEntries: entries,
	})
	if err != nil {
		err = wrap(op, err)
		for _, pm := range batch {
			failed[pm.id] = err
		}
		return failed
	}
	accepted := make(map[string]bool, len(out.Successful))
	for _, s := range out.Successful {
		if id, ok := byEntry[aws.ToString(s.Id)]; ok {
			accepted[id] = true
		}
	}
	for _, f := range out.Failed {
		if id, ok := byEntry[aws.ToString(f.Id)]; ok {
			failed[id] = wrap(op, &EntryError{Code: aws.ToString(f.Code), Message: aws.ToString(f.Message), SenderFault: f.SenderFault})
		}
	}
	for _, pm := range batch {
		if _, refused := failed[pm.id]; !refused && !accepted[pm.id] {
			failed[pm.id] = errs.E(op, errs.Internal, fmt.Errorf("message %q: %w", pm.id, ErrNotAcknowledged))
		}
	}
	return failed
}

// split packs messages, in order, into batches of at most maxBatchEntries
// entries and maxPayloadBytes in total. Every prepared message fits alone.
func split(msgs []prepared) [][]prepared {
	var out [][]prepared
	var cur []prepared
	size := 0
	for _, m := range msgs {
		if len(cur) == maxBatchEntries || (len(cur) > 0 && size+m.size > maxPayloadBytes) {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, m)
		size += m.size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// entryID is the PublishBatch entry id of the message at position pos of
// its batch: the position keeps ids distinct within the batch even when two
// message ids sanitise alike, and the sanitised id keeps it readable.
func entryID(pos int, id string) string {
	b := make([]byte, 0, maxEntryIDLen)
	b = strconv.AppendInt(b, int64(pos), 10)
	b = append(b, '-')
	for i := 0; i < len(id) && len(b) < maxEntryIDLen; i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b = append(b, c)
		} else {
			b = append(b, '_')
		}
	}
	return string(b)
}

// decimal is a number as SNS's Number data type takes it (no NaN, Inf or hex).
// It is compiled on first use rather than at every cold start of every
// function that links this package.
var decimal = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)
})

// prepare validates m against SNS's rules and builds its attributes. The
// errors name attributes, never their values or the body.
func prepare(m message.Message) (prepared, error) {
	if m.ID == "" {
		return prepared{}, ErrEmptyID
	}
	if m.Body == "" {
		return prepared{}, ErrEmptyBody
	}
	if !utf8.ValidString(m.Body) {
		return prepared{}, ErrInvalidBody
	}
	if err := checkSubject(m.Subject); err != nil {
		return prepared{}, err
	}
	n := len(m.Attributes)
	if _, ok := m.Attributes[message.AttrDedupeID]; !ok {
		n++
	}
	if n > maxAttributes {
		return prepared{}, fmt.Errorf("%w: %d including %s", ErrTooManyAttributes, n, message.AttrDedupeID)
	}
	attrs := make(map[string]types.MessageAttributeValue, n)
	size := len(m.Body) + len(m.Subject)
	add := func(name, value string) error {
		if err := checkAttrName(name); err != nil {
			return err
		}
		if value == "" {
			return fmt.Errorf("%w: %q has an empty value", ErrInvalidAttribute, name)
		}
		if !utf8.ValidString(value) {
			return fmt.Errorf("%w: %q is not UTF-8", ErrInvalidAttribute, name)
		}
		dataType := "String"
		if name == message.AttrDaysLeft {
			dataType = "Number"
			if !decimal().MatchString(value) {
				return fmt.Errorf("%w: %q is not a number", ErrInvalidAttribute, name)
			}
		}
		attrs[name] = types.MessageAttributeValue{DataType: aws.String(dataType), StringValue: aws.String(value)}
		size += len(name) + len(dataType) + len(value)
		return nil
	}
	for name, value := range m.Attributes {
		if name == message.AttrDedupeID {
			continue
		}
		if err := add(name, value); err != nil {
			return prepared{}, err
		}
	}
	if err := add(message.AttrDedupeID, m.ID); err != nil {
		return prepared{}, err
	}
	if size > maxPayloadBytes {
		return prepared{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	return prepared{id: m.ID, subject: m.Subject, body: m.Body, attrs: attrs, size: size}, nil
}

// checkSubject applies SNS's rule for subjects: UTF-8, at most 100
// characters, no line breaks or control characters.
func checkSubject(s string) error {
	if s == "" {
		return nil
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: not UTF-8", ErrInvalidSubject)
	}
	if utf8.RuneCountInString(s) > maxSubjectLen {
		return fmt.Errorf("%w: over %d characters", ErrInvalidSubject, maxSubjectLen)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: line break or control character", ErrInvalidSubject)
	}
	return nil
}

// checkAttrName applies SNS's rules for message attribute names.
func checkAttrName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w: name %q %s", ErrInvalidAttribute, name, why) }
	switch {
	case name == "":
		return fmt.Errorf("%w: empty name", ErrInvalidAttribute)
	case len(name) > maxAttrNameLen:
		return fmt.Errorf("%w: name longer than %d bytes", ErrInvalidAttribute, maxAttrNameLen)
	case strings.HasPrefix(strings.ToLower(name), "aws.") || strings.HasPrefix(strings.ToLower(name), "amazon."):
		return bad("uses a reserved prefix")
	case name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, ".."):
		return bad("has a leading, trailing or doubled period")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return bad("has characters outside [A-Za-z0-9_.-]")
		}
	}
	return nil
}
