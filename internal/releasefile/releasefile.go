package releasefile

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Rows is a stream of rows, read as database/sql's rows are: Next advances to the next row
// (false at the end or on an error), Values returns the current row's values in column order
// and Err the error that ended the stream, if any. Values may reuse its slice between rows.
type Rows interface {
	Next() bool
	Values() []any
	Err() error
}

// Options are what a file depends on besides its rows.
type Options struct {
	// Sheet names the XLSX sheet; "data" when empty. Rows that do not fit on one sheet
	// continue on further sheets named after it: data_2, data_3 and so on.
	Sheet string
	// Created is the XLSX workbook's creation time, written in its document properties and
	// as the time of its zip entries: give the release's as_of, never time.Now, so that the
	// file depends on nothing but the release. Zero leaves the times out.
	Created time.Time
}

// formatWriter writes one format: row takes each row's checked values, finish ends the file.
type formatWriter interface {
	row(values []any) error
	finish() error
}

// Write writes rows in format (one of domain.ReleaseFormats: csv, ndjson, json, xlsx,
// parquet) to w and returns how many rows it wrote. On an error the output is incomplete and
// must be discarded; the count is of the rows written before it.
func Write(format string, w io.Writer, cols []domain.Column, rows Rows, opt Options) (int64, error) {
	if err := checkColumns(cols); err != nil {
		return 0, err
	}
	var fw formatWriter
	var err error
	switch format {
	case "csv":
		fw, err = newCSVWriter(w, cols)
	case "ndjson":
		fw, err = newJSONWriter(w, cols, false)
	case "json":
		fw, err = newJSONWriter(w, cols, true)
	case "xlsx":
		fw, err = newXLSXWriter(w, cols, opt)
	case "parquet":
		fw, err = newParquetWriter(w, cols)
	default:
		return 0, fmt.Errorf("releasefile: unknown format %q", format)
	}
	if err != nil {
		return 0, err
	}
	var n int64
	checked := make([]any, len(cols))
	for rows.Next() {
		values := rows.Values()
		if len(values) != len(cols) {
			return n, fmt.Errorf("releasefile: row %d has %d values for %d columns", n+1, len(values), len(cols))
		}
		for i, v := range values {
			if checked[i], err = checkValue(cols[i], v); err != nil {
				return n, fmt.Errorf("releasefile: row %d, column %s: %w", n+1, cols[i].Name, err)
			}
		}
		if err := fw.row(checked); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, fw.finish()
}

// checkColumns refuses columns without a name, with the same name, of an unknown type, or
// whose name is not a text that every format can hold.
func checkColumns(cols []domain.Column) error {
	if len(cols) == 0 {
		return fmt.Errorf("releasefile: no columns")
	}
	types := []domain.ColumnType{domain.ColumnString, domain.ColumnInteger, domain.ColumnNumber,
		domain.ColumnBoolean, domain.ColumnDateTime, domain.ColumnAny}
	seen := map[string]bool{}
	for _, c := range cols {
		switch {
		case c.Name == "":
			return fmt.Errorf("releasefile: a column has no name")
		case seen[c.Name]:
			return fmt.Errorf("releasefile: two columns are named %s", c.Name)
		case !slices.Contains(types, c.Type):
			return fmt.Errorf("releasefile: column %s has unknown type %q", c.Name, c.Type)
		case checkText(c.Name) != nil:
			return fmt.Errorf("releasefile: column name %q: %w", c.Name, checkText(c.Name))
		}
		seen[c.Name] = true
	}
	return nil
}

// RowsOf returns a Rows over rows held in memory, for tests and small files.
func RowsOf(rows [][]any) Rows { return &sliceRows{rows: rows, i: -1} }

type sliceRows struct {
	rows [][]any
	i    int
}

func (s *sliceRows) Next() bool    { s.i++; return s.i < len(s.rows) }
func (s *sliceRows) Values() []any { return s.rows[s.i] }
func (s *sliceRows) Err() error    { return nil }

// WriteRelease writes one file of a release: the rows of table (which names the spreadsheet's
// sheet) in format, with created, the release's moment, as the only time the file records.
func WriteRelease(format string, w io.Writer, table string, cols []domain.Column, rows Rows, created time.Time) (int64, error) {
	return Write(format, w, cols, rows, Options{Sheet: table, Created: created})
}
