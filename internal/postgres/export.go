package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
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

// StreamObservationsCSV calls fn with the CSV line (without its line end) of every observation
// that matches f, in the order StreamObservations gives, inside one read-only snapshot: the
// columns of api's exportColumns, as encoding/csv writes them (csvRow.line). fn must not keep
// the line. A vintage (f.AsOf) is read page by page (vintagePages), each row with its keyset.
func (db *DB) StreamObservationsCSV(ctx context.Context, f domain.ObservationFilter, fn func(line []byte) error) error {
	var r csvRow
	return db.streamLines(ctx, f, exportLines{columns: csvColumns, dest: r.dest(), line: r.line}, fn)
}

// jsonLine is the SQL of an export's JSON object, written by PostgreSQL over the columns of an
// observation query (alias x): byte for byte what encoding/json wrote for the observation
// (migration 00017), but for the numbers of jsonLineNumber: its fields in domain.Observation's
// order, a value typed by its indicator (domain.ValueOf), times in UTC as time.Time writes them
// (csv_time of migration 00011 is that text). Slugs and the closed sets (status, quality,
// provenance, value type, verification) are quoted as they are: their checks admit no character
// that JSON escapes.
const jsonLine = `'{"id":' || x.id || ',"indicator":"' || x.indicator || '","city":"' || x.city || '","year":' || x.year ||
	',"edition":' || coalesce(x.edition::text, 'null') ||
	',"value":' || coalesce(CASE x.value_type WHEN 'boolean' THEN x.value_boolean::text
		WHEN 'ordinal' THEN json_string(x.value_text) WHEN 'text' THEN json_string(x.value_text)
		ELSE json_number(x.value_number) END, 'null') ||
	',"status":"' || x.status || '","quality":' || coalesce('"' || x.quality || '"', 'null') ||
	',"source":' || coalesce(json_string(x.source), 'null') || ',"footnote":' || coalesce(json_string(x.footnote), 'null') ||
	',"provenance":"' || x.provenance || '","value_type":"' || x.value_type || '","verification":"' || x.verification ||
	'","version":' || x.version || ',"created_at":"' || csv_time(x.created_at) || '","updated_at":"' || csv_time(x.updated_at) || '"}'`

// jsonLineNumber is the SQL of the value that Go writes into jsonLine in place of PostgreSQL's
// text (json_number of migration 00017 says why): a number from 1e15 up to 1e22, else null.
const jsonLineNumber = `CASE WHEN x.value_type NOT IN ('boolean', 'ordinal', 'text')
	AND abs(x.value_number) >= 1e15 AND abs(x.value_number) < 1e22 THEN x.value_number END`

// StreamObservationsJSON calls fn with the JSON object (one line, without its line end) of every
// observation that matches f, as StreamObservationsCSV does with CSV lines: each is what
// encoding/json writes for the observation StreamObservations gives (with HTML characters left
// as they are), written by PostgreSQL (jsonLine) and handed on as read. fn must not keep the line.
func (db *DB) StreamObservationsJSON(ctx context.Context, f domain.ObservationFilter, fn func(line []byte) error) error {
	var text sql.RawBytes
	var value sql.NullFloat64
	var rewritten []byte
	return db.streamLines(ctx, f, exportLines{
		columns: jsonLine + ", " + jsonLineNumber,
		dest:    []any{&text, &value},
		line: func() ([]byte, error) {
			if !value.Valid {
				return text, nil
			}
			rewritten = withJSONValue(rewritten[:0], text, value.Float64)
			return rewritten, nil
		},
	}, fn)
}

// exportLines says how an export's lines are read: the SQL of the columns they are written
// from, over the observation query's columns (alias x); where rows.Scan puts a row's columns;
// and line, which writes the line of the row just scanned (valid until the next row's).
type exportLines struct {
	columns string
	dest    []any
	line    func() ([]byte, error)
}

// streamLines calls fn with the line that lines writes for every observation that matches f,
// in StreamObservations' order, inside one read-only snapshot, without a copy.
func (db *DB) streamLines(ctx context.Context, f domain.ObservationFilter, lines exportLines, fn func(line []byte) error) error {
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
	// read runs a query of the lines and calls fn with each; dest may hold more than a line's columns.
	read := func(query string, args []any, dest []any) (int, error) {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return 0, mapError(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return n, mapError(err)
			}
			line, err := lines.line()
			if err != nil {
				return n, err
			}
			if err := fn(line); err != nil {
				return n, err
			}
			n++
		}
		return n, mapError(rows.Err())
	}
	if f.AsOf != nil {
		var last domain.Observation
		keyed := append([]any{&last.ID, &last.City, &last.Indicator}, lines.dest...)
		return vintagePages(ctx, tx, f, func(query string, args []any) (int, *domain.Observation, error) {
			n, err := read(`SELECT x.id, x.city, x.indicator, `+lines.columns+` FROM (`+query+`) x ORDER BY `+order, args, keyed)
			return n, &last, err
		})
	}
	query, args := observationQuery(f, nil)
	_, err = read(`SELECT `+lines.columns+` FROM (`+query+`) x ORDER BY `+order, args, lines.dest)
	return err
}

// withJSONValue appends to b the JSON line with its value written by encoding/json as v.
func withJSONValue(b, line []byte, v float64) []byte {
	start := bytes.Index(line, []byte(`,"value":`)) + len(`,"value":`)
	end := start + bytes.Index(line[start:], []byte(`,"status":`))
	number, _ := json.Marshal(v) // finite: stored values are JSON numbers
	b = append(b, line[:start]...)
	b = append(b, number...)
	return append(b, line[end:]...)
}

// exportTx begins an export's transaction: one read-only snapshot, its own statement timeout, no
// JIT compilation, which PostgreSQL chose for a million rows and which held the first byte back
// 300 ms for no gain in the whole (2.72 s with it, 2.64 s without, on the million rows), and
// numbers written with the shortest digits that read back as they are (PostgreSQL's default
// since version 12): the exports' lines hand them on where they are Go's text, and Go reads the
// others back exactly and writes them again.
func (db *DB) exportTx(ctx context.Context) (*sqlx.Tx, error) {
	tx, err := db.reader(ctx).BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, mapError(err)
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = '`+ExportStatementTimeout+`'; SET LOCAL jit = off; SET LOCAL extra_float_digits = 1`); err != nil {
		_ = tx.Rollback()
		return nil, mapError(err)
	}
	return tx, nil
}
