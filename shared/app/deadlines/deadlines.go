// Package deadlines is the composition that gives the applications
// domain's response deadlines to the reminders domain, which sends what
// falls due: neither domain links the other (the applications function
// must not link the pipeline), so the port's adapter lives here, linked by
// the functions that run the pipeline (reminder-worker, expiry-scan) and
// by the local runner.
package deadlines

import (
	"context"
	"log/slog"
	"time"

	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// Deadlines is reminders.Deadlines by an applications service.
type Deadlines struct{ Apps *applications.Service }

var _ reminders.Deadlines = Deadlines{}

// DeadlineDue implements reminders.Deadlines by
// applications.Service.DeadlineDue. Errors: as that one's.
func (d Deadlines) DeadlineDue(ctx context.Context, owner, id string, at, now time.Time, lang string) (*reminders.DeadlineReminder, error) {
	r, err := d.Apps.DeadlineDue(ctx, owner, id, at, now, lang)
	if r == nil || err != nil {
		return nil, err
	}
	return &reminders.DeadlineReminder{Key: r.Key, Kind: r.Kind, Subject: r.Subject, Body: r.Body, Next: r.Next}, nil
}

// On is the pipeline's Deadlines on the applications' store and the
// registry's (appstore, docstore). The refusal's status message goes out
// through the outbox (the urgent class, due at once), paced like every
// other message.
func On(apps applications.Store, docs registry.Store, log *slog.Logger) Deadlines {
	reg := &registry.Service{Store: docs, Now: time.Now, NewID: ids.New}
	return Deadlines{Apps: &applications.Service{Store: apps, Profiles: reg, Documents: reg, Renewals: reg,
		Now: time.Now, NewID: ids.New, Log: log}}
}
