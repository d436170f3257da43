package releasefile

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// goldenColumns cover every column type, required and not.
var goldenColumns = []domain.Column{
	{Name: "id", Title: "Identifier", Type: domain.ColumnInteger, Required: true},
	{Name: "city", Title: "City", Description: "The city's slug.", Type: domain.ColumnString, Required: true},
	{Name: "name", Type: domain.ColumnString},
	{Name: "year", Type: domain.ColumnInteger},
	{Name: "share", Type: domain.ColumnNumber},
	{Name: "open", Type: domain.ColumnBoolean},
	{Name: "value", Description: "A number, a boolean or a text, typed by the indicator.", Type: domain.ColumnAny},
	{Name: "updated_at", Type: domain.ColumnDateTime, Required: true},
	{Name: "footnote", Type: domain.ColumnString},
}

var (
	negativeZero = math.Copysign(0, -1)
	madrid       = time.FixedZone("CEST", 2*3600)
	updated      = time.Date(2019, 11, 11, 9, 30, 0, 123456000, time.UTC)
)

// goldenTexts are texts that every format must carry unchanged: separators, quotes, line
// ends, non-ASCII, spreadsheet formulas (the CSV neutralises them), XML's characters and
// Excel's escapes.
var goldenTexts = []string{
	"Málaga", "Durban", "東京", "a,b", `say "hi"`, "line 1\nline 2", "crlf\r\nend", " leading space",
	"trailing space ", "=1+1", "+34 600", "-5", "@SUM(A1)", "\tx", "\rx", "=cmd", "'=x", "''+y", "'plain",
	"<b>&amp;</b>", "_x0041_", "_x0041_x0042_", "_x005F_", "line\u2028separator", "emoji 🏙️", "\\back\\slash",
}

// goldenRows are the rows of the round trip: every type, nulls, edge numbers and the texts.
func goldenRows() [][]any {
	rows := [][]any{
		{int64(1), "malaga", "Málaga", int64(2019), 0.1, true, 0.1, updated, nil},
		{int64(2), "durban", nil, nil, nil, nil, nil, updated.In(madrid), nil}, // every optional null; a time not in UTC
		{int64(9007199254740993), "tokyo", "東京", int64(-1), negativeZero, false, negativeZero, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "fn"},
		{int64(math.MaxInt64), "a", "", int64(0), 1e21, nil, 1e21, time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), ""},
		{int64(math.MinInt64), "", "x", nil, 0.30000000000000004, true, 0.30000000000000004, updated, nil},
		{int64(6), "b", "y", nil, 9007199254740993.0, nil, 9007199254740993.0, updated, nil}, // float64 holds ...992
		{int64(7), "c", "z", nil, 5e-324, nil, 5e-324, updated, nil},
		{int64(8), "d", nil, nil, -1.7976931348623157e308, nil, 1e-7, updated, nil},
		{int64(9), "e", nil, nil, 123456789.125, nil, -3.5, updated, nil},
		{int64(10), "f", nil, nil, nil, nil, true, updated, nil},
		{int64(11), "g", nil, nil, nil, nil, false, updated, nil},
	}
	for i, s := range goldenTexts {
		rows = append(rows, []any{int64(100 + i), "t", s, nil, nil, nil, s, updated, s})
	}
	return rows
}

func write(t testing.TB, format string, cols []domain.Column, rows [][]any, opt Options) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := Write(format, &b, cols, RowsOf(rows), opt)
	if err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	if n != int64(len(rows)) {
		t.Fatalf("%s: wrote %d rows of %d", format, n, len(rows))
	}
	return b.Bytes()
}

func read(t testing.TB, format string, file []byte, cols []domain.Column) [][]any {
	t.Helper()
	rows, err := Read(format, bytes.NewReader(file), int64(len(file)), cols)
	if err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return rows
}

// formats are the release formats.
func formats() []string {
	var f []string
	for _, r := range domain.ReleaseFormats {
		f = append(f, r.Format)
	}
	return f
}

// TestRoundTrip writes the golden rows in every format, reads them back and compares them
// value by value: everything survives but what CSV cannot tell apart (an empty text).
func TestRoundTrip(t *testing.T) {
	rows := goldenRows()
	for _, format := range formats() {
		t.Run(format, func(t *testing.T) {
			got := read(t, format, write(t, format, goldenColumns, rows, Options{Sheet: "observations"}), goldenColumns)
			if len(got) != len(rows) {
				t.Fatalf("read %d rows, wrote %d", len(got), len(rows))
			}
			for i := range rows {
				for j, col := range goldenColumns {
					want := rows[i][j]
					if format == "csv" && want == "" && !col.Required {
						want = nil // an empty cell is null
					}
					if !sameValue(got[i][j], want) {
						t.Errorf("row %d, %s: read %#v, wrote %#v", i+1, col.Name, got[i][j], rows[i][j])
					}
				}
			}
		})
	}
}

// sameValue compares values as written and read: numbers bit for bit (-0 is not 0), times
// as instants read back in UTC.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		return ok && math.Float64bits(g) == math.Float64bits(w)
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == time.UTC
	}
	return got == want
}

// TestCSVAsTheExport pins the CSV's bytes: encoding/csv's quoting with LF line ends, numbers
// without exponents, RFC 3339 UTC times, neutralised texts, as the observation export writes.
func TestCSVAsTheExport(t *testing.T) {
	cols := []domain.Column{
		{Name: "n", Type: domain.ColumnNumber}, {Name: "b", Type: domain.ColumnBoolean},
		{Name: "t", Type: domain.ColumnDateTime}, {Name: "s", Type: domain.ColumnString}, {Name: "v", Type: domain.ColumnAny},
	}
	rows := [][]any{
		{1e21, true, updated, "=cmd", -3.5},
		{negativeZero, false, updated.Truncate(time.Second).In(madrid), `a "b", c`, "-5"},
		{1e-7, nil, nil, " x", "line\nbreak"},
	}
	want := "n,b,t,s,v\n" +
		"1000000000000000000000,true,2019-11-11T09:30:00.123456Z,'=cmd,-3.5\n" +
		"-0,false,2019-11-11T09:30:00Z,\"a \"\"b\"\", c\",'-5\n" +
		"0.0000001,,,\" x\",\"line\nbreak\"\n"
	if got := string(write(t, "csv", cols, rows, Options{})); got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
}

// TestJSONAsTheExport pins the NDJSON's and JSON's bytes: keys in column order, typed values
// in encoding/json's forms.
func TestJSONAsTheExport(t *testing.T) {
	cols := []domain.Column{
		{Name: "id", Type: domain.ColumnInteger}, {Name: "n", Type: domain.ColumnNumber}, {Name: "b", Type: domain.ColumnBoolean},
		{Name: "t", Type: domain.ColumnDateTime}, {Name: "s", Type: domain.ColumnString}, {Name: "v", Type: domain.ColumnAny},
	}
	rows := [][]any{
		{int64(9007199254740993), 1e21, true, updated, "=cmd \"q\"\n", 74.5},
		{nil, 1e-7, nil, nil, nil, "text"},
	}
	lines := []string{
		`{"id":9007199254740993,"n":1e+21,"b":true,"t":"2019-11-11T09:30:00.123456Z","s":"=cmd \"q\"\n","v":74.5}`,
		`{"id":null,"n":1e-7,"b":null,"t":null,"s":null,"v":"text"}`,
	}
	if got, want := string(write(t, "ndjson", cols, rows, Options{})), lines[0]+"\n"+lines[1]+"\n"; got != want {
		t.Errorf("NDJSON:\n%s\nwant:\n%s", got, want)
	}
	if got, want := string(write(t, "json", cols, rows, Options{})), "[\n"+lines[0]+",\n"+lines[1]+"\n]\n"; got != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, want)
	}
	if got := string(write(t, "json", cols, nil, Options{})); got != "[]\n" {
		t.Errorf("JSON of no rows: %q", got)
	}
	if got := string(write(t, "ndjson", cols, nil, Options{})); got != "" {
		t.Errorf("NDJSON of no rows: %q", got)
	}
}

// TestCSVInjection checks that a formula is written neutralised and read back as it was.
func TestCSVInjection(t *testing.T) {
	cols := []domain.Column{{Name: "footnote", Type: domain.ColumnString}}
	file := write(t, "csv", cols, [][]any{{"=cmd"}}, Options{})
	if string(file) != "footnote\n'=cmd\n" {
		t.Errorf("CSV: %q", file)
	}
	if got := read(t, "csv", file, cols); got[0][0] != "=cmd" {
		t.Errorf("read back %q", got[0][0])
	}
}

// TestCSVAnyColumnTexts documents what CSV cannot tell apart in an any column: a text that
// reads as a number or a boolean comes back as one; a text that looks like a negative number
// is neutralised, so it stays a text.
func TestCSVAnyColumnTexts(t *testing.T) {
	cols := []domain.Column{{Name: "value", Type: domain.ColumnAny}}
	rows := [][]any{{"42"}, {"true"}, {"-5"}, {"4 2"}}
	got := read(t, "csv", write(t, "csv", cols, rows, Options{}), cols)
	want := []any{42.0, true, "-5", "4 2"}
	for i := range want {
		if got[i][0] != want[i] {
			t.Errorf("%q: read %#v, want %#v", rows[i][0], got[i][0], want[i])
		}
	}
}

// TestDeterministic writes the same rows twice in every format and compares the bytes (the
// release's SHA-256 is its ETag); the XLSX spans sheets.
func TestDeterministic(t *testing.T) {
	defer setMaxSheetRows(10)()
	rows := goldenRows()
	opt := Options{Sheet: "observations", Created: time.Date(2020, 3, 1, 12, 0, 0, 0, madrid)}
	for _, format := range formats() {
		first := write(t, format, goldenColumns, rows, opt)
		for range 3 {
			if !bytes.Equal(first, write(t, format, goldenColumns, rows, opt)) {
				t.Errorf("%s: two writes of the same rows differ", format)
				break
			}
		}
	}
}

// TestInvalidValues checks that a value the columns do not allow is an error, in every
// format, and that nothing is written from the faulty row on.
func TestInvalidValues(t *testing.T) {
	cols := []domain.Column{
		{Name: "i", Type: domain.ColumnInteger}, {Name: "s", Type: domain.ColumnString, Required: true},
		{Name: "t", Type: domain.ColumnDateTime}, {Name: "v", Type: domain.ColumnAny},
	}
	valid := []any{int64(1), "s", updated, 1.0}
	cases := map[string][]any{
		"int, not int64":       {1, "s", nil, nil},
		"float in integer":     {1.0, "s", nil, nil},
		"null in required":     {nil, nil, nil, nil},
		"int64 in any":         {nil, "s", nil, int64(1)},
		"NaN":                  {nil, "s", nil, math.NaN()},
		"infinity":             {nil, "s", nil, math.Inf(1)},
		"nanoseconds":          {nil, "s", updated.Add(1), nil},
		"year 10000":           {nil, "s", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), nil},
		"invalid UTF-8":        {nil, "\xff", nil, nil},
		"control character":    {nil, "a\x01b", nil, nil},
		"U+FFFF":               {nil, "\uffff", nil, nil},
		"string as datetime":   {nil, "s", "2019-01-01T00:00:00Z", nil},
		"too few values":       {int64(1), "s"},
		"pointer, not a value": {nil, new(string), nil, nil},
	}
	for _, format := range formats() {
		for name, row := range cases {
			var b bytes.Buffer
			n, err := Write(format, &b, cols, RowsOf([][]any{valid, row, valid}), Options{})
			if err == nil || n != 1 {
				t.Errorf("%s, %s: wrote %d rows, error %v", format, name, n, err)
			}
		}
	}
}

// TestInvalidColumns checks the columns and options that Write refuses.
func TestInvalidColumns(t *testing.T) {
	str := func(name string) domain.Column { return domain.Column{Name: name, Type: domain.ColumnString} }
	cases := []struct {
		name, format string
		cols         []domain.Column
		opt          Options
	}{
		{"no columns", "csv", nil, Options{}},
		{"no name", "csv", []domain.Column{str("")}, Options{}},
		{"twice the same name", "json", []domain.Column{str("a"), str("a")}, Options{}},
		{"unknown type", "csv", []domain.Column{{Name: "a", Type: "date"}}, Options{}},
		{"control character in a name", "csv", []domain.Column{str("a\x00")}, Options{}},
		{"unknown format", "tsv", []domain.Column{str("a")}, Options{}},
		{"leaf names collide", "parquet", []domain.Column{{Name: "v", Type: domain.ColumnAny}, str("v_text")}, Options{}},
		{"sheet name with a slash", "xlsx", []domain.Column{str("a")}, Options{Sheet: "a/b"}},
		{"sheet name too long", "xlsx", []domain.Column{str("a")}, Options{Sheet: strings.Repeat("x", 32)}},
	}
	for _, c := range cases {
		if _, err := Write(c.format, &bytes.Buffer{}, c.cols, RowsOf(nil), c.opt); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// failingRows ends with an error, as a database stream that breaks does.
type failingRows struct{ Rows }

func (failingRows) Err() error { return errTest }

var errTest = bytes.ErrTooLarge

// TestStreamError checks that the stream's error is Write's.
func TestStreamError(t *testing.T) {
	cols := []domain.Column{{Name: "a", Type: domain.ColumnString}}
	for _, format := range formats() {
		n, err := Write(format, &bytes.Buffer{}, cols, failingRows{RowsOf([][]any{{"x"}})}, Options{})
		if err != errTest || n != 1 {
			t.Errorf("%s: %d rows, error %v", format, n, err)
		}
	}
}
