// Package testdb gives each test its own PostgreSQL database, cloned from a template that has
// every migration applied (the pgtestdb pattern). Tests fail, never skip, when no server answers.
// The server is TEST_DATABASE_URL (a URL to any database on it, usually "postgres"); `make test`
// sets it from scripts/db.sh, and without it the local server on 127.0.0.1:5432 is used.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/migrations"
)

// DefaultServerURL is used when TEST_DATABASE_URL is not set.
const DefaultServerURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL returns the URL of the test server's maintenance database.
func ServerURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultServerURL
}

// WithDatabase returns serverURL with its database replaced by name.
func WithDatabase(serverURL, name string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		panic("testdb: TEST_DATABASE_URL is not a URL: " + err.Error())
	}
	u.Path = "/" + name
	return u.String()
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// New creates a fresh, migrated database for the test, opens the store on it and drops the
// database when the test ends. It returns the store and the database's URL.
func New(t testing.TB) (*postgres.DB, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name, dbURL := Create(t)
	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 6})
	if err != nil {
		t.Fatalf("testdb: open %s: %v", name, err)
	}
	if err := db.Prepare(ctx); err != nil {
		t.Fatalf("testdb: prepare: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, dbURL
}

// Create makes a fresh migrated database and returns its name and URL; it is dropped when the
// test ends (after any cleanup registered later, such as closing pools).
func Create(t testing.TB) (name, dbURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	server := ServerURL()
	admin, err := sql.Open("postgres", server)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		t.Fatalf("testdb: no PostgreSQL at %s (set TEST_DATABASE_URL, or run `make test`): %v", server, err)
	}
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx, admin, server) })
	if templateErr != nil {
		_ = admin.Close()
		t.Fatalf("testdb: template: %v", templateErr)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name = "dc_test_" + hex.EncodeToString(b)
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+" TEMPLATE "+pq.QuoteIdentifier(templateName))
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "3D000" {
		// Another checkout's tests, on another schema version, dropped this one's template as
		// old: make it again (under the lock) and retry once.
		if templateName, err = ensureTemplate(ctx, admin, server); err == nil {
			_, err = admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+" TEMPLATE "+pq.QuoteIdentifier(templateName))
		}
	}
	if err != nil {
		_ = admin.Close()
		t.Fatalf("testdb: create %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			t.Logf("testdb: drop %s: %v", name, err)
		}
	})
	return name, WithDatabase(server, name)
}

// ensureTemplate creates the migrated template once per schema version, under an advisory lock
// because test binaries of several packages run at the same time.
func ensureTemplate(ctx context.Context, admin *sql.DB, server string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "dc_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7213401)"); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7213401)")
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// A half-made template from an interrupted run is dropped and made again.
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return "", err
	}
	db, err := postgres.Open(ctx, WithDatabase(server, name), postgres.Options{MaxConns: 2})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	_ = db.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err = conn.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(name)+" IS_TEMPLATE true"); err != nil {
		return "", err
	}
	dropOldTemplates(ctx, conn, name)
	return name, nil
}

// dropOldTemplates removes templates of earlier schema versions, so that they do not pile up.
// A template still being cloned elsewhere is left alone (DROP without FORCE fails then).
func dropOldTemplates(ctx context.Context, conn *sql.Conn, keep string) {
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'dc\_tmpl\_%' AND datname <> $1`, keep)
	if err != nil {
		return
	}
	var old []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			old = append(old, n)
		}
	}
	_ = rows.Close()
	for _, n := range old {
		_, _ = conn.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(n)+" IS_TEMPLATE false")
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(n))
	}
}
