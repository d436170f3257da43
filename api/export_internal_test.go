package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestExportsAreBounded: when every export slot is taken, another export is refused with
// EUNAVAILABLE (503 with Retry-After) before it takes a database connection.
func TestExportsAreBounded(t *testing.T) {
	if n := maxExports(config.Config{DBMaxConns: 12}); n != 4 {
		t.Fatalf("a pool of 12 allows %d exports, want 4", n)
	}
	if n := maxExports(config.Config{DBMaxConns: 3}); n != 2 {
		t.Fatalf("a pool of 3 allows %d exports, want at least 2", n)
	}
	h := &handlers{log: slog.New(slog.DiscardHandler), exports: newExportSlots(1)}
	a := withClient(context.Background(), "ip:192.0.2.1")
	if err := h.exports.acquire("ip:192.0.2.9"); err != nil { // another client's export is running
		t.Fatal(err)
	}
	_, err := h.exportObservations(a, &ExportInput{Format: "csv"})
	if domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("an export beyond the bound: %v", err)
	}
	h.exports.release("ip:192.0.2.9")
	if _, err := h.exportObservations(a, &ExportInput{Format: "csv"}); err != nil {
		t.Fatalf("an export within the bound: %v", err)
	}
}

// TestExportSharesPerClient: one client (a slow reader, say) cannot hold every export slot:
// past its share it gets ETOOMANY (429), while other clients still get theirs.
func TestExportSharesPerClient(t *testing.T) {
	s := newExportSlots(8) // a share of 2 per client
	for i := 0; i < 2; i++ {
		if err := s.acquire("t:1"); err != nil {
			t.Fatalf("export %d within the share: %v", i+1, err)
		}
	}
	if err := s.acquire("t:1"); domain.ErrorCode(err) != domain.ETOOMANY {
		t.Fatalf("a third export of one client: %v", err)
	}
	for i := 0; i < 6; i++ {
		if err := s.acquire(fmt.Sprintf("ip:192.0.2.%d", i)); err != nil {
			t.Fatalf("another client's export: %v", err)
		}
	}
	if err := s.acquire("ip:192.0.2.200"); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("an export beyond the total: %v", err)
	}
	s.release("t:1")
	if err := s.acquire("t:1"); err != nil {
		t.Fatalf("after one ended, the client has a slot again: %v", err)
	}
}

// exportCase is one export the byte-for-byte tests compare with Go's own writing.
type exportCase struct {
	name string
	f    domain.ObservationFilter
}

// exportCases are the exports of the fixture (jsonExportFixture) that the byte-for-byte tests
// compare: the whole list, latest values, vintages of now, the texts, and none at all.
func exportCases() []exportCase {
	now, afterAll := time.Now(), 2201
	return []exportCase{
		{"all", domain.ObservationFilter{}},
		{"latest", domain.ObservationFilter{Latest: true}},
		{"vintage", domain.ObservationFilter{AsOf: &now}},
		{"latest vintage", domain.ObservationFilter{Latest: true, AsOf: &now}},
		{"texts", domain.ObservationFilter{Indicators: []string{"txt", "ord"}}},
		{"empty", domain.ObservationFilter{From: &afterAll}},
	}
}

// sameLines fails unless got is want, naming each line that differs (quoted, so that control
// characters show).
func sameLines(t *testing.T, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	if len(gl) != len(wl) {
		t.Fatalf("%d lines, want %d", len(gl), len(wl))
	}
	for i := range wl {
		if gl[i] != wl[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, gl[i], wl[i])
		}
	}
}

// TestNDJSONExportIsWhatGoWouldWrite: PostgreSQL writes the NDJSON and JSON exports' objects
// (internal/postgres jsonLine, migration 00017). Each export must be byte for byte what
// encoding/json wrote for the observations the store decodes (StreamObservations), as the export
// did before: numbers of every size (shortest digits, with and without an exponent, negative,
// whole, tiny, huge and random), booleans, levels, texts with every control character, quotes,
// backslashes, HTML characters, U+2028 and other unicode, nulls, editions or none, and times with
// and without fractions of a second; whole lists, latest values and vintages.
func TestNDJSONExportIsWhatGoWouldWrite(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	jsonExportFixture(t, db)
	h := &handlers{db: db, log: slog.New(slog.DiscardHandler)}
	for _, tc := range exportCases() {
		for _, format := range []string{"ndjson", "json"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				want, n := goExport(t, db, tc.f, format)
				if n < 10 && tc.name != "empty" {
					t.Fatalf("only %d observations: the fixture is missing", n)
				}
				rec := httptest.NewRecorder()
				h.streamExport(ctx, rec, format, tc.f)
				got := rec.Body.String()
				if rec.Code != 200 {
					t.Fatalf("status %d: %.500s", rec.Code, got)
				}
				sameLines(t, got, want)
			})
		}
	}
}

// TestCSVExportOfEveryValueIsWhatGoWouldWrite: the CSV export is written in Go from
// PostgreSQL's text (internal/postgres csvColumns). It must be byte for byte what encoding/csv writes for the
// observations the store decodes (StreamObservations), as the export did when Go decoded each
// row: numbers of every size as strconv.FormatFloat(v, 'f', -1, 64) writes them (PostgreSQL's
// text has an exponent below 1e-4 and from 1e15, and from 1e16 sometimes one digit more than
// the shortest), booleans, levels, texts neutralised and quoted (every control character,
// quotes, line breaks, leading spaces, formulas), missing editions and qualities, and times with
// and without fractions of a second, stored from other zones; whole lists, latest values and
// vintages.
func TestCSVExportOfEveryValueIsWhatGoWouldWrite(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	jsonExportFixture(t, db)
	h := &handlers{db: db, log: slog.New(slog.DiscardHandler)}
	for _, tc := range exportCases() {
		t.Run(tc.name, func(t *testing.T) {
			want, n := goCSVExport(t, db, tc.f)
			if n < 10 && tc.name != "empty" {
				t.Fatalf("only %d observations: the fixture is missing", n)
			}
			rec := httptest.NewRecorder()
			h.streamExport(ctx, rec, "csv", tc.f)
			got := rec.Body.String()
			if rec.Code != 200 {
				t.Fatalf("status %d: %.500s", rec.Code, got)
			}
			sameLines(t, got, want)
		})
	}
}

// goCSVExport is the CSV export as encoding/csv wrote it when Go decoded each row: every
// observation that StreamObservations decodes, its texts neutralised, its number in the
// shortest form without an exponent, its times in UTC; and how many.
func goCSVExport(t *testing.T, db *postgres.DB, f domain.ObservationFilter) (string, int) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(exportColumns) // errors surface at Flush
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return domain.NeutraliseCSVCell(*s)
	}
	n := 0
	if err := db.StreamObservations(context.Background(), f, func(o *domain.Observation) error {
		n++
		value := ""
		switch v := o.Value.(type) {
		case float64:
			value = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			value = strconv.FormatBool(v)
		case string:
			value = domain.NeutraliseCSVCell(v)
		}
		edition, quality := "", ""
		if o.Edition != nil {
			edition = strconv.Itoa(*o.Edition)
		}
		if o.Quality != nil {
			quality = *o.Quality
		}
		return w.Write([]string{strconv.FormatInt(o.ID, 10), o.Indicator, o.City, strconv.Itoa(o.Year), edition, value,
			o.Status, quality, text(o.Source), text(o.Footnote), o.Provenance, o.ValueType, o.Verification,
			strconv.Itoa(o.Version), o.CreatedAt.UTC().Format(time.RFC3339Nano), o.UpdatedAt.UTC().Format(time.RFC3339Nano)})
	}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.String(), n
}

// goExport is the export as encoding/json wrote it before PostgreSQL did: each observation that
// StreamObservations decodes, encoded with HTML characters left as they are; and how many.
func goExport(t *testing.T, db *postgres.DB, f domain.ObservationFilter, format string) (string, int) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if format == "json" {
		b.WriteString("[")
	}
	n := 0
	if err := db.StreamObservations(context.Background(), f, func(o *domain.Observation) error {
		if format == "json" && n > 0 {
			b.WriteString(",")
		}
		n++
		return enc.Encode(o)
	}); err != nil {
		t.Fatal(err)
	}
	if format == "json" {
		b.WriteString("]\n")
	}
	return b.String(), n
}

// jsonExportFixture stores observations with every kind of value, text and time that an export
// writes: written in SQL, so that values the API would round or refuse are there too.
func jsonExportFixture(t *testing.T, db *postgres.DB) {
	t.Helper()
	ctx := context.Background()
	caller := domain.Caller{Actor: &domain.Actor{Name: "fixture", Role: domain.RoleSecretariat}}
	p := func(s string) *string { return &s }
	if _, err := db.CreateFramework(ctx, caller, domain.FrameworkCreate{Slug: "fw", Name: domain.Text{EN: "Framework"},
		Dimensions: []domain.Dimension{{Slug: "d", Name: domain.Text{EN: "D"}}}}); err != nil {
		t.Fatal(err)
	}
	for slug, vt := range map[string]string{"num": "numeric", "pct": "percentage", "cnt": "count", "bool": "boolean",
		"ord": "ordinal", "txt": "text"} {
		f := domain.IndicatorFields{Framework: "fw", Dimension: "d", Code: slug, Name: domain.Text{EN: slug}, ValueType: vt}
		if vt == "ordinal" {
			f.Levels = domain.Levels{{Code: "low", Label: domain.Text{EN: "Low"}, Rank: 0}, {Code: "high", Label: domain.Text{EN: "High"}, Rank: 1}}
		}
		if _, err := db.CreateIndicator(ctx, caller, slug, f); err != nil {
			t.Fatalf("indicator %s: %v", slug, err)
		}
	}
	if _, err := db.CreateStudy(ctx, caller, 2019, domain.StudyFields{Title: domain.Text{EN: "2019"}, Focus: domain.Text{EN: "Tests"},
		Framework: p("fw"), Status: "published"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"alpha", "beta"} {
		if _, err := db.CreateCity(ctx, caller, c, domain.CityFields{Name: domain.Text{EN: c}, Country: "ES", Section: "europe",
			Provenance: "sample"}); err != nil {
			t.Fatal(err)
		}
	}

	numbers := []float64{0, math.Copysign(0, -1), 1, -1, 7, 3, 100, 1e6, -2.5, 0.1, 0.1 + 0.2, 1.0 / 3, -2.0 / 3, 123456789.125,
		1e-4, 9.999999999999999e-05, 1.2345e-5, 1e-6, 9.99e-7, -1e-7, 1.5e-100, 5e-324, 2.2250738585072014e-308,
		1e14, 999999999999999.9, 1e15, 1234567890123456.7, -9007199254740993, 1e20, 9.99999999999999e20, 1e21, 1.5e21, -1e22,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 74.25, 12.34, 99.99, 1e-5, 0.000123}
	rng := rand.New(rand.NewPCG(13, 17))
	for len(numbers) < 1500 {
		v := math.Float64frombits(rng.Uint64())
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			continue
		case len(numbers)%3 == 0: // a decimal of a few digits at some scale, as data has
			v = float64(rng.IntN(1_000_000)) / 100 * math.Pow(10, float64(rng.IntN(40)-20))
		}
		numbers = append(numbers, v)
	}
	texts := []string{"", "plain", `say "hi"`, `back\slash`, `\u0041 is not escaped`, "</script>&amp;<b>", "a\u2028b\u2029c",
		"ünïcødé", "日本語", "emoji 🙂 and e\u0301", "\u00a0nbsp\u0085nel\ufeffbom", "del\x7f", "crlf\r\nend", "\ttab", "\vvertical tab", "\fform feed", "'=SUM(A1)",
		strings.Repeat("long ", 300)}
	for c := 1; c < 0x20; c++ {
		texts = append(texts, "control "+string(rune(c))+" here")
	}
	times := []string{"2024-01-02 03:04:05+00", "2024-01-02 03:04:05.1+00", "2024-01-02 03:04:05.12+00",
		"2024-01-02 03:04:05.123456+00", "2024-01-02 03:04:05.000001+00", "1999-12-31 23:59:59.999999+00",
		"2024-06-30 12:00:00.5+02", "2024-02-29 00:00:00.01-07"}

	// Each row: indicator, city, year, edition, the value's columns, status, quality, source, footnote.
	var rows [][]any
	keys := map[string]int{}
	next := func(indicator string) (string, int, any) { // a key of its own for every row of an indicator
		keys[indicator]++
		key := keys[indicator]
		edition := any(nil)
		if key%2 == 0 {
			edition = 2019
		}
		return []string{"alpha", "beta"}[key/2%2], 1900 + key/4%301, edition
	}
	for i, v := range numbers {
		ind := []string{"num", "pct", "cnt"}[i%3]
		city, year, edition := next(ind)
		rows = append(rows, []any{ind, city, year, edition, v, nil, nil, "A", []any{nil, "B"}[i%2], nil, nil})
	}
	for i, s := range texts {
		city, year, edition := next("txt")
		rows = append(rows, []any{"txt", city, year, edition, nil, nil, s, "E", nil, s, texts[len(texts)-1-i]})
	}
	for i, b := range []bool{true, false} {
		city, year, edition := next("bool")
		rows = append(rows, []any{"bool", city, year, edition, nil, b, nil, "P", "C", nil, texts[i+2]})
	}
	for _, level := range []string{"low", "high"} {
		city, year, edition := next("ord")
		rows = append(rows, []any{"ord", city, year, edition, nil, nil, level, "A", "D", "source", nil})
	}
	for _, ind := range []string{"num", "bool", "ord", "txt"} { // missing and not reported values
		for _, status := range []string{"M", "NR"} {
			city, year, edition := next(ind)
			rows = append(rows, []any{ind, city, year, edition, nil, nil, nil, status, nil, nil, nil})
		}
	}
	for i, r := range rows {
		created := times[i%len(times)]
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO observations (indicator, city, year, edition, value_number,
			value_boolean, value_text, status, quality, source, footnote, provenance, verification, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15::timestamptz + $16 * interval '1 microsecond')`,
			append(r, []string{"reported", "sample", "synthetic"}[i%3], []string{"self_reported", "verified", "rejected"}[i%3],
				1+i%4, created, i*1013%1_000_000)...); err != nil {
			t.Fatalf("row %d %v: %v", i, r, err)
		}
	}
}
