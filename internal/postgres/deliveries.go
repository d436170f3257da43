package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// The webhook dispatcher's side of the store: it turns the change feed into queued deliveries
// and records what became of each attempt. Several instances may run it at once on one
// database: a subscription is queued by one of them at a time and a delivery is sent by one of
// them at a time, each claimed with FOR UPDATE SKIP LOCKED in a short transaction. No
// transaction stays open while a receiver is called, since an open transaction would hold the
// change feed's horizon back for every reader.

// dispatcher signs the audit rows of the dispatcher's own writes: pausing a subscription.
var dispatcher = domain.Caller{Actor: &domain.Actor{Name: "webhook-dispatcher", Role: "system"}}

// DeliverableSubscriptions returns the ids of the subscriptions whose changes are queued and
// sent: active, of a token that is not revoked.
func (db *DB) DeliverableSubscriptions(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := db.db.SelectContext(ctx, &ids, `
		SELECT s.id FROM webhook_subscriptions s JOIN api_tokens t ON t.id = s.token_id
		WHERE s.status = 'active' AND t.revoked_at IS NULL
		ORDER BY s.id`)
	return ids, mapError(err)
}

// QueueDeliveries reads up to limit changes of the feed after a subscription's cursor and, in
// one transaction, queues those it delivers and moves its cursor past all it read: a change is
// queued once, whatever happens between two runs (UNIQUE (subscription, change) holds even if
// a cursor were read twice). caughtUp says that the feed had no more. A subscription that is
// paused, deleted, or being queued by another instance is left alone.
func (db *DB) QueueDeliveries(ctx context.Context, subscription int64, limit int) (queued int, caughtUp bool, err error) {
	err = db.inTx(ctx, domain.Caller{}, func(tx *sqlx.Tx) error {
		queued, caughtUp = 0, true
		var s struct {
			Resources pq.StringArray `db:"resources"`
			Dataset   *string        `db:"dataset"`
			CursorTx  string         `db:"cursor_tx"`
			CursorID  int64          `db:"cursor_id"`
		}
		err := tx.GetContext(ctx, &s, `
			SELECT resources, dataset, cursor_tx::text AS cursor_tx, cursor_id FROM webhook_subscriptions
			WHERE id = $1 AND status = 'active'
			FOR UPDATE SKIP LOCKED`, subscription)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		cursorTx, err := strconv.ParseUint(s.CursorTx, 10, 64)
		if err != nil {
			return err
		}
		since := domain.ChangeCursor{Tx: cursorTx, ID: s.CursorID}
		f := domain.SubscriptionFields{Resources: s.Resources}
		if s.Dataset != nil {
			f.Dataset = *s.Dataset
		}
		changes, next, err := readChanges(ctx, tx, since, f.FeedResources(), limit)
		if err != nil {
			return err
		}
		caughtUp = len(changes) < limit
		var ids []int64
		var resources, resourceIDs, actions []string
		for _, c := range changes {
			if f.Matches(c.Resource, c.ResourceID) {
				ids = append(ids, c.ID)
				resources, resourceIDs, actions = append(resources, c.Resource), append(resourceIDs, c.ResourceID), append(actions, c.Action)
			}
		}
		if len(ids) > 0 {
			// In feed order, so that delivery ids follow it: a subscription's deliveries are sent
			// one after the other in id order.
			res, err := tx.ExecContext(ctx, `
				INSERT INTO webhook_deliveries (subscription_id, change_id, resource, resource_id, action, next_attempt_at)
				SELECT $1, c.id, c.resource, c.resource_id, c.action, now()
				FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS c (id, resource, resource_id, action, n)
				ORDER BY c.n
				ON CONFLICT (subscription_id, change_id) DO NOTHING`,
				subscription, pq.Array(ids), pq.Array(resources), pq.Array(resourceIDs), pq.Array(actions))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			queued = int(n)
		}
		if next != since {
			_, err = tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET cursor_tx = $2::text::xid8, cursor_id = $3 WHERE id = $1`,
				subscription, strconv.FormatUint(next.Tx, 10), next.ID)
		}
		return err
	})
	return queued, caughtUp, err
}

// claimSQL claims up to $1 due deliveries for $2 milliseconds: of each deliverable
// subscription, only its oldest pending delivery (its head) may be sent, so that a
// subscription's deliveries arrive in the feed's order and a failing endpoint is called for one
// delivery at a time. The claim is a lease: next_attempt_at moves past the attempt, and an
// instance that dies while sending leaves the delivery to be sent again when it ends. A
// delivery locked by another instance is skipped; one claimed meanwhile by another is no longer
// due when its lock is granted (PostgreSQL rechecks d's conditions on the row's new version).
const claimSQL = `
	WITH heads AS (
		SELECT DISTINCT ON (subscription_id) id
		FROM webhook_deliveries
		WHERE status = 'pending'
		ORDER BY subscription_id, id
	), claimed AS (
		SELECT d.id
		FROM webhook_deliveries d
		JOIN heads h ON h.id = d.id
		JOIN webhook_subscriptions s ON s.id = d.subscription_id
		JOIN api_tokens t ON t.id = s.token_id
		WHERE d.status = 'pending' AND d.next_attempt_at <= now()
		  AND s.status = 'active' AND t.revoked_at IS NULL
		ORDER BY d.next_attempt_at, d.id
		LIMIT $1
		FOR UPDATE OF d SKIP LOCKED
	)
	UPDATE webhook_deliveries d SET next_attempt_at = now() + $2 * interval '1 millisecond'
	FROM claimed c, webhook_subscriptions s, audit_log a
	WHERE d.id = c.id AND s.id = d.subscription_id AND a.id = d.change_id
	RETURNING d.id, d.subscription_id, s.url, s.secret,
		CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_secret END AS previous_secret,
		d.attempts, d.first_attempt_at, a.id AS change_id, a.resource, a.resource_id, a.action, a.at,
		coalesce(a.after, 'null') AS data`

// ClaimDeliveries claims up to limit due deliveries for lease (see claimSQL).
func (db *DB) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]domain.DeliveryJob, error) {
	var rows []struct {
		ID             int64           `db:"id"`
		SubscriptionID int64           `db:"subscription_id"`
		URL            string          `db:"url"`
		Secret         string          `db:"secret"`
		PreviousSecret *string         `db:"previous_secret"`
		Attempts       int             `db:"attempts"`
		FirstAttemptAt *time.Time      `db:"first_attempt_at"`
		ChangeID       int64           `db:"change_id"`
		Resource       string          `db:"resource"`
		ResourceID     string          `db:"resource_id"`
		Action         string          `db:"action"`
		At             time.Time       `db:"at"`
		Data           json.RawMessage `db:"data"`
	}
	if err := db.db.SelectContext(ctx, &rows, claimSQL, limit, lease.Milliseconds()); err != nil {
		return nil, mapError(err)
	}
	jobs := make([]domain.DeliveryJob, len(rows))
	for i, r := range rows {
		secrets := []string{r.Secret}
		if r.PreviousSecret != nil {
			secrets = append(secrets, *r.PreviousSecret)
		}
		jobs[i] = domain.DeliveryJob{ID: r.ID, SubscriptionID: r.SubscriptionID, URL: r.URL, Secrets: secrets,
			Attempts: r.Attempts, FirstAttemptAt: r.FirstAttemptAt,
			Change: domain.Change{ID: r.ChangeID, Resource: r.Resource, ResourceID: r.ResourceID, Action: r.Action,
				At: r.At.UTC(), Data: r.Data}}
	}
	return jobs, nil
}

// RecordAttempt records what became of an attempt to send a claimed delivery: delivered; or
// failed, to be retried after a.RetryIn; or failed and given up on, which pauses its
// subscription with a.GiveUp as the reason (audited as the dispatcher's change).
func (db *DB) RecordAttempt(ctx context.Context, delivery int64, a domain.DeliveryAttempt) error {
	return db.inTx(ctx, domain.Caller{}, func(tx *sqlx.Tx) error {
		const done = `attempts = attempts + 1, last_status = $2, last_attempt_at = now(),
			first_attempt_at = coalesce(first_attempt_at, now())`
		switch {
		case a.Delivered:
			_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET `+done+`, status = 'delivered', last_error = NULL,
				delivered_at = now(), next_attempt_at = NULL WHERE id = $1 AND status = 'pending'`, delivery, a.Status)
			return err
		case a.GiveUp == "":
			_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET `+done+`, last_error = $3,
				next_attempt_at = now() + $4 * interval '1 millisecond' WHERE id = $1 AND status = 'pending'`,
				delivery, a.Status, a.Error, a.RetryIn.Milliseconds())
			return err
		}
		// The subscription is locked before its delivery, in the order every other write takes
		// them (resuming, deleting), so that none of them can deadlock with this one.
		var before subscriptionRow
		err := tx.GetContext(ctx, &before, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions
			WHERE id = (SELECT subscription_id FROM webhook_deliveries WHERE id = $1) FOR UPDATE`, delivery)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET `+done+`, status = 'failed', last_error = $3,
			next_attempt_at = NULL WHERE id = $1 AND status = 'pending'`, delivery, a.Status, a.Error)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 || before.Status != domain.SubscriptionActive {
			return nil // recorded by another instance meanwhile, or paused already
		}
		subscription := before.ID
		var after subscriptionRow
		if err := tx.GetContext(ctx, &after, `
			UPDATE webhook_subscriptions SET status = 'paused', paused_reason = $2, paused_at = now(),
				version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+subscriptionColumns, subscription, truncate(a.GiveUp, 300)); err != nil {
			return err
		}
		b, af := before.subscription(), after.subscription()
		return audit(ctx, tx, dispatcher, "update", "subscription", itoa(subscription), &b, &af)
	})
}

// ReleaseDelivery gives back a claimed delivery that was not attempted to its end (the
// dispatcher is stopping): it is due again at once, its attempts unchanged.
func (db *DB) ReleaseDelivery(ctx context.Context, delivery int64) error {
	_, err := db.db.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1 AND status = 'pending'`, delivery)
	return mapError(err)
}

// PurgeDeliveries deletes the delivered deliveries queued before the given time: the delivery
// log keeps what is recent. A purged delivery is never queued again, since its subscription's
// cursor is past it. Failed ones stay, to be queued again when their subscription resumes.
func (db *DB) PurgeDeliveries(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.db.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE status = 'delivered' AND created_at < $1`, before)
	if err != nil {
		return 0, mapError(err)
	}
	return res.RowsAffected()
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
