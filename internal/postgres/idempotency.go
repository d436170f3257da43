package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// IdempotencyTTL is how long a key and its response are kept.
const IdempotencyTTL = 24 * time.Hour

// StoredResponse is what an idempotency key holds: the request's hash and, once the write has
// committed and answered, the response to replay.
type StoredResponse struct {
	RequestHash []byte
	Completed   bool
	Status      int
	Header      http.Header
	Body        []byte
}

// LookupIdempotencyKey returns the stored state of a key, or nil when the key is unused or expired.
func (db *DB) LookupIdempotencyKey(ctx context.Context, client, key string) (*StoredResponse, error) {
	var row struct {
		Hash    []byte         `db:"request_hash"`
		Status  sql.NullInt64  `db:"status"`
		Headers sql.NullString `db:"headers"`
		Body    []byte         `db:"body"`
	}
	err := db.db.GetContext(ctx, &row, `
		SELECT request_hash, status, headers, body FROM idempotency_keys
		WHERE client = $1 AND key = $2 AND created_at > now() - $3 * interval '1 second'`,
		client, key, IdempotencyTTL.Seconds())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(err)
	}
	r := &StoredResponse{RequestHash: row.Hash, Completed: row.Status.Valid, Status: int(row.Status.Int64), Body: row.Body}
	if row.Headers.Valid {
		if err := json.Unmarshal([]byte(row.Headers.String), &r.Header); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// CompleteIdempotencyKey stores the hash of the request that claimed the key and its response.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, client, key string, requestHash []byte, status int, header http.Header, body []byte) error {
	h, err := json.Marshal(header)
	if err != nil {
		return err
	}
	_, err = db.db.ExecContext(ctx, `
		UPDATE idempotency_keys SET request_hash = $3, status = $4, headers = CAST($5 AS jsonb), body = $6,
			completed_at = now()
		WHERE client = $1 AND key = $2`, client, key, requestHash, status, string(h), body)
	return mapError(err)
}

// PurgeIdempotencyKeys deletes keys older than the TTL, and expired keys whose key is reused.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	res, err := db.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < now() - $1 * interval '1 second'`,
		IdempotencyTTL.Seconds())
	if err != nil {
		return 0, mapError(err)
	}
	return res.RowsAffected()
}
