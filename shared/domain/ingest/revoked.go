package ingest

import (
	"context"
	"strings"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/issuers"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

type revokedDetail struct {
	CitizenID string `json:"citizenId"`
	Agency    string `json:"agency"`
	Number    string `json:"number"`
	Type      string `json:"type"`
	Reason    string `json:"reason"`
}

func (s *Service) revoked(ctx context.Context, ev Event, agency string, in revokedDetail) (Result, error) {
	const op = "ingest.DocumentRevoked"
	var fe errs.Fields
	checkParty(&fe, in.CitizenID, in.Agency, agency)
	switch _, ok := registry.Lookup(registry.DocType(in.Type)); {
	case in.Type == "":
		fe.Add("detail.type", "required")
	case !ok:
		fe.Add("detail.type", "unknown_type")
	default:
		s.checkIssuer(&fe, "detail.type", agency, in.Type)
	}
	switch {
	case strings.TrimSpace(in.Number) == "":
		fe.Add("detail.number", "required")
	case !cleanText(in.Number, 64):
		fe.Add("detail.number", "invalid_text")
	}
	reason, ok := usertext.Line(in.Reason, maxReason)
	switch {
	case !ok:
		fe.Add("detail.reason", "invalid_text")
	case reason == "":
		fe.Add("detail.reason", "required")
	}
	if err := fe.Err(op); err != nil {
		return Result{}, err
	}
	owner := in.CitizenID
	if c, ok, err := s.Store.EventClaim(ctx, owner, ev.ID); err != nil {
		return Result{}, err
	} else if ok {
		return duplicate(ev, c), nil
	}
	t := registry.DocType(in.Type)
	want := normalNumber(t, in.Number)
	var match *registry.Document
	err := s.eachDocument(ctx, owner, func(x registry.Document) {
		// Only what this agency issued: a document the owner typed, or one
		// another agency issued, is not the sender's to revoke.
		if x.Type != t || x.Number != want || !issuers.MayChange(agency, x) {
			return
		}
		if match == nil || (match.ArchivedAt != nil && x.ArchivedAt == nil) {
			x := x
			match = &x
		}
	})
	if err != nil {
		return Result{}, err
	}
	if match == nil {
		return Result{}, errs.E(op, errs.NotFound, ReasonDocumentNotFound)
	}
	d := *match
	res := Result{EventID: ev.ID, DetailType: ev.DetailType, DocumentID: d.ID}
	if d.RevokedAt != nil {
		// A copy of this very event may have revoked it since the claim
		// was read: then its claim is there, and this copy is a duplicate.
		if c, ok, err := s.Store.EventClaim(ctx, owner, ev.ID); err != nil {
			return Result{}, err
		} else if ok {
			return duplicate(ev, c), nil
		}
		res.Outcome = OutcomeUnchanged
		return res, nil
	}
	p, err := s.Store.GetProfile(ctx, owner)
	if err != nil {
		return Result{}, err
	}
	now := s.Now().UTC()
	prev := d.Version
	d.RevokedAt, d.RevokedReason = &now, reason
	d.Version, d.UpdatedAt = prev+1, now
	d.Reminder.Next, d.Reminder.NextAt = nil, nil // a revoked document is not renewed: no reminders
	txt := revokedText(d, agency, reason, p.Language)
	w := Write{
		Claim:   Claim{EventID: ev.ID, Owner: owner, DetailType: ev.DetailType, Outcome: OutcomeApplied, DocID: d.ID, At: now},
		Updates: []Update{{Doc: d, PrevVersion: prev}},
		History: []registry.Event{{ID: s.NewID(), DocID: d.ID, Owner: owner, Action: registry.ActionRevoked,
			Actor: "agency:" + agency, At: now}},
		Notification: &inbox.Notification{ID: s.NewID(), Owner: owner, Kind: KindDocumentRevoked, Title: txt.title,
			Body: txt.body, DocID: d.ID, DocType: string(d.Type), CreatedAt: now},
	}
	c, dup, err := s.Store.ApplyEvent(ctx, w)
	if err != nil {
		return Result{}, err
	}
	if dup {
		return duplicate(ev, c), nil
	}
	s.log().Info("agency document revoked", "eventId", ev.ID, "agency", agency, "type", string(d.Type))
	res.Outcome = OutcomeApplied
	return res, nil
}
