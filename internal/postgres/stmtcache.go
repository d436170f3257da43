package postgres

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxCachedStatements bounds a statementCache: SQL past it runs unprepared. The store builds
// one text per combination of filters (and of branches, for a split page), far fewer than this.
const maxCachedStatements = 256

// statementCache holds the prepared statements of SQL that the store builds per request (the
// pages of observations), one per text, on one pool. Unprepared, such a query costs two round
// trips with lib/pq (parse and describe, then bind and execute) and is parsed and planned at
// every request; prepared, it is one round trip, and PostgreSQL plans it once it has seen that a
// generic plan does as well as one made for the values (TestListPlansReadWhatTheyReturn checks
// that the generic plans of the pages it prepares read what they return).
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
// or unprepared once the cache is full.
func (c *statementCache) queryx(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	c.mu.Lock()
	s, full := c.stmts[query], len(c.stmts) >= maxCachedStatements
	c.mu.Unlock()
	if s == nil && full {
		return c.pool.QueryxContext(ctx, query, args...)
	}
	if s == nil {
		prepared, err := c.pool.PreparexContext(ctx, query)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if s = c.stmts[query]; s == nil {
			c.stmts[query], s = prepared, prepared
		} else {
			defer prepared.Close() // another request prepared it first
		}
		c.mu.Unlock()
	}
	return s.QueryxContext(ctx, args...)
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
