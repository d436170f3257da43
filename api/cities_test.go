package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

type cityPage struct {
	Items      []domain.City `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

func TestGetCity(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")

	r := h.do(req{method: "GET", path: "/v1/cities/bilbao"}).expect(t, 200)
	var c domain.City
	r.JSON(t, &c)
	if c.Slug != "bilbao" || c.Country != "ES" || c.Version != 1 {
		t.Fatalf("got %+v", c)
	}
	if got := r.Header.Get("ETag"); got != `"v1-en"` {
		t.Fatalf("ETag %q", got)
	}
	if r.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("anonymous read Cache-Control %q", r.Header.Get("Cache-Control"))
	}

	nm := h.do(req{method: "GET", path: "/v1/cities/bilbao", header: map[string]string{"If-None-Match": `"v1-en"`}})
	if nm.Status != 304 || nm.Header.Get("ETag") != `"v1-en"` || len(nm.Body) != 0 {
		t.Fatalf("If-None-Match current: %d %q %q", nm.Status, nm.Header.Get("ETag"), nm.Body)
	}
	// A stale copy gets the whole city, with its tag (the version alone answered the 304 above).
	stale := h.do(req{method: "GET", path: "/v1/cities/bilbao", header: map[string]string{"If-None-Match": `"v0-en", "v1-fr"`}})
	stale.expect(t, 200)
	if stale.Header.Get("ETag") != `"v1-en"` || !strings.Contains(string(stale.Body), `"slug":"bilbao"`) {
		t.Fatalf("If-None-Match stale: %q %s", stale.Header.Get("ETag"), stale.Body)
	}

	h.do(req{method: "GET", path: "/v1/cities/nowhere"}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/cities/nowhere", header: map[string]string{"If-None-Match": `"v1-en"`}}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/cities/nowhere", header: map[string]string{"If-None-Match": `*`}}).expect(t, 404)
}

func TestListCitiesFiltersAndErrors(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	h.city("dakar", "SN", "africa")
	_, err := h.db.CreateCity(fixtureCtx(), fixtureCaller, "malaga", domain.CityFields{Name: domain.Text{EN: "Málaga", ES: "Málaga"},
		Country: "ES", Section: "europe", CopMember: true, CopRole: ptr("member")})
	if err != nil {
		t.Fatal(err)
	}
	slugs := func(q string) string {
		t.Helper()
		var p cityPage
		h.do(req{method: "GET", path: "/v1/cities?" + q}).expect(t, 200).JSON(t, &p)
		var s []string
		for _, c := range p.Items {
			s = append(s, c.Slug)
		}
		return strings.Join(s, ",")
	}
	cases := map[string]string{
		"":                                   "bilbao,dakar,malaga",
		"country=ES":                         "bilbao,malaga",
		"section=africa":                     "dakar",
		"cop_member=true":                    "malaga",
		"cop_member=false":                   "bilbao,dakar",
		"q=MALAGA":                           "malaga",
		"q=alag":                             "malaga",
		"q=%25":                              "",
		"sort=-slug":                         "malaga,dakar,bilbao",
		"sort=name":                          "bilbao,dakar,malaga",
		"country=ES&sort=-name":              "malaga,bilbao",
		"updated_since=2000-01-01T00:00:00Z": "bilbao,dakar,malaga",
		"updated_since=" + h.headCursor():    "",
	}
	for q, want := range cases {
		if got := slugs(q); got != want {
			t.Errorf("?%s: got %q, want %q", q, got, want)
		}
	}

	for q, field := range map[string]string{
		"section=mars":            "query.section",
		"country=es":              "query.country",
		"cop_member=yes":          "query.cop_member",
		"limit=501":               "query.limit",
		"limit=0":                 "query.limit",
		"sort=population;drop":    "query.sort",
		"cursor=garbage":          "query.cursor",
		"updated_since=yesterday": "query.updated_since",
		// Cursors made by hand whose value the sort's key cannot have: checked as they are read.
		"sort=population&cursor=" + domain.Cursor{Sort: "population", Value: "many", ID: "x"}.Encode():                 "query.cursor",
		"sort=population&cursor=" + domain.Cursor{Sort: "population", Value: "1e99", ID: "x"}.Encode():                 "query.cursor",
		"sort=updated_at&cursor=" + domain.Cursor{Sort: "updated_at", Value: "0000-01-01T00:00:00Z", ID: "x"}.Encode(): "query.cursor",
		"sort=-updated_at&cursor=" + domain.Cursor{Sort: "-updated_at", Value: "now", ID: "x"}.Encode():                "query.cursor",
	} {
		h.do(req{method: "GET", path: "/v1/cities?" + q}).expect(t, 422).errorAt(t, field)
	}
	// A cursor is tied to its sort.
	var p cityPage
	h.do(req{method: "GET", path: "/v1/cities?limit=1"}).expect(t, 200).JSON(t, &p)
	h.do(req{method: "GET", path: "/v1/cities?sort=name&cursor=" + *p.NextCursor}).expect(t, 422).errorAt(t, "query.cursor")
}

func ptr[T any](v T) *T { return &v }

// walk follows next links from the first page and returns the slugs in order.
func walk(t *testing.T, h *harness, query string, between func(page int)) []string {
	t.Helper()
	var seen []string
	path := "/v1/cities?" + query
	for page := 0; ; page++ {
		r := h.do(req{method: "GET", path: path}).expect(t, 200)
		var p cityPage
		r.JSON(t, &p)
		for _, c := range p.Items {
			seen = append(seen, c.Slug)
		}
		if p.NextCursor == nil {
			if r.Header.Get("Link") != "" {
				t.Fatalf("Link on the last page: %s", r.Header.Get("Link"))
			}
			return seen
		}
		link := r.Header.Get("Link")
		if !strings.HasPrefix(link, "</v1/cities?") || !strings.HasSuffix(link, `>; rel="next"`) {
			t.Fatalf("Link %q", link)
		}
		path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		if between != nil {
			between(page)
		}
		if page > 100 {
			t.Fatal("paging does not end")
		}
	}
}

func TestPagingWalksEveryCityOnce(t *testing.T) {
	h := newHarness(t)
	var want []string
	for i := 0; i < 23; i++ {
		slug := fmt.Sprintf("city-%02d", i)
		c := h.city(slug, "ES", "europe")
		want = append(want, c.Slug)
		if i%3 == 0 { // ties on population and name order by slug
			if _, err := h.db.UpdateCity(fixtureCtx(), fixtureCaller, slug, domain.MatchAny, func(c *domain.City) (domain.CityFields, error) {
				f := c.Fields()
				f.Population = ptr(int64(1000 * (i % 2)))
				return f, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, sort := range []string{"slug", "-slug", "name", "-name", "population", "-population", "updated_at", "-updated_at"} {
		got := walk(t, h, "limit=4&sort="+sort, nil)
		if len(got) != len(want) {
			t.Fatalf("sort %s: %d cities, want %d: %v", sort, len(got), len(want), got)
		}
		seen := map[string]bool{}
		for _, s := range got {
			if seen[s] {
				t.Fatalf("sort %s: %s twice", sort, s)
			}
			seen[s] = true
		}
	}

	// Rows inserted between pages, before and after the cursor, do not make any original city
	// appear twice or go missing.
	inserted := 0
	got := walk(t, h, "limit=5&sort=slug", func(page int) {
		h.city(fmt.Sprintf("aaa-%d", page), "ES", "europe") // sorts before every page already read
		h.city(fmt.Sprintf("zzz-%d", page), "ES", "europe") // sorts after
		inserted++
	})
	count := map[string]int{}
	for _, s := range got {
		count[s]++
	}
	for _, s := range want {
		if count[s] != 1 {
			t.Fatalf("%s seen %d times while rows were inserted", s, count[s])
		}
	}
	for s, n := range count {
		if n != 1 {
			t.Fatalf("%s seen %d times", s, n)
		}
	}
	if inserted == 0 {
		t.Fatal("no page boundary crossed")
	}
}

func TestCreateCity(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	h.city("bilbao", "ES", "europe")
	ed, _ := h.token(domain.RoleEditor, "bilbao")
	body := map[string]any{"slug": "durban", "name": map[string]any{"en": "Durban"}, "country": "ZA", "section": "africa"}

	h.do(req{method: "POST", path: "/v1/cities", body: body}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/cities", body: body, token: ed}).expect(t, 403)
	r := h.do(req{method: "POST", path: "/v1/cities", body: body, token: sec}).expect(t, 201)
	if r.Header.Get("Location") != "/v1/cities/durban" || r.Header.Get("ETag") != `"v1-en"` {
		t.Fatalf("Location %q ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
	}
	if r.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("authenticated response Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	var c domain.City
	r.JSON(t, &c)
	if c.Provenance != "reported" || c.Name.EN != "Durban" {
		t.Fatalf("%+v", c)
	}
	h.do(req{method: "POST", path: "/v1/cities", body: body, token: sec}).expect(t, 409)

	with := func(k string, v any) map[string]any {
		m := map[string]any{"slug": "x-city", "name": map[string]any{"en": "X"}, "country": "ZA", "section": "africa"}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for field, b := range map[string]map[string]any{
		"body.slug":            with("slug", "Not A Slug"),
		"body.country":         with("country", "Spain"),
		"body.section":         with("section", "mars"),
		"body.name.en":         with("name", map[string]any{"en": ""}),
		"body.population":      with("population", -5),
		"body.latitude":        with("latitude", 91),
		"body.website":         with("website", "javascript:alert(1)"),
		"body.cop_role":        with("cop_role", "member"), // without cop_member
		"body.version":         with("version", 7),         // server-owned
		"body.population_year": with("population_year", 2020),
	} {
		h.do(req{method: "POST", path: "/v1/cities", body: b, token: sec}).expect(t, 422).errorAt(t, field)
	}
	h.do(req{method: "POST", path: "/v1/cities", body: with("name", nil), token: sec}).expect(t, 422)
	h.do(req{method: "POST", path: "/v1/cities", body: "{not json", token: sec}).expect(t, 400)
	h.do(req{method: "POST", path: "/v1/cities", body: "slug=x", token: sec,
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}).expect(t, 415)
	big := `{"slug":"big","name":{"en":"` + strings.Repeat("a", 2<<20) + `"},"country":"ZA","section":"africa"}`
	h.do(req{method: "POST", path: "/v1/cities", body: big, token: sec}).expect(t, 413)
}

func TestUpdateCityAuthAndPreconditions(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	h.city("dakar", "SN", "africa")
	sec, _ := h.token(domain.RoleSecretariat)
	edBilbao, _ := h.token(domain.RoleEditor, "bilbao")
	revoked, revokedID := h.token(domain.RoleSecretariat)
	if _, err := h.db.RevokeToken(fixtureCtx(), fixtureCaller, revokedID, domain.MatchAny); err != nil {
		t.Fatal(err)
	}
	admin, _ := h.token(domain.RoleAdmin)
	put := func(slug, token, ifMatch string, pop int) *response {
		hdr := map[string]string{}
		if ifMatch != "" {
			hdr["If-Match"] = ifMatch
		}
		return h.do(req{method: "PUT", path: "/v1/cities/" + slug, token: token, header: hdr,
			body: map[string]any{"name": map[string]any{"en": "Name"}, "country": "ES", "section": "europe", "population": pop}})
	}
	put("bilbao", "", `"v1"`, 1).expect(t, 401)
	put("bilbao", "dcapi_unknown", `"v1"`, 1).expect(t, 401)
	put("bilbao", revoked, `"v1"`, 1).expect(t, 401)
	put("bilbao", admin, `"v1"`, 1).expect(t, 403)
	put("dakar", edBilbao, `"v1"`, 1).expect(t, 403)
	put("bilbao", edBilbao, "", 1).expect(t, 428)
	put("bilbao", edBilbao, `"v9"`, 1).expect(t, 412)
	put("bilbao", edBilbao, `W/"v1"`, 1).expect(t, 412)
	put("nowhere", sec, `"v1"`, 1).expect(t, 404)

	r := put("bilbao", edBilbao, `"v1"`, 345000).expect(t, 200)
	if r.Header.Get("ETag") != `"v2-en"` {
		t.Fatalf("ETag after update %q", r.Header.Get("ETag"))
	}
	put("dakar", sec, `"v1"`, 7).expect(t, 200)
	put("bilbao", sec, `"v1"`, 2).expect(t, 412) // stale now

	// Denied writes changed nothing.
	var c domain.City
	h.do(req{method: "GET", path: "/v1/cities/bilbao"}).expect(t, 200).JSON(t, &c)
	if c.Version != 2 || *c.Population != 345000 {
		t.Fatalf("after denied writes: %+v", c)
	}
}

func TestPatchCity(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	patch := func(ifMatch string, body string) *response {
		return h.do(req{method: "PATCH", path: "/v1/cities/bilbao?lang=all", token: sec, body: body,
			header: map[string]string{"If-Match": ifMatch, "Content-Type": "application/merge-patch+json"}})
	}
	var c domain.City
	patch(`"v1"`, `{"population": 345000, "population_year": 2023, "name": {"fr": "Bilbao (fr)"}}`).expect(t, 200).JSON(t, &c)
	if *c.Population != 345000 || c.Name.EN != "Bilbao" || c.Name.FR != "Bilbao (fr)" || c.Version != 2 {
		t.Fatalf("%+v", c)
	}
	c = domain.City{}
	patch(`"v2"`, `{"population": null, "population_year": null, "name": {"fr": null}}`).expect(t, 200).JSON(t, &c)
	if c.Population != nil || c.Name.FR != "" || c.Name.EN != "Bilbao" {
		t.Fatalf("null did not clear: %+v", c)
	}
	patch(`"v3"`, `{"population_year": 2020}`).expect(t, 422).errorAt(t, "body.population_year")
	patch(`"v3"`, `{"slug": "other"}`).expect(t, 422)
	patch(`"v3"`, `{"version": 99}`).expect(t, 422)
	patch(`"v3"`, `{"country": "spain"}`).expect(t, 422).errorAt(t, "body.country")
	patch(`"v1"`, `{"population": 1}`).expect(t, 412)
	h.do(req{method: "PATCH", path: "/v1/cities/bilbao", token: sec, body: `{"population": 1}`}).expect(t, 428)
}

func TestDeleteCity(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	ed, _ := h.token(domain.RoleEditor, "bilbao")
	del := func(token, ifMatch string) *response {
		hdr := map[string]string{}
		if ifMatch != "" {
			hdr["If-Match"] = ifMatch
		}
		return h.do(req{method: "DELETE", path: "/v1/cities/bilbao", token: token, header: hdr})
	}
	del("", `"v1"`).expect(t, 401)
	del(ed, `"v1"`).expect(t, 403)
	del(sec, "").expect(t, 428)
	del(sec, `"v2"`).expect(t, 412)
	if r := del(sec, `"v1"`); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	del(sec, `"v1"`).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/cities/bilbao"}).expect(t, 404)
}

// TestDeleteCityNamesWhatRefersToIt: a city that other data refers to is not deleted, and the
// 409 says what refers to it, each kind of reference in turn, until nothing does.
func TestDeleteCityNamesWhatRefersToIt(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	ctx := fixtureCtx()
	del := func() *response {
		return h.do(req{method: "DELETE", path: "/v1/cities/alpha", token: sec, header: map[string]string{"If-Match": "*"}})
	}
	mustSay := func(parts ...string) {
		t.Helper()
		r := del().expect(t, 409)
		for _, p := range parts {
			if !strings.Contains(string(r.Body), p) {
				t.Fatalf("the conflict does not say %q: %s", p, r.Body)
			}
		}
	}
	h.observe("alpha", "num", 2019, 5.0, "A")
	h.observe("alpha", "num", 2018, 4.0, "A")
	if _, _, err := h.db.AddStudyCity(ctx, fixtureCaller, 2019, "alpha", "reported"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('digital-cities', '{"en": "Digital Cities"}', 'community_of_practice')`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateBodyRole(ctx, fixtureCaller, domain.BodyRoleFields{Body: "digital-cities", City: ptr("alpha"), Role: "member"}); err != nil {
		t.Fatal(err)
	}
	h.event("in-alpha", domain.EventFields{Start: date("2020", "year"), Location: domain.EventLocation{City: ptr("alpha")}})
	h.event("with-alpha", domain.EventFields{Start: date("2020", "year"), Cities: []domain.EventCity{{City: "alpha", Role: "speaker"}}})
	h.do(req{method: "POST", path: "/v1/trends", body: trendBody("t-a", "other"), token: sec}).expect(t, 201)
	h.adopt(t, sec, "alpha", "t-a", 2019, "pilot").expect(t, 201)

	mustSay(`city \"alpha\"`, "2 observation(s)", "studies 2019", "1 role(s) in UCLG bodies",
		"in-alpha (as their location)", "with-alpha (as a participant)", "1 trend adoption record(s)")
	steps := []struct {
		sql  string
		gone string
	}{
		{`DELETE FROM observations WHERE city = 'alpha'`, "observation"},
		{`DELETE FROM study_cities WHERE city = 'alpha'`, "studies"},
		{`DELETE FROM body_roles WHERE city = 'alpha'`, "role(s)"},
		{`UPDATE events SET city = NULL WHERE city = 'alpha'`, "as their location"},
		{`DELETE FROM event_cities WHERE city = 'alpha'`, "as a participant"},
	}
	for _, s := range steps {
		if _, err := h.db.SQL().Exec(s.sql); err != nil {
			t.Fatal(err)
		}
		r := del().expect(t, 409)
		if strings.Contains(string(r.Body), s.gone) {
			t.Fatalf("after %s the conflict still names it: %s", s.sql, r.Body)
		}
	}
	mustSay("trend adoption")
	if _, err := h.db.SQL().Exec(`DELETE FROM trend_adoptions WHERE city = 'alpha'`); err != nil {
		t.Fatal(err)
	}
	del().expect(t, 204)
}

// TestRecreatedCityNeverReusesAnETag deletes a city and creates one with the same slug: the
// new city's ETags differ from every ETag the deleted one had, so that neither a cache nor a
// conditional write can mistake one for the other.
func TestRecreatedCityNeverReusesAnETag(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	body := map[string]any{"slug": "porto", "name": map[string]any{"en": "Porto"}, "country": "PT", "section": "europe"}
	seen := map[string]bool{}
	for round := 0; round < 3; round++ {
		created := h.do(req{method: "POST", path: "/v1/cities", token: sec, body: body}).expect(t, 201).Header.Get("ETag")
		tag := h.do(req{method: "GET", path: "/v1/cities/porto"}).expect(t, 200).Header.Get("ETag")
		if tag != created {
			t.Fatalf("round %d: created with ETag %s, read %s", round, created, tag)
		}
		if seen[tag] {
			t.Fatalf("round %d: ETag %s was given to a deleted city", round, tag)
		}
		for old := range seen {
			h.do(req{method: "GET", path: "/v1/cities/porto", header: map[string]string{"If-None-Match": old}}).expect(t, 200)
			h.do(req{method: "PATCH", path: "/v1/cities/porto", token: sec, body: `{"population": 1}`,
				header: map[string]string{"If-Match": old, "Content-Type": "application/merge-patch+json"}}).expect(t, 412)
		}
		seen[tag] = true
		if round == 1 { // a city changed before its delete leaves its later ETags behind too
			tag = h.do(req{method: "PATCH", path: "/v1/cities/porto", token: sec, body: `{"population": 2}`,
				header: map[string]string{"If-Match": tag, "Content-Type": "application/merge-patch+json"}}).expect(t, 200).Header.Get("ETag")
			seen[tag] = true
		}
		h.do(req{method: "DELETE", path: "/v1/cities/porto", token: sec, header: map[string]string{"If-Match": tag}}).expect(t, 204)
	}
	if len(seen) != 4 {
		t.Fatalf("ETags %v", seen)
	}
}

// TestRecreateWaitsForADeleteInFlight creates a city while its delete is still running: the
// create waits for the delete and starts after its tombstone, instead of slipping in at
// version 1 once the old row is gone.
func TestRecreateWaitsForADeleteInFlight(t *testing.T) {
	h := newHarness(t)
	h.city("porto", "PT", "europe")
	ctx := fixtureCtx()
	// Hold the city's row lock, so that the delete, then the create, queue behind it.
	hold, err := h.db.SQL().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback()
	if _, err := hold.ExecContext(ctx, `SELECT 1 FROM cities WHERE slug = 'porto' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	waiting := func(n int) func() bool {
		return func() bool {
			var got int
			_ = h.db.SQL().GetContext(ctx, &got, `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
				WHERE NOT l.granted AND a.datname = current_database()`)
			return got >= n
		}
	}
	deleted, created := make(chan error, 1), make(chan error, 1)
	go func() { deleted <- h.db.DeleteCity(ctx, fixtureCaller, "porto", domain.MatchAny) }()
	waitFor(t, waiting(1))
	var c *domain.City
	go func() {
		var err error
		c, err = h.db.CreateCity(ctx, fixtureCaller, "porto", domain.CityFields{Name: domain.Text{EN: "Porto"}, Country: "PT", Section: "europe"})
		created <- err
	}()
	waitFor(t, waiting(2))
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-deleted; err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := <-created; err != nil {
		t.Fatalf("create after the delete: %v", err)
	}
	if c.Version != 2 {
		t.Fatalf("the city created while the first was being deleted is at version %d, want 2", c.Version)
	}
}

func TestTwoWritersSameETag(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	ed, _ := h.token(domain.RoleEditor, "bilbao")
	for round := 0; round < 5; round++ {
		tag := h.do(req{method: "GET", path: "/v1/cities/bilbao"}).expect(t, 200).Header.Get("ETag")
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, tok := range []string{sec, ed} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.do(req{method: "PATCH", path: "/v1/cities/bilbao", token: tok,
					body:   fmt.Sprintf(`{"population": %d}`, i+1),
					header: map[string]string{"If-Match": tag, "Content-Type": "application/merge-patch+json"}}).Status
			}()
		}
		wg.Wait()
		if !(statuses[0] == 200 && statuses[1] == 412 || statuses[0] == 412 && statuses[1] == 200) {
			t.Fatalf("round %d: statuses %v, want one 200 and one 412", round, statuses)
		}
	}
}
