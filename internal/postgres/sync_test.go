package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestSyncHorizonSamples: a sample's horizon is at most the id of a transaction running while
// it is taken, and its snapshot does not see that transaction; the samples older than two days
// are thinned to the first of each hour, the recent ones all kept; a time resolves to the
// latest sample at or before it, and to none before the first.
func TestSyncHorizonSamples(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	running, err := db.SQL().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer running.Rollback()
	var tx uint64
	if err := running.Get(&tx, `SELECT pg_current_xact_id()::text::bigint`); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordSyncHorizon(ctx); err != nil {
		t.Fatal(err)
	}
	var s struct {
		At      time.Time `db:"at"`
		Began   time.Time `db:"began"`
		Horizon uint64    `db:"horizon"`
		Sees    bool      `db:"sees"`
	}
	if err := db.SQL().Get(&s, `SELECT at, began, horizon::text::bigint AS horizon,
		pg_visible_in_snapshot($1::text::xid8, snapshot) AS sees FROM sync_horizons`, tx); err != nil {
		t.Fatal(err)
	}
	if s.Horizon > tx || s.Sees || s.Began.After(s.At) {
		t.Fatalf("sample %+v taken while transaction %d ran", s, tx)
	}
	if p, err := db.SyncPoint(ctx, &domain.UpdatedSince{Time: s.At}); err != nil || p == nil || p.Tx != s.Horizon {
		t.Fatalf("sync point at the sample: %+v, %v; want %d", p, err, s.Horizon)
	}
	if p, err := db.SyncPoint(ctx, &domain.UpdatedSince{Time: s.At.Add(-time.Millisecond)}); err != nil || p != nil {
		t.Fatalf("sync point before the first sample: %+v, %v; want none (a full resync)", p, err)
	}
	if p, err := db.SyncPoint(ctx, &domain.UpdatedSince{Cursor: &domain.ChangeCursor{Tx: 42, ID: 7}}); err != nil || p.Tx != 42 {
		t.Fatalf("sync point of a cursor: %+v, %v", p, err)
	}

	// Old samples: three days ago, four in one hour and two in the next; one a day ago.
	if _, err := db.SQL().Exec(`
		INSERT INTO sync_horizons (at, began, horizon, snapshot)
		SELECT t, t, pg_snapshot_xmin(pg_current_snapshot()), pg_current_snapshot()
		FROM unnest(ARRAY[
			date_trunc('hour', now()) - interval '3 days' + interval '1 minute',
			date_trunc('hour', now()) - interval '3 days' + interval '2 minutes',
			date_trunc('hour', now()) - interval '3 days' + interval '30 minutes',
			date_trunc('hour', now()) - interval '3 days' + interval '59 minutes',
			date_trunc('hour', now()) - interval '3 days' + interval '61 minutes',
			date_trunc('hour', now()) - interval '3 days' + interval '90 minutes',
			now() - interval '1 day',
			now() - interval '1 day' + interval '30 seconds']) t`); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordSyncHorizon(ctx); err != nil {
		t.Fatal(err)
	}
	var old, recent int
	if err := db.SQL().QueryRow(`SELECT count(*) FILTER (WHERE at < now() - interval '2 days'),
		count(*) FILTER (WHERE at >= now() - interval '2 days') FROM sync_horizons`).Scan(&old, &recent); err != nil {
		t.Fatal(err)
	}
	if old != 2 || recent != 4 {
		t.Fatalf("after thinning: %d samples older than two days (want 2, the first of each hour) and %d recent (want 4)", old, recent)
	}
}
