package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ExportStatementTimeout bounds one export's query; exports have no row cap.
const ExportStatementTimeout = "30min"

// StreamObservations calls fn for every observation that matches f, in id order (latest lists:
// in city and indicator order), reading rows
// from the server as they come (constant memory) inside one read-only snapshot. An error from fn
// stops the stream and is returned. A vintage (f.AsOf) is read page by page (vintagePages).
func (db *DB) StreamObservations(ctx context.Context, f domain.ObservationFilter, fn func(*domain.Observation) error) error {
	f.Limit, f.AfterID, f.AfterLatest = 0, 0, nil
	tx, err := db.exportTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback() // read-only
	read := func(query string, args []any) (int, *domain.Observation, error) {
		rows, err := tx.QueryxContext(ctx, query, args...)
		if err != nil {
			return 0, nil, mapError(err)
		}
		defer rows.Close()
		var row observationRow
		dest, err := scanDest(rows, &row)
		if err != nil {
			return 0, nil, err
		}
		n := 0
		var o domain.Observation
		for rows.Next() {
			row = observationRow{}
			if err := rows.Scan(dest...); err != nil {
				return n, nil, mapError(err)
			}
			o = row.observation()
			if err := fn(&o); err != nil {
				return n, nil, err
			}
			n++
		}
		return n, &o, mapError(rows.Err())
	}
	if f.AsOf != nil {
		return vintagePages(ctx, tx, f, read)
	}
	query, args := observationQuery(f, nil)
	_, _, err = read(query, args)
	return err
}

// vintagePage is how many rows an export of a vintage reads per query (a variable for tests).
var vintagePage = 10000

// vintagePages reads an export of a vintage as pages of vintagePage rows in keyset order, within
// the export's one snapshot: read runs a page's SQL and returns how many rows it gave and the
// last (for the next page's keyset). A page of the vintage costs its own rows (observationsAt);
// the whole vintage in one query would be sorted before its first row comes out. Each page is
// planned for its own position, as a list's page is (ObservationPageSQL).
func vintagePages(ctx context.Context, tx *sqlx.Tx, f domain.ObservationFilter,
	read func(query string, args []any) (int, *domain.Observation, error)) error {
	f.Limit = vintagePage
	for {
		query, args, err := ObservationPageSQL(ctx, tx, f)
		if err != nil {
			return err
		}
		n, last, err := read(query, args)
		if err != nil || n < vintagePage {
			return err
		}
		if f.Latest {
			f.AfterLatest = &domain.LatestKey{City: last.City, Indicator: last.Indicator}
		} else {
			f.AfterID = last.ID
		}
	}
}

// scanDest maps the result's columns to the fields of the struct dst points to, as sqlx's
// StructScan does, and returns pointers to those fields for rows.Scan. A stream maps them once
// instead of once per row: StructScan's per-row reflection was a fifth of an export's CPU time.
func scanDest(rows *sqlx.Rows, dst any) ([]any, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, mapError(err)
	}
	v := reflect.ValueOf(dst).Elem()
	dest := make([]any, len(cols))
	for i, index := range rows.Mapper.TraversalsByName(v.Type(), cols) {
		if len(index) == 0 {
			return nil, fmt.Errorf("scan: no field of %T for column %s", dst, cols[i])
		}
		f, err := v.FieldByIndexErr(index)
		if err != nil {
			return nil, fmt.Errorf("scan: column %s: %w", cols[i], err)
		}
		dest[i] = f.Addr().Interface()
	}
	return dest, nil
}

// csvLine is the SQL of an export's CSV line, written by PostgreSQL over the columns of an
// observation query (alias x): the columns of api's exportColumns, in their order, each as the
// API's CSV writer wrote it (migration 00011). An ordinal's value is its level's code (its rank
// is stored beside it, for ordering), a text's its text.
const csvLine = `concat_ws(',', x.id, x.indicator, x.city, x.year, coalesce(x.edition::text, ''),
	CASE WHEN x.value_type IN ('ordinal', 'text') THEN coalesce(csv_cell(x.value_text), '')
	     WHEN x.value_boolean IS NOT NULL THEN CASE WHEN x.value_boolean THEN 'true' ELSE 'false' END
	     ELSE coalesce(csv_number(x.value_number), '') END,
	x.status, coalesce(x.quality, ''), coalesce(csv_cell(x.source), ''), coalesce(csv_cell(x.footnote), ''),
	x.provenance, x.value_type, x.verification, x.version, csv_time(x.created_at), csv_time(x.updated_at))`

// StreamObservationsCSV calls fn with the CSV line (without its line end) of every observation
// that matches f, in the order StreamObservations gives, inside one read-only snapshot. The
// lines are PostgreSQL's and are handed on as read, without a copy: fn must not keep them. A
// vintage (f.AsOf) is read page by page (vintagePages), each line with its row's keyset.
func (db *DB) StreamObservationsCSV(ctx context.Context, f domain.ObservationFilter, fn func(line []byte) error) error {
	f.Limit, f.AfterID, f.AfterLatest = 0, 0, nil
	tx, err := db.exportTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback() // read-only
	order := "x.id"
	if f.Latest {
		order = "x.city, x.indicator"
	}
	if f.AsOf != nil {
		return vintagePages(ctx, tx, f, func(query string, args []any) (int, *domain.Observation, error) {
			rows, err := tx.QueryContext(ctx, `SELECT x.id, x.city, x.indicator, `+csvLine+` FROM (`+query+`) x ORDER BY `+order, args...)
			if err != nil {
				return 0, nil, mapError(err)
			}
			defer rows.Close()
			n := 0
			var last domain.Observation
			var line sql.RawBytes
			for rows.Next() {
				if err := rows.Scan(&last.ID, &last.City, &last.Indicator, &line); err != nil {
					return n, nil, mapError(err)
				}
				if err := fn(line); err != nil {
					return n, nil, err
				}
				n++
			}
			return n, &last, mapError(rows.Err())
		})
	}
	query, args := observationQuery(f, nil)
	rows, err := tx.QueryContext(ctx, `SELECT `+csvLine+` FROM (`+query+`) x ORDER BY `+order, args...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	var line sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&line); err != nil {
			return mapError(err)
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

// exportTx begins an export's transaction: one read-only snapshot, its own statement timeout, and
// no JIT compilation, which PostgreSQL chose for a million rows and which held the first byte
// back 300 ms for no gain in the whole (2.72 s with it, 2.64 s without, on the million rows).
func (db *DB) exportTx(ctx context.Context) (*sqlx.Tx, error) {
	tx, err := db.reader(ctx).BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, mapError(err)
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = '`+ExportStatementTimeout+`'; SET LOCAL jit = off`); err != nil {
		_ = tx.Rollback()
		return nil, mapError(err)
	}
	return tx, nil
}
