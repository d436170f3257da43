// Package postgres is the PostgreSQL store of the Digital Cities API, on sqlx and lib/pq.
// Every write runs in one transaction together with its audit row (and its idempotency key,
// when the request carries one); editor scoping is part of the SQL of every scoped write.
package postgres

import (
	"context"
	"errors"
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
	// ReadURL, when set, opens a second pool, of the same size and settings, for the reads of
	// contexts marked with ReadOnly (read-only requests and exports): a read replica, usually.
	ReadURL string
}

// DB is the store. Its methods are safe for concurrent use.
//
// It holds two pools: db, the primary, for every write and every read that a write depends on,
// and read, for the reads of read-only requests (read is db when no ReadURL is given). A read
// method runs on read only when its context says so (ReadOnly): everything else, a write
// handler's checks before its transaction and the command's tools included, reads the primary.
type DB struct {
	db        *sqlx.DB        // the primary
	read      *sqlx.DB        // the read pool: a replica, or db itself
	stmts     *statementCache // the statements prepared on db
	readStmts *statementCache // the statements prepared on read (stmts itself when read is db)
}

// Open connects to PostgreSQL and sets the pool limits (Prepare then prepares the hot
// queries). The URL may be a postgres:// URL or a key=value connection string.
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
	sdb, err := openPool(ctx, dsn, opt, "DATABASE_URL")
	if err != nil {
		return nil, err
	}
	db := &DB{db: sdb, read: sdb, stmts: newStatementCache(sdb)}
	db.readStmts = db.stmts
	if opt.ReadURL != "" {
		rdsn, err := withSessionSettings(opt.ReadURL, opt)
		if err == nil {
			db.read, err = openPool(ctx, rdsn, opt, "DATABASE_READ_URL")
		}
		if err != nil {
			_ = sdb.Close()
			return nil, err
		}
		db.readStmts = newStatementCache(db.read)
	}
	return db, nil
}

// openPool opens one pool and checks that its server answers; name says which setting it is.
func openPool(ctx context.Context, dsn string, opt Options, name string) (*sqlx.DB, error) {
	sdb, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database (%s): %w", name, err)
	}
	sdb.SetMaxOpenConns(opt.MaxConns)
	sdb.SetMaxIdleConns(opt.MaxConns)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	sdb.SetConnMaxLifetime(time.Hour)
	pingCtx, cancel := context.WithTimeout(ctx, opt.ConnectTimeout+time.Second)
	defer cancel()
	if err := sdb.PingContext(pingCtx); err != nil {
		_ = sdb.Close()
		return nil, fmt.Errorf("connect to database (%s): %w", name, err)
	}
	return sdb, nil
}

// readOnlyKey marks a context whose reads may be answered by the read pool.
type readOnlyKey struct{}

// ReadOnly marks ctx as a read-only request's: the store's read methods may answer it from the
// read pool (DATABASE_READ_URL), which may lag behind the primary. Contexts without the mark,
// those of writes and of the command's tools, read the primary.
func ReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, true)
}

// readsReplica reports whether ctx was marked with ReadOnly.
func readsReplica(ctx context.Context) bool {
	ro, _ := ctx.Value(readOnlyKey{}).(bool)
	return ro
}

// reader is the pool a read method runs its query on for ctx.
func (db *DB) reader(ctx context.Context) *sqlx.DB {
	if readsReplica(ctx) {
		return db.read
	}
	return db.db
}

// readerStmts are the prepared statements of the pool reader(ctx) returns.
func (db *DB) readerStmts(ctx context.Context) *statementCache {
	if readsReplica(ctx) {
		return db.readStmts
	}
	return db.stmts
}

// HasReadPool reports whether reads have a pool of their own (DATABASE_READ_URL is set).
func (db *DB) HasReadPool() bool { return db.read != db.db }

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

// Close closes the prepared statements and the pools.
func (db *DB) Close() error {
	db.stmts.close()
	if !db.HasReadPool() {
		return db.db.Close()
	}
	db.readStmts.close()
	return errors.Join(db.db.Close(), db.read.Close())
}

// Ping checks that the database answers, through both pools when reads have their own;
// /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return mapError(err)
	}
	if db.HasReadPool() {
		return mapError(db.read.PingContext(ctx))
	}
	return nil
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

// Prepare prepares the hot queries on each pool they run on, so that a server whose SQL does
// not fit its database fails at start; call it after Migrate. Authentication writes (a token's
// last use), so it is prepared on the primary only.
func (db *DB) Prepare(ctx context.Context) error {
	for _, q := range []string{getCitySQL, cityVersionSQL, getObservationSQL, authenticateSQL} {
		if _, err := db.stmts.statement(ctx, q); err != nil {
			return err
		}
	}
	if !db.HasReadPool() {
		return nil
	}
	for _, q := range []string{getCitySQL, cityVersionSQL, getObservationSQL} {
		if _, err := db.readStmts.statement(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// SQL exposes the primary pool to the command's tools (seeding, token bootstrap) and to tests.
func (db *DB) SQL() *sqlx.DB { return db.db }

// ReadSQL exposes the read pool (the primary's when there is no replica) to tests.
func (db *DB) ReadSQL() *sqlx.DB { return db.read }
