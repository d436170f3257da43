package api_test

import (
	"context"
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
	if r.Header.Get("ETag") != `"v1"` {
		t.Fatalf("ETag %q", r.Header.Get("ETag"))
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
