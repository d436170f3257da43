package releasefile

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// csvWriter writes the CSV file (see the package documentation) with encoding/csv, as the
// API's observation export does, into a 64 KiB buffer.
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
