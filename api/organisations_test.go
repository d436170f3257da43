package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

type organisationPage struct {
	Items      []domain.Organisation `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

// organisation creates an organisation fixture in the store.
func (h *harness) organisation(slug, kind string, name domain.Text, acronym string, relations ...domain.Relation) *domain.Organisation {
	h.t.Helper()
	f := domain.OrganisationFields{Name: name, Kind: kind, Relations: relations}
	if acronym != "" {
		f.Acronym = &acronym
	}
	o, err := h.db.CreateOrganisation(fixtureCtx(), fixtureCaller, slug, f)
	if err != nil {
		h.t.Fatalf("fixture organisation %s: %v", slug, err)
	}
	return o
}

// auditCount counts the audit rows of one resource and action.
func (h *harness) auditCount(resource, id, action string) int {
	h.t.Helper()
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM audit_log WHERE resource = $1 AND resource_id = $2 AND action = $3`,
		resource, id, action); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func TestOrganisationWrites(t *testing.T) {
	h := newHarness(t)
	h.city("alpha", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	editor, _ := h.token(domain.RoleEditor, "alpha")
	h.organisation("un-habitat", "un_agency", domain.Text{EN: "UN-Habitat"}, "UN-Habitat")
	h.organisation("fmdv", "fund", domain.Text{EN: "Global Fund for Cities Development"}, "FMDV")

	uraia := map[string]any{"slug": "uraia", "name": map[string]any{"en": "Uraía Platform", "es": "Plataforma Uraía"},
		"acronym": "Uraía", "kind": "platform", "relations": []any{
			map[string]any{"kind": "initiative_of", "organisation": "un-habitat"},
			map[string]any{"kind": "initiative_of", "organisation": "fmdv"}}}

	// Only the secretariat writes organisations.
	h.do(req{method: "POST", path: "/v1/organisations", body: uraia}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/organisations", token: editor, body: uraia}).expect(t, 403)

	// Create: 201, Location, ETag; relations ordered by kind and slug. A retry with the same key
	// replays the answer and creates nothing more.
	key := map[string]string{"Idempotency-Key": "create-uraia"}
	r := h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: uraia, header: key}).expect(t, 201)
	if r.Header.Get("Location") != "/v1/organisations/uraia" || r.Header.Get("ETag") != `"v1-en"` {
		t.Fatalf("Location %q, ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
	}
	var o domain.Organisation
	r.JSON(t, &o)
	if o.Kind != "platform" || o.Acronym == nil || *o.Acronym != "Uraía" || o.Provenance != "reported" || len(o.Relations) != 2 ||
		o.Relations[0] != (domain.Relation{Kind: "initiative_of", Organisation: "fmdv"}) {
		t.Fatalf("created %+v", o)
	}
	replay := h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: uraia, header: key}).expect(t, 201)
	if replay.Header.Get("Idempotent-Replayed") != "true" || string(replay.Body) != string(r.Body) {
		t.Fatalf("replay: %q %s", replay.Header.Get("Idempotent-Replayed"), replay.Body)
	}
	other := map[string]any{"slug": "wego", "name": map[string]any{"en": "WeGO"}, "kind": "city_network"}
	h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: other, header: key}).expect(t, 422)
	h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: uraia}).expect(t, 409)
	if n := h.auditCount("organisation", "uraia", "create"); n != 1 {
		t.Fatalf("%d create audit rows, want 1", n)
	}

	// Relations: an unknown slug is a 422 naming the relation, so is the organisation itself, and
	// so is a relation listed twice or of an unknown kind.
	bad := func(relations []any, at string) {
		t.Helper()
		body := map[string]any{"slug": "bad", "name": map[string]any{"en": "Bad"}, "kind": "other", "relations": relations}
		h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: body}).expect(t, 422).errorAt(t, at)
	}
	bad([]any{map[string]any{"kind": "member_of", "organisation": "fmdv"}, map[string]any{"kind": "partner_of", "organisation": "atlantis"}},
		"body.relations[1].organisation")
	bad([]any{map[string]any{"kind": "part_of", "organisation": "bad"}}, "body.relations[0].organisation")
	bad([]any{map[string]any{"kind": "part_of", "organisation": "fmdv"}, map[string]any{"kind": "part_of", "organisation": "fmdv"}}, "body.relations[1]")
	bad([]any{map[string]any{"kind": "sponsor_of", "organisation": "fmdv"}}, "body.relations[0].kind")
	h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: map[string]any{"slug": "k", "name": map[string]any{"en": "K"},
		"kind": "guild"}}).expect(t, 422).errorAt(t, "body.kind")
	h.do(req{method: "GET", path: "/v1/organisations/bad"}).expect(t, 404)

	// PUT needs If-Match (428), a current one (412), and replaces the relations: the version
	// and the ETag change.
	put := map[string]any{"name": map[string]any{"en": "Uraía Platform"}, "kind": "platform", "website": "https://www.uraia.org",
		"relations": []any{map[string]any{"kind": "initiative_of", "organisation": "un-habitat"}}}
	h.do(req{method: "PUT", path: "/v1/organisations/uraia", token: sec, body: put}).expect(t, 428)
	h.do(req{method: "PUT", path: "/v1/organisations/uraia", token: sec, body: put, header: map[string]string{"If-Match": `"v7"`}}).expect(t, 412)
	h.do(req{method: "PUT", path: "/v1/organisations/uraia", token: editor, body: put, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 403)
	r = h.do(req{method: "PUT", path: "/v1/organisations/uraia", token: sec, body: put, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200)
	r.JSON(t, &o)
	if r.Header.Get("ETag") != `"v2-en"` || o.Acronym != nil || o.Website == nil || len(o.Relations) != 1 || o.Relations[0].Organisation != "un-habitat" {
		t.Fatalf("after PUT (%s): %+v", r.Header.Get("ETag"), o)
	}
	put["relations"] = []any{map[string]any{"kind": "initiative_of", "organisation": "uraia"}}
	h.do(req{method: "PUT", path: "/v1/organisations/uraia", token: sec, body: put, header: map[string]string{"If-Match": `"v2"`}}).
		expect(t, 422).errorAt(t, "body.relations[0].organisation")
	h.do(req{method: "PUT", path: "/v1/organisations/nowhere", token: sec, body: put, header: map[string]string{"If-Match": "*"}}).expect(t, 404)

	// PATCH merges; a relations list replaces the list; a change of relations alone is a new version.
	merge := func(etag string) map[string]string {
		return map[string]string{"If-Match": etag, "Content-Type": "application/merge-patch+json"}
	}
	h.do(req{method: "PATCH", path: "/v1/organisations/uraia", token: sec, body: `{"acronym": "Uraía"}`, header: merge(`"v1"`)}).expect(t, 412)
	r = h.do(req{method: "PATCH", path: "/v1/organisations/uraia?lang=all", token: sec, header: merge(`"v2"`),
		body: `{"relations": [{"kind": "initiative_of", "organisation": "fmdv"}, {"kind": "initiative_of", "organisation": "un-habitat"}], "name": {"fr": "Plateforme Uraía"}}`}).expect(t, 200)
	r.JSON(t, &o)
	if r.Header.Get("ETag") != `"v3"` || len(o.Relations) != 2 || o.Name.FR != "Plateforme Uraía" || o.Name.EN != "Uraía Platform" || o.Website == nil {
		t.Fatalf("after PATCH (%s): %+v", r.Header.Get("ETag"), o)
	}
	r = h.do(req{method: "PATCH", path: "/v1/organisations/uraia", token: sec, body: `{"website": null}`, header: merge(`"v3"`)}).expect(t, 200)
	r.JSON(t, &o)
	if o.Website != nil || len(o.Relations) != 2 || o.Version != 4 {
		t.Fatalf("after clearing the website: %+v", o)
	}
	if n := h.auditCount("organisation", "uraia", "update"); n != 3 {
		t.Fatalf("%d update audit rows, want 3", n)
	}
	nm := h.do(req{method: "GET", path: "/v1/organisations/uraia", header: map[string]string{"If-None-Match": `"v4-en"`}})
	if nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}

	// DELETE: 428, 412, 409 while another organisation's relation or a role names it; then 204,
	// and one created again with its slug continues its versions.
	h.do(req{method: "DELETE", path: "/v1/organisations/fmdv", token: sec}).expect(t, 428)
	h.do(req{method: "DELETE", path: "/v1/organisations/fmdv", token: sec, header: map[string]string{"If-Match": `"v9"`}}).expect(t, 412)
	h.do(req{method: "DELETE", path: "/v1/organisations/fmdv", token: editor, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 403)
	conflict := h.do(req{method: "DELETE", path: "/v1/organisations/fmdv", token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 409)
	if !strings.Contains(string(conflict.Body), "uraia initiative_of") {
		t.Fatalf("the conflict does not say what refers to fmdv: %s", conflict.Body)
	}
	h.do(req{method: "PATCH", path: "/v1/organisations/uraia", token: sec, body: `{"relations": []}`, header: merge(`"v4"`)}).expect(t, 200)
	if _, err := h.db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('digital-cities', '{"en": "Digital Cities"}', 'community_of_practice')`); err != nil {
		t.Fatal(err)
	}
	role, err := h.db.CreateBodyRole(fixtureCtx(), fixtureCaller, domain.BodyRoleFields{Body: "digital-cities", Organisation: ptr("fmdv"), Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	conflict = h.do(req{method: "DELETE", path: "/v1/organisations/fmdv", token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 409)
	if !strings.Contains(string(conflict.Body), "1 role(s)") {
		t.Fatalf("the conflict does not count the role: %s", conflict.Body)
	}
	if err := h.db.DeleteBodyRole(fixtureCtx(), fixtureCaller, role.ID, domain.MatchAny); err != nil {
		t.Fatal(err)
	}
	// A partner of an event cannot be deleted either, and the conflict names the event.
	if _, err := h.db.CreateEvent(fixtureCtx(), fixtureCaller, "fund-day", domain.EventFields{Title: domain.Text{EN: "Fund day"},
		Type: "meeting", Start: domain.DateWithPrecision{Precision: "unknown"}, Status: "tbc",
		Partners: []domain.EventPartner{{Organisation: "fmdv", Role: "host"}}}); err != nil {
		t.Fatal(err)
	}
	conflict = h.do(req{method: "DELETE", path: "/v1/organisations/fmdv", token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 409)
	if !strings.Contains(string(conflict.Body), "fund-day") {
		t.Fatalf("the conflict does not name the event: %s", conflict.Body)
	}
	if err := h.db.DeleteEvent(fixtureCtx(), fixtureCaller, "fund-day", domain.MatchAny); err != nil {
		t.Fatal(err)
	}
	h.do(req{method: "DELETE", path: "/v1/organisations/fmdv", token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 204)
	h.do(req{method: "GET", path: "/v1/organisations/fmdv"}).expect(t, 404)
	if n := h.auditCount("organisation", "fmdv", "delete"); n != 1 {
		t.Fatalf("%d delete audit rows, want 1", n)
	}
	again := map[string]any{"slug": "fmdv", "name": map[string]any{"en": "FMDV"}, "kind": "fund"}
	if tag := h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: again}).expect(t, 201).Header.Get("ETag"); tag != `"v2-en"` {
		t.Fatalf("an organisation created again with a deleted slug has ETag %s, want \"v2\"", tag)
	}
	// Deleting an organisation deletes its own relations, not the organisations they name.
	h.do(req{method: "DELETE", path: "/v1/organisations/uraia", token: sec, header: map[string]string{"If-Match": `"v5"`}}).expect(t, 204)
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM organisation_relations`); err != nil || n != 0 {
		t.Fatalf("%d relations left (%v)", n, err)
	}
	h.do(req{method: "GET", path: "/v1/organisations/un-habitat"}).expect(t, 200)
}

func TestListOrganisationsFiltersAndPaging(t *testing.T) {
	h := newHarness(t)
	h.organisation("un-habitat", "un_agency", domain.Text{EN: "United Nations Human Settlements Programme",
		FR: "Programme des Nations unies pour les établissements humains"}, "UN-Habitat")
	h.organisation("fmdv", "fund", domain.Text{EN: "Global Fund for Cities Development", ES: "Fondo Mundial para el Desarrollo de las Ciudades"}, "FMDV")
	h.organisation("uraia", "platform", domain.Text{EN: "Uraía Platform"}, "Uraía",
		domain.Relation{Kind: "initiative_of", Organisation: "un-habitat"})
	h.organisation("wego", "city_network", domain.Text{EN: "World Smart Sustainable Cities Organization"}, "WeGO")
	h.organisation("uclg", "city_network", domain.Text{EN: "United Cities and Local Governments"}, "UCLG")

	slugs := func(q string) string {
		t.Helper()
		var p organisationPage
		h.do(req{method: "GET", path: "/v1/organisations?" + q}).expect(t, 200).JSON(t, &p)
		var s []string
		for _, o := range p.Items {
			s = append(s, o.Slug)
		}
		return strings.Join(s, ",")
	}
	head := h.headCursor()
	for q, want := range map[string]string{
		"":                                   "fmdv,uclg,un-habitat,uraia,wego",
		"kind=city_network":                  "uclg,wego",
		"kind=fund":                          "fmdv",
		"kind=uclg_body":                     "",
		"q=URAIA":                            "uraia",          // accents and case ignored
		"q=etablissements":                   "un-habitat",     // French name
		"q=desarrollo":                       "fmdv",           // Spanish name
		"q=wego":                             "wego",           // acronym
		"q=cities":                           "fmdv,uclg,wego", // names
		"q=%25":                              "",
		"kind=city_network&q=united":         "uclg",
		"updated_since=2000-01-01T00:00:00Z": "fmdv,uclg,un-habitat,uraia,wego",
		"updated_since=" + head:              "",
	} {
		if got := slugs(q); got != want {
			t.Errorf("?%s: %q, want %q", q, got, want)
		}
	}
	// updated_since sees a change of relations.
	mark := h.sampleHorizon()
	head = h.headCursor()
	if _, err := h.db.UpdateOrganisation(fixtureCtx(), fixtureCaller, "wego", domain.MatchAny, func(o *domain.Organisation) (domain.OrganisationFields, error) {
		f := o.Fields()
		f.Relations = []domain.Relation{{Kind: "partner_of", Organisation: "uclg"}}
		return f, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := slugs("updated_since=" + head); got != "wego" {
		t.Errorf("updated since the relation was added: %q, want wego", got)
	}
	if got := slugs("updated_since=" + url.QueryEscape(mark.UTC().Format(time.RFC3339Nano))); !strings.Contains(got, "wego") {
		t.Errorf("updated since the time the relation was added: %q, want wego among them", got)
	}

	// Paging across pages, with Link, until next_cursor is null.
	var all []string
	path := "/v1/organisations?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		r := h.do(req{method: "GET", path: path}).expect(t, 200)
		var p organisationPage
		r.JSON(t, &p)
		for _, o := range p.Items {
			all = append(all, o.Slug)
		}
		path = ""
		if p.NextCursor != nil {
			link := r.Header.Get("Link")
			if !strings.Contains(link, `rel="next"`) || len(p.Items) != 2 {
				t.Fatalf("page of %d with Link %q", len(p.Items), link)
			}
			path = "/v1/organisations?limit=2&cursor=" + *p.NextCursor
		}
	}
	if got := strings.Join(all, ","); got != "fmdv,uclg,un-habitat,uraia,wego" {
		t.Fatalf("pages gave %s", got)
	}
	h.do(req{method: "GET", path: "/v1/organisations?kind=guild"}).expect(t, 422).errorAt(t, "query.kind")
	h.do(req{method: "GET", path: "/v1/organisations?cursor=bogus"}).expect(t, 422)
}

// TestOrganisationHierarchiesHaveNoCycles: part_of, member_of and initiative_of cannot bring an
// organisation back to itself, directly or through a chain; partner_of may go both ways.
func TestOrganisationHierarchiesHaveNoCycles(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	org := func(slug string, relations ...map[string]any) *response {
		rel := []any{}
		for _, r := range relations {
			rel = append(rel, r)
		}
		return h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: map[string]any{"slug": slug,
			"name": map[string]any{"en": slug}, "kind": "other", "relations": rel}})
	}
	rel := func(kind, to string) map[string]any { return map[string]any{"kind": kind, "organisation": to} }
	org("a").expect(t, 201)
	org("b", rel("part_of", "a"), rel("partner_of", "a")).expect(t, 201)
	org("c", rel("part_of", "b")).expect(t, 201)
	put := func(relations ...any) *response {
		return h.do(req{method: "PUT", path: "/v1/organisations/a", token: sec, header: map[string]string{"If-Match": "*"},
			body: map[string]any{"name": map[string]any{"en": "a"}, "kind": "other", "relations": relations}})
	}
	put(rel("part_of", "b")).expect(t, 422).errorAt(t, "body.relations")
	put(rel("part_of", "c")).expect(t, 422).errorAt(t, "body.relations")
	put(rel("member_of", "c"), rel("partner_of", "b")).expect(t, 200) // another kind, and a partnership both ways
}
