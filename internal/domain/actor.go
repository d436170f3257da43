package domain

import "slices"

// Role is what a token may do.
type Role string

// The roles. Editors are scoped to cities; the secretariat may write all data and publish;
// admins manage tokens; subscribers (open-data consumers) write no data and manage only their
// own webhook subscriptions.
const (
	RoleAdmin       Role = "admin"
	RoleSecretariat Role = "secretariat"
	RoleEditor      Role = "editor"
	RoleSubscriber  Role = "subscriber"
)

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

// AllSubscriptions reports whether the actor sees and manages every webhook subscription (the
// secretariat and admins); others see only those their own token created.
func (a *Actor) AllSubscriptions() bool {
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

// Caller is who makes a write, handed to the store explicitly: the authenticated actor, the
// request's id for the audit trail, and the Idempotency-Key claim to insert with the write.
type Caller struct {
	Actor     *Actor
	RequestID string
	Claim     *IdempotencyClaim // nil when the request carries no Idempotency-Key
}
