package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
)

type ctxKey int

const (
	identityKey ctxKey = iota
	requestIDKey
	loggerKey
)

// Identity is who is calling, as the authorizer established it. Handlers
// read it only through IdentityFrom; a user id never comes from a body or
// query.
type Identity struct {
	Sub         string
	Groups      []string
	Institution string
	Agency      string
	// AgencyRole is the claim custom:agencyRole: "lead" for a lead clerk,
	// who may reassign the agency's applications; "" for any other.
	AgencyRole string
	Org        string
}

// GroupOrgAdmin is the group of an organisation's administrators; their
// token's org claim names the organisation.
const GroupOrgAdmin = "orgadmin"

// GroupManager is the group of managers (heads of an agency, an
// institution or an organisation): their token's agency, institution or
// org claim is the scope whose aggregates they read (the stats routes).
// They read counts only, never a citizen's personal data, and no other
// route treats them as staff.
const GroupManager = "manager"

// ManagerOf reports whether the identity is a manager whose claim of kind
// ("agency", "institution" or "org") names scope.
func (id Identity) ManagerOf(kind, scope string) bool {
	if scope == "" || !id.InGroup(GroupManager) {
		return false
	}
	switch kind {
	case "agency":
		return id.Agency == scope
	case "institution":
		return id.Institution == scope
	case "org":
		return id.Org == scope
	}
	return false
}

// InGroup reports whether the identity belongs to group g.
func (id Identity) InGroup(g string) bool {
	for _, x := range id.Groups {
		if x == g {
			return true
		}
	}
	return false
}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey, id)
}

// IdentityFrom returns the caller's identity; ok is false on a public route.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey).(Identity)
	return id, ok && id.Sub != ""
}

// RequestID returns the id that ties a response to its log lines.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithRequestID returns ctx carrying request id rid.
func WithRequestID(ctx context.Context, rid string) context.Context {
	return context.WithValue(ctx, requestIDKey, rid)
}

// Logger returns the request's logger (with its request id), or the default.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func contextWithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey, l)
}
