package postgres

import (
	"bytes"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// csvColumns is the SQL of what an export's CSV line is written from, over the columns of an
// observation query (alias x). PostgreSQL sends plain text and Go writes the line (csvRow): when
// PostgreSQL wrote whole lines through SQL functions (migration 00011), building them cost it
// more than reading the rows, and it, not Go, set the export's pace.
//
// The first column holds, joined by commas, the cells that never need quoting: slugs, numbers
// and closed sets, whose checks admit no comma, quote, space or line break, the two times, the
// number and the boolean, each as PostgreSQL writes it; one text column costs Go less to read
// than fifteen, and lib/pq reads a text as it is where it would parse a time or a number only
// for Go to write it again. concat_ws skips nulls: an edition is 0 when there is none (editions
// are years from 2000) and a quality empty, so that each has its place (a cast to text would
// cost PostgreSQL more), and the number and the boolean come last, where a missing one moves
// nothing (plainCells says how they are told apart). The free texts, written with care, come
// as they are stored, and are mostly null.
const csvColumns = `concat_ws(',', x.id, x.indicator, x.city, x.year, coalesce(x.edition, 0), x.status,
	coalesce(x.quality, ''), x.provenance, x.value_type, x.verification, x.version, x.created_at, x.updated_at,
	x.value_number, x.value_boolean), x.value_text, x.source, x.footnote`

// The cells of csvColumns' first column, in its order.
const (
	plainID = iota
	plainIndicator
	plainCity
	plainYear
	plainEdition
	plainStatus
	plainQuality
	plainProvenance
	plainValueType
	plainVerification
	plainVersion
	plainCreatedAt
	plainUpdatedAt
	// plainCells is how many cells are always there. Up to two may follow: the number and the
	// boolean, each when there is one; a boolean is t or f, which no number is.
	plainCells
)

// csvRow is a row of csvColumns as scanned, and the buffer its CSV line is written into.
type csvRow struct {
	plain                  sql.RawBytes
	text, source, footnote sql.RawBytes
	buf                    []byte
}

// dest is where rows.Scan puts a row's columns.
func (r *csvRow) dest() []any {
	return []any{&r.plain, &r.text, &r.source, &r.footnote}
}

// line writes the scanned row's CSV line, without its line end, as encoding/csv writes the
// columns of api's exportColumns: free texts neutralised (domain.NeutraliseCSVCell), numbers
// as strconv.FormatFloat(v, 'f', -1, 64) writes them, times in UTC as time.RFC3339Nano. The line
// is the row's buffer, valid until the next line. Cells that follow each other in both orders
// are copied together, commas included.
func (r *csvRow) line() ([]byte, error) {
	var p plainRow
	if !p.split(r.plain) {
		return nil, fmt.Errorf("export: %q has fewer than %d cells", r.plain, plainCells)
	}
	b := append(append(r.buf[:0], p.cells(plainID, plainYear)...), ',')
	if edition := p.cell(plainEdition); string(edition) != "0" { // 0: no edition
		b = append(b, edition...)
	}
	b = appendValue(append(b, ','), p.cell(plainValueType), r.text, p.extra())
	b = append(append(b, ','), p.cells(plainStatus, plainQuality)...)
	b = appendCSVText(append(b, ','), r.source)
	b = appendCSVText(append(b, ','), r.footnote)
	b = append(append(b, ','), p.cells(plainProvenance, plainVersion)...)
	var err error
	for _, i := range [...]int{plainCreatedAt, plainUpdatedAt} {
		if b, err = appendCSVTime(append(b, ','), p.cell(i)); err != nil {
			return nil, err
		}
	}
	r.buf = b
	return b, nil
}

// plainRow is csvColumns' first column split into its cells, without a copy.
type plainRow struct {
	text []byte
	ends [plainCells + 2]int // where each cell ends: the offset of the comma after it, or the text's length
	n    int                 // how many cells
}

// split splits text; false when it has fewer than plainCells cells. Commas after the last cell
// that may be there stay in it.
func (p *plainRow) split(text []byte) bool {
	p.text, p.n = text, 0
	for at := 0; p.n < len(p.ends)-1; p.n++ {
		i := bytes.IndexByte(text[at:], ',')
		if i < 0 {
			break
		}
		p.ends[p.n] = at + i
		at += i + 1
	}
	p.ends[p.n] = len(text)
	p.n++
	return p.n >= plainCells
}

// cells is the text of cells from to through, with the commas between them.
func (p *plainRow) cells(from, through int) []byte {
	start := 0
	if from > 0 {
		start = p.ends[from-1] + 1
	}
	return p.text[start:p.ends[through]]
}

// cell is the text of cell i.
func (p *plainRow) cell(i int) []byte { return p.cells(i, i) }

// extra is what follows the plainCells cells: the number, the boolean, both or neither.
func (p *plainRow) extra() [][]byte {
	e := make([][]byte, 0, 2)
	for i := plainCells; i < p.n; i++ {
		e = append(e, p.cell(i))
	}
	return e
}

// appendValue appends the value cell as the export has always chosen it: an ordinal's or a
// text's text (an ordinal's value is its level's code), else the boolean when there is one, else
// the number; extra is what follows plainCells (the number, the boolean, both or neither).
func appendValue(b, valueType, text []byte, extra [][]byte) []byte {
	if string(valueType) == "ordinal" || string(valueType) == "text" {
		return appendCSVText(b, text)
	}
	var number []byte
	for _, cell := range extra {
		switch string(cell) {
		case "t":
			return append(b, "true"...)
		case "f":
			return append(b, "false"...)
		}
		number = cell
	}
	return appendNumber(b, number)
}

// appendNumber appends the number PostgreSQL wrote as v (float8, with the shortest digits that
// read back as it, extra_float_digits in exportTx) as strconv.FormatFloat(v, 'f', -1, 64) writes
// it. Without an exponent, from 1e-4 up to 1e15, PostgreSQL's text is already Go's: the same
// shortest digits (its Ryu and Go's choose them alike there; TestFloatTextIsGos checks them),
// which is most numbers. Any other (an exponent, where PostgreSQL's Ryu may also keep one digit
// more than the shortest from 1e16) is read and written again by Go. Infinities and NaN, which
// no JSON number is, stay as PostgreSQL wrote them.
func appendNumber(b, v []byte) []byte {
	if plainDecimal(v) {
		return append(b, v...)
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, v...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// plainDecimal reports whether v is only digits, a minus sign and a decimal point.
func plainDecimal(v []byte) bool {
	for _, ch := range v {
		if (ch < '0' || ch > '9') && ch != '.' && ch != '-' {
			return false
		}
	}
	return true
}

// appendCSVText appends a free text as a CSV cell: neutralised against formulas
// (domain.NeutraliseCSVCell), then quoted when encoding/csv would quote it: when it holds a
// quote, a comma or a line break, is \., or begins with a character that unicode.IsSpace takes
// for a space (a neutralised text begins with ', which is none). Inside quotes, a quote is
// doubled and everything else written as it is, line breaks included, as encoding/csv does.
func appendCSVText(b, text []byte) []byte {
	if len(text) == 0 {
		return b // null, mostly
	}
	neutralised := domain.FormulaLike(text)
	quoted := bytes.ContainsAny(text, "\"\r\n,") || !neutralised && (string(text) == `\.` || beginsWithSpace(text))
	if quoted {
		b = append(b, '"')
	}
	if neutralised {
		b = append(b, '\'')
	}
	if !quoted {
		return append(b, text...)
	}
	for {
		i := bytes.IndexByte(text, '"')
		if i < 0 {
			break
		}
		b = append(b, text[:i+1]...)
		b = append(b, '"')
		text = text[i+1:]
	}
	return append(append(b, text...), '"')
}

// beginsWithSpace reports whether text's first character is a space to unicode.IsSpace.
func beginsWithSpace(text []byte) bool {
	r, _ := utf8.DecodeRune(text)
	return unicode.IsSpace(r)
}

// appendCSVTime appends the time that PostgreSQL wrote as t (timestamptz in DateStyle ISO) as
// time.RFC3339Nano writes it in UTC. In the session's time zone, UTC (Open), the text is
// already that, with a space for the T and +00 for the Z, and its fraction of a second, as Go's,
// without trailing zeros and without the point when there is none. Any other text (another
// zone, a year beyond 9999) is read as lib/pq reads a time and written again.
func appendCSVTime(b, t []byte) ([]byte, error) {
	n := len(t)
	if n >= len("2006-01-02 15:04:05+00") && t[4] == '-' && t[10] == ' ' && string(t[n-3:]) == "+00" {
		b = append(b, t[:10]...)
		b = append(b, 'T')
		b = append(b, t[11:n-3]...)
		return append(b, 'Z'), nil
	}
	parsed, err := pq.ParseTimestamp(time.UTC, string(t))
	if err != nil {
		return nil, fmt.Errorf("export: time %q: %w", t, err)
	}
	return parsed.UTC().AppendFormat(b, time.RFC3339Nano), nil
}
