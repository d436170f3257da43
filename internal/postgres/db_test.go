package postgres_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
	"github.com/uclg-digital-cities/digitalcities/migrations"
)

// TestSessionSettings checks what Open sets on every connection: the statement timeout that
// ends runaway queries, UTC, and the application name.
func TestSessionSettings(t *testing.T) {
	_, url := testdb.Create(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2, StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var timeout, tz, app string
	if err := db.SQL().QueryRowContext(ctx, `SELECT current_setting('statement_timeout'), current_setting('TimeZone'),
		current_setting('application_name')`).Scan(&timeout, &tz, &app); err != nil {
		t.Fatal(err)
	}
	if timeout != "200ms" || tz != "UTC" || app != "digitalcities" {
		t.Fatalf("statement_timeout %q, TimeZone %q, application_name %q", timeout, tz, app)
	}
	start := time.Now()
	_, err = db.SQL().ExecContext(ctx, `SELECT pg_sleep(5)`)
	var pe *pq.Error
	if !errors.As(err, &pe) || pe.Code != "57014" || time.Since(start) > 3*time.Second {
		t.Fatalf("a 5 s query under a 200 ms statement timeout: %v after %s", err, time.Since(start))
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("the pool did not survive a cancelled statement: %v", err)
	}
}

// TestOpenFailsFastWithoutAServer: no server means a clear error within the connect timeout.
func TestOpenFailsFastWithoutAServer(t *testing.T) {
	start := time.Now()
	_, err := postgres.Open(context.Background(), "postgres://postgres@127.0.0.1:1/x?sslmode=disable",
		postgres.Options{ConnectTimeout: time.Second})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Open against no server: %v after %s", err, time.Since(start))
	}
}

// TestMigrationsRunOnceUnderConcurrency starts several migrations at once on an empty database,
// as instances starting together do: the advisory lock lets one apply them.
func TestMigrationsRunOnceUnderConcurrency(t *testing.T) {
	_, url := testdb.Create(t)
	ctx := context.Background()
	admin, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// Start from nothing: drop what the template had.
	if _, err := admin.SQL().ExecContext(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			db, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2})
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- db.Migrate(ctx)
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := admin.SQL().GetContext(ctx, &n, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`); err != nil || n != len(files) {
		t.Fatalf("%d migrations recorded (%v), want one per file: %d", n, err, len(files))
	}
}
