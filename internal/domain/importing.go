package domain

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Import modes: all_or_nothing imports nothing when any row has a problem; valid_rows imports
// the rows without problems and reports the others.
const (
	ImportAllOrNothing = "all_or_nothing"
	ImportValidRows    = "valid_rows"
)

// ImportColumns are the CSV columns an observation import reads. city, indicator, year,
// value and status are required; the export's server-owned columns (id, value_type, version,
// created_at, updated_at) are accepted and ignored, so that an export can be imported again.
var ImportColumns = []string{"city", "indicator", "year", "edition", "value", "status", "quality", "source",
	"footnote", "provenance", "verification"}

// ImportRequiredColumns must be in the header row.
var ImportRequiredColumns = []string{"city", "indicator", "year", "value", "status"}

// ImportIgnoredColumns are server-owned and skipped.
var ImportIgnoredColumns = []string{"id", "value_type", "version", "created_at", "updated_at"}

// MaxImportProblems caps the problems listed in a report; the counts stay exact.
const MaxImportProblems = 1000

// ImportProblem is one problem of one row. Row 1 is the first row after the header.
type ImportProblem struct {
	Row     int    `json:"row" doc:"Row number, 1 for the first row after the header." minimum:"1" maximum:"2147483647"`
	Field   string `json:"field" doc:"The column at fault, or \"row\" for the whole row." maxLength:"50"`
	Problem string `json:"problem" maxLength:"500"`
}

// ImportReport says what an import did.
type ImportReport struct {
	Mode              string          `json:"mode" enum:"all_or_nothing,valid_rows"`
	Rows              int             `json:"rows" doc:"Data rows read." minimum:"0" maximum:"2147483647"`
	Valid             int             `json:"valid" doc:"Rows without problems." minimum:"0" maximum:"2147483647"`
	Created           int             `json:"created" minimum:"0" maximum:"2147483647"`
	Updated           int             `json:"updated" minimum:"0" maximum:"2147483647"`
	Unchanged         int             `json:"unchanged" minimum:"0" maximum:"2147483647"`
	Rejected          int             `json:"rejected" doc:"Rows not imported because of a problem." minimum:"0" maximum:"2147483647"`
	Problems          []ImportProblem `json:"problems" doc:"At most 1000 problems, in row order." maxItems:"1000"`
	ProblemsTruncated bool            `json:"problems_truncated"`
	OutOfScope        int             `json:"-"` // rows of cities the token may not write
}

// AddProblem records a problem, keeping at most MaxImportProblems of them.
func (r *ImportReport) AddProblem(row int, field, problem string) {
	if len(r.Problems) >= MaxImportProblems {
		r.ProblemsTruncated = true
		return
	}
	r.Problems = append(r.Problems, ImportProblem{Row: row, Field: field, Problem: problem})
}

// ImportHeader maps the columns an import reads to their positions in a record.
type ImportHeader map[string]int

// ReadImportHeader reads an import's header row, refusing unknown, repeated and missing columns.
// A byte order mark and spaces around names are ignored, and so are the ImportIgnoredColumns.
func ReadImportHeader(header []string) (ImportHeader, error) {
	col := ImportHeader{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch {
		case slices.Contains(ImportIgnoredColumns, h):
			continue
		case !slices.Contains(ImportColumns, h):
			return nil, Invalid("body", "unknown column %q; the columns are %s", h, strings.Join(ImportColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, Invalid("body", "column %q appears twice", h)
		}
		col[h] = i
	}
	for _, c := range ImportRequiredColumns {
		if _, ok := col[c]; !ok {
			return nil, Invalid("body", "the header has no %q column; required: %s", c, strings.Join(ImportRequiredColumns, ", "))
		}
	}
	return col, nil
}

// ImportRow is one data row of an import, read and checked with every rule that needs no stored
// data. What needs stored data (the city exists and the token may write it, the indicator
// exists and is active, the edition exists, the value fits the indicator's type) is the
// store's to check, in the transaction that writes the row.
type ImportRow struct {
	Row          int // 1 for the first row after the header
	City         string
	Indicator    string
	Year         int
	Edition      *int
	Value        string // the cell as written: only the indicator's value type can read it (ParseValue)
	Status       string
	Quality      *string // nil when the cell is empty, as are the other optional columns
	Source       *string
	Footnote     *string
	Provenance   *string // nil means "reported"
	Verification *string

	// Problem is the row's first problem found without stored data, nil if none; a row with a
	// problem keeps only its city and indicator besides, and an unreadable row (not UTF-8)
	// nothing. The store reports it only after finding that the city and the indicator exist
	// and that the city is in the token's scope, so that a row of a city the token may not
	// write is refused as such whatever else is wrong with it. Its field and text may be empty
	// past the first MaxImportProblems problems of a file, which no report lists.
	Problem    *ImportProblem
	Unreadable bool
}

// ParseImportRow reads the record of data row n (1 for the first row after the header) with
// every rule that needs no stored data: UTF-8, year and edition as integers, verification (only
// the secretariat sets it), and CheckObservation's rules. The first problem found becomes
// the row's Problem. Source and footnote are read with RestoreCSVCell, as exports write them
// (the value's turn comes with its indicator, in ParseValue).
func ParseImportRow(n int, rec []string, h ImportHeader, actor *Actor) ImportRow {
	for _, s := range rec {
		if !utf8.ValidString(s) {
			return ImportRow{Row: n, Unreadable: true,
				Problem: &ImportProblem{Row: n, Field: "row", Problem: "the row is not valid UTF-8; save the file as UTF-8"}}
		}
		if strings.ContainsFunc(s, NonCharacter) {
			return ImportRow{Row: n, Problem: &ImportProblem{Row: n, Field: "row",
				Problem: "the row holds U+FFFE or U+FFFF, which are not characters (spreadsheets and XML cannot hold them)"}}
		}
	}
	cell := func(name string) string {
		if i, ok := h[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	opt := func(name string) *string {
		if s := cell(name); s != "" {
			return &s
		}
		return nil
	}
	text := func(name string) *string { // a free text, as exports write it
		if s := cell(name); s != "" {
			s = RestoreCSVCell(s)
			return &s
		}
		return nil
	}
	r := ImportRow{Row: n, City: cell("city"), Indicator: cell("indicator"), Value: cell("value"), Status: cell("status"),
		Quality: opt("quality"), Source: text("source"), Footnote: text("footnote"), Provenance: opt("provenance"),
		Verification: opt("verification")}
	bad := func(field, format string, args ...any) ImportRow {
		return ImportRow{Row: n, City: r.City, Indicator: r.Indicator,
			Problem: &ImportProblem{Row: n, Field: field, Problem: fmt.Sprintf(format, args...)}}
	}
	year, err := strconv.Atoi(cell("year"))
	if err != nil {
		return bad("year", "%q is not a year", cell("year"))
	}
	r.Year = year
	if e := cell("edition"); e != "" {
		ed, err := strconv.Atoi(e)
		if err != nil {
			return bad("edition", "no study edition %q", e)
		}
		r.Edition = &ed
	}
	if v := r.Verification; v != nil {
		if !slices.Contains(Verifications, *v) {
			return bad("verification", "must be self_reported, verified or rejected")
		}
		if *v != "self_reported" && !actor.AllCities() {
			return bad("verification", "only the secretariat verifies observations")
		}
	}
	f := ObservationFields{Year: r.Year, Edition: r.Edition, Status: r.Status, Quality: r.Quality, Source: r.Source,
		Footnote: r.Footnote, Provenance: cell("provenance")}
	if r.Value != "" {
		f.Value = r.Value // present; its type is checked against the indicator
	}
	if err := CheckObservation(&f, ""); err != nil {
		var de *Error
		if !errors.As(err, &de) {
			return bad("row", "%s", err.Error())
		}
		return bad(de.Field, "%s", de.Message)
	}
	return r
}
