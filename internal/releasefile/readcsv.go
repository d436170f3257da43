package releasefile

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// csvReader reads RFC 4180 records, with lines ending in LF or CRLF, keeping every character
// of a quoted cell: encoding/csv's reader turns a quoted cell's CRLF into LF, so it cannot
// prove that a text with one survives the file.
type csvReader struct{ r *bufio.Reader }

// read returns the next record, or io.EOF after the last.
func (c *csvReader) read() ([]string, error) {
	if _, err := c.r.Peek(1); err != nil {
		return nil, err
	}
	var record []string
	for {
		cell, end, err := c.cell()
		if err != nil {
			return nil, err
		}
		record = append(record, cell)
		if end {
			return record, nil
		}
	}
}

// cell reads a cell and what follows it; end reports the end of the record.
func (c *csvReader) cell() (cell string, end bool, err error) {
	var b strings.Builder
	quoted := false
	if first, err := c.r.Peek(1); err == nil && first[0] == '"' {
		quoted = true
		_, _ = c.r.ReadByte() // the quote peeked
	}
	for {
		ch, err := c.r.ReadByte()
		switch {
		case errors.Is(err, io.EOF) && !quoted:
			return b.String(), true, nil // a last line without its line end
		case err != nil:
			return "", false, errors.New("a quoted cell does not end")
		case quoted && ch == '"':
			next, err := c.r.ReadByte()
			switch {
			case err == nil && next == '"':
				b.WriteByte('"')
				continue
			case errors.Is(err, io.EOF) || next == '\n':
				return b.String(), true, nil
			case next == ',':
				return b.String(), false, nil
			case next == '\r':
				if lf, err := c.r.ReadByte(); err == nil && lf == '\n' {
					return b.String(), true, nil
				}
			}
			return "", false, errors.New("a quote in a quoted cell is not doubled")
		case quoted:
			b.WriteByte(ch)
		case ch == ',':
			return b.String(), false, nil
		case ch == '\n':
			return strings.TrimSuffix(b.String(), "\r"), true, nil
		case ch == '"':
			return "", false, errors.New("a quote in an unquoted cell")
		default:
			b.WriteByte(ch)
		}
	}
}
