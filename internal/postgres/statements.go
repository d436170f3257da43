package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// preparedStatements are the hot read queries, prepared once per pool: lib/pq without prepared
// statements needs two round trips per query.
type preparedStatements struct {
	getCity        *sqlx.Stmt
	getObservation *sqlx.Stmt
	authenticate   *sqlx.Stmt
}

func (p *preparedStatements) prepare(ctx context.Context, db *sqlx.DB) error {
	var err error
	if p.getCity, err = db.PreparexContext(ctx, `SELECT `+cityColumns+` FROM cities WHERE slug = $1`); err != nil {
		return err
	}
	if p.getObservation, err = db.PreparexContext(ctx, getObservationSQL); err != nil {
		return err
	}
	if p.authenticate, err = db.PreparexContext(ctx, authenticateSQL); err != nil {
		return err
	}
	return nil
}

func (p *preparedStatements) close() {
	for _, s := range []*sqlx.Stmt{p.getCity, p.getObservation, p.authenticate} {
		if s != nil {
			_ = s.Close()
		}
	}
}
