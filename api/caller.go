package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ctxKey keys the values the HTTP layer keeps in a request's context. They stay in this
// package: handlers hand them to the store as a domain.Caller, never through the context.
type ctxKey int

const (
	actorKey ctxKey = iota
	requestIDKey
	claimKey
)

// withActor returns a context carrying the authenticated actor.
func withActor(ctx context.Context, a *domain.Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// actorOf returns the request's actor, or nil for an anonymous request.
func actorOf(ctx context.Context) *domain.Actor {
	a, _ := ctx.Value(actorKey).(*domain.Actor)
	return a
}

// withRequestID returns a context carrying the request id.
func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// requestIDOf returns the request id, or "".
func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// withClaim returns a context carrying the request's Idempotency-Key claim.
func withClaim(ctx context.Context, c *domain.IdempotencyClaim) context.Context {
	return context.WithValue(ctx, claimKey, c)
}

// callerOf is the caller of a request as the store receives it.
func callerOf(ctx context.Context) domain.Caller {
	c, _ := ctx.Value(claimKey).(*domain.IdempotencyClaim)
	return domain.Caller{Actor: actorOf(ctx), RequestID: requestIDOf(ctx), Claim: c}
}
