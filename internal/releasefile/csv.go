package releasefile

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// The CSV file is written as the API's observation export writes its CSV: a header row of the
// column names, then one line per row, by encoding/csv (quoted where RFC 4180 needs it, lines
// ending in LF). Numbers are strconv's shortest form, never with an exponent (1e21 is
// 1000000000000000000000); booleans true and false; times RFC 3339 in UTC; null an empty
// cell. Every text (string columns, and texts of any columns) is neutralised against
// spreadsheet formulas by domain.NeutraliseCSVCell: "=1+1" is written '=1+1, and read back
// by domain.RestoreCSVCell as =1+1.
//
// CSV has no types and no null apart from the empty cell, so two things do not survive it
// alone: an empty text reads back as null (as "" in a required string column), and a text
// in an any column that reads as a number or a boolean ("42", "true") reads back as one. The
// observation release carries each value's value_type beside it for that.
type csvWriter struct {
	w      *csv.Writer
	record []string
	buf    []byte
}

func newCSVWriter(w io.Writer, cols []domain.Column) (*csvWriter, error) {
	// encoding/csv writes into this buffer itself: bufio.NewWriter reuses a large enough one.
	cw := csv.NewWriter(bufio.NewWriterSize(w, 64<<10))
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &csvWriter{w: cw, record: make([]string, len(cols))}, nil
}

func (c *csvWriter) row(values []any) error {
	for i, v := range values {
		c.record[i] = c.cell(v)
	}
	return c.w.Write(c.record)
}

// cell returns v's CSV cell.
func (c *csvWriter) cell(v any) string {
	switch x := v.(type) {
	case string:
		return domain.NeutraliseCSVCell(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		c.buf = appendNumber(c.buf[:0], x)
		return string(c.buf)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		c.buf = appendTime(c.buf[:0], x)
		return string(c.buf)
	}
	return "" // nil
}

func (c *csvWriter) finish() error {
	c.w.Flush()
	return c.w.Error()
}
