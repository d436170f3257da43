package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// readStatements are the hot read queries, prepared once per pool they run on: lib/pq without
// prepared statements needs two round trips per query.
type readStatements struct {
	getCity        *sqlx.Stmt
	cityVersion    *sqlx.Stmt
	getObservation *sqlx.Stmt
}

// preparedStatements are the primary's: the reads, and authentication, which writes (a token's
// last use) and so is never prepared on a read replica.
type preparedStatements struct {
	readStatements
	authenticate *sqlx.Stmt
}

func (p *readStatements) prepare(ctx context.Context, db *sqlx.DB) error {
	var err error
	if p.getCity, err = db.PreparexContext(ctx, `SELECT `+cityColumns+` FROM cities WHERE slug = $1`); err != nil {
		return err
	}
	if p.cityVersion, err = db.PreparexContext(ctx, `SELECT version FROM cities WHERE slug = $1`); err != nil {
		return err
	}
	if p.getObservation, err = db.PreparexContext(ctx, getObservationSQL); err != nil {
		return err
	}
	return nil
}

func (p *preparedStatements) prepare(ctx context.Context, db *sqlx.DB) error {
	if err := p.readStatements.prepare(ctx, db); err != nil {
		return err
	}
	var err error
	p.authenticate, err = db.PreparexContext(ctx, authenticateSQL)
	return err
}

func (p *readStatements) close() {
	for _, s := range []*sqlx.Stmt{p.getCity, p.cityVersion, p.getObservation} {
		if s != nil {
			_ = s.Close()
		}
	}
}

func (p *preparedStatements) close() {
	p.readStatements.close()
	if p.authenticate != nil {
		_ = p.authenticate.Close()
	}
}
