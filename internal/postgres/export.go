package postgres

import (
	"context"
	"database/sql"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ExportStatementTimeout bounds one export's query; exports have no row cap.
const ExportStatementTimeout = "30min"

// StreamObservations calls fn for every observation that matches f, in id order, reading rows
// from the server as they come (constant memory) inside one read-only snapshot. An error from fn
// stops the stream and is returned.
func (db *DB) StreamObservations(ctx context.Context, f domain.ObservationFilter, fn func(*domain.Observation) error) error {
	f.Limit, f.AfterID = 0, 0
	tx, err := db.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback() // read-only
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = '`+ExportStatementTimeout+`'`); err != nil {
		return mapError(err)
	}
	query, args := observationQuery(f)
	rows, err := tx.QueryxContext(ctx, query, args...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	var row observationRow
	for rows.Next() {
		row = observationRow{}
		if err := rows.StructScan(&row); err != nil {
			return mapError(err)
		}
		o := row.observation()
		if err := fn(&o); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}
