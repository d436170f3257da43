// Package csvimport reads an observation import's CSV before any database work: it decodes the
// file, checks every row with the rules that need no stored data (domain.ParseImportRow) and
// spools the parsed rows to a temporary file. The store's transaction then begins only once the
// whole upload has arrived, so a slow uploader holds no connection, transaction or lock.
package csvimport

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Spool is an import's parsed rows, kept in a temporary file until Close.
type Spool struct {
	file *os.File
	rows int
}

// Read decodes the CSV from body, checks its rows and spools them into a new file in dir (the
// system's temporary directory when dir is empty). A file that is not CSV (bad quoting, wrong
// field counts), that has no valid header or that cannot be read is refused as a whole with
// EINVALID; a problem of one row is kept with the row, for the store to report. The spool is
// at most maxBytes (ETOOLARGE beyond) and is removed when Read fails or panics, and by Close.
func Read(body io.Reader, actor *domain.Actor, dir string, maxBytes int64) (*Spool, error) {
	r := csv.NewReader(body)
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, domain.Invalid("body", "the file is empty: a header row is required (columns: %s)", strings.Join(domain.ImportColumns, ", "))
	}
	if err != nil {
		return nil, csvError(err)
	}
	h, err := domain.ReadImportHeader(header)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "digitalcities-import-*")
	if err != nil {
		return nil, err
	}
	// Unlinked at once where the system allows it (the open file stays readable): then nothing
	// is left behind even if the process dies. Close removes it otherwise.
	_ = os.Remove(f.Name())
	s := &Spool{file: f}
	complete := false
	defer func() {
		if !complete { // an error or a panic
			_ = s.Close()
		}
	}()
	w := bufio.NewWriterSize(&cappedWriter{w: f, max: maxBytes}, 64<<10)
	problems := 0
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		row := domain.ParseImportRow(n, rec, h, actor)
		if row.Problem != nil {
			problems++
		}
		e := encoder{buf: make([]byte, 0, 256)}
		e.row(&row, problems <= domain.MaxImportProblems)
		if e.err != nil {
			return nil, e.err
		}
		if _, err := w.Write(e.buf); err != nil {
			return nil, err
		}
		s.rows++
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	complete = true
	return s, nil
}

// Rows yields the spooled rows in file order. A failure to read the spool is yielded as an
// error, after which the sequence ends. The sequence may be iterated more than once.
func (s *Spool) Rows() iter.Seq2[domain.ImportRow, error] {
	return func(yield func(domain.ImportRow, error) bool) {
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			yield(domain.ImportRow{}, err)
			return
		}
		d := decoder{r: bufio.NewReaderSize(s.file, 64<<10)}
		for n := 1; n <= s.rows; n++ {
			row := d.row(n)
			if d.err != nil {
				yield(domain.ImportRow{}, fmt.Errorf("csvimport: reading the spool at row %d: %w", n, d.err))
				return
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

// Close closes and removes the spool's file.
func (s *Spool) Close() error {
	err := s.file.Close()
	if rerr := os.Remove(s.file.Name()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return rerr
	}
	return err
}

// csvError describes a file that encoding/csv cannot read.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return domain.Invalid("body", "malformed CSV at line %d, column %d: %v; nothing was imported", pe.Line, pe.Column, pe.Err)
	}
	return domain.Invalid("body", "the body could not be read as CSV: %v", err)
}

// cappedWriter refuses to write more than max bytes in all.
type cappedWriter struct {
	w            io.Writer
	max, written int64
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if c.written+int64(len(p)) > c.max {
		return 0, domain.Errorf(domain.ETOOLARGE, "the import's rows take more than %d MiB; split the file", c.max>>20)
	}
	c.written += int64(len(p))
	return c.w.Write(p)
}

// The spool's format. A row starts with its kind:
//
//	kindRow:        a byte of which optional fields follow (has*), then city, indicator,
//	                year, [edition], value, status, [quality], [source], [footnote],
//	                [provenance], [verification]
//	kindProblem:    city, indicator, the problem's field and text
//	kindUnreadable: the problem's field and text
//
// Texts end with the byte 0xFF, which UTF-8 never uses (every spooled text is UTF-8: rows that
// are not are unreadable, and nothing of them is kept); integers are unsigned varints. A row
// without a problem thus takes fewer bytes than its CSV line (a year's four digits and their
// separator become two bytes), and a row with one no more, but for its problem's field and
// text. Those are kept for the first MaxImportProblems problems only, which are all a report
// lists; later ones are kept empty, so that even a file of bad rows spools into no more than
// its own size and those few texts.
const (
	kindRow byte = iota
	kindProblem
	kindUnreadable
)

// Bits of a kindRow's second byte: which optional fields follow.
const (
	hasEdition byte = 1 << iota
	hasQuality
	hasSource
	hasFootnote
	hasProvenance
	hasVerification
)

// end ends a spooled text.
const end = 0xFF

// encoder appends rows to buf; the first failure stays in err.
type encoder struct {
	buf []byte
	err error
}

func (e *encoder) text(s string) {
	if strings.IndexByte(s, end) >= 0 {
		e.err = errors.New("csvimport: a text to spool is not UTF-8")
	}
	e.buf = append(append(e.buf, s...), end)
}

func (e *encoder) uint(n int) {
	if n < 0 {
		e.err = fmt.Errorf("csvimport: cannot spool the negative number %d", n)
	}
	e.buf = binary.AppendUvarint(e.buf, uint64(n)) // #nosec G115 -- checked not negative just above
}

// row appends r; listed says whether its problem's field and text are kept.
func (e *encoder) row(r *domain.ImportRow, listed bool) {
	switch {
	case r.Problem != nil:
		field, text := "", ""
		if listed {
			field, text = r.Problem.Field, r.Problem.Problem
		}
		if r.Unreadable {
			e.buf = append(e.buf, kindUnreadable)
		} else {
			e.buf = append(e.buf, kindProblem)
			e.text(r.City)
			e.text(r.Indicator)
		}
		e.text(field)
		e.text(text)
		return
	}
	var has byte
	opts := optionals(r)
	for i, p := range opts {
		if *p != nil {
			has |= hasQuality << i
		}
	}
	if r.Edition != nil {
		has |= hasEdition
	}
	e.buf = append(e.buf, kindRow, has)
	e.text(r.City)
	e.text(r.Indicator)
	e.uint(r.Year)
	if r.Edition != nil {
		e.uint(*r.Edition)
	}
	e.text(r.Value)
	e.text(r.Status)
	for _, p := range opts {
		if *p != nil {
			e.text(**p)
		}
	}
}

// optionals are a row's optional texts, in the order of their has* bits from hasQuality on.
func optionals(r *domain.ImportRow) [5]**string {
	return [5]**string{&r.Quality, &r.Source, &r.Footnote, &r.Provenance, &r.Verification}
}

// decoder reads rows; the first failure stays in err.
type decoder struct {
	r   *bufio.Reader
	err error
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	b, err := d.r.ReadByte()
	d.err = err
	return b
}

func (d *decoder) text() string {
	if d.err != nil {
		return ""
	}
	s, err := d.r.ReadString(end)
	if err != nil {
		d.err = err
		return ""
	}
	return s[:len(s)-1]
}

func (d *decoder) uint() int {
	if d.err != nil {
		return 0
	}
	n, err := binary.ReadUvarint(d.r)
	d.err = err
	return int(n) // #nosec G115 -- the spool holds years and editions only
}

// row reads row n.
func (d *decoder) row(n int) domain.ImportRow {
	r := domain.ImportRow{Row: n}
	switch kind := d.byte(); kind {
	case kindProblem, kindUnreadable:
		if kind == kindUnreadable {
			r.Unreadable = true
		} else {
			r.City, r.Indicator = d.text(), d.text()
		}
		field, text := d.text(), d.text()
		r.Problem = &domain.ImportProblem{Row: n, Field: field, Problem: text}
		return r
	case kindRow:
	default:
		if d.err == nil {
			d.err = fmt.Errorf("csvimport: unknown row kind %d", kind)
		}
		return r
	}
	has := d.byte()
	r.City, r.Indicator = d.text(), d.text()
	r.Year = d.uint()
	if has&hasEdition != 0 {
		ed := d.uint()
		r.Edition = &ed
	}
	r.Value, r.Status = d.text(), d.text()
	for i, p := range optionals(&r) {
		if has&(hasQuality<<i) != 0 {
			s := d.text()
			*p = &s
		}
	}
	return r
}
