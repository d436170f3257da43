package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// trendBody is a create-trend body for the study fixture's framework.
func trendBody(slug, category string, dims ...string) map[string]any {
	d := []any{}
	for _, x := range dims {
		d = append(d, map[string]any{"framework": "fw", "dimension": x})
	}
	return map[string]any{"slug": slug, "name": map[string]any{"en": "Trend " + slug},
		"description": map[string]any{"en": "About " + slug}, "category": category, "dimensions": d,
		"horizon_years": 5, "assessments": []any{map[string]any{"year": 2019, "phase": "growth", "source": "Test"}}}
}

func TestTrends(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	ed, _ := h.token(domain.RoleEditor, "alpha")

	body := trendBody("open-data", "open_data_platforms", "a1", "b")
	h.do(req{method: "POST", path: "/v1/trends", body: body}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/trends", body: body, token: ed}).expect(t, 403)
	r := h.do(req{method: "POST", path: "/v1/trends", body: body, token: sec}).expect(t, 201)
	if r.Header.Get("Location") != "/v1/trends/open-data" || r.Header.Get("ETag") != `"v1-en"` {
		t.Fatalf("Location %q ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
	}
	var tr domain.Trend
	r.JSON(t, &tr)
	if len(tr.Dimensions) != 2 || tr.Dimensions[0].Dimension != "a1" || len(tr.Assessments) != 1 || tr.Provenance != "reported" {
		t.Fatalf("created %+v", tr)
	}
	h.do(req{method: "POST", path: "/v1/trends", body: body, token: sec}).expect(t, 409)

	// Idempotency: the same key and body replay the first response.
	iot := trendBody("iot", "iot", "a2")
	k := map[string]string{"Idempotency-Key": "trend-iot"}
	first := h.do(req{method: "POST", path: "/v1/trends", body: iot, token: sec, header: k}).expect(t, 201)
	again := h.do(req{method: "POST", path: "/v1/trends", body: iot, token: sec, header: k}).expect(t, 201)
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
		t.Fatalf("replay: %q %s", again.Header.Get("Idempotent-Replayed"), again.Body)
	}

	for _, c := range []struct {
		field  string
		mutate func(m map[string]any)
	}{
		{"body.slug", func(m map[string]any) { m["slug"] = "ranking" }},
		{"body.dimensions[0]", func(m map[string]any) {
			m["dimensions"] = []any{map[string]any{"framework": "fw", "dimension": "nope"}}
		}},
		{"body.dimensions", func(m map[string]any) {
			m["dimensions"] = []any{map[string]any{"framework": "fw", "dimension": "a1"}, map[string]any{"framework": "fw", "dimension": "a1"}}
		}},
		{"body.assessments", func(m map[string]any) {
			a := map[string]any{"year": 2020, "phase": "growth", "source": "S"}
			m["assessments"] = []any{a, a}
		}},
		{"body.assessments[0].source", func(m map[string]any) {
			m["assessments"] = []any{map[string]any{"year": 2020, "phase": "growth", "source": " "}}
		}},
		{"body.description.en", func(m map[string]any) { m["description"] = map[string]any{"en": " "} }},
		{"body.category", func(m map[string]any) { m["category"] = "quantum" }},
		{"body.horizon_years", func(m map[string]any) { m["horizon_years"] = 0 }},
	} {
		m := trendBody("bad", "other")
		c.mutate(m)
		h.do(req{method: "POST", path: "/v1/trends", body: m, token: sec}).expect(t, 422).errorAt(t, c.field)
	}

	got := h.do(req{method: "GET", path: "/v1/trends/open-data"}).expect(t, 200)
	if nm := h.do(req{method: "GET", path: "/v1/trends/open-data", header: map[string]string{"If-None-Match": got.Header.Get("ETag")}}); nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}
	h.do(req{method: "GET", path: "/v1/trends/nope"}).expect(t, 404)

	// PUT replaces everything, dimensions included; a new year's assessment is added beside the first.
	upd := trendBody("open-data", "open_data_platforms", "b")
	delete(upd, "slug")
	upd["assessments"] = []any{map[string]any{"year": 2021, "phase": "mainstream", "source": "Test"},
		map[string]any{"year": 2019, "phase": "growth", "source": "Test"}}
	h.do(req{method: "PUT", path: "/v1/trends/open-data", body: upd, token: sec}).expect(t, 428)
	h.do(req{method: "PUT", path: "/v1/trends/open-data", body: upd, token: ed, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 403)
	h.do(req{method: "PUT", path: "/v1/trends/open-data", body: upd, token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200).JSON(t, &tr)
	if tr.Version != 2 || len(tr.Dimensions) != 1 || tr.Dimensions[0].Dimension != "b" || len(tr.Assessments) != 2 || tr.Assessments[0].Year != 2019 {
		t.Fatalf("updated %+v", tr)
	}
	h.do(req{method: "PUT", path: "/v1/trends/open-data", body: upd, token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 412)

	// Lists: filters and paging.
	h.do(req{method: "POST", path: "/v1/trends", body: trendBody("chatbots", "chatbots", "b"), token: sec}).expect(t, 201)
	list := func(q string) []string {
		t.Helper()
		var page struct {
			Items []domain.Trend `json:"items"`
		}
		h.do(req{method: "GET", path: "/v1/trends" + q}).expect(t, 200).JSON(t, &page)
		var slugs []string
		for _, x := range page.Items {
			slugs = append(slugs, x.Slug)
		}
		return slugs
	}
	for q, want := range map[string]string{
		"":                                 "[chatbots iot open-data]",
		"?category=iot":                    "[iot]",
		"?framework=fw":                    "[chatbots iot open-data]",
		"?framework=fw&dimension=b":        "[chatbots open-data]",
		"?framework=fw&dimension=a2":       "[iot]",
		"?framework=fw&dimension=a":        "[]",
		"?updated_since=" + h.headCursor(): "[]",
	} {
		if got := fmt.Sprint(list(q)); got != want && !(want == "[]" && got == "[]") {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	h.do(req{method: "GET", path: "/v1/trends?dimension=b"}).expect(t, 422).errorAt(t, "query.dimension")
	h.do(req{method: "GET", path: "/v1/trends?framework=nope"}).expect(t, 422).errorAt(t, "query.framework")
	h.do(req{method: "GET", path: "/v1/trends?framework=fw&dimension=zz"}).expect(t, 422).errorAt(t, "query.dimension")
	var all []string
	next := "/v1/trends?limit=2"
	for next != "" {
		var page struct {
			Items      []domain.Trend `json:"items"`
			NextCursor *string        `json:"next_cursor"`
		}
		r := h.do(req{method: "GET", path: next}).expect(t, 200)
		r.JSON(t, &page)
		for _, x := range page.Items {
			all = append(all, x.Slug)
		}
		next = ""
		if page.NextCursor != nil {
			next = "/v1/trends?limit=2&cursor=" + url.QueryEscape(*page.NextCursor)
		}
	}
	if fmt.Sprint(all) != "[chatbots iot open-data]" {
		t.Fatalf("paged: %v", all)
	}

	// A trend with adoption records cannot be deleted; without, it can, and leaves a tombstone.
	h.do(req{method: "POST", path: "/v1/cities/alpha/trends", token: sec,
		body: map[string]any{"trend": "chatbots", "year": 2020, "stage": "pilot", "source": "Test"}}).expect(t, 201)
	h.do(req{method: "DELETE", path: "/v1/trends/chatbots", token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 409)
	h.do(req{method: "DELETE", path: "/v1/trends/iot", token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 204)
	h.do(req{method: "GET", path: "/v1/trends/iot"}).expect(t, 404)
	r = h.do(req{method: "POST", path: "/v1/trends", body: trendBody("iot", "iot"), token: sec}).expect(t, 201)
	if r.Header.Get("ETag") != `"v2-en"` {
		t.Fatalf("a recreated trend must not reuse an ETag: %s", r.Header.Get("ETag"))
	}

	// Every write is audited.
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM audit_log WHERE resource = 'trend'`); err != nil {
		t.Fatal(err)
	}
	if n != 6 { // open-data create+update, iot create+delete+create, chatbots create
		t.Fatalf("audit rows for trends: %d", n)
	}
}

// adoption posts an adoption record through the API.
func (h *harness) adopt(t *testing.T, token, city, trend string, year int, stage string) *response {
	t.Helper()
	return h.do(req{method: "POST", path: "/v1/cities/" + city + "/trends", token: token,
		body: map[string]any{"trend": trend, "year": year, "stage": stage, "source": "Test"}})
}

func TestTrendAdoption(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.city("epsilon", "SN", "africa")
	sec, _ := h.token(domain.RoleSecretariat)
	edAlpha, _ := h.token(domain.RoleEditor, "alpha")
	for _, s := range []string{"t-a", "t-b"} {
		h.do(req{method: "POST", path: "/v1/trends", body: trendBody(s, "other"), token: sec}).expect(t, 201)
	}

	// Editors write their own cities only, and are refused before their input is judged.
	h.adopt(t, edAlpha, "beta", "t-a", 2019, "pilot").expect(t, 403)
	h.do(req{method: "POST", path: "/v1/cities/beta/trends", token: edAlpha, body: "{not json"}).expect(t, 403)
	h.adopt(t, "", "alpha", "t-a", 2019, "pilot").expect(t, 401)
	r := h.adopt(t, edAlpha, "alpha", "t-a", 2019, "exploring").expect(t, 201)
	if r.Header.Get("Location") != "/v1/cities/alpha/trends/t-a/2019" || r.Header.Get("ETag") != `"v1-en"` {
		t.Fatalf("Location %q ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
	}
	h.adopt(t, edAlpha, "alpha", "t-a", 2019, "pilot").expect(t, 409)
	h.adopt(t, edAlpha, "alpha", "nope", 2019, "pilot").expect(t, 422).errorAt(t, "body.trend")
	h.adopt(t, sec, "atlantis", "t-a", 2019, "pilot").expect(t, 404)
	h.adopt(t, edAlpha, "alpha", "t-a", 2019, "adopted").expect(t, 422).errorAt(t, "body.stage")
	// A value of the wrong JSON type is told in the contract's terms, at its field (not with Go's
	// type and struct names).
	wrong := h.do(req{method: "POST", path: "/v1/cities/alpha/trends", token: edAlpha,
		body: `{"trend": "t-a", "year": 2.023e3, "stage": "pilot", "source": "Test"}`}).expect(t, 422)
	wrong.errorAt(t, "body.year")
	if strings.Contains(string(wrong.Body), "Go struct") || strings.Contains(string(wrong.Body), "AdoptionCreateBody") {
		t.Errorf("a 422 names Go's types: %s", wrong.Body)
	}
	h.do(req{method: "POST", path: "/v1/cities/alpha/trends", token: edAlpha, body: map[string]any{"trend": "t-a", "year": 2022,
		"stage": "pilot", "source": "Test", "example_url": "https://example.org"}}).expect(t, 422).errorAt(t, "body.example_url")
	h.do(req{method: "POST", path: "/v1/cities/alpha/trends", token: edAlpha, body: map[string]any{"trend": "t-a", "year": 2022,
		"stage": "pilot", "source": "Test", "example_project": map[string]any{"en": "Portal"}, "example_url": "javascript:alert(1)"}}).expect(t, 422).errorAt(t, "body.example_url")

	h.adopt(t, edAlpha, "alpha", "t-a", 2021, "scaled").expect(t, 201)
	h.adopt(t, sec, "beta", "t-a", 2021, "pilot").expect(t, 201)
	h.adopt(t, sec, "epsilon", "t-a", 2021, "discontinued").expect(t, 201)
	h.adopt(t, sec, "alpha", "t-b", 2021, "pilot").expect(t, 201)

	keys := func(path string) string {
		t.Helper()
		var page struct {
			Items []domain.Adoption `json:"items"`
		}
		h.do(req{method: "GET", path: path}).expect(t, 200).JSON(t, &page)
		var out []string
		for _, a := range page.Items {
			out = append(out, fmt.Sprintf("%s/%s/%d:%s", a.Trend, a.City, a.Year, a.Stage))
		}
		return fmt.Sprint(out)
	}
	for path, want := range map[string]string{
		"/v1/cities/alpha/trends":                                 "[t-a/alpha/2021:scaled t-b/alpha/2021:pilot]",
		"/v1/cities/alpha/trends?year=2020":                       "[t-a/alpha/2019:exploring]",
		"/v1/cities/alpha/trends?history=true":                    "[t-a/alpha/2019:exploring t-a/alpha/2021:scaled t-b/alpha/2021:pilot]",
		"/v1/cities/alpha/trends?history=true&year=2019":          "[t-a/alpha/2019:exploring]",
		"/v1/cities/alpha/trends?stage=pilot":                     "[t-b/alpha/2021:pilot]",
		"/v1/cities/alpha/trends?stage=exploring":                 "[]",
		"/v1/cities/alpha/trends?provenance=sample":               "[]",
		"/v1/cities/gamma/trends":                                 "[]",
		"/v1/trends/t-a/adoption":                                 "[t-a/alpha/2021:scaled t-a/beta/2021:pilot t-a/epsilon/2021:discontinued]",
		"/v1/trends/t-a/adoption?section=africa":                  "[t-a/epsilon/2021:discontinued]",
		"/v1/trends/t-a/adoption?stage=pilot":                     "[t-a/beta/2021:pilot]",
		"/v1/trends/t-a/adoption?year=2019":                       "[t-a/alpha/2019:exploring]",
		"/v1/trends/t-a/adoption?provenance=reported":             "[t-a/alpha/2021:scaled t-a/beta/2021:pilot t-a/epsilon/2021:discontinued]",
		"/v1/trends/t-a/adoption?updated_since=" + h.headCursor(): "[]",
		"/v1/trends/t-a/adoption?updated_since=" + url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)): "[t-a/alpha/2021:scaled t-a/beta/2021:pilot t-a/epsilon/2021:discontinued]",
	} {
		if got := keys(path); got != want {
			t.Errorf("%s:\n got %s\nwant %s", path, got, want)
		}
	}
	h.do(req{method: "GET", path: "/v1/trends/nope/adoption"}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/cities/atlantis/trends"}).expect(t, 404)

	// Paging across pages, in both orders.
	for _, q := range []string{"", "&history=true"} {
		var got []string
		next := "/v1/trends/t-a/adoption?limit=1" + q
		for next != "" {
			var page struct {
				Items      []domain.Adoption `json:"items"`
				NextCursor *string           `json:"next_cursor"`
			}
			h.do(req{method: "GET", path: next}).expect(t, 200).JSON(t, &page)
			for _, a := range page.Items {
				got = append(got, fmt.Sprintf("%s/%d", a.City, a.Year))
			}
			next = ""
			if page.NextCursor != nil {
				next = "/v1/trends/t-a/adoption?limit=1" + q + "&cursor=" + url.QueryEscape(*page.NextCursor)
			}
		}
		want := "[alpha/2021 beta/2021 epsilon/2021]"
		if q != "" {
			want = "[alpha/2019 alpha/2021 beta/2021 epsilon/2021]"
		}
		if fmt.Sprint(got) != want {
			t.Errorf("paging%s: %v, want %s", q, got, want)
		}
	}
	h.do(req{method: "GET", path: "/v1/trends/t-a/adoption?cursor=bogus"}).expect(t, 422).errorAt(t, "query.cursor")

	// A record: ETag, If-None-Match, PUT with If-Match; a new stage is self_reported again.
	rec := "/v1/cities/alpha/trends/t-a/2021"
	got := h.do(req{method: "GET", path: rec}).expect(t, 200)
	if nm := h.do(req{method: "GET", path: rec, header: map[string]string{"If-None-Match": got.Header.Get("ETag")}}); nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}
	h.do(req{method: "GET", path: "/v1/cities/alpha/trends/t-a/2030"}).expect(t, 404)
	verify := func(token, state, ifMatch string) *response {
		return h.do(req{method: "PUT", path: rec + "/verification", token: token, body: map[string]any{"verification": state},
			header: map[string]string{"If-Match": ifMatch}})
	}
	verify(edAlpha, "verified", `"v1"`).expect(t, 403)
	var a domain.Adoption
	verify(sec, "verified", `"v1"`).expect(t, 200).JSON(t, &a)
	if a.Verification != "verified" || a.Version != 2 {
		t.Fatalf("verified %+v", a)
	}
	same := map[string]any{"stage": "scaled", "source": "Test"}
	h.do(req{method: "PUT", path: rec, token: edAlpha, body: same}).expect(t, 428)
	h.do(req{method: "PUT", path: rec, token: edAlpha, body: same, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 412)
	h.do(req{method: "PUT", path: rec, token: edAlpha, body: same, header: map[string]string{"If-Match": `"v2"`}}).expect(t, 200).JSON(t, &a)
	if a.Verification != "verified" {
		t.Fatalf("writing the same record keeps the verification: %+v", a)
	}
	// Any change, not only of stage, must be verified again: here the priority and the example.
	put := map[string]any{"stage": "scaled", "source": "Test", "priority": "high",
		"example_project": map[string]any{"en": "Portal"}, "example_url": "https://example.org/portal"}
	h.do(req{method: "PUT", path: rec, token: edAlpha, body: put, header: map[string]string{"If-Match": `"v3"`}}).expect(t, 200).JSON(t, &a)
	if a.Verification != "self_reported" || a.Priority == nil || *a.Priority != "high" || a.ExampleProject == nil {
		t.Fatalf("a changed record is self_reported again: %+v", a)
	}
	edBeta, _ := h.token(domain.RoleEditor, "beta")
	h.do(req{method: "PUT", path: rec, token: edBeta, body: put, header: map[string]string{"If-Match": `"v4"`}}).expect(t, 403)
	h.do(req{method: "DELETE", path: rec, token: edBeta, header: map[string]string{"If-Match": `"v4"`}}).expect(t, 403)
	h.do(req{method: "DELETE", path: rec, token: edAlpha, header: map[string]string{"If-Match": `"v4"`}}).expect(t, 204)
	h.do(req{method: "GET", path: rec}).expect(t, 404)
	r = h.adopt(t, edAlpha, "alpha", "t-a", 2021, "pilot").expect(t, 201)
	if r.Header.Get("ETag") != `"v5-en"` {
		t.Fatalf("a recreated record must not reuse an ETag: %s", r.Header.Get("ETag"))
	}

	// Idempotent create.
	k := map[string]string{"Idempotency-Key": "adopt-1"}
	b := map[string]any{"trend": "t-b", "year": 2019, "stage": "exploring", "source": "Test"}
	first := h.do(req{method: "POST", path: "/v1/cities/alpha/trends", token: edAlpha, body: b, header: k}).expect(t, 201)
	again := h.do(req{method: "POST", path: "/v1/cities/alpha/trends", token: edAlpha, body: b, header: k}).expect(t, 201)
	if again.Header.Get("Idempotent-Replayed") != "true" || string(first.Body) != string(again.Body) {
		t.Fatalf("replay %q", again.Header.Get("Idempotent-Replayed"))
	}
	b["stage"] = "pilot"
	h.do(req{method: "POST", path: "/v1/cities/alpha/trends", token: edAlpha, body: b, header: k}).expect(t, 422)

	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM audit_log WHERE resource = 'trend_adoption' AND resource_id = 't-a/alpha/2021'`); err != nil {
		t.Fatal(err)
	}
	if n != 6 { // create, verify, two updates, delete, create
		t.Fatalf("audit rows for the record: %d", n)
	}
}
