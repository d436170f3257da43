// Package postgres is the PostgreSQL store of the Digital Cities API, on sqlx and lib/pq.
// Every write runs in one transaction together with its audit row (and its idempotency key,
// when the request carries one); editor scoping is part of the SQL of every scoped write.
package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/uclg-digital-cities/digitalcities/migrations"
)

// Options tune the connection pool and the per-statement limits.
type Options struct {
	MaxConns         int           // open and idle connections (default 12)
	ConnectTimeout   time.Duration // default 5s
	StatementTimeout time.Duration // default 15s; 0 keeps the default
}

// DB is the store. Its methods are safe for concurrent use.
type DB struct {
	db    *sqlx.DB
	stmts preparedStatements
}

// Open connects to PostgreSQL, sets the pool limits and prepares the hot queries. The URL may
// be a postgres:// URL or a key=value connection string.
func Open(ctx context.Context, databaseURL string, opt Options) (*DB, error) {
	if opt.MaxConns <= 0 {
		opt.MaxConns = 12
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = 5 * time.Second
	}
	if opt.StatementTimeout <= 0 {
		opt.StatementTimeout = 15 * time.Second
	}
	dsn, err := withSessionSettings(databaseURL, opt)
	if err != nil {
		return nil, err
	}
	sdb, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sdb.SetMaxOpenConns(opt.MaxConns)
	sdb.SetMaxIdleConns(opt.MaxConns)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	sdb.SetConnMaxLifetime(time.Hour)
	pingCtx, cancel := context.WithTimeout(ctx, opt.ConnectTimeout+time.Second)
	defer cancel()
	if err := sdb.PingContext(pingCtx); err != nil {
		_ = sdb.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{db: sdb}, nil
}

// withSessionSettings adds connect_timeout, the statement timeout, UTC and the planner's cost of a
// random page read to the connection string unless the caller already set them. lib/pq sends
// unknown keys as session parameters. random_page_cost 1.1 (PostgreSQL's default of 4 assumes
// spinning disks) is the usual setting for SSDs and for a working set in memory: with 4, a page of
// one year's observations walked the primary key and threw away 50 rows for each one kept rather
// than read the (year, id) index (TestListPlansReadWhatTheyReturn).
func withSessionSettings(databaseURL string, opt Options) (string, error) {
	settings := map[string]string{
		"connect_timeout":   fmt.Sprint(int(opt.ConnectTimeout.Seconds())),
		"statement_timeout": fmt.Sprint(opt.StatementTimeout.Milliseconds()),
		"timezone":          "UTC",
		"application_name":  "digitalcities",
		"random_page_cost":  "1.1",
	}
	if strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://") {
		u, err := url.Parse(databaseURL)
		if err != nil {
			return "", fmt.Errorf("DATABASE_URL is not a valid URL")
		}
		q := u.Query()
		for k, v := range settings {
			if q.Get(k) == "" {
				q.Set(k, v)
			}
		}
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	var b strings.Builder
	b.WriteString(databaseURL)
	for k, v := range settings {
		if !strings.Contains(databaseURL, k+"=") {
			fmt.Fprintf(&b, " %s=%s", k, v)
		}
	}
	return b.String(), nil
}

// Close closes the prepared statements and the pool.
func (db *DB) Close() error {
	db.stmts.close()
	return db.db.Close()
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	return mapError(db.db.PingContext(ctx))
}

// Migrate applies the embedded migrations under a PostgreSQL advisory lock, so that instances
// starting together apply them once, and then prepares the hot queries.
func (db *DB) Migrate(ctx context.Context) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db.db.DB, migrationFS(),
		goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

func migrationFS() fs.FS { return migrations.FS }

// Prepare prepares the hot read queries once; call it after Migrate.
func (db *DB) Prepare(ctx context.Context) error {
	return db.stmts.prepare(ctx, db.db)
}

// SQL exposes the pool to the command's tools (seeding, token bootstrap) and to tests.
func (db *DB) SQL() *sqlx.DB { return db.db }
