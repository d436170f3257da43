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
	for _, d := range sc.Items {
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
	for _, d := range gamma.Items {
		if d.Scored != 0 || d.Score != nil || d.Observed != 0 {
			t.Fatalf("gamma %s: %+v", d.Dimension, d)
		}
	}

	var beta domain.Scorecard
	h.do(req{method: "GET", path: "/v1/cities/beta/scorecard?framework=fw"}).expect(t, 200).JSON(t, &beta)
	if d := beta.Items[1]; d.Dimension != "a1" || d.Observed != 1 || d.Reported != 0 || d.Score != nil {
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
	if len(cmp.Items) != 6 {
		t.Fatalf("%d rows, want one per indicator of fw", len(cmp.Items))
	}
	rows := map[string]domain.ComparisonRow{}
	for _, r := range cmp.Items {
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

// observeAs creates an observation of edition 2019 with the given provenance, then sets its
// verification as the secretariat would.
func (h *harness) observeAs(city, indicator string, year int, value any, provenance, verification string) {
	h.t.Helper()
	edition := 2019
	o, err := h.db.CreateObservation(fixtureCtx(), fixtureCaller, domain.ObservationFields{Indicator: indicator, City: city,
		Year: year, Edition: &edition, Value: value, Status: "A", Provenance: provenance})
	if err != nil {
		h.t.Fatalf("observe %s %s: %v", city, indicator, err)
	}
	if verification != "self_reported" {
		if _, err := h.db.SetVerification(fixtureCtx(), fixtureCaller, o.ID, domain.MatchAny, verification); err != nil {
			h.t.Fatalf("verify %s %s: %v", city, indicator, err)
		}
	}
}

// mixedFixture adds to studyFixture (num 0..10 higher is better in a1, cnt unscaled in a1, pct
// lower is better in a2, bool, ord and txt in b) observations of every provenance and
// verification state, all of edition 2019, all with status A:
//
//	city     indicator  year  value  provenance  verification
//	alpha    num        2019  6      reported    verified
//	alpha    cnt        2019  7      reported    self_reported
//	alpha    pct        2019  30     sample      self_reported
//	alpha    bool       2019  true   reported    rejected
//	alpha    bool       2018  false  sample      self_reported
//	alpha    ord        2019  high   reported    self_reported
//	alpha    txt        2019  notes  synthetic   self_reported
//	beta     num        2019  4      reported    self_reported
//	beta     pct        2019  10     reported    rejected
//	beta     bool       2019  true   sample      verified
//	gamma    num        2019  9      sample      self_reported
//	delta    num        2019  10     reported    rejected
//	delta    num        2018  3      reported    self_reported
//	epsilon  num        2019  8      synthetic   self_reported
//	zeta     num        2019  10     sample      rejected
//
// The rejected values (alpha bool true, beta pct 10, delta num 10, zeta num 10) would change
// every result below if they counted: delta's and zeta's 10 would top the num ranking.
func mixedFixture(t *testing.T, h *harness) {
	t.Helper()
	studyFixture(t, h)
	h.city("epsilon", "ES", "europe")
	h.city("zeta", "ES", "europe")
	for _, o := range []struct {
		city, indicator string
		year            int
		value           any
		provenance      string
		verification    string
	}{
		{"alpha", "num", 2019, 6.0, "reported", "verified"},
		{"alpha", "cnt", 2019, 7.0, "reported", "self_reported"},
		{"alpha", "pct", 2019, 30.0, "sample", "self_reported"},
		{"alpha", "bool", 2019, true, "reported", "rejected"},
		{"alpha", "bool", 2018, false, "sample", "self_reported"},
		{"alpha", "ord", 2019, "high", "reported", "self_reported"},
		{"alpha", "txt", 2019, "notes", "synthetic", "self_reported"},
		{"beta", "num", 2019, 4.0, "reported", "self_reported"},
		{"beta", "pct", 2019, 10.0, "reported", "rejected"},
		{"beta", "bool", 2019, true, "sample", "verified"},
		{"gamma", "num", 2019, 9.0, "sample", "self_reported"},
		{"delta", "num", 2019, 10.0, "reported", "rejected"},
		{"delta", "num", 2018, 3.0, "reported", "self_reported"},
		{"epsilon", "num", 2019, 8.0, "synthetic", "self_reported"},
		{"zeta", "num", 2019, 10.0, "sample", "rejected"},
	} {
		h.observeAs(o.city, o.indicator, o.year, o.value, o.provenance, o.verification)
	}
}

// inputs renders what an aggregate says it was computed from, e.g.
// "reported/self_reported,verified 3=3+0+0 real" (provenances/verification states, then
// observations = reported + sample + synthetic, then whether it includes invented data).
func inputs(in domain.Inputs) string {
	c := in.ComputedFrom
	p := c.ObservationsByProvenance
	s := fmt.Sprintf("%s/%s %d=%d+%d+%d", strings.Join(c.Provenance, ","), strings.Join(c.Verification, ","),
		c.Observations, p.Reported, p.Sample, p.Synthetic)
	switch {
	case in.IncludesInventedData && in.Notice != nil && in.Notice.EN != "" && in.Notice.FR != "" && in.Notice.ES != "":
		return s + " invented"
	case !in.IncludesInventedData && in.Notice == nil:
		return s + " real"
	}
	return s + " inconsistent flag and notice"
}

func TestRankingCountsOnlyWhatItSays(t *testing.T) {
	h := newHarness(t)
	mixedFixture(t, h)
	rank := func(query string) (string, string) {
		t.Helper()
		var r domain.Ranking
		h.do(req{method: "GET", path: "/v1/indicators/num/ranking?edition=2019" + query + "&lang=all"}).expect(t, 200).JSON(t, &r)
		var s []string
		for _, e := range r.Items {
			s = append(s, fmt.Sprintf("%d:%s:%v:%d:%s:%s", *e.Rank, e.City, e.Value, e.Year, e.Provenance, e.Verification))
		}
		return strings.Join(s, " "), inputs(r.Inputs)
	}
	for _, c := range []struct{ query, items, inputs string }{
		// Default: reported, not rejected. alpha 6 (verified), beta 4, and delta's 2018 value 3,
		// its latest that counts (its 2019 value 10 is rejected). gamma (sample), epsilon
		// (synthetic) and zeta (sample, rejected) are left out. 3 observations, all reported.
		{"", "1:alpha:6:2019:reported:verified 2:beta:4:2019:reported:self_reported 3:delta:3:2018:reported:self_reported",
			"reported/self_reported,verified 3=3+0+0 real"},
		// With sample: gamma's 9 comes first; zeta's 10 is rejected and still left out.
		// 4 observations: 3 reported + 1 sample.
		{"&provenance=reported,sample", "1:gamma:9:2019:sample:self_reported 2:alpha:6:2019:reported:verified " +
			"3:beta:4:2019:reported:self_reported 4:delta:3:2018:reported:self_reported",
			"reported,sample/self_reported,verified 4=3+1+0 invented"},
		// Everything that may count: epsilon's synthetic 8 too. 5 = 3 + 1 + 1.
		{"&provenance=synthetic,sample,reported", "1:gamma:9:2019:sample:self_reported 2:epsilon:8:2019:synthetic:self_reported " +
			"3:alpha:6:2019:reported:verified 4:beta:4:2019:reported:self_reported 5:delta:3:2018:reported:self_reported",
			"reported,sample,synthetic/self_reported,verified 5=3+1+1 invented"},
		// Only verified reported data: alpha alone.
		{"&verification=verified", "1:alpha:6:2019:reported:verified", "reported/verified 1=1+0+0 real"},
		// Sample data alone, without reported data: gamma only (zeta is rejected). 1 = 0 + 1 + 0.
		{"&provenance=sample", "1:gamma:9:2019:sample:self_reported", "sample/self_reported,verified 1=0+1+0 invented"},
	} {
		items, in := rank(c.query)
		if items != c.items {
			t.Errorf("ranking%s:\n got %s\nwant %s", c.query, items, c.items)
		}
		if in != c.inputs {
			t.Errorf("ranking%s computed from %q, want %q", c.query, in, c.inputs)
		}
	}
	// The response names the invented data in words, in the three languages.
	m := h.do(req{method: "GET", path: "/v1/indicators/num/ranking?edition=2019&provenance=reported,sample&lang=all"}).expect(t, 200).Map(t)
	if n := m["notice"].(map[string]any)["en"].(string); !strings.Contains(n, "1 of the 4 observations") {
		t.Errorf("notice %q", n)
	}
	if m = h.do(req{method: "GET", path: "/v1/indicators/num/ranking?edition=2019"}).expect(t, 200).Map(t); m["notice"] != nil ||
		m["includes_invented_data"] != false {
		t.Errorf("a ranking of reported data only carries a notice: %v", m)
	}
}

func TestScorecardCountsOnlyWhatItSays(t *testing.T) {
	h := newHarness(t)
	mixedFixture(t, h)
	type line struct {
		indicators, observed, reported, scored int
		score                                  string // "-" for null
		provenance, verification               string
	}
	card := func(query string) (map[string]line, string) {
		t.Helper()
		var sc domain.Scorecard
		h.do(req{method: "GET", path: "/v1/cities/alpha/scorecard?edition=2019" + query + "&lang=all"}).expect(t, 200).JSON(t, &sc)
		lines := map[string]line{}
		for _, d := range sc.Items {
			score := "-"
			if d.Score != nil {
				score = fmt.Sprintf("%.2f", *d.Score)
			}
			lines[d.Dimension] = line{d.Indicators, d.Observed, d.Reported, d.Scored, score,
				strings.Join(d.Provenance, ","), strings.Join(d.Verification, ",")}
		}
		return lines, inputs(sc.Inputs)
	}
	for _, c := range []struct {
		query  string
		lines  map[string]line
		inputs string
	}{
		// Default: alpha's reported, non-rejected values are num 6 (verified), cnt 7 and ord high.
		// pct 30 and bool 2018 are sample, txt is synthetic, bool 2019 is rejected.
		//	a1 = {num, cnt}: num (6 − 0) / (10 − 0) = 0.6; cnt counted, not scored → 0.60
		//	a2 = {pct}: nothing counted → null
		//	a = a1 ∪ a2: 3 indicators, 2 observed, score 0.60
		//	b = {bool, ord, txt}: ord high = (2 − 0) / (2 − 0) = 1 → 1.00
		// 3 observations, all reported.
		{"", map[string]line{
			"a":  {3, 2, 2, 1, "0.60", "reported", "self_reported,verified"},
			"a1": {2, 2, 2, 1, "0.60", "reported", "self_reported,verified"},
			"a2": {1, 0, 0, 0, "-", "", ""},
			"b":  {3, 1, 1, 1, "1.00", "reported", "self_reported"},
		}, "reported/self_reported,verified 3=3+0+0 real"},
		// With sample: pct 30, lower is better → 1 − 30 / 100 = 0.7; bool's latest counted value
		// is the sample false of 2018 (its 2019 true is rejected) → 0.
		//	a = (0.6 + 0.7) / 2 = 0.65; b = (0 + 1) / 2 = 0.50
		// 5 observations: 3 reported (num, cnt, ord) + 2 sample (pct, bool).
		{"&provenance=reported,sample", map[string]line{
			"a":  {3, 3, 3, 2, "0.65", "reported,sample", "self_reported,verified"},
			"a1": {2, 2, 2, 1, "0.60", "reported", "self_reported,verified"},
			"a2": {1, 1, 1, 1, "0.70", "sample", "self_reported"},
			"b":  {3, 2, 2, 2, "0.50", "reported,sample", "self_reported"},
		}, "reported,sample/self_reported,verified 5=3+2+0 invented"},
		// Everything that may count: txt (synthetic) is counted but never scored.
		// 6 observations: 3 + 2 + 1.
		{"&provenance=reported,sample,synthetic", map[string]line{
			"a":  {3, 3, 3, 2, "0.65", "reported,sample", "self_reported,verified"},
			"a1": {2, 2, 2, 1, "0.60", "reported", "self_reported,verified"},
			"a2": {1, 1, 1, 1, "0.70", "sample", "self_reported"},
			"b":  {3, 3, 3, 2, "0.50", "reported,sample,synthetic", "self_reported"},
		}, "reported,sample,synthetic/self_reported,verified 6=3+2+1 invented"},
	} {
		lines, in := card(c.query)
		for dim, want := range c.lines {
			if got := lines[dim]; got != want {
				t.Errorf("scorecard%s %s:\n got %+v\nwant %+v", c.query, dim, got, want)
			}
		}
		if len(lines) != len(c.lines) {
			t.Errorf("scorecard%s: %d lines", c.query, len(lines))
		}
		if in != c.inputs {
			t.Errorf("scorecard%s computed from %q, want %q", c.query, in, c.inputs)
		}
	}
}

func TestCompareCountsOnlyWhatItSays(t *testing.T) {
	h := newHarness(t)
	mixedFixture(t, h)
	compare := func(query string) (string, string) {
		t.Helper()
		var cmp domain.Comparison
		h.do(req{method: "GET", path: "/v1/compare?cities=beta,alpha&edition=2019" + query + "&lang=all"}).expect(t, 200).JSON(t, &cmp)
		var rows []string
		for _, r := range cmp.Items {
			cells := []string{r.Indicator}
			for _, v := range r.Values {
				cell := v.City + "=-"
				if v.Provenance != nil {
					cell = fmt.Sprintf("%s=%v/%d/%s/%s", v.City, v.Value, *v.Year, *v.Provenance, *v.Verification)
				} else if v.Value != nil || v.Status != nil || v.Year != nil || v.Verification != nil {
					cell = v.City + "=half-empty"
				}
				cells = append(cells, cell)
			}
			rows = append(rows, strings.Join(cells, " "))
		}
		return strings.Join(rows, "\n"), inputs(cmp.Inputs)
	}
	for _, c := range []struct{ query, rows, inputs string }{
		// Default: beta's only counted value is num 4 (its pct 10 is rejected, its bool is
		// sample); alpha's are cnt 7, num 6 and ord high. 4 observations, all reported.
		{"", strings.Join([]string{
			"bool beta=- alpha=-",
			"cnt beta=- alpha=7/2019/reported/self_reported",
			"num beta=4/2019/reported/self_reported alpha=6/2019/reported/verified",
			"ord beta=- alpha=high/2019/reported/self_reported",
			"pct beta=- alpha=-",
			"txt beta=- alpha=-",
		}, "\n"), "reported/self_reported,verified 4=4+0+0 real"},
		// With sample: beta's bool true (verified) and alpha's bool false of 2018 and pct 30.
		// beta's pct stays empty: rejected. 7 observations: 4 reported + 3 sample.
		{"&provenance=reported,sample", strings.Join([]string{
			"bool beta=true/2019/sample/verified alpha=false/2018/sample/self_reported",
			"cnt beta=- alpha=7/2019/reported/self_reported",
			"num beta=4/2019/reported/self_reported alpha=6/2019/reported/verified",
			"ord beta=- alpha=high/2019/reported/self_reported",
			"pct beta=- alpha=30/2019/sample/self_reported",
			"txt beta=- alpha=-",
		}, "\n"), "reported,sample/self_reported,verified 7=4+3+0 invented"},
	} {
		rows, in := compare(c.query)
		if rows != c.rows {
			t.Errorf("compare%s:\n got\n%s\nwant\n%s", c.query, rows, c.rows)
		}
		if in != c.inputs {
			t.Errorf("compare%s computed from %q, want %q", c.query, in, c.inputs)
		}
	}
}

// TestAnalysisBasisIsTyped: the basis parameters take only documented values, and rejected
// values cannot be asked for.
func TestAnalysisBasisIsTyped(t *testing.T) {
	h := newHarness(t)
	mixedFixture(t, h)
	for _, path := range []string{"/v1/indicators/num/ranking?edition=2019", "/v1/cities/alpha/scorecard?edition=2019",
		"/v1/compare?cities=alpha,beta&edition=2019"} {
		for _, q := range []string{"provenance=invented", "provenance=reported,bogus", "verification=rejected",
			"verification=self_reported,rejected", "verification=checked"} {
			h.do(req{method: "GET", path: path + "&" + q}).expect(t, 422)
		}
		// The top level names what was counted, and the list is under items like every list.
		m := h.do(req{method: "GET", path: path}).expect(t, 200).Map(t)
		cf, ok := m["computed_from"].(map[string]any)
		if !ok || fmt.Sprint(cf["provenance"]) != "[reported]" || fmt.Sprint(cf["verification"]) != "[self_reported verified]" {
			t.Errorf("%s: computed_from %v", path, m["computed_from"])
		}
		if _, ok := m["items"].([]any); !ok {
			t.Errorf("%s: no items list: %v", path, m)
		}
	}
}
