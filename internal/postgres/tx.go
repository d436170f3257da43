package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/lib/pq"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// txAttempts is how many times inTx runs a transaction that PostgreSQL aborted to resolve a
// deadlock or a serialization failure before it gives up (EUNAVAILABLE: the client may retry).
const txAttempts = 3

// inTx runs fn in a transaction and commits it when fn succeeds. When the caller carries an
// idempotency claim, the key is inserted first, in the same transaction: a concurrent request
// with the same key waits on the key's unique index and then fails with ECONFLICT, and a write
// that rolls back releases its key. Every write of the store goes through here, once per request.
//
// A transaction that PostgreSQL aborts as the victim of a deadlock (40P01) or a serialization
// failure (40001) is run again from the start, claim included, up to txAttempts times in all:
// the abort rolled everything back, and fn only works in the database (a fn that keeps anything
// outside the transaction must start it afresh on each run). Two writes that lock the same rows
// in opposite orders (two events made each other's parent) then both end in a clear answer.
func (db *DB) inTx(ctx context.Context, caller domain.Caller, fn func(tx *sqlx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.runTx(ctx, caller, fn)
		if err == nil || attempt == txAttempts || !isTxRetryable(err) {
			return mapError(err)
		}
		// The other transaction usually holds its locks a few milliseconds more: let it finish
		// rather than meet it again. The jitter keeps two victims from retrying in step.
		wait := time.Duration(attempt) * (5*time.Millisecond + rand.N(20*time.Millisecond)) // #nosec G404 -- jitter, not a secret
		select {
		case <-ctx.Done():
			return mapError(err)
		case <-time.After(wait):
		}
	}
}

// runTx is one run of inTx's transaction; it returns the driver's errors as they are.
func (db *DB) runTx(ctx context.Context, caller domain.Caller, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	if c := caller.Claim; c != nil {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO idempotency_keys AS k (client, key, request_hash) VALUES ($1, $2, '')
			 ON CONFLICT (client, key) DO UPDATE SET request_hash = '', status = NULL, headers = NULL, body = NULL,
				created_at = now(), completed_at = NULL
			 WHERE k.created_at <= now() - $3 * interval '1 second'`, c.Client, c.Key, IdempotencyTTL.Seconds())
		// An expired key is taken over; a live one conflicts (or, while its first request still
		// runs, waits for it and then conflicts).
		if n, _ := rowsAffected(res); err == nil && n == 0 || isUniqueViolation(err) {
			return domain.Errorf(domain.EINPROGRESS, "a request with this Idempotency-Key is still being processed; retry later")
		}
		if err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// isTxRetryable reports whether PostgreSQL aborted the transaction only to let a concurrent one
// go on: deadlock_detected (40P01) or serialization_failure (40001).
func isTxRetryable(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func rowsAffected(res sql.Result) (int64, error) {
	if res == nil {
		return 0, nil
	}
	return res.RowsAffected()
}

// audit records a write in the audit trail, inside the write's transaction. before and after
// are the resource's representations (nil for a create's before and a delete's after).
func audit(ctx context.Context, tx *sqlx.Tx, caller domain.Caller, action, resource, id string, before, after any) error {
	a := caller.Actor
	var tokenID *int64
	if a != nil && a.TokenID != 0 {
		tokenID = &a.TokenID
	}
	var reqID *string
	if r := caller.RequestID; r != "" {
		reqID = &r
	}
	b, err := jsonOrNull(before)
	if err != nil {
		return err
	}
	af, err := jsonOrNull(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (token_id, actor, action, resource, resource_id, before, after, request_id)
		VALUES ($1, $2, $3, $4, $5, CAST($6 AS jsonb), CAST($7 AS jsonb), $8)`,
		tokenID, a.Label(), action, resource, id, b, af, reqID)
	return err
}

func jsonOrNull(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}
