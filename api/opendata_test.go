package api_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/releasefile"
)

// qualityFixture adds to studyFixture observations whose flags, notes and provenance are hard
// to carry: missing and not-reported values, every grade, sources and footnotes with commas,
// quotes, line breaks, non-Latin text and spreadsheet formulas, and an indicator with a unit.
func qualityFixture(t *testing.T, h *harness) {
	t.Helper()
	unit := "%"
	if _, err := h.db.CreateIndicator(fixtureCtx(), fixtureCaller, "share", domain.IndicatorFields{Framework: "fw", Dimension: "a2",
		Code: "SH-1", Name: domain.Text{EN: "Share, with a unit"}, ValueType: "percentage", Unit: &unit, Direction: "higher_is_better"}); err != nil {
		t.Fatal(err)
	}
	s := func(v string) *string { return &v }
	edition := 2019
	for _, o := range []domain.ObservationFields{
		{Indicator: "num", City: "alpha", Year: 2019, Value: 0.1, Status: "A", Quality: s("A"), Source: s("Ville de Málaga, «données», 2019"), Footnote: s("line one\nline two, \"quoted\"")},
		{Indicator: "share", City: "alpha", Year: 2019, Value: 74.5, Status: "E", Quality: s("B"), Source: s("=HYPERLINK(\"http://evil\")"), Footnote: s("+34 600 000 000")},
		{Indicator: "bool", City: "beta", Year: 2019, Value: false, Status: "P", Quality: s("C"), Footnote: s("-5 is not a formula here"), Provenance: "sample"},
		{Indicator: "ord", City: "beta", Year: 2019, Value: "mid", Status: "A", Quality: s("D"), Source: s("@SUM(A1:A9)")},
		{Indicator: "txt", City: "gamma", Year: 2019, Value: "東京と\tDurban", Status: "A", Footnote: s("\rcarriage")},
		{Indicator: "cnt", City: "gamma", Year: 2019, Status: "M", Footnote: s("The city did not answer.")},
		{Indicator: "pct", City: "delta", Year: 2019, Status: "NR"},
		{Indicator: "num", City: "delta", Year: 2018, Value: 3.25e-7, Status: "A", Provenance: "sample"},
	} {
		o.Edition = &edition
		created, err := h.db.CreateObservation(fixtureCtx(), fixtureCaller, o)
		if err != nil {
			t.Fatalf("%s %s: %v", o.City, o.Indicator, err)
		}
		if o.Indicator == "ord" {
			if _, err := h.db.SetVerification(fixtureCtx(), fixtureCaller, created.ID, domain.MatchAny, "verified"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// qualityFields are the fields that must read the same in every format.
var qualityFields = []string{"id", "indicator", "city", "year", "edition", "value", "value_type", "status", "quality",
	"source", "footnote", "provenance", "verification", "version"}

// normalised is a record's value for comparison: numbers as float64, absent as nil.
func normalised(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case string, bool, float64, nil:
		return x
	}
	return fmt.Sprintf("%T %v", v, v)
}

// TestQualitySurvivesEveryFormat is the golden round trip: every observation's value, flags,
// grade, source, footnote, provenance and verification read the same through the API's JSON, the
// three exports, and the five files of a release; units and names come along in the releases.
func TestQualitySurvivesEveryFormat(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	qualityFixture(t, h)
	secretariat, _ := h.token(domain.RoleSecretariat)

	// The truth: the API's JSON.
	var list struct{ Items []map[string]any }
	res := h.do(req{method: http.MethodGet, path: "/v1/observations?limit=500"}).expect(t, http.StatusOK)
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 8 {
		t.Fatalf("%d observations, want 8", len(list.Items))
	}
	want := map[string]map[string]any{}
	for _, o := range list.Items {
		rec := map[string]any{}
		for _, f := range qualityFields {
			rec[f] = normalised(o[f])
		}
		want[fmt.Sprint(rec["id"])] = rec
	}
	compare := func(where string, got []map[string]any) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %d records, want %d", where, len(got), len(want))
		}
		for _, g := range got {
			id := fmt.Sprint(normalised(g["id"]))
			w, ok := want[id]
			if !ok {
				t.Errorf("%s: record %s is not in the API", where, id)
				continue
			}
			for _, f := range qualityFields {
				if gv := normalised(g[f]); gv != w[f] {
					t.Errorf("%s: observation %s: %s is %#v, the API says %#v", where, id, f, gv, w[f])
				}
			}
		}
	}

	// The exports.
	for _, format := range []string{"ndjson", "json"} {
		body := h.do(req{method: http.MethodGet, path: "/v1/observations/export?format=" + format}).expect(t, http.StatusOK).Body
		if format == "ndjson" {
			body = []byte("[" + strings.ReplaceAll(strings.TrimSpace(string(body)), "\n", ",") + "]")
		}
		var recs []map[string]any
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if err := d.Decode(&recs); err != nil {
			t.Fatalf("export %s: %v", format, err)
		}
		compare("export "+format, recs)
	}
	csvBody := h.do(req{method: http.MethodGet, path: "/v1/observations/export?format=csv"}).expect(t, http.StatusOK).Body
	compare("export csv", csvRecords(t, csvBody, true))

	// The release files.
	h.do(req{method: http.MethodPost, path: "/v1/datasets", token: secretariat, body: map[string]any{
		"slug": "quality", "title": map[string]any{"en": "Quality"}, "description": map[string]any{"en": "Everything"},
		"publisher": "UCLG", "license": "CC-BY-4.0", "contact_name": "UCLG", "contact_email": "info@uclg.org",
		"content": map[string]any{"resource": "observations", "provenance": []string{"reported", "sample"}}}}).expect(t, http.StatusCreated)
	var rel domain.Release
	h.do(req{method: http.MethodPost, path: "/v1/datasets/quality/releases", token: secretariat, body: map[string]any{}}).
		expect(t, http.StatusCreated).JSON(t, &rel)
	if rel.Rows != 8 || len(rel.Files) != 5 {
		t.Fatalf("release: %d rows, %d files", rel.Rows, len(rel.Files))
	}
	cols, err := postgres.ReleaseColumns("observations")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rel.Files {
		body := h.do(req{method: http.MethodGet, path: f.Href}).expect(t, http.StatusOK).Body
		rows, err := releasefile.Read(f.Format, bytes.NewReader(body), int64(len(body)), cols)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		var recs []map[string]any
		for _, row := range rows {
			rec := map[string]any{}
			for i, c := range cols {
				rec[c.Name] = row[i]
			}
			recs = append(recs, rec)
			if rec["indicator"] == "share" && rec["unit"] != "%" || rec["indicator"] != "share" && rec["unit"] != nil {
				t.Errorf("%s: %s has unit %#v", f.Name, rec["indicator"], rec["unit"])
			}
			if rec["city"] == "alpha" && (rec["city_name"] != "Alpha" || rec["country"] != "ES") {
				t.Errorf("%s: alpha is labelled %#v, %#v", f.Name, rec["city_name"], rec["country"])
			}
		}
		compare("release "+f.Name, recs)
	}
}

// csvRecords parses a CSV body with a header row into records, restoring neutralised cells
// as the import does and typing the columns the way the API's JSON types them.
func csvRecords(t *testing.T, body []byte, export bool) []map[string]any {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, row := range rows[1:] {
		rec := map[string]any{}
		for i, name := range rows[0] {
			cell := domain.RestoreCSVCell(row[i])
			var v any = cell
			switch {
			case cell == "":
				v = nil
			case name == "id" || name == "year" || name == "edition" || name == "version":
				n, err := strconv.ParseFloat(cell, 64)
				if err != nil {
					t.Fatalf("%s %q: %v", name, cell, err)
				}
				v = n
			}
			rec[name] = v
		}
		switch rec["value_type"] {
		case "numeric", "percentage", "count":
			if s, ok := rec["value"].(string); ok {
				rec["value"], _ = strconv.ParseFloat(s, 64)
			}
		case "boolean":
			if s, ok := rec["value"].(string); ok {
				rec["value"] = s == "true"
			}
		}
		out = append(out, rec)
	}
	return out
}

// TestReleaseFiles: a release's files are what it says (size, SHA-256 = ETag), never change,
// resume with Range, gzip on the way, and answer 304 and 416 as HTTP says; later writes make a
// new release and leave the old one as it was.
func TestReleaseFiles(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	qualityFixture(t, h)
	secretariat, _ := h.token(domain.RoleSecretariat)
	if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "ds", datasetFields("observations")); err != nil {
		t.Fatal(err)
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/latest"}).expect(t, http.StatusNotFound)
	var rel domain.Release
	h.do(req{method: http.MethodPost, path: "/v1/datasets/ds/releases", token: secretariat, body: map[string]any{"notes": "First"}}).
		expect(t, http.StatusCreated).JSON(t, &rel)
	if rel.Number != 1 || rel.Rows != 8 || rel.ChangesCursor == "" || rel.AsOf.IsZero() {
		t.Fatalf("release %+v", rel)
	}
	whole := map[string][]byte{}
	for _, f := range rel.Files {
		// identity: Go's client would otherwise ask for gzip and unzip it unseen.
		res := h.do(req{method: http.MethodGet, path: f.Href, header: map[string]string{"Accept-Encoding": "identity"}}).expect(t, http.StatusOK)
		sum := sha256.Sum256(res.Body)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(res.Body)) != f.Bytes {
			t.Fatalf("%s: %d bytes with SHA-256 %x; the release says %d, %s", f.Name, len(res.Body), sum, f.Bytes, f.SHA256)
		}
		if res.Header.Get("ETag") != `"`+f.SHA256+`-en"` || res.Header.Get("Content-Language") != "en" || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
			res.Header.Get("Accept-Ranges") != "bytes" || res.Header.Get("Content-Length") != strconv.FormatInt(f.Bytes, 10) ||
			!strings.Contains(res.Header.Get("Link"), `<https://spdx.org/licenses/CC-BY-4.0>; rel="license"`) {
			t.Fatalf("%s: headers %v", f.Name, res.Header)
		}
		if ct := res.Header.Get("Content-Type"); ct != f.MediaType {
			t.Fatalf("%s: Content-Type %q, want %q", f.Name, ct, f.MediaType)
		}
		whole[f.Name] = res.Body
	}
	csvPath := rel.Files[0].Href
	full := whole["observations.csv"]
	etag := `"` + rel.Files[0].SHA256 + `-en"` // the file's SHA-256, asked for in English

	// Resume a cut download: the first part, then the rest from where it stopped.
	cut := int64(len(full) / 3)
	res := h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Range": "bytes=0-" + strconv.FormatInt(cut-1, 10)}}).expect(t, http.StatusPartialContent)
	first := res.Body
	res = h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Range": fmt.Sprintf("bytes=%d-", cut), "If-Range": etag}}).expect(t, http.StatusPartialContent)
	if got := res.Header.Get("Content-Range"); got != fmt.Sprintf("bytes %d-%d/%d", cut, len(full)-1, len(full)) {
		t.Fatalf("Content-Range %q", got)
	}
	if !bytes.Equal(append(first, res.Body...), full) {
		t.Fatal("the two parts of a resumed download are not the file")
	}
	suffix := h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Range": "bytes=-10"}}).expect(t, http.StatusPartialContent)
	if !bytes.Equal(suffix.Body, full[len(full)-10:]) {
		t.Fatal("a suffix range is not the file's end")
	}
	// A stale If-Range gets the whole file; several ranges get the whole file; outside is 416.
	h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Range": "bytes=5-", "If-Range": `"other"`}}).expect(t, http.StatusOK)
	h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Range": "bytes=0-1,5-6"}}).expect(t, http.StatusOK)
	outside := h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(full))}}).expect(t, http.StatusRequestedRangeNotSatisfiable)
	if got := outside.Header.Get("Content-Range"); got != fmt.Sprintf("bytes */%d", len(full)) {
		t.Fatalf("416 with Content-Range %q", got)
	}
	for _, malformed := range []string{"bytes=5-2", "bytes=abc", "bytes=--5", "bytes=+1-2", "pages=1-2"} {
		h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Range": malformed, "Accept-Encoding": "identity"}}).expect(t, http.StatusOK)
	}
	h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"If-None-Match": etag}}).expect(t, http.StatusNotModified)
	h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"If-None-Match": etag, "Range": "bytes=999999999-"}}).expect(t, http.StatusNotModified)
	h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/1", header: map[string]string{"If-None-Match": `"r1-en"`}}).expect(t, http.StatusNotModified)

	// gzip when asked, for text formats only.
	hr, _ := http.NewRequest(http.MethodGet, h.srv.URL+csvPath, nil)
	hr.Header.Set("Accept-Encoding", "gzip")
	raw, err := (&http.Transport{DisableCompression: true}).RoundTrip(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Body.Close()
	zr, err := gzip.NewReader(raw.Body)
	if err != nil || raw.Header.Get("Content-Encoding") != "gzip" || raw.Header.Get("ETag") != "W/"+etag {
		t.Fatalf("gzip: %v, headers %v", err, raw.Header)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, full) {
		t.Fatal("the gzipped file is not the file")
	}
	for _, refused := range []string{"gzip;q=0", "GZIP;Q=0", "gzip; q=0.000", "identity"} {
		if r := h.do(req{method: http.MethodGet, path: csvPath, header: map[string]string{"Accept-Encoding": refused}}); r.Header.Get("Content-Encoding") != "" {
			t.Fatalf("Accept-Encoding %q got %q", refused, r.Header.Get("Content-Encoding"))
		}
	}
	xlsx := h.do(req{method: http.MethodGet, path: rel.Files[3].Href, header: map[string]string{"Accept-Encoding": "gzip"}}).expect(t, http.StatusOK)
	if xlsx.Header.Get("Content-Encoding") != "" {
		t.Fatal("an XLSX file was gzipped")
	}

	// Later writes leave release 1 as it was; release 2 has them, and latest points there.
	h.observe("alpha", "pct", 2019, 12.0, "A")
	var rel2 domain.Release
	h.do(req{method: http.MethodPost, path: "/v1/datasets/ds/releases", token: secretariat, body: map[string]any{}}).
		expect(t, http.StatusCreated).JSON(t, &rel2)
	if rel2.Number != 2 || rel2.Rows != 9 {
		t.Fatalf("second release: %d, %d rows", rel2.Number, rel2.Rows)
	}
	again := h.do(req{method: http.MethodGet, path: csvPath}).expect(t, http.StatusOK)
	if !bytes.Equal(again.Body, full) {
		t.Fatal("release 1 changed")
	}
	if loc := h.do(req{method: http.MethodGet, path: "/v1/datasets/ds"}); !strings.Contains(string(loc.Body), `"latest_release":2`) {
		t.Fatalf("the dataset does not point to release 2: %s", loc.Body)
	}
	if _, err := h.db.SQL().Exec(`UPDATE release_files SET bytes = 0`); err == nil {
		t.Fatal("a release file could be changed in the database")
	}
	// Changing the dataset's licence and title changes nothing of release 1: its documents and
	// licence links come from the description it was published with.
	change := datasetBody()
	change["license"], change["title"] = "CC0-1.0", map[string]any{"en": "Renamed"}
	h.do(req{method: http.MethodPut, path: "/v1/datasets/ds", token: secretariat, body: change, header: map[string]string{"If-Match": "*"}}).expect(t, http.StatusOK)
	for _, path := range []string{"/v1/datasets/ds/releases/1", csvPath, "/v1/datasets/ds/releases/1/datapackage.json", "/v1/datasets/ds/releases/1/csv-metadata.json"} {
		res := h.do(req{method: http.MethodGet, path: path, header: map[string]string{"Accept-Encoding": "identity"}}).expect(t, http.StatusOK)
		if !strings.HasPrefix(res.Header.Get("Link"), `<https://spdx.org/licenses/CC-BY-4.0>; rel="license"`) || strings.Contains(string(res.Body), "CC0-1.0") ||
			strings.Contains(string(res.Body), "Renamed") {
			t.Fatalf("%s changed with the dataset: Link %q, %.300s", path, res.Header.Get("Link"), res.Body)
		}
	}
	// A released dataset stays; an unknown file or release is a 404.
	h.do(req{method: http.MethodDelete, path: "/v1/datasets/ds", token: secretariat, header: map[string]string{"If-Match": "*"}}).expect(t, http.StatusConflict)
	h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/9/files/observations.csv"}).expect(t, http.StatusNotFound)
	h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/1/files/cities.csv"}).expect(t, http.StatusNotFound)
}

// TestReportsGatherDatasetReleases: a report pre-filled for a period lists the releases of open
// datasets published in it, on the same basis as every aggregate (reported data unless asked),
// and links them; a report may link a dataset, and only one that exists.
func TestReportsGatherDatasetReleases(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	if _, err := h.db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('digital-cities', '{"en": "Digital Cities"}', 'community_of_practice')`); err != nil {
		t.Fatal(err)
	}
	reported := datasetFields("observations")
	reported.Content.Provenance = nil // reported data only
	if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "reported-only", reported); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "with-samples", datasetFields("cities")); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"reported-only", "with-samples"} {
		if _, err := h.db.PublishRelease(fixtureCtx(), fixtureCaller, slug, "", testFileWriter); err != nil {
			t.Fatal(err)
		}
	}
	secretariat, _ := h.token(domain.RoleSecretariat)
	year := strconv.Itoa(time.Now().UTC().Year())
	body := map[string]any{"body": "digital-cities", "period": map[string]any{"start": year + "-01-01", "end": year + "-12-31"},
		"title": map[string]any{"en": "This year"}, "prefill": map[string]any{}}
	var r domain.Report
	h.do(req{method: http.MethodPost, path: "/v1/reports", token: secretariat, body: body}).expect(t, http.StatusCreated).JSON(t, &r)
	var releases []domain.Activity
	for _, a := range r.Activities {
		if strings.HasPrefix(a.Text.EN, "Open data:") {
			releases = append(releases, a)
		}
	}
	if len(releases) != 1 || r.PrefilledFrom == nil || r.PrefilledFrom.DatasetReleases != 1 || r.PrefilledFrom.IncludesInventedData ||
		releases[0].Priority != "implementation" || fmt.Sprint(releases[0].Links) != "[{dataset reported-only}]" {
		t.Fatalf("reported basis: %+v, summary %+v", releases, r.PrefilledFrom)
	}
	body["prefill"] = map[string]any{"provenance": []string{"reported", "sample"}}
	h.do(req{method: http.MethodPost, path: "/v1/reports", token: secretariat, body: body}).expect(t, http.StatusCreated).JSON(t, &r)
	if p := r.PrefilledFrom; p == nil || p.DatasetReleases != 2 || !p.IncludesInventedData {
		t.Fatalf("with sample data: %+v", p)
	}
	bad := map[string]any{"body": "digital-cities", "period": map[string]any{"start": year + "-01-01", "end": year + "-12-31"},
		"title": map[string]any{"en": "Links"}, "activities": []any{map[string]any{"priority": "implementation",
			"text": map[string]any{"en": "Released"}, "links": []any{map[string]any{"kind": "dataset", "ref": "atlantis"}}}}}
	h.do(req{method: http.MethodPost, path: "/v1/reports", token: secretariat, body: bad}).expect(t, http.StatusUnprocessableEntity)
}
