package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// subscriptionColumns are the columns of a subscription as it is shown: never its secrets, nor
// its place in the feed.
const subscriptionColumns = `id, token_id, url, description, resources, dataset, status, paused_reason, paused_at,
	version, created_at, updated_at`

type subscriptionRow struct {
	domain.Subscription
	ResourceList pq.StringArray `db:"resources"`
	DatasetSlug  *string        `db:"dataset"`
}

func (r *subscriptionRow) subscription() domain.Subscription {
	s := r.Subscription
	s.Resources = append([]string{}, r.ResourceList...)
	s.Dataset = ""
	if r.DatasetSlug != nil {
		s.Dataset = *r.DatasetSlug
	}
	return s
}

// subscriptionScope is the condition that limits a query to the subscriptions the actor may
// see, with its placeholder in args: none for the secretariat and admins, the actor's own
// token's otherwise.
func subscriptionScope(actor *domain.Actor, args *queryArgs) []string {
	if actor.AllSubscriptions() {
		return nil
	}
	var token int64 = -1 // an actor without a token owns nothing
	if actor != nil && actor.TokenID != 0 {
		token = actor.TokenID
	}
	return []string{"token_id = " + args.add(token)}
}

// datasetResourcesOf stores a subscription's choice of changes: its resources, or its dataset.
func datasetResourcesOf(f domain.SubscriptionFields) (pq.StringArray, *string) {
	if f.Dataset != "" {
		d := f.Dataset
		return pq.StringArray{}, &d
	}
	return pq.StringArray(f.Resources), nil
}

// checkDataset refuses a subscription to a dataset that does not exist.
func checkDataset(ctx context.Context, tx *sqlx.Tx, f domain.SubscriptionFields) error {
	if f.Dataset == "" {
		return nil
	}
	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM datasets WHERE slug = $1)`, f.Dataset); err != nil {
		return err
	}
	if !exists {
		return domain.Invalid("dataset", "no dataset %q", f.Dataset)
	}
	return nil
}

// CreateSubscription stores a new subscription of the caller's token, signed with secret, that
// follows the change feed from since (nil: from now on). A dataset subscription must name an
// existing dataset.
func (db *DB) CreateSubscription(ctx context.Context, caller domain.Caller, f domain.SubscriptionFields,
	since *domain.ChangeCursor, secret string) (*domain.Subscription, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if caller.Actor == nil || caller.Actor.TokenID == 0 {
		return nil, domain.Errorf(domain.EFORBIDDEN, "a subscription belongs to the token that creates it: use a token")
	}
	var s domain.Subscription
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if err := checkDataset(ctx, tx, f); err != nil {
			return err
		}
		cursorTx, cursorID := "", int64(0)
		if since != nil {
			cursorTx, cursorID = strconv.FormatUint(since.Tx, 10), since.ID
		} else if err := tx.GetContext(ctx, &cursorTx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`); err != nil {
			return err
		}
		resources, dataset := datasetResourcesOf(f)
		var row subscriptionRow
		if err := tx.GetContext(ctx, &row, `
			INSERT INTO webhook_subscriptions (token_id, url, description, resources, dataset, secret, cursor_tx, cursor_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7::text::xid8, $8)
			RETURNING `+subscriptionColumns,
			caller.Actor.TokenID, f.URL, f.Description, resources, dataset, secret, cursorTx, cursorID); err != nil {
			return err
		}
		s = row.subscription()
		return audit(ctx, tx, caller, "create", "subscription", itoa(s.ID), nil, &s)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// ListSubscriptions returns the subscriptions the actor may see, by id, after the given id, at
// most limit of them (plus whether more follow).
func (db *DB) ListSubscriptions(ctx context.Context, actor *domain.Actor, afterID int64, limit int) ([]domain.Subscription, bool, error) {
	var args queryArgs
	conds := append(subscriptionScope(actor, &args), "id > "+args.add(afterID))
	q := `SELECT ` + subscriptionColumns + ` FROM webhook_subscriptions` + whereClause(conds) +
		` ORDER BY id LIMIT ` + args.add(limit+1)
	var rows []subscriptionRow
	if err := db.reader(ctx).SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]domain.Subscription, len(rows))
	for i := range rows {
		out[i] = rows[i].subscription()
	}
	return out, more, nil
}

// GetSubscription returns a subscription the actor may see; ENOTFOUND for another token's.
func (db *DB) GetSubscription(ctx context.Context, actor *domain.Actor, id int64) (*domain.Subscription, error) {
	var args queryArgs
	conds := append(subscriptionScope(actor, &args), "id = "+args.add(id))
	var row subscriptionRow
	err := db.reader(ctx).GetContext(ctx, &row, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions`+whereClause(conds), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no subscription %d", id)
	}
	if err != nil {
		return nil, mapError(err)
	}
	s := row.subscription()
	return &s, nil
}

// lockSubscription reads a subscription the actor may change, locked for the transaction, and
// checks ifMatch against its version.
func lockSubscription(ctx context.Context, tx *sqlx.Tx, actor *domain.Actor, id int64, ifMatch domain.IfMatch) (*domain.Subscription, error) {
	var args queryArgs
	conds := append(subscriptionScope(actor, &args), "id = "+args.add(id))
	var row subscriptionRow
	err := tx.GetContext(ctx, &row, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions`+whereClause(conds)+` FOR UPDATE`, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no subscription %d", id)
	}
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("subscription %d", id), row.Version, ifMatch); err != nil {
		return nil, err
	}
	s := row.subscription()
	return &s, nil
}

// UpdateSubscription applies a patch to a subscription the caller may change, when ifMatch
// allows its version; check judges the new fields beyond their form (the address of the URL).
// Resuming a paused subscription queues again the deliveries given up on, from their first
// attempt; pausing it stops its deliveries until it is resumed.
func (db *DB) UpdateSubscription(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch,
	p domain.SubscriptionPatch, check func(domain.SubscriptionFields) error) (*domain.Subscription, error) {
	var after domain.Subscription
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockSubscription(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		f, err := p.Apply(before.SubscriptionFields)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(f); err != nil {
				return err
			}
		}
		if f.Dataset != before.Dataset {
			if err := checkDataset(ctx, tx, f); err != nil {
				return err
			}
		}
		status, reason, pausedAt := before.Status, before.PausedReason, before.PausedAt
		if p.Status != nil && *p.Status != before.Status {
			switch *p.Status {
			case domain.SubscriptionActive:
				status, reason, pausedAt = domain.SubscriptionActive, nil, nil
				if _, err := tx.ExecContext(ctx, `
					UPDATE webhook_deliveries SET status = 'pending', attempts = 0, first_attempt_at = NULL, next_attempt_at = now()
					WHERE subscription_id = $1 AND status = 'failed'`, id); err != nil {
					return err
				}
			case domain.SubscriptionPaused:
				now, why := time.Now().UTC(), "paused by "+caller.Actor.Label()
				status, reason, pausedAt = domain.SubscriptionPaused, &why, &now
			default:
				return domain.Invalid("status", "unknown status %q", *p.Status)
			}
		}
		resources, dataset := datasetResourcesOf(f)
		var row subscriptionRow
		err = tx.GetContext(ctx, &row, `
			UPDATE webhook_subscriptions SET url = $3, description = $4, resources = $5, dataset = $6,
				status = $7, paused_reason = $8, paused_at = $9, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2
			RETURNING `+subscriptionColumns,
			id, before.Version, f.URL, f.Description, resources, dataset, status, reason, pausedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EPRECONDITION, "subscription %d changed since it was read", id)
		}
		if err != nil {
			return err
		}
		after = row.subscription()
		return audit(ctx, tx, caller, "update", "subscription", itoa(id), before, &after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// DeleteSubscription deletes a subscription the caller may change, with its delivery log, when
// ifMatch allows its version. Nothing more is sent for it.
func (db *DB) DeleteSubscription(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockSubscription(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_subscriptions WHERE id = $1 AND version = $2`, id, before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "subscription", itoa(id), before, nil)
	})
}

// RotateSubscriptionSecret replaces the signing secret of a subscription the caller may change.
// For grace after it, deliveries are signed with the previous secret too, so that receivers
// can switch without refusing any.
func (db *DB) RotateSubscriptionSecret(ctx context.Context, caller domain.Caller, id int64, secret string, grace time.Duration) (*domain.Subscription, error) {
	var after domain.Subscription
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockSubscription(ctx, tx, caller.Actor, id, domain.MatchAny)
		if err != nil {
			return err
		}
		var row subscriptionRow
		if err := tx.GetContext(ctx, &row, `
			UPDATE webhook_subscriptions SET previous_secret = secret,
				previous_secret_expires_at = now() + $3 * interval '1 second', secret = $2,
				version = version + 1, updated_at = now()
			WHERE id = $1
			RETURNING `+subscriptionColumns, id, secret, grace.Seconds()); err != nil {
			return err
		}
		after = row.subscription()
		return audit(ctx, tx, caller, "update", "subscription", itoa(id), before, &after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// ListDeliveries returns the delivery log of a subscription the actor may see, newest first,
// before the given id (0: from the newest), at most limit entries (plus whether more follow).
func (db *DB) ListDeliveries(ctx context.Context, actor *domain.Actor, subscription, beforeID int64, limit int) ([]domain.Delivery, bool, error) {
	if _, err := db.GetSubscription(ctx, actor, subscription); err != nil {
		return nil, false, err
	}
	var args queryArgs
	conds := []string{"subscription_id = " + args.add(subscription)}
	if beforeID > 0 {
		conds = append(conds, "id < "+args.add(beforeID))
	}
	var rows []domain.Delivery
	err := db.reader(ctx).SelectContext(ctx, &rows, `
		SELECT id, 'evt_' || change_id AS event_id, change_id, resource, resource_id, action, status, attempts,
		       last_status, last_error, last_attempt_at, next_attempt_at, delivered_at, created_at, subscription_id
		FROM webhook_deliveries`+whereClause(conds)+`
		ORDER BY id DESC LIMIT `+args.add(limit+1), args...)
	if err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	return nonNilSlice(rows), more, nil
}
