package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestChangesNeverSkipALateCommit: transaction A writes first and commits last. While A runs,
// the feed must not hand out B's later change (a cursor past B would skip A forever); once A
// commits, both come, A first. Tokens never appear, and reports only once published.
func TestChangesNeverSkipALateCommit(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	write := `INSERT INTO audit_log (actor, action, resource, resource_id, after) VALUES ('test', 'create', $1, $2, $3)`

	a, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Rollback()
	if _, err := a.ExecContext(ctx, write, "city", "late", `{"slug":"late"}`); err != nil {
		t.Fatal(err)
	}
	for _, w := range [][3]string{{"city", "early", `{"slug":"early"}`}, {"token", "7", `{"name":"secret"}`},
		{"report", "1", `{"status":"draft"}`}, {"report", "1", `{"status":"published"}`}} {
		if _, err := db.SQL().ExecContext(ctx, write, w[0], w[1], w[2]); err != nil {
			t.Fatal(err)
		}
	}

	got, next, err := db.Changes(ctx, domain.ChangeCursor{}, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("while the first writer runs, the feed gave %+v", got)
	}
	// The page is empty, but not caught up: committed changes wait behind the running writer.
	if held, err := db.ChangesHeldBack(ctx, nil); err != nil || !held {
		t.Fatalf("held back while the first writer runs: %v (%v)", held, err)
	}
	if next != (domain.ChangeCursor{}) && next.Tx > 0 {
		// The cursor may move up to the running transaction, never past it.
		var aTx uint64
		if err := a.QueryRowContext(ctx, `SELECT pg_current_xact_id()::text::bigint`).Scan(&aTx); err != nil {
			t.Fatal(err)
		}
		if next.Tx > aTx {
			t.Fatalf("cursor %s moved past the running transaction %d", next, aTx)
		}
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}

	// The horizon is the whole server's: another database's long transaction (a parallel test
	// loading a million rows) may hold it back for a while, so wait for the changes to come.
	deadline := time.Now().Add(2 * time.Minute)
	for got = nil; len(got) < 3 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		page, n, err := db.Changes(ctx, next, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		got, next = append(got, page...), n
	}
	var ids []string
	for _, c := range got {
		ids = append(ids, c.Resource+"/"+c.ResourceID+"/"+string(c.Data))
	}
	want := []string{`city/late/{"slug": "late"}`, `city/early/{"slug": "early"}`, `report/1/{"status": "published", "history": [], "allowed_transitions": []}`}
	if len(ids) != len(want) {
		t.Fatalf("feed after the commit: %q, want %q", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("feed after the commit: %q, want %q", ids, want)
		}
	}
	// Caught up: the cursor is at the horizon and the next page is empty, and stays so.
	again, next2, err := db.Changes(ctx, next, nil, 100)
	if err != nil || len(again) != 0 || next2.Tx < next.Tx {
		t.Fatalf("a caught-up feed gave %+v, cursor %s after %s (%v)", again, next2, next, err)
	}
	// Paging one at a time gives the same changes in the same order.
	var paged []string
	c := domain.ChangeCursor{}
	for range 10 {
		page, n, err := db.Changes(ctx, c, []string{"city"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range page {
			paged = append(paged, ch.ResourceID)
		}
		c = n
	}
	if len(paged) != 2 || paged[0] != "late" || paged[1] != "early" {
		t.Fatalf("paged one by one: %q", paged)
	}
}
