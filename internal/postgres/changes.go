package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// changesSQL reads the change feed from the audit trail: public resources only (reports once
// published), in transaction order and then id order, after the cursor and before the
// visibility horizon, the oldest transaction still running when the statement began. Every
// transaction before the horizon has ended, so nothing can appear behind a cursor later; a
// transaction past it may still commit, so the feed stops there. The horizon comes out of the
// same statement, and so the same snapshot, as the rows.
const changesSQL = `
	WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin, pg_snapshot_xmax(pg_current_snapshot()) AS xmax)
	SELECT h.xmin::text AS horizon, h.xmax::text AS next_tx,
	       a.tx_id::text AS tx_id, a.id, a.resource, a.resource_id, a.action, a.at,
	       coalesce(CASE WHEN a.resource = 'report' THEN ` + publicReport + ` ELSE a.after END, 'null') AS data
	FROM horizon h
	LEFT JOIN LATERAL (
		SELECT tx_id, id, resource, resource_id, action, at, after
		FROM audit_log
		WHERE (tx_id, id) > ($1::text::xid8, $2::bigint)
		  AND tx_id < h.xmin
		  AND resource = ANY ($3)
		  AND (resource <> 'report' OR after->>'status' = 'published')
		ORDER BY tx_id, id
		LIMIT $4
	) a ON true
	ORDER BY a.tx_id, a.id`

// publicReport is a report's audit image (a) as an anonymous reader sees the report: no return
// reasons, which may quote an unpublished version, and no transitions to make (the image was
// taken with the writer's view).
const publicReport = `a.after || jsonb_build_object('allowed_transitions', '[]'::jsonb, 'history',
	coalesce((SELECT jsonb_agg(CASE WHEN h ? 'reason' THEN jsonb_set(h, '{reason}', 'null') ELSE h END ORDER BY n)
	          FROM jsonb_array_elements(a.after->'history') WITH ORDINALITY AS x (h, n)), '[]'::jsonb))`

type changeRow struct {
	Horizon    string          `db:"horizon"`
	NextTx     string          `db:"next_tx"`
	TxID       *string         `db:"tx_id"`
	ID         *int64          `db:"id"`
	Resource   *string         `db:"resource"`
	ResourceID *string         `db:"resource_id"`
	Action     *string         `db:"action"`
	At         *time.Time      `db:"at"`
	Data       json.RawMessage `db:"data"`
}

// Changes returns up to limit changes after the cursor, of the given resources (every public
// one when none is given), and the cursor to continue from: after the last change returned, or
// at the visibility horizon when the feed is caught up, so that an empty page still moves on.
func (db *DB) Changes(ctx context.Context, since domain.ChangeCursor, resources []string, limit int) ([]domain.Change, domain.ChangeCursor, error) {
	return readChanges(ctx, db.reader(ctx), since, resources, limit)
}

// readChanges is Changes on q: a pool, or the transaction that queues a subscription's deliveries.
func readChanges(ctx context.Context, q sqlx.QueryerContext, since domain.ChangeCursor, resources []string, limit int) ([]domain.Change, domain.ChangeCursor, error) {
	if len(resources) == 0 {
		resources = domain.FeedResources
	}
	var rows []changeRow
	err := sqlx.SelectContext(ctx, q, &rows, changesSQL,
		strconv.FormatUint(since.Tx, 10), since.ID, pq.Array(resources), limit)
	if err != nil {
		return nil, since, mapError(err)
	}
	if len(rows) > 0 {
		// A cursor past every transaction yet begun was never issued here: it would wait for ever.
		if nextTx, err := strconv.ParseUint(rows[0].NextTx, 10, 64); err == nil && since.Tx > nextTx {
			return nil, since, domain.Invalid("since", "not a change-feed cursor issued by this API: it lies in the future")
		}
	}
	next := since
	var out []domain.Change
	for _, r := range rows {
		if r.ID == nil {
			continue // the horizon's own row: no change after the cursor
		}
		tx, err := strconv.ParseUint(*r.TxID, 10, 64)
		if err != nil {
			return nil, since, err
		}
		out = append(out, domain.Change{ID: *r.ID, Resource: *r.Resource, ResourceID: *r.ResourceID,
			Action: *r.Action, At: r.At.UTC(), Data: r.Data})
		next = domain.ChangeCursor{Tx: tx, ID: *r.ID}
	}
	if len(out) < limit && len(rows) > 0 {
		horizon, err := strconv.ParseUint(rows[0].Horizon, 10, 64)
		if err != nil {
			return nil, since, err
		}
		if horizon > next.Tx {
			next = domain.ChangeCursor{Tx: horizon}
		}
	}
	return out, next, nil
}

// ChangesHeldBack reports whether committed changes of the given resources (every public one
// when none is given) wait past the visibility horizon: a transaction still running, anywhere on
// the server, holds them back, and a caught-up reader should expect them soon.
func (db *DB) ChangesHeldBack(ctx context.Context, resources []string) (bool, error) {
	if len(resources) == 0 {
		resources = domain.FeedResources
	}
	var held bool
	err := db.reader(ctx).GetContext(ctx, &held, `SELECT EXISTS (SELECT 1 FROM audit_log
		WHERE tx_id >= pg_snapshot_xmin(pg_current_snapshot()) AND resource = ANY ($1))`, pq.Array(resources))
	return held, mapError(err)
}

// ChangesHead returns the cursor of the feed's present: following the feed from it gives every
// change that a read made now might not see.
func (db *DB) ChangesHead(ctx context.Context) (domain.ChangeCursor, error) {
	var horizon string
	if err := db.reader(ctx).GetContext(ctx, &horizon, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`); err != nil {
		return domain.ChangeCursor{}, mapError(err)
	}
	tx, err := strconv.ParseUint(horizon, 10, 64)
	if err != nil {
		return domain.ChangeCursor{}, err
	}
	return domain.ChangeCursor{Tx: tx}, nil
}
