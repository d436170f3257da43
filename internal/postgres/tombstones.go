package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// bury records, in a delete's transaction, that a resource was deleted at the given version.
// A resource created again under the same id starts after it (see firstVersion). Versions only
// grow: a tombstone keeps the highest version ever deleted under its id.
func bury(ctx context.Context, tx *sqlx.Tx, resource, id string, version int) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO tombstones AS t (resource, resource_id, last_version) VALUES ($1, $2, $3)
		ON CONFLICT (resource, resource_id) DO UPDATE
		SET last_version = greatest(t.last_version, excluded.last_version), deleted_at = now()`,
		resource, id, version)
	return err
}

// firstVersion is the version a resource created under id starts at: 1, or one more than the
// last version of a resource deleted under the same id, so that an ETag is never given to two
// different resources. The caller must first wait for any delete of id still in flight (by
// locking the row FOR UPDATE), so that this statement's snapshot sees its tombstone.
func firstVersion(ctx context.Context, tx *sqlx.Tx, resource, id string) (int, error) {
	var v int
	err := tx.GetContext(ctx, &v, `
		SELECT coalesce(max(last_version), 0) + 1 FROM tombstones WHERE resource = $1 AND resource_id = $2`,
		resource, id)
	return v, err
}
