package family

import (
	"context"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// The holder's notifications about a grown-up child's hand-over: in their
// inbox, and (an outbox entry of the due index, as every status message)
// on their verified contacts.
const (
	// KindHandoverOffered: the child is 18; the holder may give them a code
	// until the deadline.
	KindHandoverOffered = "handover_offered"
	// KindHandoverRedeemed: the grown-up redeemed the code; the documents
	// move to their account.
	KindHandoverRedeemed = "handover_redeemed"
)

// handoverTexts are the notifications' title and body by kind and
// language: {name} the person's name, {deadline} the deadline's date.
var handoverTexts = map[string]map[string][2]string{
	KindHandoverOffered: {
		i18n.RU: {"{name}: 18 лет, документы можно передать",
			"Получите в разделе «Семья» код передачи и отдайте его: документы перейдут в собственную учётную запись. Код действует 72 часа. Если его не использовать до {deadline}, документы останутся у вас в архиве."},
		i18n.EN: {"{name} is 18: the documents can be handed over",
			"Ask for a hand-over code in Family and give it to them: the documents move to their own account. A code works for 72 hours. Unredeemed by {deadline}, the documents stay archived with you."},
	},
	KindHandoverRedeemed: {
		i18n.RU: {"{name}: документы переданы", "Код передачи использован: документы переходят в собственную учётную запись и больше не видны у вас."},
		i18n.EN: {"{name}: the documents are handed over", "The hand-over code was redeemed: the documents move to their own account and leave yours."},
	},
}

// notice is the holder's notification of kind about d, in lang, at now;
// the deadline's date is the holder's (loc).
func (s *Service) notice(d Dependent, kind, lang string, loc *time.Location, now time.Time) *inbox.Notification {
	texts, ok := handoverTexts[kind][lang]
	if !ok {
		lang, texts = i18n.RU, handoverTexts[kind][i18n.RU]
	}
	deadline := ""
	if d.Handover.Deadline != nil {
		deadline = i18n.Date(lang, civil.Of(d.Handover.Deadline.In(loc)))
	}
	fill := strings.NewReplacer("{name}", d.Name, "{deadline}", deadline).Replace
	return &inbox.Notification{ID: s.NewID(), Owner: d.Holder, Kind: kind, Title: fill(texts[0]), Body: fill(texts[1]), CreatedAt: now}
}

// language is the holder's language (registry.DefaultLanguage without
// Language).
func (s *Service) language(ctx context.Context, holder string) (string, error) {
	if s.Language == nil {
		return registry.DefaultLanguage, nil
	}
	return s.Language(ctx, holder)
}

// HolderLanguage is Service.Language from the holder's profile.
func HolderLanguage(p Profiles) func(ctx context.Context, holder string) (string, error) {
	return func(ctx context.Context, holder string) (string, error) {
		prof, err := p.GetProfile(ctx, holder)
		if err != nil {
			return "", err
		}
		if prof.Language == "" {
			return registry.DefaultLanguage, nil
		}
		return prof.Language, nil
	}
}
