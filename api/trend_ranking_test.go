package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// trendRankingFixture records, worked out by hand in TestTrendRanking:
//
//	trend t-a:
//	  alpha   2019 exploring  reported
//	  alpha   2021 scaled     reported
//	  beta    2021 pilot      reported, verified
//	  gamma   2021 implementing  sample
//	  delta   2019 none       reported
//	  delta   2021 scaled     reported, rejected (never counts: delta's counted record is 2019 none)
//	  epsilon 2021 discontinued  reported (section africa; the others are europe)
//	trend t-b:
//	  alpha   2021 pilot      reported
//	  beta    2021 pilot      reported
//	  gamma   2021 scaled     sample
//	trend t-c: no records.
//
// Edition 2019 takes alpha and beta.
func trendRankingFixture(t *testing.T, h *harness) {
	t.Helper()
	ctx := fixtureCtx()
	h.city("epsilon", "SN", "africa")
	for _, s := range []string{"t-a", "t-b", "t-c"} {
		if _, err := h.db.CreateTrend(ctx, fixtureCaller, s, domain.TrendFields{Name: domain.Text{EN: s}, Description: domain.Text{EN: s},
			Category: "other", Provenance: "reported"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"alpha", "beta"} {
		if _, _, err := h.db.AddStudyCity(ctx, fixtureCaller, 2019, c, "sample"); err != nil {
			t.Fatal(err)
		}
	}
	// The fixture's cities are real here, so that only the records' provenance decides.
	if _, err := h.db.SQL().Exec(`UPDATE cities SET provenance = 'reported'`); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		trend, city              string
		year                     int
		stage, provenance, check string
	}{
		{"t-a", "alpha", 2019, "exploring", "reported", ""},
		{"t-a", "alpha", 2021, "scaled", "reported", ""},
		{"t-a", "beta", 2021, "pilot", "reported", "verified"},
		{"t-a", "gamma", 2021, "implementing", "sample", ""},
		{"t-a", "delta", 2019, "none", "reported", ""},
		{"t-a", "delta", 2021, "scaled", "reported", "rejected"},
		{"t-a", "epsilon", 2021, "discontinued", "reported", ""},
		{"t-b", "alpha", 2021, "pilot", "reported", ""},
		{"t-b", "beta", 2021, "pilot", "reported", ""},
		{"t-b", "gamma", 2021, "scaled", "sample", ""},
	} {
		k := domain.AdoptionKey{Trend: r.trend, City: r.city, Year: r.year}
		if _, err := h.db.CreateAdoption(ctx, fixtureCaller, k, domain.AdoptionFields{Stage: r.stage, Source: "Test",
			Provenance: r.provenance}); err != nil {
			t.Fatal(err)
		}
		if r.check != "" {
			if _, err := h.db.SetAdoptionVerification(ctx, fixtureCaller, k, domain.MatchAny, r.check); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestTrendRanking(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	trendRankingFixture(t, h)

	// line renders an entry as rank:trend:score:cities:stages(none,exploring,pilot,implementing,scaled,discontinued).
	line := func(e domain.TrendRankingEntry) string {
		rank, score := "-", "-"
		if e.Rank != nil {
			rank = fmt.Sprint(*e.Rank)
		}
		if e.Score != nil {
			score = fmt.Sprintf("%.4f", *e.Score)
		}
		s := e.Stages
		return fmt.Sprintf("%s:%s:%s:%d:%d%d%d%d%d%d", rank, e.Trend, score, e.Cities,
			s.None, s.Exploring, s.Pilot, s.Implementing, s.Scaled, s.Discontinued)
	}
	for _, c := range []struct {
		query    string
		want     []string
		counted  domain.ProvenanceCounts
		invented bool
	}{
		// Default: reported, not rejected. t-a: alpha scaled 4, beta pilot 2, delta none 0 (its
		// 2021 record is rejected), epsilon discontinued 0: 6/(4×4) = 0.375. t-b: alpha and beta
		// pilot: 4/(4×2) = 0.5. gamma is sample and does not count.
		{"", []string{"1:t-b:0.5000:2:002000", "2:t-a:0.3750:4:101011", "-:t-c:-:0:000000"},
			domain.ProvenanceCounts{Reported: 6}, false},
		// With sample data: t-a adds gamma implementing 3: 9/20 = 0.45; t-b adds gamma scaled 4: 8/12.
		{"?provenance=reported,sample", []string{"1:t-b:0.6667:3:002010", "2:t-a:0.4500:5:101111", "-:t-c:-:0:000000"},
			domain.ProvenanceCounts{Reported: 6, Sample: 2}, true},
		// Verified only: t-a has beta pilot: 2/4 = 0.5; t-b nothing.
		{"?verification=verified", []string{"1:t-a:0.5000:1:001000", "-:t-b:-:0:000000", "-:t-c:-:0:000000"},
			domain.ProvenanceCounts{Reported: 1}, false},
		// As of 2020: t-a has alpha exploring 1 and delta none 0: 1/8 = 0.125.
		{"?year=2020", []string{"1:t-a:0.1250:2:110000", "-:t-b:-:0:000000", "-:t-c:-:0:000000"},
			domain.ProvenanceCounts{Reported: 2}, false},
		// Europe only: t-a loses epsilon: 6/12 = 0.5, a tie with t-b that shares rank 1; t-a comes
		// first because one of its cities reached scaled.
		{"?section=europe", []string{"1:t-a:0.5000:3:101010", "1:t-b:0.5000:2:002000", "-:t-c:-:0:000000"},
			domain.ProvenanceCounts{Reported: 5}, false},
		// Edition 2019 (alpha, beta): t-a 6/8 = 0.75, t-b 4/8 = 0.5.
		{"?edition=2019", []string{"1:t-a:0.7500:2:001010", "2:t-b:0.5000:2:002000", "-:t-c:-:0:000000"},
			domain.ProvenanceCounts{Reported: 4}, false},
		{"?category=iot", nil, domain.ProvenanceCounts{}, false},
	} {
		var r domain.TrendRanking
		h.do(req{method: "GET", path: "/v1/trends/ranking" + c.query}).expect(t, 200).JSON(t, &r)
		var got []string
		for _, e := range r.Items {
			got = append(got, line(e))
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.query, got, c.want)
		}
		if r.ComputedFrom.AdoptionsByProvenance != c.counted || r.ComputedFrom.Adoptions != c.counted.Total() {
			t.Errorf("%s: computed_from %+v, want %+v", c.query, r.ComputedFrom, c.counted)
		}
		if r.IncludesInventedData != c.invented || (r.Notice != nil) != c.invented {
			t.Errorf("%s: includes_invented_data %v notice %v", c.query, r.IncludesInventedData, r.Notice)
		}
	}

	// The entry says what it counted, and reached is cumulative.
	var r domain.TrendRanking
	h.do(req{method: "GET", path: "/v1/trends/ranking?provenance=reported,sample"}).expect(t, 200).JSON(t, &r)
	ta := r.Items[1]
	if fmt.Sprint(ta.Provenance, ta.Verification) != "[reported sample] [self_reported verified]" ||
		ta.Reached != (domain.StagesReached{Exploring: 3, Pilot: 3, Implementing: 2, Scaled: 1}) || ta.TrendProvenance != "reported" {
		t.Errorf("t-a entry %+v", ta)
	}

	// Reported records about an invented city, or of an invented trend, are not real results either.
	if _, err := h.db.SQL().Exec(`UPDATE cities SET provenance = 'sample' WHERE slug = 'epsilon';
		UPDATE trends SET provenance = 'sample' WHERE slug IN ('t-b', 't-c')`); err != nil {
		t.Fatal(err)
	}
	h.do(req{method: "GET", path: "/v1/trends/ranking"}).expect(t, 200).JSON(t, &r)
	cf := r.ComputedFrom
	if !r.IncludesInventedData || r.Notice == nil || cf.InventedCityRecords != 1 || cf.InventedTrends != 1 ||
		cf.AdoptionsByProvenance != (domain.ProvenanceCounts{Reported: 6}) {
		t.Errorf("invented cities and trends are flagged: %+v %v", cf, r.Notice)
	}

	h.do(req{method: "GET", path: "/v1/trends/ranking?verification=rejected"}).expect(t, 422).errorAt(t, "query.verification[0]")
	h.do(req{method: "GET", path: "/v1/trends/ranking?edition=2030"}).expect(t, 422).errorAt(t, "query.edition")
	h.do(req{method: "GET", path: "/v1/trends/ranking?section=mars"}).expect(t, 422)
	// A list given as a repeated parameter would be read as its first value only: it is refused,
	// with the comma-separated form to use instead.
	rr := h.do(req{method: "GET", path: "/v1/trends/ranking?provenance=reported&provenance=sample"}).expect(t, 422)
	rr.errorAt(t, "query.provenance")
	if !strings.Contains(string(rr.Body), "provenance=reported,sample") {
		t.Errorf("the refusal does not show the comma-separated form: %s", rr.Body)
	}
}
