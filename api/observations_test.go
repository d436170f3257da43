package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func obsBody(city, indicator string, value any, status string) map[string]any {
	return map[string]any{"city": city, "indicator": indicator, "year": 2019, "edition": 2019, "value": value, "status": status}
}

func TestObservationValidation(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	post := func(b map[string]any) *response {
		return h.do(req{method: "POST", path: "/v1/observations", token: sec, body: b})
	}
	with := func(b map[string]any, k string, v any) map[string]any {
		b[k] = v
		return b
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"percentage of 140", obsBody("alpha", "pct", 140, "A"), "body.value"},
		{"negative percentage", obsBody("alpha", "pct", -1, "A"), "body.value"},
		{"level not in the list", obsBody("alpha", "ord", "extreme", "A"), "body.value"},
		{"number for an ordinal", obsBody("alpha", "ord", 1, "A"), "body.value"},
		{"text for a numeric", obsBody("alpha", "num", "twelve", "A"), "body.value"},
		{"number sent as a string", obsBody("alpha", "num", "5", "A"), "body.value"},
		{"outside the scale", obsBody("alpha", "num", 10.5, "A"), "body.value"},
		{"fractional count", obsBody("alpha", "cnt", 1.5, "A"), "body.value"},
		{"negative count", obsBody("alpha", "cnt", -2, "A"), "body.value"},
		{"1 for a boolean", obsBody("alpha", "bool", 1, "A"), "body.value"},
		{"boolean for text", obsBody("alpha", "txt", true, "A"), "body.value"},
		{"empty text", obsBody("alpha", "txt", "", "A"), "body.value"},
		{"NUL in text", obsBody("alpha", "txt", "a\u0000b", "A"), "body.value"},
		{"bell in text", obsBody("alpha", "txt", "a\u0007b", "A"), "body.value"},
		{"NUL in source", with(obsBody("alpha", "num", 3, "A"), "source", "x\u0000"), "body.source"},
		{"value with status M", obsBody("alpha", "num", 3, "M"), "body.value"},
		{"no value with status A", obsBody("alpha", "num", nil, "A"), "body.value"},
		{"unknown status", obsBody("alpha", "num", 3, "X"), "body.status"},
		{"unknown quality", with(obsBody("alpha", "num", 3, "A"), "quality", "Z"), "body.quality"},
		{"unknown indicator", obsBody("alpha", "nope", 3, "A"), "body.indicator"},
		{"unknown city", obsBody("atlantis", "num", 3, "A"), "body.city"},
		{"unknown edition", with(obsBody("alpha", "num", 3, "A"), "edition", 2020), "body.edition"},
		{"year out of range", with(obsBody("alpha", "num", 3, "A"), "year", 1800), "body.year"},
		{"server-owned id", with(obsBody("alpha", "num", 3, "A"), "id", 7), "body.id"},
		{"server-owned verification", with(obsBody("alpha", "num", 3, "A"), "verification", "verified"), "body.verification"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			post(c.body).expect(t, 422).errorAt(t, c.field)
		})
	}
	// Nothing was written by the refused requests.
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM observations`); err != nil || n != 0 {
		t.Fatalf("%d observations after refused writes (%v)", n, err)
	}

	// Every value type round-trips as typed JSON.
	for _, ok := range []map[string]any{
		obsBody("alpha", "num", 7.25, "A"), obsBody("alpha", "pct", 0, "E"), obsBody("alpha", "cnt", 12, "P"),
		obsBody("alpha", "bool", false, "A"), obsBody("alpha", "ord", "high", "A"), obsBody("alpha", "txt", "Ñandú, «quoted»", "A"),
		obsBody("beta", "num", nil, "NR"), obsBody("beta", "pct", nil, "M"),
	} {
		r := post(ok).expect(t, 201)
		var got map[string]any
		r.JSON(t, &got)
		if fmt.Sprintf("%T %v", got["value"], got["value"]) != fmt.Sprintf("%T %v", jsonish(ok["value"]), jsonish(ok["value"])) {
			t.Errorf("%s: value %T %v, sent %v", ok["indicator"], got["value"], got["value"], ok["value"])
		}
		if !strings.HasPrefix(r.Header.Get("Location"), "/v1/observations/") || r.Header.Get("ETag") != `"v1"` {
			t.Errorf("Location %q ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
		}
	}
	post(obsBody("alpha", "num", 1, "A")).expect(t, 409)

	// A retired indicator takes no new values.
	retire := h.do(req{method: "DELETE", path: "/v1/indicators/cnt", token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200)
	if !strings.Contains(string(retire.Body), `"status":"retired"`) {
		t.Fatalf("retire: %s", retire.Body)
	}
	post(obsBody("beta", "cnt", 1, "A")).expect(t, 422).errorAt(t, "body.indicator")
}

// jsonish is v as encoding/json would decode it into an interface.
func jsonish(v any) any {
	if i, ok := v.(int); ok {
		return float64(i)
	}
	return v
}

func TestObservationEditorScopeAndAuth(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	ed, _ := h.token(domain.RoleEditor, "alpha")
	admin, _ := h.token(domain.RoleAdmin)
	betaID := h.observe("beta", "num", 2019, 4.0, "A")

	h.do(req{method: "POST", path: "/v1/observations", body: obsBody("alpha", "num", 1, "A")}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/observations", token: admin, body: obsBody("alpha", "num", 1, "A")}).expect(t, 403)
	h.do(req{method: "POST", path: "/v1/observations", token: ed, body: obsBody("beta", "pct", 1, "A")}).expect(t, 403)
	r := h.do(req{method: "POST", path: "/v1/observations", token: ed, body: obsBody("alpha", "num", 1, "A")}).expect(t, 201)
	var mine domain.Observation
	r.JSON(t, &mine)

	path := fmt.Sprintf("/v1/observations/%d", betaID)
	h.do(req{method: "PATCH", path: path, token: ed, body: `{"value": 5}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}).expect(t, 403)
	h.do(req{method: "DELETE", path: path, token: ed, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 403)
	h.do(req{method: "PUT", path: path + "/verification", token: ed, body: map[string]any{"verification": "verified"},
		header: map[string]string{"If-Match": `"v1"`}}).expect(t, 403)
	var o domain.Observation
	h.do(req{method: "GET", path: path}).expect(t, 200).JSON(t, &o)
	if o.Version != 1 || o.Value != 4.0 {
		t.Fatalf("denied writes changed the observation: %+v", o)
	}

	// The editor may change and delete its own city's observation.
	minePath := fmt.Sprintf("/v1/observations/%d", mine.ID)
	h.do(req{method: "PATCH", path: minePath, token: ed, body: `{"value": 2, "footnote": "corrected"}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}).expect(t, 200)
	h.do(req{method: "PATCH", path: minePath, token: ed, body: `{"city": "beta"}`,
		header: map[string]string{"If-Match": `"v2"`, "Content-Type": "application/merge-patch+json"}}).expect(t, 422)
	h.do(req{method: "DELETE", path: minePath, token: ed}).expect(t, 428)
	h.do(req{method: "DELETE", path: minePath, token: ed, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 412)
	if d := h.do(req{method: "DELETE", path: minePath, token: ed, header: map[string]string{"If-Match": `"v2"`}}); d.Status != 204 {
		t.Fatalf("delete own: %d %s", d.Status, d.Body)
	}
	h.do(req{method: "GET", path: minePath}).expect(t, 404)
}

func TestRevisionsAndVerification(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	ed, _ := h.token(domain.RoleEditor, "alpha")
	id := h.observe("alpha", "num", 2019, 3.0, "P")
	path := fmt.Sprintf("/v1/observations/%d", id)
	patch := func(token, etag, body string) *domain.Observation {
		t.Helper()
		var o domain.Observation
		h.do(req{method: "PATCH", path: path, token: token, body: body,
			header: map[string]string{"If-Match": etag, "Content-Type": "application/merge-patch+json"}}).expect(t, 200).JSON(t, &o)
		return &o
	}
	verify := func(etag, state string) *domain.Observation {
		t.Helper()
		var o domain.Observation
		h.do(req{method: "PUT", path: path + "/verification", token: sec, body: map[string]any{"verification": state},
			header: map[string]string{"If-Match": etag}}).expect(t, 200).JSON(t, &o)
		return &o
	}
	if o := verify(`"v1"`, "verified"); o.Verification != "verified" {
		t.Fatalf("%+v", o)
	}
	if o := patch(ed, `"v2"`, `{"footnote": "source checked"}`); o.Verification != "verified" {
		t.Fatal("a note change dropped the verification")
	}
	if o := patch(ed, `"v3"`, `{"value": 4.5, "status": "A"}`); o.Verification != "self_reported" || o.Value != 4.5 {
		t.Fatalf("a value change kept the verification: %+v", o)
	}
	h.do(req{method: "PUT", path: path + "/verification", token: sec, body: map[string]any{"verification": "approved"},
		header: map[string]string{"If-Match": `"v4"`}}).expect(t, 422)
	verify(`"v4"`, "rejected")

	var revs struct {
		Items []domain.Revision `json:"items"`
	}
	h.do(req{method: "GET", path: path + "/revisions"}).expect(t, 200).JSON(t, &revs)
	var got []string
	for _, r := range revs.Items {
		got = append(got, fmt.Sprintf("v%d:%v:%s:%s", r.Version, r.Observation.Value, r.Observation.Status, r.Observation.Verification))
	}
	want := "v4:4.5:A:self_reported v3:3:P:verified v2:3:P:verified v1:3:P:self_reported"
	if strings.Join(got, " ") != want {
		t.Fatalf("revisions %q, want %q", strings.Join(got, " "), want)
	}
	// Anonymous readers see the role that made each change, never the token's name.
	if revs.Items[0].ReplacedBy != "secretariat" || revs.Items[1].ReplacedBy != "editor" {
		t.Fatalf("replaced_by %q %q", revs.Items[0].ReplacedBy, revs.Items[1].ReplacedBy)
	}
	if raw := h.do(req{method: "GET", path: path + "/revisions"}).expect(t, 200).Body; strings.Contains(string(raw), " of test") {
		t.Fatalf("a revision names a token: %s", raw)
	}
	// The history outlives the observation.
	h.do(req{method: "DELETE", path: path, token: sec, header: map[string]string{"If-Match": `"v5"`}})
	h.do(req{method: "GET", path: path + "/revisions"}).expect(t, 200).JSON(t, &revs)
	if len(revs.Items) != 5 || revs.Items[0].Change != "delete" {
		t.Fatalf("after delete: %d revisions, first %+v", len(revs.Items), revs.Items[0])
	}
	h.do(req{method: "GET", path: "/v1/observations/999999/revisions"}).expect(t, 404)
}

func TestListObservations(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2017, 1.0, "A")
	h.observe("alpha", "num", 2019, 2.0, "A")
	h.observe("alpha", "pct", 2018, 50.0, "E")
	h.observe("beta", "bool", 2019, true, "A")
	h.observe("beta", "num", 2018, nil, "NR")
	h.observe("gamma", "ord", 2016, "low", "P")
	count := func(q string) int {
		t.Helper()
		var p struct {
			Items []domain.Observation `json:"items"`
		}
		h.do(req{method: "GET", path: "/v1/observations?" + q}).expect(t, 200).JSON(t, &p)
		return len(p.Items)
	}
	for q, want := range map[string]int{
		"":                                   6,
		"city=alpha":                         3,
		"city=alpha,beta":                    5,
		"indicator=num":                      3,
		"framework=fw":                       6,
		"framework=fw&dimension=a":           4, // a1 and a2 below a
		"framework=fw&dimension=a1":          3,
		"framework=fw&dimension=b":           2,
		"edition=2019":                       6,
		"from=2018":                          4,
		"from=2017&to=2018":                  3,
		"status=A,E":                         4,
		"status=NR":                          1,
		"verification=verified":              0,
		"provenance=reported":                6,
		"latest=true":                        5, // alpha/num keeps only 2019
		"latest=true&city=alpha":             2,
		"updated_since=2000-01-01T00:00:00Z": 6,
	} {
		if got := count(q); got != want {
			t.Errorf("?%s: %d observations, want %d", q, got, want)
		}
	}
	for q, field := range map[string]string{
		"from=2019&to=2017": "query.from",
		"dimension=a":       "query.dimension",
		"status=X":          "query.status[0]",
		"latest=maybe":      "query.latest",
		"edition=12":        "query.edition",
		"cursor=xyz":        "query.cursor",
	} {
		h.do(req{method: "GET", path: "/v1/observations?" + q}).expect(t, 422).errorAt(t, field)
	}
	// Paging by two walks every observation once.
	seen := map[int64]bool{}
	path := "/v1/observations?limit=2"
	for i := 0; i < 10 && path != ""; i++ {
		var p struct {
			Items      []domain.Observation `json:"items"`
			NextCursor *string              `json:"next_cursor"`
		}
		h.do(req{method: "GET", path: path}).expect(t, 200).JSON(t, &p)
		for _, o := range p.Items {
			if seen[o.ID] {
				t.Fatalf("observation %d twice", o.ID)
			}
			seen[o.ID] = true
		}
		path = ""
		if p.NextCursor != nil {
			path = "/v1/observations?limit=2&cursor=" + *p.NextCursor
		}
	}
	if len(seen) != 6 {
		t.Fatalf("walked %d observations, want 6", len(seen))
	}
	// Latest lists page by city and indicator: each pair once, its most recent period.
	var pairs []string
	path = "/v1/observations?latest=true&limit=2"
	for i := 0; i < 10 && path != ""; i++ {
		var p struct {
			Items      []domain.Observation `json:"items"`
			NextCursor *string              `json:"next_cursor"`
		}
		h.do(req{method: "GET", path: path}).expect(t, 200).JSON(t, &p)
		for _, o := range p.Items {
			pairs = append(pairs, fmt.Sprintf("%s/%s/%d", o.City, o.Indicator, o.Year))
		}
		path = ""
		if p.NextCursor != nil {
			path = "/v1/observations?latest=true&limit=2&cursor=" + *p.NextCursor
		}
	}
	if got := strings.Join(pairs, " "); got != "alpha/num/2019 alpha/pct/2018 beta/bool/2019 beta/num/2018 gamma/ord/2016" {
		t.Fatalf("latest walk: %s", got)
	}
	// A cursor of one kind of list is refused by the other.
	var first struct {
		NextCursor *string `json:"next_cursor"`
	}
	h.do(req{method: "GET", path: "/v1/observations?limit=1"}).expect(t, 200).JSON(t, &first)
	h.do(req{method: "GET", path: "/v1/observations?latest=true&cursor=" + *first.NextCursor}).expect(t, 422).errorAt(t, "query.cursor")
	// A list given as a repeated parameter is refused rather than cut to its first value; one
	// parameter with the values comma-separated is the form.
	h.do(req{method: "GET", path: "/v1/observations?city=alpha&city=beta"}).expect(t, 422).errorAt(t, "query.city")
	// A one-value parameter given twice is refused too.
	h.do(req{method: "GET", path: "/v1/observations?limit=1&limit=2"}).expect(t, 422).errorAt(t, "query.limit")
}

// TestRevisionsArePaged walks an observation's history of more than one page: every
// revision comes once, newest first, through next_cursor and the Link header.
func TestRevisionsArePaged(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	id := h.observe("alpha", "num", 2019, 0.0, "A")
	const updates = 60
	for i := 1; i <= updates; i++ {
		if _, err := h.db.UpdateObservation(fixtureCtx(), fixtureCaller, id, domain.MatchAny, func(o *domain.Observation) (domain.ObservationFields, error) {
			f := o.ObservationFields
			f.Value = float64(i%10) + 0.5
			return f, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	path := fmt.Sprintf("/v1/observations/%d", id)
	h.do(req{method: "DELETE", path: path, token: sec, header: map[string]string{"If-Match": fmt.Sprintf(`"v%d"`, updates+1)}}).expect(t, 204)
	const want = updates + 1 // every update's before-image, and the deleted state

	type revisionPage struct {
		Items      []domain.Revision `json:"items"`
		NextCursor *string           `json:"next_cursor"`
	}
	var first revisionPage
	h.do(req{method: "GET", path: path + "/revisions"}).expect(t, 200).JSON(t, &first)
	if len(first.Items) != 50 || first.NextCursor == nil {
		t.Fatalf("default page: %d revisions, next_cursor %v; want 50 and a cursor", len(first.Items), first.NextCursor)
	}

	var versions []int
	next := path + "/revisions?limit=7"
	for pages := 0; next != ""; pages++ {
		if pages > want {
			t.Fatal("paging does not end")
		}
		r := h.do(req{method: "GET", path: next}).expect(t, 200)
		var p revisionPage
		r.JSON(t, &p)
		if len(p.Items) == 0 || len(p.Items) > 7 {
			t.Fatalf("page of %d revisions", len(p.Items))
		}
		for _, rev := range p.Items {
			versions = append(versions, rev.Version)
		}
		next = ""
		if p.NextCursor != nil {
			link := r.Header.Get("Link")
			if !strings.HasSuffix(link, `>; rel="next"`) || !strings.Contains(link, "cursor="+*p.NextCursor) {
				t.Fatalf("Link %q for next_cursor %s", link, *p.NextCursor)
			}
			next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		} else if r.Header.Get("Link") != "" {
			t.Fatalf("Link on the last page: %s", r.Header.Get("Link"))
		}
	}
	if len(versions) != want {
		t.Fatalf("walked %d revisions, want %d", len(versions), want)
	}
	for i, v := range versions {
		if v != want-i { // newest first: the deleted v61, then v60 ... v1
			t.Fatalf("revision %d has version %d, want %d: %v", i, v, want-i, versions)
		}
	}

	h.do(req{method: "GET", path: path + "/revisions?limit=501"}).expect(t, 422).errorAt(t, "query.limit")
	h.do(req{method: "GET", path: path + "/revisions?cursor=garbage"}).expect(t, 422).errorAt(t, "query.cursor")
	h.do(req{method: "GET", path: "/v1/observations/999999/revisions?limit=5"}).expect(t, 404)
}
