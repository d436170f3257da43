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
	stateKey ctxKey = iota
	claimKey
)

// requestState is what the chain learns of a request as its steps run: the language of the
// answer, the authenticated actor and the client's key for budgets. It is one value in the
// request's context, put there by the chain's first step and filled in by the later ones, so
// that a step does not copy the request (http.Request.WithContext) to add what it learnt: those
// copies were the largest part of a cached read's allocations.
type requestState struct {
	lang      string        // en, fr, es or all; "" reads as en
	langParam bool          // the lang parameter chose lang
	actor     *domain.Actor // nil for an anonymous request
	client    string        // "t:<token id>" or "ip:<address>"
}

// stateOf is the request's state; nil in a context that has none (outside the chain).
func stateOf(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey).(*requestState)
	return st
}

// withState returns ctx with a state of its own, and that state: ctx's own when it has one.
func withState(ctx context.Context) (context.Context, *requestState) {
	if st := stateOf(ctx); st != nil {
		return ctx, st
	}
	st := &requestState{}
	return context.WithValue(ctx, stateKey, st), st
}

// withActor records the authenticated actor in ctx's state (a new one if it has none), for
// contexts made outside the chain, whose authenticate step fills in the state itself.
func withActor(ctx context.Context, a *domain.Actor) context.Context {
	ctx, st := withState(ctx)
	st.actor = a
	return ctx
}

// actorOf returns the request's actor, or nil for an anonymous request.
func actorOf(ctx context.Context) *domain.Actor {
	if st := stateOf(ctx); st != nil {
		return st.actor
	}
	return nil
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

// withClient records the client's key for budgets and shares in ctx's state (a new one if it
// has none), for contexts made outside the chain, whose rateLimit step fills in the state itself.
func withClient(ctx context.Context, client string) context.Context {
	ctx, st := withState(ctx)
	st.client = client
	return ctx
}

// clientFrom returns the client's key that the chain's rate limit recorded.
func clientFrom(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.client
	}
	return ""
}
