package domain

// IdempotencyClaim is a client's Idempotency-Key for a create. The HTTP layer passes it in the
// Caller; the store inserts it in the same transaction as the write, so that a key is
// claimed exactly when the write commits. The request's hash is stored with its response.
type IdempotencyClaim struct {
	Client string // hash of the token, or the client's address
	Key    string
}
