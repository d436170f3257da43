package api_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/seed"
)

func TestCommunityAndPartners(t *testing.T) {
	h := newHarness(t)
	if _, err := seed.Run(context.Background(), h.db); err != nil {
		t.Fatal(err)
	}
	var c domain.Community
	r := h.do(req{method: "GET", path: "/v1/communities/digital-cities"}).expect(t, 200)
	r.JSON(t, &c)
	if c.ChairCity == nil || *c.ChairCity != "bilbao" || c.Name.EN != "Community of Practice on Digital Cities" {
		t.Fatalf("%+v", c)
	}
	// Only Bilbao's membership is reported; the nine sample members were invented for demos
	// (Málaga, Durban, Dakar, Seoul, Jakarta, Kazan, Istanbul, Montevideo, Mexico City).
	if want := (domain.ProvenanceCounts{Reported: 1, Sample: 9}); c.Members != 1 || c.MembersByProvenance != want {
		t.Fatalf("members %d by provenance %+v, want 1 and %+v", c.Members, c.MembersByProvenance, want)
	}
	tag := r.Header.Get("ETag")
	if tag != `"v1-m1.9.0-cbilbao-en"` {
		t.Fatalf("ETag %q", tag)
	}
	if nm := h.do(req{method: "GET", path: "/v1/communities/digital-cities", header: map[string]string{"If-None-Match": tag}}); nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}
	// A new member changes the community's tag.
	if _, err := h.db.UpdateCity(fixtureCtx(), fixtureCaller, "amman", domain.MatchAny, func(c *domain.City) (domain.CityFields, error) {
		f := c.Fields()
		f.CopMember = true
		return f, nil
	}); err != nil {
		t.Fatal(err)
	}
	// A new (sample) member changes the community's tag, and not its count of real members.
	h.do(req{method: "GET", path: "/v1/communities/digital-cities", header: map[string]string{"If-None-Match": tag}}).expect(t, 200).JSON(t, &c)
	if want := (domain.ProvenanceCounts{Reported: 1, Sample: 10}); c.Members != 1 || c.MembersByProvenance != want {
		t.Fatalf("after amman joined: members %d by provenance %+v, want 1 and %+v", c.Members, c.MembersByProvenance, want)
	}
	var list struct {
		Items []domain.Community `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/communities"}).expect(t, 200).JSON(t, &list)
	if len(list.Items) != 3 || list.Items[0].Slug != "committee-on-culture" || list.Items[1].Slug != "digital-cities" ||
		list.Items[1].Members != 1 || list.Items[1].MembersByProvenance.Sample != 10 {
		t.Fatalf("communities %+v", list.Items)
	}
	// The other bodies count as members the cities holding a role in them (Bilbao), not the
	// Community of Practice's members.
	for _, b := range []domain.Community{list.Items[0], list.Items[2]} {
		if b.Members != 1 || b.MembersByProvenance != (domain.ProvenanceCounts{Reported: 1}) || b.ChairCity != nil {
			t.Errorf("%s: members %d by provenance %+v, chair %v", b.Slug, b.Members, b.MembersByProvenance, b.ChairCity)
		}
	}
	if list.Items[0].Kind != "committee" || list.Items[1].Kind != "community_of_practice" || list.Items[2].Kind != "policy_council" {
		t.Errorf("kinds %s, %s, %s", list.Items[0].Kind, list.Items[1].Kind, list.Items[2].Kind)
	}
	org := h.do(req{method: "GET", path: "/v1/organisations/wego"}).expect(t, 200)
	if nm := h.do(req{method: "GET", path: "/v1/organisations/wego", header: map[string]string{"If-None-Match": org.Header.Get("ETag")}}); nm.Status != 304 {
		t.Fatalf("organisation If-None-Match: %d", nm.Status)
	}
	var orgs struct {
		Items []domain.Organisation `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/organisations"}).expect(t, 200).JSON(t, &orgs)
	slugs := map[string]bool{}
	for _, o := range orgs.Items {
		slugs[o.Slug] = true
	}
	for _, s := range []string{"un-habitat", "uraia", "wego", "wba", "fmdv"} {
		if !slugs[s] {
			t.Errorf("partner %s missing", s)
		}
	}
	// The report's "Uraía Platform (UN-Habitat and FDV)": Uraía is an initiative of FMDV and UN-Habitat.
	var uraia, fmdv domain.Organisation
	h.do(req{method: "GET", path: "/v1/organisations/uraia?lang=all"}).expect(t, 200).JSON(t, &uraia)
	if want := []domain.Relation{{Kind: "initiative_of", Organisation: "fmdv"}, {Kind: "initiative_of", Organisation: "un-habitat"}}; !slices.Equal(uraia.Relations, want) {
		t.Errorf("Uraía's relations %v, want %v", uraia.Relations, want)
	}
	h.do(req{method: "GET", path: "/v1/organisations/fmdv?lang=all"}).expect(t, 200).JSON(t, &fmdv)
	if fmdv.Acronym == nil || *fmdv.Acronym != "FMDV" || fmdv.Kind != "fund" || fmdv.Name.EN != "Global Fund for Cities Development" ||
		fmdv.Name.FR != "Fonds Mondial pour le Développement des Villes" || fmdv.Relations == nil || len(fmdv.Relations) != 0 {
		t.Errorf("FMDV %+v", fmdv)
	}
	h.do(req{method: "GET", path: "/v1/organisations/nobody"}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/communities/nothing"}).expect(t, 404)
}
