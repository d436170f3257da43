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
	if _, err := h.db.UpdateCity(fixtureCtx(), fixtureCaller, "amman", domain.MatchAny, func(c *domain.City) (domain.CityFields, error) {
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
	for _, s := range []string{"un-habitat", "uraia", "wego", "wba"} {
		if !slugs[s] {
			t.Errorf("partner %s missing", s)
		}
	}
	h.do(req{method: "GET", path: "/v1/organisations/nobody"}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/communities/nothing"}).expect(t, 404)
}
