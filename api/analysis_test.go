package api_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestScorecardComputedByHand checks the aggregation against values worked out by hand:
//
//	alpha: num 5 of 0..10 → 0.5; cnt 7 → counted, not scored (no scale); pct 20, lower is
//	better → 0.8; bool true → 1; ord mid of low..high → 0.5; txt → counted, not scored.
//	a1 = {num, cnt}: 2 indicators, score 0.5 (1 scored); a2 = {pct}: 0.8;
//	a = a1 ∪ a2: 3 indicators, score (0.5 + 0.8) / 2 = 0.65; b = {bool, ord, txt}: (1 + 0.5) / 2 = 0.75.
//
// An older value (num 9 in 2017) is ignored for the latest; an M value is observed, not reported.
func TestScorecardComputedByHand(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2017, 9.0, "A")
	h.observe("alpha", "num", 2019, 5.0, "A")
	h.observe("alpha", "cnt", 2019, 7.0, "A")
	h.observe("alpha", "pct", 2019, 20.0, "E")
	h.observe("alpha", "bool", 2019, true, "A")
	h.observe("alpha", "ord", 2019, "mid", "P")
	h.observe("alpha", "txt", 2019, "notes", "A")
	h.observe("beta", "num", 2019, nil, "M")

	var sc domain.Scorecard
	h.do(req{method: "GET", path: "/v1/cities/alpha/scorecard?edition=2019"}).expect(t, 200).JSON(t, &sc)
	type line struct {
		indicators, observed, reported, scored int
		score                                  float64 // NaN for null
	}
	want := map[string]line{
		"a":  {3, 3, 3, 2, 0.65},
		"a1": {2, 2, 2, 1, 0.5},
		"a2": {1, 1, 1, 1, 0.8},
		"b":  {3, 3, 3, 2, 0.75},
	}
	var order []string
	for _, d := range sc.Dimensions {
		order = append(order, d.Dimension)
		w := want[d.Dimension]
		got := line{d.Indicators, d.Observed, d.Reported, d.Scored, math.NaN()}
		if d.Score != nil {
			got.score = *d.Score
		}
		if got.indicators != w.indicators || got.observed != w.observed || got.reported != w.reported ||
			got.scored != w.scored || math.Abs(got.score-w.score) > 1e-9 {
			t.Errorf("%s: got %+v, want %+v", d.Dimension, got, w)
		}
	}
	if strings.Join(order, ",") != "a,a1,a2,b" {
		t.Fatalf("dimension order %v", order)
	}

	// A city without observations scores nothing (no phantom zeros for missing booleans).
	var gamma domain.Scorecard
	h.do(req{method: "GET", path: "/v1/cities/gamma/scorecard?framework=fw"}).expect(t, 200).JSON(t, &gamma)
	for _, d := range gamma.Dimensions {
		if d.Scored != 0 || d.Score != nil || d.Observed != 0 {
			t.Fatalf("gamma %s: %+v", d.Dimension, d)
		}
	}

	var beta domain.Scorecard
	h.do(req{method: "GET", path: "/v1/cities/beta/scorecard?framework=fw"}).expect(t, 200).JSON(t, &beta)
	if d := beta.Dimensions[1]; d.Dimension != "a1" || d.Observed != 1 || d.Reported != 0 || d.Score != nil {
		t.Fatalf("beta a1: %+v", d)
	}
	h.do(req{method: "GET", path: "/v1/cities/alpha/scorecard"}).expect(t, 422).errorAt(t, "query.framework")
	h.do(req{method: "GET", path: "/v1/cities/alpha/scorecard?edition=2020"}).expect(t, 422).errorAt(t, "query.edition")
	h.do(req{method: "GET", path: "/v1/cities/alpha/scorecard?framework=nope"}).expect(t, 422).errorAt(t, "query.framework")
	h.do(req{method: "GET", path: "/v1/cities/nowhere/scorecard?edition=2019"}).expect(t, 404)
}

func TestRankingHonoursDirection(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	h.observe("beta", "num", 2019, 9.0, "A")
	h.observe("gamma", "num", 2019, 5.0, "E")
	h.observe("delta", "num", 2019, nil, "NR")
	h.observe("alpha", "pct", 2019, 20.0, "A")
	h.observe("beta", "pct", 2019, 10.0, "A")
	h.observe("alpha", "bool", 2019, false, "A")
	h.observe("beta", "bool", 2019, true, "A")
	rank := func(ind string) string {
		t.Helper()
		var r domain.Ranking
		h.do(req{method: "GET", path: "/v1/indicators/" + ind + "/ranking?edition=2019"}).expect(t, 200).JSON(t, &r)
		var s []string
		for _, e := range r.Items {
			rk := "-"
			if e.Rank != nil {
				rk = fmt.Sprint(*e.Rank)
			}
			s = append(s, fmt.Sprintf("%s:%s:%v", rk, e.City, e.Value))
		}
		return strings.Join(s, " ")
	}
	for ind, want := range map[string]string{
		"num":  "1:beta:9 2:alpha:5 2:gamma:5 -:delta:<nil>", // ties share a rank; no value comes last
		"pct":  "1:beta:10 2:alpha:20",                       // lower is better
		"bool": "1:beta:true 2:alpha:false",
	} {
		if got := rank(ind); got != want {
			t.Errorf("%s ranking %q, want %q", ind, got, want)
		}
	}
	h.do(req{method: "GET", path: "/v1/indicators/txt/ranking"}).expect(t, 422)
	h.do(req{method: "GET", path: "/v1/indicators/nope/ranking"}).expect(t, 404)
}

func TestCompareCities(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	h.observe("beta", "num", 2019, nil, "NR")
	h.observe("beta", "ord", 2019, "high", "A")
	var cmp domain.Comparison
	h.do(req{method: "GET", path: "/v1/compare?cities=beta,alpha&edition=2019"}).expect(t, 200).JSON(t, &cmp)
	if len(cmp.Rows) != 6 {
		t.Fatalf("%d rows, want one per indicator of fw", len(cmp.Rows))
	}
	rows := map[string]domain.ComparisonRow{}
	for _, r := range cmp.Rows {
		rows[r.Indicator] = r
		if len(r.Values) != 2 || r.Values[0].City != "beta" || r.Values[1].City != "alpha" {
			t.Fatalf("%s: values not in the asked order: %+v", r.Indicator, r.Values)
		}
	}
	num := rows["num"].Values
	if num[1].Value != 5.0 || *num[1].Status != "A" || num[0].Value != nil || *num[0].Status != "NR" {
		t.Fatalf("num: %+v %+v", num[0], num[1])
	}
	if rows["ord"].Values[0].Value != "high" || rows["ord"].Values[1].Status != nil {
		t.Fatalf("ord: %+v", rows["ord"].Values)
	}
	for _, q := range []string{"cities=alpha&edition=2019", "cities=a,b,c,d,e,f&edition=2019", "cities=alpha,alpha&edition=2019",
		"cities=alpha,atlantis&edition=2019", "cities=alpha,beta"} {
		h.do(req{method: "GET", path: "/v1/compare?" + q}).expect(t, 422)
	}
}
