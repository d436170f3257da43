package releasefile

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// jsonWriter writes the NDJSON file, or the JSON file when array is set (see the package
// documentation). It appends each row to one buffer, with the column names' keys encoded
// once, in encoding/json's forms but without its reflection; nothing but the row is held.
type jsonWriter struct {
	w     *bufio.Writer
	keys  [][]byte // each column's `"name":`, after the '{' or ',' that precedes it
	array bool
	rows  int64
	buf   []byte
}

func newJSONWriter(w io.Writer, cols []domain.Column, array bool) (*jsonWriter, error) {
	j := &jsonWriter{w: bufio.NewWriterSize(w, 64<<10), array: array}
	for i, c := range cols {
		key := []byte{','}
		if i == 0 {
			key[0] = '{'
		}
		key = appendJSONString(key, c.Name)
		j.keys = append(j.keys, append(key, ':'))
	}
	if array {
		if _, err := j.w.WriteString("["); err != nil {
			return nil, err
		}
	}
	return j, nil
}

func (j *jsonWriter) row(values []any) error {
	b := j.buf[:0]
	if j.array {
		if j.rows > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	for i, v := range values {
		b = append(b, j.keys[i]...)
		b = appendJSONValue(b, v)
	}
	b = append(b, '}')
	if !j.array {
		b = append(b, '\n')
	}
	j.buf = b
	j.rows++
	_, err := j.w.Write(b)
	return err
}

func (j *jsonWriter) finish() error {
	if j.array {
		end := "\n]\n"
		if j.rows == 0 {
			end = "]\n"
		}
		if _, err := j.w.WriteString(end); err != nil {
			return err
		}
	}
	return j.w.Flush()
}

// appendJSONValue writes a checked value as JSON.
func appendJSONValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendJSONString(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return appendJSONNumber(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		b = append(b, '"')
		return append(appendTime(b, x), '"')
	}
	return append(b, "null"...)
}

// appendJSONNumber writes a finite f as encoding/json does: strconv's shortest form, with an
// exponent (e+21, e-7) only from 1e21 and below 1e-6.
func appendJSONNumber(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-07 becomes e-7, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes a checked text as encoding/json does without HTML escaping: quotes,
// backslashes and control characters escaped, and U+2028 and U+2029, which JavaScript takes
// for line ends.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '\u2028' || r == '\u2029' {
				b = append(b, s[start:i]...)
				b = append(b, `\u202`...)
				b = append(b, hexDigits[r&0xF])
				start = i + size
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
