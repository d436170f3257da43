package api_test

import (
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// studyFixture builds a small framework for tests:
//
//	fw: a (a1, a2), b
//	num  numeric 0..10, higher is better, in a1
//	cnt  count without scale, in a1 (counted, never scored)
//	pct  percentage, lower is better, in a2
//	bool boolean, higher is better, in b
//	ord  ordinal low(0) < mid(1) < high(2), higher is better, in b
//	txt  text, in b
//
// and edition 2019 on fw, cities alpha, beta, gamma, delta.
func studyFixture(t testing.TB, h *harness) {
	t.Helper()
	ctx := fixtureCtx()
	p := func(s string) *string { return &s }
	if _, err := h.db.CreateFramework(ctx, fixtureCaller, domain.FrameworkCreate{Slug: "fw", Name: domain.Text{EN: "Test framework"},
		Dimensions: []domain.Dimension{
			{Slug: "a", Name: domain.Text{EN: "A"}},
			{Slug: "a1", Parent: p("a"), Name: domain.Text{EN: "A1"}},
			{Slug: "a2", Parent: p("a"), Name: domain.Text{EN: "A2"}},
			{Slug: "b", Name: domain.Text{EN: "B"}},
		}}); err != nil {
		t.Fatal(err)
	}
	lo, hi := 0.0, 10.0
	for _, ind := range []struct {
		slug string
		f    domain.IndicatorFields
	}{
		{"num", domain.IndicatorFields{Dimension: "a1", ValueType: "numeric", ScaleMin: &lo, ScaleMax: &hi, Direction: "higher_is_better"}},
		{"cnt", domain.IndicatorFields{Dimension: "a1", ValueType: "count", Direction: "higher_is_better"}},
		{"pct", domain.IndicatorFields{Dimension: "a2", ValueType: "percentage", Direction: "lower_is_better"}},
		{"bool", domain.IndicatorFields{Dimension: "b", ValueType: "boolean", Direction: "higher_is_better"}},
		{"ord", domain.IndicatorFields{Dimension: "b", ValueType: "ordinal", Direction: "higher_is_better", Levels: domain.Levels{
			{Code: "low", Label: domain.Text{EN: "Low"}, Rank: 0}, {Code: "mid", Label: domain.Text{EN: "Mid"}, Rank: 1},
			{Code: "high", Label: domain.Text{EN: "High"}, Rank: 2}}}},
		{"txt", domain.IndicatorFields{Dimension: "b", ValueType: "text"}},
	} {
		ind.f.Framework, ind.f.Code, ind.f.Name = "fw", ind.slug, domain.Text{EN: ind.slug}
		if _, err := h.db.CreateIndicator(ctx, fixtureCaller, ind.slug, ind.f); err != nil {
			t.Fatalf("indicator %s: %v", ind.slug, err)
		}
	}
	if _, err := h.db.CreateStudy(ctx, fixtureCaller, 2019, domain.StudyFields{Title: domain.Text{EN: "Test 2019"}, Focus: domain.Text{EN: "Testing"},
		Framework: p("fw"), Status: "published"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"alpha", "beta", "gamma", "delta"} {
		h.city(c, "ES", "europe")
	}
}

// observe creates an observation through the store and returns its id.
func (h *harness) observe(city, indicator string, year int, value any, status string) int64 {
	h.t.Helper()
	edition := 2019
	o, err := h.db.CreateObservation(fixtureCtx(), fixtureCaller, domain.ObservationFields{Indicator: indicator, City: city, Year: year,
		Edition: &edition, Value: value, Status: status})
	if err != nil {
		h.t.Fatalf("observe %s %s: %v", city, indicator, err)
	}
	return o.ID
}
