package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestTxRetriesDeadlock makes a real deadlock: two transactions each lock one row and then, once
// both hold theirs, the other's. PostgreSQL aborts one of them (40P01); inTx runs it again, and
// both writes succeed, each exactly once, with the idempotency claim of each kept.
func TestTxRetriesDeadlock(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if _, err := db.SQL().Exec(`CREATE TABLE deadlock_rows (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
		INSERT INTO deadlock_rows (id) VALUES (1), (2)`); err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	var bothLocked sync.WaitGroup
	bothLocked.Add(2)
	write := func(first, second int, key string) error {
		caller := domain.Caller{Claim: &domain.IdempotencyClaim{Client: "deadlock-test", Key: key}}
		firstRun := true
		return db.InTx(ctx, caller, func(tx *sqlx.Tx) error {
			runs.Add(1)
			if _, err := tx.ExecContext(ctx, `UPDATE deadlock_rows SET n = n + 1 WHERE id = $1`, first); err != nil {
				return err
			}
			if firstRun {
				firstRun = false
				bothLocked.Done()
				bothLocked.Wait() // each now holds one row and asks for the other's
			}
			_, err := tx.ExecContext(ctx, `UPDATE deadlock_rows SET n = n + 1 WHERE id = $1`, second)
			return err
		})
	}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = write(1, 2, "a") }()
	go func() { defer wg.Done(); errs[1] = write(2, 1, "b") }()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v (a deadlock's victim must be run again)", i, err)
		}
	}
	if n := runs.Load(); n != 3 {
		t.Fatalf("%d runs of the transactions, want 3 (two, and the deadlock victim again)", n)
	}
	var sum, keys int
	if err := db.SQL().QueryRow(`SELECT sum(n) FROM deadlock_rows`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRow(`SELECT count(*) FROM idempotency_keys WHERE client = 'deadlock-test'`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if sum != 4 || keys != 2 {
		t.Fatalf("rows changed %d times and %d keys claimed, want 4 and 2", sum, keys)
	}
}

// TestTxGivesUpAsUnavailable: a transaction aborted as a deadlock's victim every time it runs is
// tried a bounded number of times and then answered as EUNAVAILABLE (503 with Retry-After),
// never as an internal error; other errors are not retried.
func TestTxGivesUpAsUnavailable(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	var runs int
	err := db.InTx(ctx, domain.Caller{}, func(tx *sqlx.Tx) error {
		runs++
		return &pq.Error{Code: "40P01", Message: "deadlock detected"}
	})
	if domain.ErrorCode(err) != domain.EUNAVAILABLE || runs != 3 {
		t.Fatalf("after %d runs: %v (%s), want EUNAVAILABLE after 3", runs, err, domain.ErrorCode(err))
	}
	runs = 0
	err = db.InTx(ctx, domain.Caller{}, func(tx *sqlx.Tx) error {
		runs++
		return domain.Invalid("x", "no")
	})
	if domain.ErrorCode(err) != domain.EINVALID || runs != 1 {
		t.Fatalf("a client's mistake ran %d times: %v", runs, err)
	}
}
