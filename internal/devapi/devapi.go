// Package devapi is what only the local runner (cmd/local) serves: the
// development token issuer and the /dev routes (tokens, the expiry scan on
// demand, the outbox, agency events), the health check and the API's
// description. No Lambda imports it (functions/links_test.go checks), so
// none links a token issuer or a route nothing deploys.
package devapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
)

// Deps are what the local development routes need. They are mounted by the
// local runner only and are no route of functions.All, so nothing deploys
// them.
type Deps struct {
	Issuer *TokenIssuer
	// Health reports whether DynamoDB and SNS answer.
	Health func(ctx context.Context) error
	// ExpiryScan runs the scheduled scan as if EventBridge fired at t; nil
	// until the reminders feature exists (the route answers 501).
	ExpiryScan func(ctx context.Context, t time.Time) (any, error)
	// Docs renders an OpenAPI document as HTML (internal/apidocs.Page).
	Docs func(ctx context.Context, spec []byte) ([]byte, error)
	// Outbox lists what the reminders topic delivered to the local sink
	// queue, only the messages whose attributes have the values in match
	// (GET /dev/outbox?userId=&kind=&channel=: a reader's own
	// verification code among everyone's messages).
	Outbox func(match map[string]string) any
	// Ingest applies an agency event as the ingest function would (POST
	// /dev/events); nil answers 501.
	Ingest func(ctx context.Context, ev events.EventBridgeEvent) (any, error)
	// Aggregate applies what the table's stream holds to the dashboards'
	// counters now (POST /dev/stats/aggregate), instead of at the feed's
	// next tick; nil answers 501.
	Aggregate func(ctx context.Context) (int, error)
}

// Mount registers the local development contract on mux:
// GET /healthz, POST /dev/token, POST /dev/expiry-scan, GET /dev/outbox,
// POST /dev/events (an EventBridge event for the ingest function), POST
// /dev/stats/aggregate (the dashboards' counters brought up to date), and the
// API's description: GET /openapi.yaml and GET /docs (an HTML reference
// rendered from it).
func Mount(mux *http.ServeMux, d Deps) {
	mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(httpapi.OpenAPI)
	})
	mux.Handle("GET /docs", httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if d.Docs == nil {
			return errs.E("dev.docs", httpapi.KindNotImplemented, nil)
		}
		page, err := d.Docs(r.Context(), httpapi.OpenAPI)
		if err != nil {
			return errs.E("dev.docs", errs.Internal, err)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		_, _ = w.Write(page)
		return nil
	}))
	mux.Handle("GET /healthz", httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if err := d.Health(r.Context()); err != nil {
			return errs.E("dev.healthz", errs.Unavailable, err)
		}
		httpapi.Encode(w, http.StatusOK, map[string]string{"status": "ok"})
		return nil
	}))
	mux.Handle("POST /dev/token", httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Sub         string   `json:"sub"`
			Groups      []string `json:"groups"`
			Institution string   `json:"institution"`
			Agency      string   `json:"agency"`
			AgencyRole  string   `json:"agencyRole"`
			Org         string   `json:"org"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		var fe errs.Fields
		if !ids.ValidSubject(in.Sub) {
			fe.Add("sub", "invalid_text")
		}
		if err := fe.Err("dev.token"); err != nil {
			return err
		}
		tok, err := d.Issuer.Issue(httpapi.Identity{Sub: in.Sub, Groups: in.Groups, Institution: in.Institution, Agency: in.Agency, AgencyRole: in.AgencyRole, Org: in.Org})
		if err != nil {
			return errs.E("dev.token", errs.Internal, err)
		}
		httpapi.Encode(w, http.StatusOK, map[string]any{"token": tok, "expiresIn": int(d.Issuer.TTL.Seconds())})
		return nil
	}))
	mux.Handle("POST /dev/stats/aggregate", httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if d.Aggregate == nil {
			return errs.E("dev.aggregate", httpapi.KindNotImplemented, nil)
		}
		n, err := d.Aggregate(r.Context())
		if err != nil {
			return errs.E("dev.aggregate", errs.Unavailable, err)
		}
		httpapi.Encode(w, http.StatusOK, map[string]int{"applied": n})
		return nil
	}))
	mux.Handle("POST /dev/expiry-scan", httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Time time.Time `json:"time"`
		}
		if _, err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		if d.ExpiryScan == nil {
			return errs.E("dev.expiryScan", httpapi.KindNotImplemented, nil)
		}
		out, err := d.ExpiryScan(r.Context(), in.Time)
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	}))
	mux.Handle("GET /dev/outbox", httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		match := map[string]string{}
		for _, k := range []string{"userId", "kind", "channel"} {
			if v := r.URL.Query().Get(k); v != "" {
				match[k] = v
			}
		}
		httpapi.Encode(w, http.StatusOK, d.Outbox(match))
		return nil
	}))
	mux.Handle("POST /dev/events", httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var ev events.EventBridgeEvent
		body, err := httpapi.ReadBody(w, r)
		if err != nil {
			return err
		}
		// EventBridge's envelope has fields this API's strict decoder
		// would refuse ("detail-type", "resources"); read it as Lambda does.
		if err := json.Unmarshal(body, &ev); err != nil {
			return errs.E("dev.events", errs.Malformed, errs.FieldError{Field: "body", Code: "invalid_json"})
		}
		if d.Ingest == nil {
			return errs.E("dev.events", httpapi.KindNotImplemented, nil)
		}
		out, err := d.Ingest(r.Context(), ev)
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	}))
}
