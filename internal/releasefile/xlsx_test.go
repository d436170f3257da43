package releasefile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// setMaxSheetRows lowers the rows per sheet for a test and returns what restores it.
func setMaxSheetRows(n int) func() {
	before := maxSheetRows
	maxSheetRows = n
	return func() { maxSheetRows = before }
}

// TestXLSXSheetOverflow checks that rows beyond a sheet's capacity continue on further
// sheets, each with its header row, and read back in order.
func TestXLSXSheetOverflow(t *testing.T) {
	defer setMaxSheetRows(10)()
	cols := []domain.Column{{Name: "n", Type: domain.ColumnInteger, Required: true}, {Name: "city", Type: domain.ColumnString}}
	var rows [][]any
	for i := range 25 {
		rows = append(rows, []any{int64(i), fmt.Sprint("city ", i)})
	}
	file := write(t, "xlsx", cols, rows, Options{Sheet: "observations"})
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if want := []string{"observations", "observations_2", "observations_3"}; !slices.Equal(sheets, want) {
		t.Fatalf("sheets %q, want %q", sheets, want)
	}
	for i, sheet := range sheets {
		got, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{10, 10, 8}[i]; len(got) != want { // 9, 9 and 7 rows under a header
			t.Errorf("%s has %d rows, want %d", sheet, len(got), want)
		}
		if !slices.Equal(got[0], []string{"n", "city"}) {
			t.Errorf("%s's header is %q", sheet, got[0])
		}
	}
	back := read(t, "xlsx", file, cols)
	if len(back) != 25 || back[9][0] != int64(9) || back[24][1] != "city 24" {
		t.Errorf("read back %v", back)
	}
}

// TestSheetName checks the names of further sheets: Excel's 31 characters at most.
func TestSheetName(t *testing.T) {
	long := strings.Repeat("x", 31)
	if got := sheetName(long, 12); got != strings.Repeat("x", 28)+"_12" {
		t.Errorf("sheet 12 of %s is %s", long, got)
	}
	if got := sheetName("data", 1); got != "data" {
		t.Errorf("sheet 1 is %s", got)
	}
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnLetters(i); got != want {
			t.Errorf("column %d is %s, want %s", i, got, want)
		}
	}
}

// TestXLSXFormulaIsText checks that a text beginning with = is a string cell with Excel's
// quote prefix, never a formula, and that its value is the text unchanged.
func TestXLSXFormulaIsText(t *testing.T) {
	cols := []domain.Column{{Name: "footnote", Type: domain.ColumnString}}
	file := write(t, "xlsx", cols, [][]any{{"=cmd"}, {"plain"}}, Options{})
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if formula, _ := f.GetCellFormula("data", "A2"); formula != "" {
		t.Errorf("A2 has the formula %q", formula)
	}
	if typ, _ := f.GetCellType("data", "A2"); typ != excelize.CellTypeInlineString {
		t.Errorf("A2 is of type %d", typ)
	}
	if v, _ := f.GetCellValue("data", "A2"); v != "=cmd" {
		t.Errorf("A2 is %q", v)
	}
	for cell, quoted := range map[string]bool{"A2": true, "A3": false} {
		id, _ := f.GetCellStyle("data", cell)
		style, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if xf := xlsxCellXf(t, file, id); strings.Contains(xf, `quotePrefix="1"`) != quoted {
			t.Errorf("%s's style %d (%+v): %s", cell, id, style, xf)
		}
	}
	if sheet := zipEntry(t, file, "xl/worksheets/sheet1.xml"); strings.Contains(sheet, "<f>") {
		t.Errorf("the sheet holds a formula: %s", sheet)
	}
}

// xlsxCellXf returns the id-th cell format of the file's styles.
func xlsxCellXf(t *testing.T, file []byte, id int) string {
	styles := zipEntry(t, file, "xl/styles.xml")
	xfs := strings.Split(styles[strings.Index(styles, "<cellXfs"):], "<xf ")
	return xfs[id+1]
}

// zipEntry returns an entry of a zip file.
func zipEntry(t *testing.T, file []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestXLSXCreated checks that the workbook's times are Options.Created, in its properties and
// its zip entries.
func TestXLSXCreated(t *testing.T) {
	cols := []domain.Column{{Name: "a", Type: domain.ColumnString}}
	created := time.Date(2020, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	file := write(t, "xlsx", cols, nil, Options{Created: created})
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Created != "2020-03-01T11:00:00Z" || props.Modified != "2020-03-01T11:00:00Z" {
		t.Errorf("created %s, modified %s", props.Created, props.Modified)
	}
	z, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range z.File {
		if !e.Modified.Equal(created) {
			t.Errorf("%s is dated %s", e.Name, e.Modified)
		}
	}
}

// TestXLSXTypes checks each cell's type: numbers, booleans, texts (times too), no cell for null.
func TestXLSXTypes(t *testing.T) {
	cols := []domain.Column{
		{Name: "i", Type: domain.ColumnInteger}, {Name: "n", Type: domain.ColumnNumber}, {Name: "b", Type: domain.ColumnBoolean},
		{Name: "t", Type: domain.ColumnDateTime}, {Name: "s", Type: domain.ColumnString}, {Name: "null", Type: domain.ColumnString},
	}
	file := write(t, "xlsx", cols, [][]any{{int64(7), 0.5, true, updated, "x", nil}}, Options{})
	sheet := zipEntry(t, file, "xl/worksheets/sheet1.xml")
	want := `<row r="2"><c r="A2"><v>7</v></c><c r="B2"><v>0.5</v></c><c r="C2" t="b"><v>1</v></c>` +
		`<c r="D2" t="inlineStr"><is><t>2019-11-11T09:30:00.123456Z</t></is></c><c r="E2" t="inlineStr"><is><t>x</t></is></c></row>`
	if !strings.Contains(sheet, want) {
		t.Errorf("sheet:\n%s\nwant the row:\n%s", sheet, want)
	}
}

// TestXLSXLongText checks Excel's limit of a cell's text.
func TestXLSXLongText(t *testing.T) {
	cols := []domain.Column{{Name: "s", Type: domain.ColumnString}}
	write(t, "xlsx", cols, [][]any{{strings.Repeat("é", maxCellText)}}, Options{})
	if _, err := Write("xlsx", io.Discard, cols, RowsOf([][]any{{strings.Repeat("x", maxCellText+1)}}), Options{}); err == nil {
		t.Error("a text longer than a cell holds was written")
	}
	if _, err := Write("xlsx", io.Discard, cols, RowsOf([][]any{{strings.Repeat("🏙", maxCellText/2+1)}}), Options{}); err == nil {
		t.Error("a text of more UTF-16 units than a cell holds was written")
	}
}
