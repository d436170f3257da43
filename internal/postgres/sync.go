package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Incremental sync (updated_since) on the same basis as the change feed: by the transaction
// that wrote each change, never by the time it began, so that a transaction that began before
// a client's previous sync and committed after it is not missed. The samples of the visibility
// horizon in sync_horizons (migration 00013) turn the time of a previous sync into a
// transaction: every transaction that a read at that time could not see has an id at least the
// horizon of the latest sample taken before it.

// SyncSampleEvery is how often the server samples the visibility horizon.
const SyncSampleEvery = 30 * time.Second

// recordSyncHorizonSQL samples the horizon: the snapshot of this statement, taken after began
// (its start) and before at (the clock when the row is made).
const recordSyncHorizonSQL = `
	INSERT INTO sync_horizons (at, began, horizon, snapshot)
	SELECT clock_timestamp(), statement_timestamp(), pg_snapshot_xmin(s), s FROM pg_current_snapshot() s
	ON CONFLICT DO NOTHING`

// thinSyncHorizonsSQL keeps, of the samples older than two days, the first of each hour (of
// UTC): an updated_since that old finds a sample at most an hour before it, which only adds the
// changes of that hour to its answer again.
const thinSyncHorizonsSQL = `
	DELETE FROM sync_horizons s
	WHERE s.at < now() - interval '2 days'
	  AND EXISTS (SELECT 1 FROM sync_horizons e
	              WHERE e.at < s.at AND e.at >= to_timestamp(floor(extract(epoch FROM s.at) / 3600) * 3600))`

// RecordSyncHorizon records a sample of the visibility horizon and thins out the old ones. The
// server calls it at start and every SyncSampleEvery; it runs on the primary, in its own
// statements (a transaction's older snapshot would be a wrong sample).
func (db *DB) RecordSyncHorizon(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, recordSyncHorizonSQL); err != nil {
		return mapError(err)
	}
	_, err := db.db.ExecContext(ctx, thinSyncHorizonsSQL)
	return mapError(err)
}

// SyncPoint turns a list's updated_since into the transaction its changes start from: a
// cursor's own, or the horizon of the latest sample taken at or before the time. nil when u is
// nil, or a time older than every sample: every row then counts as changed (a full resync,
// the honest answer when the server cannot tell).
func (db *DB) SyncPoint(ctx context.Context, u *domain.UpdatedSince) (*domain.SyncPoint, error) {
	switch {
	case u == nil:
		return nil, nil
	case u.Cursor != nil:
		return &domain.SyncPoint{Tx: u.Cursor.Tx}, nil
	}
	return SyncPointAt(ctx, db.reader(ctx), u.Time)
}

// SyncPointAt is the horizon of the latest sample taken at or before t, read with q; nil when
// there is none. It is exported for the benchmark floor (scripts/bench/floor).
func SyncPointAt(ctx context.Context, q sqlx.QueryerContext, t time.Time) (*domain.SyncPoint, error) {
	if t.Year() < 1900 {
		return nil, nil // older than any sample (and than some times PostgreSQL cannot store)
	}
	var horizon string
	err := sqlx.GetContext(ctx, q, &horizon, `SELECT horizon::text FROM sync_horizons WHERE at <= $1 ORDER BY at DESC LIMIT 1`, t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(err)
	}
	tx, err := strconv.ParseUint(horizon, 10, 64)
	if err != nil {
		return nil, err
	}
	return &domain.SyncPoint{Tx: tx}, nil
}

// changedSince is the condition of updated_since on a list: it keeps the rows whose resource
// has an audit row of a transaction from p on. key is the SQL of a row's identifier as the audit
// trail writes it (resource_id, text: a slug, or a number or compound key made text).
// PostgreSQL reads the changed identifiers from audit_log_resource_tx_idx and hashes them.
func changedSince(args *queryArgs, resource, key string, p *domain.SyncPoint) string {
	return key + " IN (SELECT resource_id FROM audit_log WHERE resource = " + args.add(resource) +
		" AND tx_id >= " + args.add(strconv.FormatUint(p.Tx, 10)) + "::xid8)"
}

// changedIDSince is changedSince for a resource identified by a bigint, id (the SQL of the
// row's column): the changed identifiers are cast to bigint, so that PostgreSQL may read the few
// changed rows by their primary key rather than walk a large table. The cast is safe: it applies
// to the subquery's output, the rows of that one resource, whose resource_id is its decimal id.
func changedIDSince(args *queryArgs, resource, id string, p *domain.SyncPoint) string {
	return id + " IN (SELECT resource_id::bigint FROM audit_log WHERE resource = " + args.add(resource) +
		" AND tx_id >= " + args.add(strconv.FormatUint(p.Tx, 10)) + "::xid8)"
}
