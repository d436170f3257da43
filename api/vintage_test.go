package api_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// dbNow is the database's clock, between two writes: a moment after the one and before the other.
func (h *harness) dbNow() time.Time {
	h.t.Helper()
	time.Sleep(2 * time.Millisecond) // clear of the previous write's start, to the microsecond
	var at time.Time
	if err := h.db.SQL().Get(&at, `SELECT clock_timestamp()`); err != nil {
		h.t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	return at
}

// vintage is what every read of one observation at a time must say: absent (version 0), or its
// version, value and status then.
type vintage struct {
	at      time.Time
	version int
	value   float64
	status  string
}

// checkVintage reads the observation at v.at through get-observation, list-observations (with
// and without a filter on the status it had) and the three exports, and compares.
func checkVintage(t *testing.T, h *harness, id int64, city string, v vintage) {
	t.Helper()
	asOf := v.at.UTC().Format(time.RFC3339Nano)
	name := fmt.Sprintf("observation %d as of %s", id, asOf)

	// get-observation: the observation as it was, without an ETag; 404 before and after it existed.
	path := withQuery(fmt.Sprintf("/v1/observations/%d", id), "as_of", asOf)
	if v.version == 0 {
		h.do(req{method: "GET", path: path}).expect(t, 404)
	} else {
		r := h.do(req{method: "GET", path: path, header: map[string]string{"If-None-Match": `"v` + strconv.Itoa(v.version) + `"`}}).expect(t, 200)
		var o domain.Observation
		r.JSON(t, &o)
		if o.ID != id || o.Version != v.version || o.Value != v.value || o.Status != v.status {
			t.Errorf("%s: get says version %d, value %v, status %s; want %d, %v, %s", name, o.Version, o.Value, o.Status, v.version, v.value, v.status)
		}
		if e := r.Header.Get("ETag"); e != "" {
			t.Errorf("%s: a vintage carries the ETag %s, which a cache would take for a version's", name, e)
		}
	}

	// list-observations, with the city (the vintage's key) and with the status it had then.
	find := func(items []domain.Observation) *domain.Observation {
		for i := range items {
			if items[i].ID == id {
				return &items[i]
			}
		}
		return nil
	}
	var page struct {
		Items []domain.Observation `json:"items"`
	}
	h.do(req{method: "GET", path: withQuery("/v1/observations?city="+city, "as_of", asOf)}).expect(t, 200).JSON(t, &page)
	o := find(page.Items)
	switch {
	case v.version == 0 && o != nil:
		t.Errorf("%s: listed as version %d, but it did not exist then", name, o.Version)
	case v.version != 0 && (o == nil || o.Version != v.version || o.Value != v.value):
		t.Errorf("%s: listed as %+v; want version %d, value %v", name, o, v.version, v.value)
	}
	for _, status := range []string{"A", "E"} {
		h.do(req{method: "GET", path: withQuery("/v1/observations?status="+status, "as_of", asOf)}).expect(t, 200).JSON(t, &page)
		if listed, want := find(page.Items) != nil, v.version != 0 && v.status == status; listed != want {
			t.Errorf("%s: listed with status=%s: %v, want %v", name, status, listed, want)
		}
	}

	// The exports, streamed as today's: the same rows.
	versions := map[string]int{} // by format, 0 when absent
	r := h.do(req{method: "GET", path: withQuery("/v1/observations/export?format=csv", "as_of", asOf)}).expect(t, 200)
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil || len(rows) == 0 || rows[0][0] != "id" {
		t.Fatalf("%s: CSV export: %v\n%s", name, err, r.Body)
	}
	for _, row := range rows[1:] {
		if row[0] == strconv.FormatInt(id, 10) {
			versions["csv"], _ = strconv.Atoi(row[13])
			if row[5] != strconv.FormatFloat(v.value, 'f', -1, 64) || row[6] != v.status {
				t.Errorf("%s: CSV row %v, want value %v and status %s", name, row, v.value, v.status)
			}
		}
	}
	r = h.do(req{method: "GET", path: withQuery("/v1/observations/export?format=ndjson", "as_of", asOf)}).expect(t, 200)
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	for sc.Scan() {
		var o domain.Observation
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("%s: NDJSON line %s: %v", name, sc.Bytes(), err)
		}
		if o.ID == id {
			versions["ndjson"] = o.Version
		}
	}
	var all []domain.Observation
	h.do(req{method: "GET", path: withQuery("/v1/observations/export?format=json", "as_of", asOf)}).expect(t, 200).JSON(t, &all)
	if o := find(all); o != nil {
		versions["json"] = o.Version
	}
	for _, format := range []string{"csv", "ndjson", "json"} {
		if versions[format] != v.version {
			t.Errorf("%s: %s export has version %d (0: absent), want %d", name, format, versions[format], v.version)
		}
	}
}

// TestObservationVintages: an observation created, changed twice and deleted through the API
// reads, at each moment between, as it was then: before its creation and after its deletion
// it is absent. An observation loaded in bulk, without the audit trail, counts from its
// created_at, and once changed through the API its first state is its first change's
// before-image.
func TestObservationVintages(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	token, _ := h.token(domain.RoleSecretariat)

	t0 := h.dbNow()
	var created domain.Observation
	h.do(req{method: "POST", path: "/v1/observations", token: token, body: map[string]any{
		"indicator": "num", "city": "alpha", "year": 2019, "edition": 2019, "value": 1, "status": "A"}}).expect(t, 201).JSON(t, &created)
	id := created.ID
	path := fmt.Sprintf("/v1/observations/%d", id)
	t1 := h.dbNow()
	h.do(req{method: "PUT", path: path, token: token, header: map[string]string{"If-Match": `"v1"`}, body: map[string]any{
		"indicator": "num", "city": "alpha", "year": 2019, "edition": 2019, "value": 2, "status": "E"}}).expect(t, 200)
	t2 := h.dbNow()
	h.do(req{method: "PATCH", path: path, token: token, header: map[string]string{"If-Match": `"v2"`, "Content-Type": "application/merge-patch+json"},
		body: `{"value": 3}`}).expect(t, 200)
	t3 := h.dbNow()
	h.do(req{method: "DELETE", path: path, token: token, header: map[string]string{"If-Match": `"v3"`}}).expect(t, 204)
	t4 := h.dbNow()
	h.do(req{method: "GET", path: path}).expect(t, 404)

	// A bulk-loaded observation of beta, created between t1 and t2 by its created_at, then
	// changed through the API after t4.
	var bulk int64
	if err := h.db.SQL().Get(&bulk, `INSERT INTO observations (indicator, city, year, edition, value_number, status, provenance, created_at, updated_at)
		VALUES ('num', 'beta', 2019, 2019, 7, 'A', 'synthetic', $1, $1) RETURNING id`, t1.Add(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	h.do(req{method: "PATCH", path: fmt.Sprintf("/v1/observations/%d", bulk), token: token,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}, body: `{"value": 8, "status": "E"}`}).expect(t, 200)
	t5 := h.dbNow()

	for _, v := range []vintage{
		{at: t0},
		{at: t1, version: 1, value: 1, status: "A"},
		{at: t2, version: 2, value: 2, status: "E"},
		{at: t3, version: 3, value: 3, status: "E"},
		{at: t4},
	} {
		checkVintage(t, h, id, "alpha", v)
	}
	for _, v := range []vintage{
		{at: t1}, // before its created_at
		{at: t2, version: 1, value: 7, status: "A"}, // as loaded: the before-image of its first change
		{at: t4, version: 1, value: 7, status: "A"}, // still
		{at: t5, version: 2, value: 8, status: "E"}, // changed through the API
	} {
		checkVintage(t, h, bulk, "beta", v)
	}

	// latest=true on a vintage: alpha's latest num was the 2019 value then, and it is none after
	// its deletion.
	latest := func(at time.Time) []int64 {
		var page struct {
			Items []domain.Observation `json:"items"`
		}
		h.do(req{method: "GET", path: withQuery("/v1/observations?latest=true&city=alpha,beta", "as_of", at.UTC().Format(time.RFC3339Nano))}).expect(t, 200).JSON(t, &page)
		var ids []int64
		for _, o := range page.Items {
			ids = append(ids, o.ID)
		}
		return ids
	}
	if got := latest(t3); !slices.Equal(got, []int64{id, bulk}) {
		t.Errorf("latest as of t3: %v, want [%d %d]", got, id, bulk)
	}
	if got := latest(t4); !slices.Equal(got, []int64{bulk}) {
		t.Errorf("latest as of t4: %v, want [%d]", got, bulk)
	}
	if got := latest(t0); len(got) != 0 {
		t.Errorf("latest as of t0: %v, want none", got)
	}
}

// TestVintageOfALateCommit: a change whose transaction began before T but was still running
// at the first sample of the horizon after T is not part of the vintage of T; one that
// committed before that sample is (the audit trail knows when a transaction began, not when it
// committed: the documented imprecision, bounded by the samples).
func TestVintageOfALateCommit(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	id := h.observe("alpha", "num", 2019, 1.0, "A")
	change := func(value float64) func() error {
		a, err := h.db.SQL().Beginx()
		if err != nil {
			t.Fatal(err)
		}
		// As the store writes a change: the row, then its audit row with the after-image.
		if _, err := a.Exec(`WITH o AS (UPDATE observations SET value_number = $2, version = version + 1, updated_at = now()
				WHERE id = $1 RETURNING *)
			INSERT INTO audit_log (actor, action, resource, resource_id, after)
			SELECT 'secretariat:test', 'update', 'observation', o.id::text, observation_document(o::observations, 'numeric') FROM o`, id, value); err != nil {
			t.Fatal(err)
		}
		return a.Commit
	}
	version := func(at time.Time) int {
		var o domain.Observation
		h.do(req{method: "GET", path: withQuery(fmt.Sprintf("/v1/observations/%d", id), "as_of", at.UTC().Format(time.RFC3339Nano))}).expect(t, 200).JSON(t, &o)
		return o.Version
	}

	commit := change(2)
	T := h.dbNow()
	h.sampleHorizon() // sees the change's transaction still running
	if err := commit(); err != nil {
		t.Fatal(err)
	}
	if got := version(T); got != 1 {
		t.Errorf("as of T, with a change begun before T and still running at the next sample: version %d, want 1", got)
	}

	commit = change(3)
	T = h.dbNow()
	if err := commit(); err != nil {
		t.Fatal(err)
	}
	h.sampleHorizon()
	if got := version(T); got != 3 {
		t.Errorf("as of T, with a change begun before T and committed before the next sample: version %d, want 3 (counted)", got)
	}
}

// TestVintageErrors: as_of in the future, before 1900, malformed or with updated_since is a
// 422 naming it, on every operation that takes it.
func TestVintageErrors(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	id := h.observe("alpha", "num", 2019, 1.0, "A")
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, path := range []string{"/v1/observations", fmt.Sprintf("/v1/observations/%d", id), "/v1/observations/export"} {
		for _, q := range []string{"as_of=" + future, "as_of=1899-12-31T23:59:59Z", "as_of=yesterday", "as_of=2020-01-01"} {
			h.do(req{method: "GET", path: path + "?" + q}).expect(t, 422).errorAt(t, "query.as_of")
		}
	}
	for _, path := range []string{"/v1/observations", "/v1/observations/export"} {
		h.do(req{method: "GET", path: path + "?as_of=2020-01-01T00:00:00Z&updated_since=2020-01-01T00:00:00Z"}).expect(t, 422).errorAt(t, "query.as_of")
	}
	// A vintage never answers 304 to the current version's ETag.
	r := h.do(req{method: "GET", path: fmt.Sprintf("/v1/observations/%d", id)}).expect(t, 200)
	h.do(req{method: "GET", path: withQuery(fmt.Sprintf("/v1/observations/%d", id), "as_of", h.dbNow().UTC().Format(time.RFC3339Nano)),
		header: map[string]string{"If-None-Match": r.Header.Get("ETag")}}).expect(t, 200)
}
