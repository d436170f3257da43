package api_test

import (
	"context"
	"strings"
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
	if c.ChairCity == nil || *c.ChairCity != "bilbao" || c.Name.EN != "Community of Practice on Digital Cities" || c.Members < 1 {
		t.Fatalf("%+v", c)
	}
	tag := r.Header.Get("ETag")
	if !strings.HasPrefix(tag, `"v1-m`) {
		t.Fatalf("ETag %q", tag)
	}
	if nm := h.do(req{method: "GET", path: "/v1/communities/digital-cities", header: map[string]string{"If-None-Match": tag}}); nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}
	// A new member changes the community's tag.
	if _, err := h.db.UpdateCity(fixtureCtx(), fixtureCaller, "amman", 0, func(c *domain.City) (domain.CityFields, error) {
		f := c.Fields()
		f.CopMember = true
		return f, nil
	}); err != nil {
		t.Fatal(err)
	}
	h.do(req{method: "GET", path: "/v1/communities/digital-cities", header: map[string]string{"If-None-Match": tag}}).expect(t, 200)
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
	// The report's "Uraía Platform (UN-Habitat and FDV)": FMDV and UN-Habitat founded Uraía.
	var uraia, fmdv domain.Organisation
	h.do(req{method: "GET", path: "/v1/organisations/uraia"}).expect(t, 200).JSON(t, &uraia)
	if strings.Join(uraia.Founders, ",") != "fmdv,un-habitat" {
		t.Errorf("Uraía's founders %v, want fmdv and un-habitat", uraia.Founders)
	}
	h.do(req{method: "GET", path: "/v1/organisations/fmdv"}).expect(t, 200).JSON(t, &fmdv)
	if fmdv.Acronym == nil || *fmdv.Acronym != "FMDV" || fmdv.Name.EN != "Global Fund for Cities Development" ||
		fmdv.Name.FR != "Fonds Mondial pour le Développement des Villes" || fmdv.Founders == nil || len(fmdv.Founders) != 0 {
		t.Errorf("FMDV %+v", fmdv)
	}
	h.do(req{method: "GET", path: "/v1/organisations/nobody"}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/communities/nothing"}).expect(t, 404)
}
