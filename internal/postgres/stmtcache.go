package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// maxCachedStatements bounds a statementCache: SQL past it runs unprepared. The store builds
// one text per combination of filters (and of branches, for a split page), far fewer than this.
const maxCachedStatements = 256

// statementCache holds the store's prepared statements on one pool, one per SQL text: the hot
// reads (a city, its version, an observation, a token) and the pages of observations, whose
// SQL the store builds per request. Unprepared, a query with parameters costs two round trips
// with lib/pq (parse and describe, then bind and execute) and is parsed and planned at every
// request; prepared, it is one round trip, and PostgreSQL plans it once it has seen that a
// generic plan does as well as one made for the values (TestListPlansReadWhatTheyReturn checks
// that the generic plans of the pages it prepares read what they return).
//
// A statement whose result's columns change type (a migration, or a change by hand) is refused
// by PostgreSQL ever after ("cached plan must not change result type"): the cache then drops it
// and prepares it again at the next request (TestPreparedStatementsOutliveAColumnTypeChange).
type statementCache struct {
	pool  *sqlx.DB
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

// newStatementCache is an empty cache of statements prepared on pool.
func newStatementCache(pool *sqlx.DB) *statementCache {
	return &statementCache{pool: pool, stmts: make(map[string]*sqlx.Stmt)}
}

// queryx runs query with args through its prepared statement, preparing it the first time,
// or unprepared once the cache is full. A statement PostgreSQL refuses because its result
// changed type is dropped, and the query runs unprepared this time.
func (c *statementCache) queryx(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	s, err := c.statement(ctx, query)
	if err != nil || s == nil {
		if err != nil && !isStalePlan(err) {
			return nil, err
		}
		return c.pool.QueryxContext(ctx, query, args...)
	}
	rows, err := s.QueryxContext(ctx, args...)
	if isStalePlan(err) {
		c.forget(query, s)
		return c.pool.QueryxContext(ctx, query, args...)
	}
	return rows, err
}

// queryRow runs query as queryx does and scans its first row with scan; sql.ErrNoRows when it
// gives none.
func (c *statementCache) queryRow(ctx context.Context, query string, args []any, scan func(*sqlx.Rows) error) error {
	rows, err := c.queryx(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := scan(rows); err != nil {
		return err
	}
	return rows.Close()
}

// statement is query's prepared statement, prepared now if it is new; nil when the cache is full.
func (c *statementCache) statement(ctx context.Context, query string) (*sqlx.Stmt, error) {
	c.mu.Lock()
	s, full := c.stmts[query], len(c.stmts) >= maxCachedStatements
	c.mu.Unlock()
	if s != nil || full {
		return s, nil
	}
	prepared, err := c.pool.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s = c.stmts[query]; s != nil {
		_ = prepared.Close() // another request prepared it first
		return s, nil
	}
	c.stmts[query] = prepared
	return prepared, nil
}

// forget drops s, query's statement, if the cache still holds it, and closes it.
func (c *statementCache) forget(query string, s *sqlx.Stmt) {
	c.mu.Lock()
	if c.stmts[query] == s {
		delete(c.stmts, query)
	}
	c.mu.Unlock()
	_ = s.Close()
}

// isStalePlan reports whether err is PostgreSQL refusing a prepared statement whose result's
// columns have changed type since it was prepared.
func isStalePlan(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "0A000" && strings.Contains(pe.Message, "cached plan must not change result type")
}

// close closes every statement the cache holds.
func (c *statementCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.stmts {
		_ = s.Close()
		delete(c.stmts, q)
	}
}
