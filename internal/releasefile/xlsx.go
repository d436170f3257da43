package releasefile

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// maxSheetRows is how many rows a sheet holds, its header included: Excel's limit. Tests
// lower it.
var maxSheetRows = 1 << 20

// maxCellText is how many UTF-16 code units an Excel cell holds.
const maxCellText = 32767

// Cell styles (xlsxStyles): the default, the header's bold, and text with a quote prefix.
const (
	styleHeader = "1"
	styleQuoted = "2"
)

// xlsxWriter writes the XLSX file (see the package documentation): its sheets stream
// straight into the zip, row by row, and the parts that list them follow the last. A text
// longer than 32,767 characters (Excel's limit for a cell) is an error.
//
// Why not excelize's StreamWriter, which the tests read the files with: it assembles the whole
// file in memory when it saves, writes the sheets of a workbook in Go's map order (so bytes
// change from run to run once there are two sheets), and rounds numbers to 15 significant
// digits (0.30000000000000004 becomes 0.3).
type xlsxWriter struct {
	out     *bufio.Writer
	zip     *zip.Writer
	sheet   io.Writer // the current sheet's zip entry
	opt     Options
	cols    []domain.Column
	letters []string // each column's letters: A, B, …, AA, …
	sheets  []string // the names of the sheets begun
	rows    int      // the current sheet's rows, header included
	buf     []byte
}

func newXLSXWriter(w io.Writer, cols []domain.Column, opt Options) (*xlsxWriter, error) {
	if opt.Sheet == "" {
		opt.Sheet = "data"
	}
	if err := checkSheetName(opt.Sheet); err != nil {
		return nil, err
	}
	if len(cols) > 16384 {
		return nil, fmt.Errorf("releasefile: %d columns; an Excel sheet holds 16,384", len(cols))
	}
	out := bufio.NewWriterSize(w, 64<<10)
	x := &xlsxWriter{out: out, zip: zip.NewWriter(out), opt: opt, cols: cols}
	for i := range cols {
		x.letters = append(x.letters, columnLetters(i))
	}
	return x, x.beginSheet()
}

// checkSheetName applies Excel's rules for a sheet's name.
func checkSheetName(name string) error {
	switch {
	case utf8.RuneCountInString(name) > 31:
		return fmt.Errorf("releasefile: sheet name %q is longer than 31 characters", name)
	case strings.ContainsAny(name, `:\/?*[]`):
		return fmt.Errorf(`releasefile: sheet name %q holds one of : \ / ? * [ ]`, name)
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return fmt.Errorf("releasefile: sheet name %q begins or ends with '", name)
	case strings.EqualFold(name, "History"):
		return fmt.Errorf("releasefile: Excel keeps the sheet name History for itself")
	}
	if err := checkText(name); err != nil {
		return fmt.Errorf("releasefile: sheet name: %w", err)
	}
	return nil
}

// sheetName is the name of the n-th sheet (from 1): the base name, then base_2, base_3, …
// shortened to fit Excel's 31 characters.
func sheetName(base string, n int) string {
	if n == 1 {
		return base
	}
	suffix := "_" + strconv.Itoa(n)
	r := []rune(base)
	return string(r[:min(len(r), 31-len(suffix))]) + suffix
}

// columnLetters names the i-th column (from 0): A to Z, AA to ZZ, AAA, …
func columnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
	`<sheetData>`

const sheetTail = `</sheetData></worksheet>`

// beginSheet begins the next sheet's entry with its header row.
func (x *xlsxWriter) beginSheet() error {
	x.sheets = append(x.sheets, sheetName(x.opt.Sheet, len(x.sheets)+1))
	var err error
	if x.sheet, err = x.entry(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(x.sheets))); err != nil {
		return err
	}
	b := append(x.buf[:0], sheetHead...)
	b = append(b, `<row r="1">`...)
	for i, c := range x.cols {
		b = x.appendText(b, i, 1, c.Name, styleHeader)
	}
	x.buf = append(b, `</row>`...)
	x.rows = 1
	_, err = x.sheet.Write(x.buf)
	return err
}

// entry begins a zip entry, dated Options.Created.
func (x *xlsxWriter) entry(name string) (io.Writer, error) {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	if !x.opt.Created.IsZero() {
		h.Modified = x.opt.Created.UTC()
	}
	return x.zip.CreateHeader(h)
}

func (x *xlsxWriter) row(values []any) error {
	if x.rows == maxSheetRows {
		if _, err := io.WriteString(x.sheet, sheetTail); err != nil {
			return err
		}
		if err := x.beginSheet(); err != nil {
			return err
		}
	}
	x.rows++
	b := append(x.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(x.rows), 10)
	b = append(b, `">`...)
	for i, v := range values {
		switch v := v.(type) {
		case string:
			if err := checkCellText(v); err != nil {
				return fmt.Errorf("releasefile: sheet %s, row %d, column %s: %w", x.sheets[len(x.sheets)-1], x.rows, x.cols[i].Name, err)
			}
			style := ""
			if domain.NeutraliseCSVCell(v) != v { // it begins with a formula character
				style = styleQuoted
			}
			b = x.appendText(b, i, x.rows, v, style)
		case int64:
			b = x.appendCellStart(b, i, x.rows, "", "")
			b = strconv.AppendInt(append(b, `<v>`...), v, 10)
			b = append(b, `</v></c>`...)
		case float64:
			b = x.appendCellStart(b, i, x.rows, "", "")
			b = appendNumber(append(b, `<v>`...), v)
			b = append(b, `</v></c>`...)
		case bool:
			b = x.appendCellStart(b, i, x.rows, "b", "")
			if v {
				b = append(b, `<v>1</v></c>`...)
			} else {
				b = append(b, `<v>0</v></c>`...)
			}
		case time.Time:
			b = x.appendText(b, i, x.rows, string(appendTime(nil, v)), "")
		}
	}
	x.buf = append(b, `</row>`...)
	_, err := x.sheet.Write(x.buf)
	return err
}

// checkCellText refuses a text longer than an Excel cell holds.
func checkCellText(s string) error {
	if len(s) <= maxCellText { // bytes are at least as many as UTF-16 units
		return nil
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	if n > maxCellText {
		return fmt.Errorf("text of %d UTF-16 units is longer than an Excel cell holds (%d)", n, maxCellText)
	}
	return nil
}

// appendCellStart writes a cell's start tag: its reference, type and style.
func (x *xlsxWriter) appendCellStart(b []byte, col, row int, typ, style string) []byte {
	b = append(b, `<c r="`...)
	b = append(b, x.letters[col]...)
	b = strconv.AppendInt(b, int64(row), 10)
	if typ != "" {
		b = append(b, `" t="`...)
		b = append(b, typ...)
	}
	if style != "" {
		b = append(b, `" s="`...)
		b = append(b, style...)
	}
	return append(b, `">`...)
}

// appendText writes an inline string cell.
func (x *xlsxWriter) appendText(b []byte, col, row int, s, style string) []byte {
	b = x.appendCellStart(b, col, row, "inlineStr", style)
	b = append(b, `<is><t`...)
	if s != "" && (isXMLSpace(s[0]) || isXMLSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendCellText(b, s)
	return append(b, `</t></is></c>`...)
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendCellText writes a checked text as the content of a cell's <t>: XML's characters
// escaped (a carriage return too, which XML would read as a line feed), and the underscore
// that begins what Excel would read as an escaped character (_x000D_) written _x005F_, so
// that the text reads back as it was.
func appendCellText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '\r':
			b = append(b, "&#13;"...)
		case '_':
			if isCharEscape(s[i:]) {
				b = append(b, "_x005F_"...)
			} else {
				b = append(b, c)
			}
		default:
			b = append(b, c)
		}
	}
	return b
}

// isCharEscape reports whether s begins with _xHHHH_, Excel's escape of a character.
func isCharEscape(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// finish ends the last sheet and writes the parts that list the sheets.
func (x *xlsxWriter) finish() error {
	if _, err := io.WriteString(x.sheet, sheetTail); err != nil {
		return err
	}
	for _, p := range xlsxParts(x.sheets, x.opt.Created) {
		w, err := x.entry(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, p.content); err != nil {
			return err
		}
	}
	if err := x.zip.Close(); err != nil {
		return err
	}
	return x.out.Flush()
}
