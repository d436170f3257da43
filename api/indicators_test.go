package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestIndicatorValueRulesFrozenByObservations changes an indicator's value type, scale and
// levels: refused with 409 (naming the fields and the number of observations) while
// observations were checked against them, allowed when there are none; the other fields stay
// editable.
func TestIndicatorValueRulesFrozenByObservations(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	h.observe("alpha", "num", 2019, 7.0, "A")
	h.observe("beta", "num", 2019, 9.5, "A")
	h.observe("alpha", "ord", 2019, "mid", "A")

	current := func(slug string) (map[string]any, string) {
		t.Helper()
		r := h.do(req{method: "GET", path: "/v1/indicators/" + slug + "?lang=all"}).expect(t, 200)
		m := r.Map(t)
		for _, k := range []string{"slug", "status", "retired_at", "version", "created_at", "updated_at"} {
			delete(m, k)
		}
		return m, r.Header.Get("ETag")
	}
	put := func(slug string, change func(m map[string]any)) *response {
		t.Helper()
		body, tag := current(slug)
		change(body)
		return h.do(req{method: "PUT", path: "/v1/indicators/" + slug, token: sec, body: body,
			header: map[string]string{"If-Match": tag}})
	}
	refused := func(r *response, fields ...string) {
		t.Helper()
		r.expect(t, 409)
		detail, _ := r.Map(t)["detail"].(string)
		for _, want := range fields {
			if !strings.Contains(detail, want) {
				t.Fatalf("409 does not name %q: %s", want, detail)
			}
		}
	}

	refused(put("num", func(m map[string]any) { m["scale_max"] = 100 }), "scale_max", "2 observation")
	refused(put("num", func(m map[string]any) { m["scale_min"] = nil }), "scale_min", "2 observation")
	refused(put("num", func(m map[string]any) { m["value_type"] = "percentage"; m["scale_max"] = 100 }),
		"value_type", "scale_max", "2 observation")
	refused(put("num", func(m map[string]any) { m["value_type"] = "count" }), "value_type")
	refused(put("ord", func(m map[string]any) {
		m["levels"] = []any{map[string]any{"code": "low", "label": map[string]any{"en": "Low"}, "rank": 0},
			map[string]any{"code": "high", "label": map[string]any{"en": "High"}, "rank": 2}}
	}), "levels", "1 observation")
	refused(put("ord", func(m map[string]any) { m["value_type"] = "text"; m["levels"] = []any{}; m["direction"] = "none" }),
		"value_type", "levels")

	// Nothing changed, and the fields that do not type values stay editable.
	var ind domain.Indicator
	put("num", func(m map[string]any) {
		m["name"] = map[string]any{"en": "Number, renamed", "fr": "Nombre"}
		m["unit"] = "points"
		m["direction"] = "lower_is_better"
		m["sources"] = []any{"https://example.org/method"}
	}).expect(t, 200).JSON(t, &ind)
	if ind.Name.EN != "Number, renamed" || *ind.ScaleMax != 10 || ind.ValueType != "numeric" || ind.Version != 2 {
		t.Fatalf("after an allowed change: %+v", ind)
	}
	put("ord", func(m map[string]any) {
		m["levels"] = []any{map[string]any{"code": "low", "label": map[string]any{"en": "Low", "es": "Bajo"}, "rank": 0},
			map[string]any{"code": "mid", "label": map[string]any{"en": "Medium"}, "rank": 1},
			map[string]any{"code": "high", "label": map[string]any{"en": "High"}, "rank": 2}}
	}).expect(t, 200) // a level's label is not a value rule

	// Without observations, the value rules may change.
	put("cnt", func(m map[string]any) { m["value_type"] = "numeric"; m["scale_min"] = 0; m["scale_max"] = 1000 }).expect(t, 200).JSON(t, &ind)
	if ind.ValueType != "numeric" || ind.ScaleMax == nil || *ind.ScaleMax != 1000 {
		t.Fatalf("indicator without observations: %+v", ind)
	}
	// ... including once its last observation is gone.
	var page struct {
		Items []domain.Observation `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/observations?indicator=ord"}).expect(t, 200).JSON(t, &page)
	for _, o := range page.Items {
		h.do(req{method: "DELETE", path: fmt.Sprintf("/v1/observations/%d", o.ID), token: sec,
			header: map[string]string{"If-Match": fmt.Sprintf(`"v%d"`, o.Version)}}).expect(t, 204)
	}
	put("ord", func(m map[string]any) { m["value_type"] = "text"; m["levels"] = []any{}; m["direction"] = "none" }).expect(t, 200)
}
