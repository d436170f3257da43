package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func importCSV(h *harness, token, mode, body string) *response {
	path := "/v1/observations/import"
	if mode != "" {
		path += "?mode=" + mode
	}
	return h.do(req{method: "POST", path: path, token: token, body: body, header: map[string]string{"Content-Type": "text/csv"}})
}

func countObservations(t *testing.T, h *harness) int {
	t.Helper()
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM observations`); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportReportsAndModes(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	good := "city,indicator,year,edition,value,status,footnote\n" +
		"alpha,num,2019,2019,5,A,\n" +
		"alpha,pct,2019,2019,12.5,E,\"estimate, rounded\"\n" +
		"alpha,bool,2019,2019,true,A,\n" +
		"alpha,ord,2019,2019,mid,P,\n" +
		"alpha,txt,2019,2019,\"multi\nline\",A,\n" +
		"beta,num,2019,2019,,NR,not reported\n"
	var rep domain.ImportReport
	importCSV(h, sec, "", good).expect(t, 200).JSON(t, &rep)
	if rep.Rows != 6 || rep.Created != 6 || rep.Updated != 0 || rep.Rejected != 0 || rep.Mode != "all_or_nothing" {
		t.Fatalf("first import: %+v", rep)
	}
	importCSV(h, sec, "", good).expect(t, 200).JSON(t, &rep)
	if rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 6 {
		t.Fatalf("same file again: %+v", rep)
	}
	changed := strings.Replace(good, "alpha,num,2019,2019,5,A", "alpha,num,2019,2019,6,A", 1)
	importCSV(h, sec, "", changed).expect(t, 200).JSON(t, &rep)
	if rep.Updated != 1 || rep.Unchanged != 5 {
		t.Fatalf("one changed row: %+v", rep)
	}
	// The update kept the previous value as a revision, through the audit trail.
	var id int64
	if err := h.db.SQL().Get(&id, `SELECT id FROM observations WHERE city = 'alpha' AND indicator = 'num'`); err != nil {
		t.Fatal(err)
	}
	var revs struct {
		Items []domain.Revision `json:"items"`
	}
	h.do(req{method: "GET", path: fmt.Sprintf("/v1/observations/%d/revisions", id)}).expect(t, 200).JSON(t, &revs)
	if len(revs.Items) != 1 || revs.Items[0].Observation.Value != 5.0 || revs.Items[0].Version != 1 {
		t.Fatalf("revisions after import: %+v", revs.Items)
	}

	before := countObservations(t, h)
	bad := "city,indicator,year,edition,value,status\n" +
		"gamma,num,2019,2019,3,A\n" + // row 1: fine
		"atlantis,num,2019,2019,3,A\n" + // 2: unknown city
		"gamma,nope,2019,2019,3,A\n" + // 3: unknown indicator
		"gamma,pct,2019,2019,140,A\n" + // 4: percentage of 140
		"gamma,num,2018,2019,\"5\",A\n" + // 5: fine: CSV quoting is not typing
		"gamma,ord,2019,2019,extreme,A\n" + // 6: level not in the list
		"gamma,bool,2019,2019,yes,A\n" + // 7: not a boolean
		"gamma,cnt,twenty,2019,3,A\n" + // 8: year not a number
		"gamma,cnt,2019,2019,3,M\n" + // 9: value with M
		"gamma,txt,2019,2031,x,A\n" + // 10: unknown edition
		"gamma,bool,2019,2019,true,A\n" + // 11: fine
		"gamma,bool,2019,2019,false,A\n" + // 12: repeats row 11
		"gamma,cnt,2019,2019,\xff\xfe,A\n" // 13: not UTF-8
	r := importCSV(h, sec, "", bad).expect(t, 422)
	wantAt := []string{"body.row[2].city", "body.row[3].indicator", "body.row[4].value", "body.row[6].value",
		"body.row[7].value", "body.row[8].year", "body.row[9].value", "body.row[10].edition", "body.row[12].row", "body.row[13].row"}
	for _, at := range wantAt {
		r.errorAt(t, at)
	}
	var p struct {
		Errors []any `json:"errors"`
	}
	r.JSON(t, &p)
	if len(p.Errors) != len(wantAt) {
		t.Fatalf("%d problems, want %d: %s", len(p.Errors), len(wantAt), r.Body)
	}
	if countObservations(t, h) != before {
		t.Fatal("an all-or-nothing import with problems wrote rows")
	}

	importCSV(h, sec, "valid_rows", bad).expect(t, 200).JSON(t, &rep)
	if rep.Mode != "valid_rows" || rep.Rows != 13 || rep.Valid != 3 || rep.Rejected != 10 || rep.Created != 3 || rep.Updated != 0 ||
		len(rep.Problems) != 10 {
		t.Fatalf("valid_rows report: %+v", rep)
	}
	rows := []int{}
	for _, pr := range rep.Problems {
		rows = append(rows, pr.Row)
	}
	if !sort.IntsAreSorted(rows) {
		t.Fatalf("problems not in row order: %v", rows)
	}
	if countObservations(t, h) != before+3 {
		t.Fatal("valid_rows did not import exactly the valid rows")
	}
}

func TestImportRefusesBadFiles(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	ed, _ := h.token(domain.RoleEditor, "alpha")
	for name, c := range map[string]struct {
		body, contains string
	}{
		"empty":          {"", "empty"},
		"unknown column": {"city,indicator,year,value,status,colour\n", "unknown column"},
		"missing column": {"city,indicator,year,value\n", "status"},
		"twice a column": {"city,city,indicator,year,value,status\n", "twice"},
		"bare quote":     {"city,indicator,year,value,status\nalpha,num,2019,5,A\nalpha,num,2018,5\"x,A\n", "line 3"},
		"field count":    {"city,indicator,year,value,status\nalpha,num,2019,5\n", "line 2"},
	} {
		t.Run(name, func(t *testing.T) {
			r := importCSV(h, sec, "", c.body).expect(t, 422)
			if !strings.Contains(string(r.Body), c.contains) {
				t.Fatalf("problem does not say %q: %s", c.contains, r.Body)
			}
		})
	}
	if countObservations(t, h) != 0 {
		t.Fatal("a refused file wrote rows")
	}
	h.do(req{method: "POST", path: "/v1/observations/import", token: sec, body: "x",
		header: map[string]string{"Content-Type": "application/json"}}).expect(t, 415)
	importCSV(h, "", "", "city\n").expect(t, 401)
	importCSV(h, sec, "sometimes", "city\n").expect(t, 422).errorAt(t, "query.mode")

	// Editors import their own cities only, and cannot verify.
	r := importCSV(h, ed, "", "city,indicator,year,value,status,verification\nalpha,num,2019,1,A,\nbeta,num,2019,1,A,\nalpha,pct,2019,1,A,verified\n").expect(t, 403)
	r.errorAt(t, "body.row[2].city")
	r.errorAt(t, "body.row[3].verification")
	var rep domain.ImportReport
	importCSV(h, ed, "valid_rows", "city,indicator,year,value,status\nalpha,num,2019,1,A\nbeta,num,2019,1,A\n").expect(t, 200).JSON(t, &rep)
	if rep.Created != 1 || rep.Rejected != 1 {
		t.Fatalf("editor valid_rows: %+v", rep)
	}
	var audits int
	if err := h.db.SQL().Get(&audits, `SELECT count(*) FROM audit_log WHERE resource = 'observation' AND actor LIKE 'editor:%'`); err != nil || audits != 1 {
		t.Fatalf("%d audit rows for the editor's import (%v)", audits, err)
	}
}

// formulaTexts begin as spreadsheet formulas do (OWASP CSV injection), or look as if they had
// been neutralised already.
var formulaTexts = []string{"=SUM(A1)", "+1", "-x", "@cmd", "\tTAB", "\rCR", "'=already quoted", "''+twice", "'plain quote"}

// freeIndicator creates free, a numeric indicator without a scale, which takes negative values.
func freeIndicator(t *testing.T, h *harness) {
	t.Helper()
	if _, err := h.db.CreateIndicator(fixtureCtx(), fixtureCaller, "free", domain.IndicatorFields{Framework: "fw", Dimension: "a1",
		Code: "free", Name: domain.Text{EN: "free"}, ValueType: "numeric"}); err != nil {
		t.Fatal(err)
	}
}

// formulaFixture adds a negative value of free, and one observation per formula-like text:
// that text as a text value (year 2000 + its index), as source and as footnote.
func formulaFixture(t *testing.T, h *harness) {
	t.Helper()
	freeIndicator(t, h)
	h.observe("gamma", "free", 2019, -3.5, "A")
	for i, text := range formulaTexts {
		edition := 2019
		if _, err := h.db.CreateObservation(fixtureCtx(), fixtureCaller, domain.ObservationFields{Indicator: "txt", City: "gamma",
			Year: 2000 + i, Edition: &edition, Value: text, Status: "A", Source: &text, Footnote: &text}); err != nil {
			t.Fatalf("observation with text %q: %v", text, err)
		}
	}
}

// TestExportNeutralisesFormulas: in a CSV export no text cell (source, footnote, the value of
// a text or ordinal indicator) begins with =, +, -, @, tab or CR: such a text gets a ' in front,
// and so does a text that begins with quotes followed by one of those. Numbers stay numbers,
// and JSON exports carry the texts as they are.
func TestExportNeutralisesFormulas(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	formulaFixture(t, h)
	r := h.do(req{method: "GET", path: "/v1/observations/export?format=csv"}).expect(t, 200)
	recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-x": "'-x", "@cmd": "'@cmd", "\tTAB": "'\tTAB",
		"\rCR": "'\rCR", "'=already quoted": "''=already quoted", "''+twice": "'''+twice", "'plain quote": "'plain quote"}
	texts := 0
	for _, rec := range recs[1:] {
		indicator, year, value, source, footnote := rec[1], rec[3], rec[5], rec[8], rec[9]
		if indicator == "free" {
			if value != "-3.5" {
				t.Errorf("the numeric value -3.5 was exported as %q", value)
			}
			continue
		}
		i, _ := strconv.Atoi(year)
		text := formulaTexts[i-2000]
		for column, cell := range map[string]string{"value": value, "source": source, "footnote": footnote} {
			if cell != want[text] {
				t.Errorf("%s %q was exported as %q, want %q", column, text, cell, want[text])
			}
			if strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s cell %q begins a formula", column, cell)
			}
		}
		texts++
	}
	if texts != len(formulaTexts) {
		t.Fatalf("%d text rows exported, want %d", texts, len(formulaTexts))
	}
	var arr []domain.Observation
	h.do(req{method: "GET", path: "/v1/observations/export?format=json&indicator=txt"}).expect(t, 200).JSON(t, &arr)
	for _, o := range arr {
		if text := formulaTexts[o.Year-2000]; o.Value != text || *o.Source != text || *o.Footnote != text {
			t.Errorf("JSON export of %q: value %q, source %q, footnote %q", text, o.Value, *o.Source, *o.Footnote)
		}
	}
}

// TestExportRoundTrip exports every kind of value, imports the CSV into a fresh database with
// the same reference data, and checks that exporting that gives the same data, formula-like
// texts and negative numbers included.
func TestExportRoundTrip(t *testing.T) {
	src := newHarness(t)
	studyFixture(t, src)
	formulaFixture(t, src)
	src.observe("alpha", "num", 2019, 7.125, "A")
	src.observe("alpha", "pct", 2018, 0.5, "E")
	src.observe("alpha", "cnt", 2019, 1234567.0, "P")
	src.observe("alpha", "bool", 2019, false, "A")
	src.observe("alpha", "ord", 2019, "high", "A")
	src.observe("alpha", "txt", 2019, "Comma, \"quote\"\nnew line — ñ", "A")
	src.observe("beta", "num", 2019, nil, "NR")
	src.observe("beta", "pct", 2019, nil, "M")
	sec, _ := src.token(domain.RoleSecretariat)
	note, quality := "footnote, with comma", "B"
	if _, err := src.db.UpdateObservation(fixtureCtx(), fixtureCaller, 1, domain.MatchAny, func(o *domain.Observation) (domain.ObservationFields, error) {
		f := o.ObservationFields
		f.Footnote, f.Quality = &note, &quality
		return f, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.db.SetVerification(fixtureCtx(), fixtureCaller, 2, domain.MatchAny, "verified"); err != nil {
		t.Fatal(err)
	}

	exported := src.do(req{method: "GET", path: "/v1/observations/export?format=csv"})
	if exported.Status != 200 || !strings.HasPrefix(exported.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", exported.Status, exported.Header.Get("Content-Type"))
	}
	header := strings.SplitN(string(exported.Body), "\n", 2)[0]
	if header != "id,indicator,city,year,edition,value,status,quality,source,footnote,provenance,value_type,verification,version,created_at,updated_at" {
		t.Fatalf("CSV header %q", header)
	}

	dst := newHarness(t)
	studyFixture(t, dst)
	freeIndicator(t, dst)
	dsec, _ := dst.token(domain.RoleSecretariat)
	var rep domain.ImportReport
	importCSV(dst, dsec, "", string(exported.Body)).expect(t, 200).JSON(t, &rep)
	if want := 9 + len(formulaTexts); rep.Created != want {
		t.Fatalf("re-import created %d rows, want %d: %+v", rep.Created, want, rep)
	}
	again := dst.do(req{method: "GET", path: "/v1/observations/export?format=csv"})
	if a, b := comparable(t, exported.Body), comparable(t, again.Body); a != b {
		t.Fatalf("round trip changed the data:\n%s\nvs\n%s", a, b)
	}
	// The stored texts are the same too, not only their CSV cells.
	if a, b := comparableJSON(t, src), comparableJSON(t, dst); a != b {
		t.Fatalf("round trip changed the stored data:\n%s\nvs\n%s", a, b)
	}
	_ = sec
}

// comparableJSON is the JSON export's data without the server-owned fields, sorted.
func comparableJSON(t *testing.T, h *harness) string {
	t.Helper()
	var arr []domain.Observation
	h.do(req{method: "GET", path: "/v1/observations/export?format=json"}).expect(t, 200).JSON(t, &arr)
	var out []string
	for _, o := range arr {
		o.ID, o.Version, o.CreatedAt, o.UpdatedAt = 0, 0, time.Time{}, time.Time{}
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// comparable drops the server-owned columns (id, version, times) and sorts the records.
func comparable(t *testing.T, body []byte) string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, strings.Join(r[1:13], "|"))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func TestExportFormats(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 7.0, "A")
	h.observe("alpha", "bool", 2019, true, "A")
	h.observe("beta", "num", 2019, nil, "NR")

	nd := h.do(req{method: "GET", path: "/v1/observations/export", header: map[string]string{"Accept": "application/x-ndjson"}})
	if nd.Status != 200 || nd.Header.Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("ndjson: %d %q", nd.Status, nd.Header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(string(nd.Body)), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d NDJSON lines", len(lines))
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first["value"] != 7.0 {
		t.Fatalf("first line %s (%v): the value must be a JSON number", lines[0], err)
	}
	var arr []domain.Observation
	h.do(req{method: "GET", path: "/v1/observations/export?format=json&city=beta"}).JSON(t, &arr)
	if len(arr) != 1 || arr[0].Value != nil || arr[0].Status != "NR" {
		t.Fatalf("json export: %+v", arr)
	}
	empty := h.do(req{method: "GET", path: "/v1/observations/export?format=csv&city=gamma"})
	if empty.Status != 200 || strings.Count(string(empty.Body), "\n") != 1 {
		t.Fatalf("empty CSV export: %d %q", empty.Status, empty.Body)
	}
	h.do(req{method: "GET", path: "/v1/observations/export", header: map[string]string{"Accept": "application/xml"}}).expect(t, 406)
	h.do(req{method: "GET", path: "/v1/observations/export?format=xml"}).expect(t, 422)
	h.do(req{method: "GET", path: "/v1/observations/export?from=2020&to=2010"}).expect(t, 422)
	csvByDefault := h.do(req{method: "GET", path: "/v1/observations/export", header: map[string]string{"Accept": "*/*"}})
	if !strings.HasPrefix(csvByDefault.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("default format %q", csvByDefault.Header.Get("Content-Type"))
	}
}

// startUpload starts an import whose body the test writes to the returned pipe; the answer
// comes on the channel once the pipe is closed. A test that fails early cuts the upload, so
// that the test server can shut down.
func startUpload(t *testing.T, h *harness, token string) (*io.PipeWriter, <-chan *response) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.CloseWithError(errors.New("the test ended")) })
	done := make(chan *response, 1)
	go func() { done <- h.doBody("POST", "/v1/observations/import", token, "text/csv", pr) }()
	return pw, done
}

// TestImportUploadHoldsNoTransaction: while a client is still sending its file, the import
// holds no transaction and no lock, so a slow uploader takes nothing from the database: the
// indicators it will check against can still be changed meanwhile.
func TestImportUploadHoldsNoTransaction(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	pw, done := startUpload(t, h, sec)
	if _, err := io.WriteString(pw, "city,indicator,year,edition,value,status\nalpha,num,2019,2019,5,A\n"); err != nil {
		t.Fatal(err)
	}
	// The handler runs as soon as the headers arrive; give it a second to open whatever it opens.
	// (Authenticating the request is a short statement of its own: only transactions open for
	// longer than that count.)
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		var open int
		if err := h.db.SQL().Get(&open, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()
			  AND xact_start < clock_timestamp() - interval '300 milliseconds'`); err != nil {
			t.Fatal(err)
		}
		if open != 0 {
			t.Fatalf("%d transactions open while the import's body is still arriving", open)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.db.SQL().ExecContext(ctx, `UPDATE indicators SET version = version WHERE slug = 'num'`); err != nil {
		t.Fatalf("an indicator could not be changed while an import was uploading: %v", err)
	}
	if _, err := io.WriteString(pw, "beta,num,2019,2019,6,A\n"); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	var rep domain.ImportReport
	(<-done).expect(t, 200).JSON(t, &rep)
	if rep.Rows != 2 || rep.Created != 2 {
		t.Fatalf("report after a slow upload: %+v", rep)
	}
}

// TestImportsAreBounded: imports are bounded like exports (max(1, DB_MAX_CONNS/4); the test
// server's pool size is unset, so one at a time): while one import is running, another is
// refused with 503 problem+json and Retry-After, and once it ends the slot is free again.
func TestImportsAreBounded(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	other, _ := h.token(domain.RoleSecretariat)
	pw, done := startUpload(t, h, sec)
	if _, err := io.WriteString(pw, "city,indicator,year,edition,value,status\n"); err != nil {
		t.Fatal(err)
	}
	// While its upload trickles in, the same client may not start another (its share is one)…
	var refused *response
	waitFor(t, func() bool {
		r := importCSV(h, sec, "", "city,indicator,year,value,status\n")
		if r.Status == 429 {
			refused = r
		}
		return refused != nil
	})
	if refused.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// …but a slow uploader holds no one else's slot, nor the database: another client imports.
	importCSV(h, other, "", "city,indicator,year,value,status\nbeta,num,2019,5,A\n").expect(t, 200)
	if _, err := io.WriteString(pw, "alpha,num,2019,2019,5,A\n"); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	(<-done).expect(t, 200)
	importCSV(h, sec, "", "city,indicator,year,value,status\nbeta,num,2019,6,A\n").expect(t, 200)
}

// TestCSVExportIsWhatGoWouldWrite: the CSV export's lines are written in Go from PostgreSQL's
// text (internal/postgres csvColumns). Each must be byte for byte what encoding/csv writes for
// the same observation as the JSON export gives it, with texts neutralised, numbers in Go's
// shortest form without an exponent and times in RFC 3339 without trailing zeros: texts with
// quotes, commas, line breaks, every leading space unicode.IsSpace knows (that a text may
// hold) and formula characters, tiny, huge and inexact numbers, booleans, ordinals and missing
// values.
func TestCSVExportIsWhatGoWouldWrite(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	formulaFixture(t, h)
	for i, v := range []float64{0.00001, 0.0001, 0.1 + 0.2, 1e15, 999999999999999.9, 1e14, -1e-7, 123456789.125, 0, 7, -0.5,
		-1.2345678901234567e-5, 9.87654321012345e-8, 123456789012345.67} {
		h.observe("delta", "free", 2000+i, v, "A")
	}
	odd := []string{`say "hi"`, "a,b", "line\nbreak", " leading space", "\u00a0nbsp", "\u3000ideographic", "\u2009thin",
		"\u200bzero width", `\.`, "crlf\r\nend", "ünïcødé", "'", "valencia"}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) && domain.CheckText(string(r), 1) == nil { // \v and \f are refused (jsonExportFixture has them)
			odd = append(odd, string(r)+"leading space")
		}
	}
	for i, text := range odd {
		edition := 2019
		if _, err := h.db.CreateObservation(fixtureCtx(), fixtureCaller, domain.ObservationFields{Indicator: "txt", City: "delta",
			Year: 2100 + i, Edition: &edition, Value: text, Status: "A", Source: &text, Footnote: &text}); err != nil {
			t.Fatal(err)
		}
	}
	h.observe("alpha", "bool", 2019, true, "A")
	h.observe("beta", "bool", 2019, false, "E")
	h.observe("alpha", "ord", 2019, "mid", "A")
	h.observe("beta", "num", 2019, nil, "NR")

	var all []domain.Observation
	h.do(req{method: "GET", path: "/v1/observations/export?format=json"}).expect(t, 200).JSON(t, &all)
	var want bytes.Buffer
	cw := csv.NewWriter(&want)
	_ = cw.Write([]string{"id", "indicator", "city", "year", "edition", "value", "status", "quality", "source",
		"footnote", "provenance", "value_type", "verification", "version", "created_at", "updated_at"})
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return domain.NeutraliseCSVCell(*s)
	}
	for _, o := range all {
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
		_ = cw.Write([]string{strconv.FormatInt(o.ID, 10), o.Indicator, o.City, strconv.Itoa(o.Year), edition, value,
			o.Status, quality, text(o.Source), text(o.Footnote), o.Provenance, o.ValueType, o.Verification,
			strconv.Itoa(o.Version), o.CreatedAt.UTC().Format(time.RFC3339Nano), o.UpdatedAt.UTC().Format(time.RFC3339Nano)})
	}
	cw.Flush()
	got := h.do(req{method: "GET", path: "/v1/observations/export?format=csv"}).expect(t, 200).Body
	wl, gl := strings.Split(want.String(), "\n"), strings.Split(string(got), "\n")
	if len(wl) != len(gl) {
		t.Fatalf("%d lines, want %d", len(gl), len(wl))
	}
	for i := range wl {
		if wl[i] != gl[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, gl[i], wl[i])
		}
	}
}

// TestJSONExportsAreTheAPIsObservations: PostgreSQL writes the NDJSON and JSON exports' objects
// (internal/postgres jsonLine). Each must say exactly what the API's own encoding of the same
// observation says (list-observations): the same keys, a value typed by the indicator, null
// where nothing is known, and the same times.
func TestJSONExportsAreTheAPIsObservations(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	formulaFixture(t, h)
	for i, v := range []float64{0.00001, 0.1 + 0.2, 1e15, -1e-7, 123456789.125, 0} {
		h.observe("delta", "free", 2000+i, v, "A")
	}
	for i, text := range []string{"say \"hi\"\n\\ \u2028 ünï", "tab\there", "</script>"} {
		edition := 2019
		if _, err := h.db.CreateObservation(fixtureCtx(), fixtureCaller, domain.ObservationFields{Indicator: "txt", City: "delta",
			Year: 2100 + i, Edition: &edition, Value: text, Status: "A", Source: &text}); err != nil {
			t.Fatal(err)
		}
	}
	h.observe("alpha", "bool", 2019, true, "A")
	h.observe("alpha", "ord", 2019, "mid", "A")
	h.observe("beta", "num", 2019, nil, "NR")

	var list struct {
		Items []map[string]any `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/observations?limit=500"}).expect(t, 200).JSON(t, &list)
	nd := h.do(req{method: "GET", path: "/v1/observations/export?format=ndjson"}).expect(t, 200)
	lines := strings.Split(strings.TrimSuffix(string(nd.Body), "\n"), "\n")
	var arr []map[string]any
	h.do(req{method: "GET", path: "/v1/observations/export?format=json"}).expect(t, 200).JSON(t, &arr)
	if len(lines) != len(list.Items) || len(arr) != len(list.Items) {
		t.Fatalf("%d NDJSON lines and %d JSON objects for %d observations", len(lines), len(arr), len(list.Items))
	}
	for i, want := range list.Items {
		var got map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d is not JSON (%v): %s", i, err, lines[i])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(arr[i]) != fmt.Sprint(want) {
			t.Errorf("observation %v:\n ndjson %v\n json   %v\n want   %v", want["id"], got, arr[i], want)
		}
	}
}
