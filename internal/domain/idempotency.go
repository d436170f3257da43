package domain

import "context"

// IdempotencyClaim is a client's Idempotency-Key for a create. The HTTP layer puts it in the
// request context; the store inserts it in the same transaction as the write, so that a key is
// claimed exactly when the write commits. The request's hash is stored with its response.
type IdempotencyClaim struct {
	Client string // hash of the token, or the client's address
	Key    string
}

type claimKey struct{}

// NewContextWithClaim returns a context carrying an idempotency claim.
func NewContextWithClaim(ctx context.Context, c *IdempotencyClaim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// ClaimFromContext returns the request's idempotency claim, or nil.
func ClaimFromContext(ctx context.Context) *IdempotencyClaim {
	c, _ := ctx.Value(claimKey{}).(*IdempotencyClaim)
	return c
}
