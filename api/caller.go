package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ctxKey keys the values the HTTP layer keeps in a request's context. They stay in this
// package: handlers hand them to the store as a domain.Caller, never through the context.
type ctxKey int

const (
	actorKey ctxKey = iota
	claimKey
	clientKey
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

// withClaim returns a context carrying the request's Idempotency-Key claim.
func withClaim(ctx context.Context, c *domain.IdempotencyClaim) context.Context {
	return context.WithValue(ctx, claimKey, c)
}

// callerOf is the caller of a request as the store receives it.
func callerOf(ctx context.Context) domain.Caller {
	c, _ := ctx.Value(claimKey).(*domain.IdempotencyClaim)
	return domain.Caller{Actor: actorOf(ctx), RequestID: httpx.RequestIDOf(ctx), Claim: c}
}

// withClient returns a context carrying the client's key for budgets and shares.
func withClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey, client)
}

// clientFrom returns the client's key that the chain's rate limit put in the context.
func clientFrom(ctx context.Context) string {
	c, _ := ctx.Value(clientKey).(string)
	return c
}
