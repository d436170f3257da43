package domain

import (
	"context"
	"slices"
)

// Role is what a token may do.
type Role string

// The roles. Editors are scoped to cities; the secretariat may write all data and publish;
// admins manage tokens.
const (
	RoleAdmin       Role = "admin"
	RoleSecretariat Role = "secretariat"
	RoleEditor      Role = "editor"
)

// Roles lists every role, for validation and documentation.
var Roles = []Role{RoleAdmin, RoleSecretariat, RoleEditor}

// Actor is the authenticated caller of a request, resolved from its bearer token.
type Actor struct {
	TokenID int64
	Name    string
	Role    Role
	Cities  []string // the cities an editor may write; empty for other roles
}

// HasRole reports whether the actor holds one of the roles.
func (a *Actor) HasRole(roles ...Role) bool {
	return a != nil && slices.Contains(roles, a.Role)
}

// AllCities reports whether the actor may write data of every city (secretariat and admin).
func (a *Actor) AllCities() bool {
	return a.HasRole(RoleSecretariat, RoleAdmin)
}

// ScopeCities returns the cities an editor is scoped to, or nil for actors that see all cities.
// Stores pass it to SQL: `($1::text[] IS NULL OR city = ANY($1))`.
func (a *Actor) ScopeCities() []string {
	if a == nil || a.AllCities() {
		return nil
	}
	if a.Cities == nil {
		return []string{}
	}
	return a.Cities
}

// Label names the actor in the audit trail.
func (a *Actor) Label() string {
	if a == nil {
		return "anonymous"
	}
	return string(a.Role) + ":" + a.Name
}

type actorKey struct{}

// NewContextWithActor returns a context carrying the request's actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the request's actor, or nil for an anonymous request.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

type requestIDKey struct{}

// NewContextWithRequestID returns a context carrying the request id (for logs and the audit trail).
func NewContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFromContext returns the request id, or "".
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
