package api_test

import (
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func TestStudies(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	ed, _ := h.token(domain.RoleEditor, "alpha")
	body := map[string]any{"edition": 2021, "title": map[string]any{"en": "Smart Cities Study 2021"},
		"focus": map[string]any{"en": "Resilience"}, "status": "in_progress", "declared_city_count": 35,
		"declared_country_count": 20, "schedule": []any{map[string]any{"when": map[string]any{"value": "2021-06", "precision": "month"}, "milestone": map[string]any{"en": "Questionnaire"}}}}
	h.do(req{method: "POST", path: "/v1/studies", body: body, token: ed}).expect(t, 403)
	r := h.do(req{method: "POST", path: "/v1/studies", body: body, token: sec}).expect(t, 201)
	if r.Header.Get("Location") != "/v1/studies/2021" {
		t.Fatalf("Location %q", r.Header.Get("Location"))
	}
	h.do(req{method: "POST", path: "/v1/studies", body: body, token: sec}).expect(t, 409)
	when := func(value any, precision string) func(m map[string]any) {
		return func(m map[string]any) {
			m["schedule"] = []any{map[string]any{"when": map[string]any{"value": value, "precision": precision},
				"milestone": map[string]any{"en": "x"}}}
		}
	}
	for _, c := range []struct {
		field  string
		mutate func(m map[string]any)
	}{
		{"body.schedule[0].when.value", when("2021-13", "month")},
		{"body.schedule[0].when.value", when("2021-12", "year")}, // "end of 2021" is the year, not December
		{"body.schedule[0].when.value", when("2021-02-30", "day")},
		{"body.schedule[0].when.value", when("2021", "unknown")},
		{"body.schedule[0].when.value", when(nil, "quarter")},
		{"body.schedule[0].when.precision", when("2021", "decade")},
		{"body.framework", func(m map[string]any) { m["framework"] = "nope" }},
		{"body.status", func(m map[string]any) { m["status"] = "abandoned" }},
		{"body.edition", func(m map[string]any) { m["edition"] = 1999 }},
	} {
		m := map[string]any{}
		for k, v := range body {
			m[k] = v
		}
		m["edition"] = 2025
		c.mutate(m)
		h.do(req{method: "POST", path: "/v1/studies", body: m, token: sec}).expect(t, 422).errorAt(t, c.field)
	}

	var list struct {
		Items []domain.Study `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/studies"}).expect(t, 200).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].Edition != 2019 || list.Items[1].Edition != 2021 {
		t.Fatalf("studies %+v", list.Items)
	}
	h.do(req{method: "GET", path: "/v1/studies?status=in_progress"}).expect(t, 200).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("status filter: %d", len(list.Items))
	}
	got := h.do(req{method: "GET", path: "/v1/studies/2021"}).expect(t, 200)
	if nm := h.do(req{method: "GET", path: "/v1/studies/2021", header: map[string]string{"If-None-Match": got.Header.Get("ETag")}}); nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}
	upd := map[string]any{"title": map[string]any{"en": "Smart Cities Study 2021", "es": "Estudio 2021"},
		"focus": map[string]any{"en": "Resilience"}, "status": "published"}
	h.do(req{method: "PUT", path: "/v1/studies/2021", body: upd, token: sec}).expect(t, 428)
	var s domain.Study
	h.do(req{method: "PUT", path: "/v1/studies/2021?lang=all", body: upd, token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200).JSON(t, &s)
	if s.Status != "published" || s.Title.ES != "Estudio 2021" || s.DeclaredCityCount != nil || len(s.Schedule) != 0 {
		t.Fatalf("PUT replaces the whole edition: %+v", s)
	}
	h.do(req{method: "PUT", path: "/v1/studies/2021", body: upd, token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 412)
	h.do(req{method: "GET", path: "/v1/studies/1990"}).expect(t, 422)
	h.do(req{method: "GET", path: "/v1/studies/2030"}).expect(t, 404)

	// Participation.
	put := func(city, token string) *response {
		return h.do(req{method: "PUT", path: "/v1/studies/2019/cities/" + city, token: token, body: map[string]any{}})
	}
	put("alpha", ed).expect(t, 403)
	if r := put("alpha", sec); r.Status != 201 {
		t.Fatalf("add: %d %s", r.Status, r.Body)
	}
	if r := put("alpha", sec); r.Status != 200 {
		t.Fatalf("add again: %d", r.Status)
	}
	put("atlantis", sec).expect(t, 404)
	h.do(req{method: "PUT", path: "/v1/studies/2030/cities/alpha", token: sec, body: map[string]any{}}).expect(t, 404)
	put("beta", sec)
	var cities struct {
		Items []domain.StudyCity `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/studies/2019/cities"}).expect(t, 200).JSON(t, &cities)
	if len(cities.Items) != 2 || cities.Items[0].City != "alpha" || cities.Items[0].Name.EN != "Alpha" {
		t.Fatalf("participants %+v", cities.Items)
	}
	if r := h.do(req{method: "DELETE", path: "/v1/studies/2019/cities/alpha", token: sec}); r.Status != 204 {
		t.Fatalf("remove: %d", r.Status)
	}
	h.do(req{method: "DELETE", path: "/v1/studies/2019/cities/alpha", token: sec}).expect(t, 404)

	// Every precision, and a date still to be confirmed, is accepted as written.
	dated := map[string]any{}
	for k, v := range body {
		dated[k] = v
	}
	dated["edition"] = 2027
	dated["schedule"] = []any{
		map[string]any{"when": map[string]any{"value": "2027-11-11", "precision": "day"}, "milestone": map[string]any{"en": "Launch"}},
		map[string]any{"when": map[string]any{"value": "2027-Q4", "precision": "quarter"}, "milestone": map[string]any{"en": "Report"}},
		map[string]any{"when": map[string]any{"value": "2027", "precision": "year"}, "milestone": map[string]any{"en": "End of 2027"}},
		map[string]any{"when": map[string]any{"value": nil, "precision": "unknown"}, "milestone": map[string]any{"en": "Event, date to be confirmed"}},
	}
	var created domain.Study
	h.do(req{method: "POST", path: "/v1/studies", body: dated, token: sec}).expect(t, 201).JSON(t, &created)
	var whens []string
	for _, m := range created.Schedule {
		v := "null"
		if m.When.Value != nil {
			v = *m.When.Value
		}
		whens = append(whens, v+"/"+m.When.Precision)
	}
	if got := strings.Join(whens, " "); got != "2027-11-11/day 2027-Q4/quarter 2027/year null/unknown" {
		t.Fatalf("schedule stored as %s", got)
	}
}

func TestFrameworksAndIndicators(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	fw := map[string]any{"slug": "itu-t-y4903", "name": map[string]any{"en": "U4SSC KPIs"}, "dimensions": []any{
		map[string]any{"slug": "economy", "name": map[string]any{"en": "Economy"}},
		map[string]any{"slug": "ict", "parent": "economy", "name": map[string]any{"en": "ICT"}},
		map[string]any{"slug": "public-sector", "parent": "ict", "name": map[string]any{"en": "Public sector"}},
	}}
	var f domain.Framework
	h.do(req{method: "POST", path: "/v1/frameworks", body: fw, token: sec}).expect(t, 201).JSON(t, &f)
	if len(f.Dimensions) != 3 || f.Dimensions[2].Slug != "public-sector" || *f.Dimensions[2].Parent != "ict" {
		t.Fatalf("framework %+v", f)
	}
	h.do(req{method: "POST", path: "/v1/frameworks", body: fw, token: sec}).expect(t, 409)
	if nm := h.do(req{method: "GET", path: "/v1/frameworks/itu-t-y4903", header: map[string]string{"If-None-Match": `"v1-en"`}}); nm.Status != 304 {
		t.Fatalf("framework If-None-Match: %d", nm.Status)
	}
	bad := map[string]any{"slug": "bad", "name": map[string]any{"en": "Bad"}, "dimensions": []any{
		map[string]any{"slug": "child", "parent": "later", "name": map[string]any{"en": "Child"}},
		map[string]any{"slug": "later", "name": map[string]any{"en": "Later"}}}}
	h.do(req{method: "POST", path: "/v1/frameworks", body: bad, token: sec}).expect(t, 422).errorAt(t, "body.dimensions")
	var fws struct {
		Items []domain.Framework `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/frameworks"}).expect(t, 200).JSON(t, &fws)
	if len(fws.Items) != 2 || strings.Join(dimSlugs(fws.Items[0]), ",") != "a,a1,a2,b" {
		t.Fatalf("frameworks %+v", fws.Items)
	}

	// An indicator from another framework, linked as equivalent.
	ind := map[string]any{"slug": "u4ssc-open-data", "framework": "itu-t-y4903", "dimension": "public-sector",
		"code": "EC: ICT: PS: 1A", "name": map[string]any{"en": "Open Data"}, "value_type": "percentage",
		"direction": "higher_is_better", "equivalents": []string{"pct"}}
	r := h.do(req{method: "POST", path: "/v1/indicators", body: ind, token: sec}).expect(t, 201)
	var created domain.Indicator
	r.JSON(t, &created)
	if created.Code != "EC: ICT: PS: 1A" || created.Status != "active" || created.Equivalents[0] != "pct" {
		t.Fatalf("%+v", created)
	}
	for field, mutate := range map[string]func(m map[string]any){
		"body.levels":      func(m map[string]any) { m["value_type"] = "ordinal" },
		"body.scale_max":   func(m map[string]any) { m["scale_min"], m["scale_max"] = 5, 5 },
		"body.dimension":   func(m map[string]any) { m["dimension"] = "a1" }, // a1 belongs to fw
		"body.equivalents": func(m map[string]any) { m["equivalents"] = []string{"nope"} },
		"body.value_type":  func(m map[string]any) { m["value_type"] = "colour" },
	} {
		m := map[string]any{}
		for k, v := range ind {
			m[k] = v
		}
		m["slug"], m["code"] = "x-"+strings.NewReplacer(".", "-", "_", "-").Replace(field), field
		mutate(m)
		h.do(req{method: "POST", path: "/v1/indicators", body: m, token: sec}).expect(t, 422).errorAt(t, field)
	}
	dupCode := map[string]any{}
	for k, v := range ind {
		dupCode[k] = v
	}
	dupCode["slug"] = "another"
	h.do(req{method: "POST", path: "/v1/indicators", body: dupCode, token: sec}).expect(t, 409)
	// The same KPI in another form (U4SSC reports Open Data as a percentage and as a number)
	// keeps the framework's own code.
	dupCode["slug"], dupCode["value_type"], dupCode["equivalents"] = "u4ssc-open-data-number", "count", []string{}
	h.do(req{method: "POST", path: "/v1/indicators", body: dupCode, token: sec}).expect(t, 201)

	count := func(q string) int {
		var p struct {
			Items []domain.Indicator `json:"items"`
		}
		h.do(req{method: "GET", path: "/v1/indicators?" + q}).expect(t, 200).JSON(t, &p)
		return len(p.Items)
	}
	for q, want := range map[string]int{"": 8, "framework=fw": 6, "framework=fw&dimension=a": 3, "value_type=ordinal": 1,
		"status=retired": 0, "framework=itu-t-y4903&dimension=economy": 2} {
		if got := count(q); got != want {
			t.Errorf("?%s: %d, want %d", q, got, want)
		}
	}
	h.do(req{method: "GET", path: "/v1/indicators?dimension=a"}).expect(t, 422)

	// The value type cannot change once there are observations; other fields can.
	h.observe("alpha", "num", 2019, 1.0, "A")
	get := h.do(req{method: "GET", path: "/v1/indicators/num"}).expect(t, 200)
	var num domain.Indicator
	get.JSON(t, &num)
	num.ValueType = "count"
	h.do(req{method: "PUT", path: "/v1/indicators/num", body: num.IndicatorFields, token: sec,
		header: map[string]string{"If-Match": get.Header.Get("ETag")}}).expect(t, 409)
	num.ValueType, num.Name = "numeric", domain.Text{EN: "Number", FR: "Nombre"}
	var updated domain.Indicator
	h.do(req{method: "PUT", path: "/v1/indicators/num?lang=all", body: num.IndicatorFields, token: sec,
		header: map[string]string{"If-Match": get.Header.Get("ETag")}}).expect(t, 200).JSON(t, &updated)
	if updated.Name.FR != "Nombre" || updated.Version != 2 {
		t.Fatalf("%+v", updated)
	}
	h.do(req{method: "DELETE", path: "/v1/indicators/num", token: sec, header: map[string]string{"If-Match": `"v2"`}}).expect(t, 200)
	if count("status=retired") != 1 {
		t.Fatal("retired indicator not listed as retired")
	}
	// Its observations stay readable.
	var obs struct {
		Items []domain.Observation `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/observations?indicator=num"}).expect(t, 200).JSON(t, &obs)
	if len(obs.Items) != 1 {
		t.Fatal("a retired indicator's observations went away")
	}
}

func dimSlugs(f domain.Framework) []string {
	var s []string
	for _, d := range f.Dimensions {
		s = append(s, d.Slug)
	}
	return s
}
