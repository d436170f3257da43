package postgres

import (
	"cmp"
	"context"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// trendCounts is one trend's line as the ranking query counts it.
type trendCounts struct {
	Trend      string      `db:"trend"`
	Name       domain.Text `db:"name"`
	Category   string      `db:"category"`
	Provenance string      `db:"trend_provenance"`
	domain.StageCounts
	domain.ProvenanceCounts
	SelfReported   int `db:"self_reported"`
	Verified       int `db:"verified"`
	InventedCities int `db:"invented_cities"`
}

// TrendRanking counts, for every trend, the cities at each adoption stage: per city its latest
// record (of f.Year or before) among the records on f's basis, of the cities f selects. Rejected
// records never count, whatever the basis says. The order and the score are the domain's
// (domain.TrendRanking).
func (db *DB) TrendRanking(ctx context.Context, f domain.TrendRankingFilter) (*domain.TrendRanking, error) {
	verification := slices.DeleteFunc(slices.Clone(f.Verification), func(v string) bool { return v == "rejected" })
	args := queryArgs{pq.Array(f.Provenance), pq.Array(verification)}
	arg := args.add
	conds := []string{"a.provenance = ANY($1)", "a.verification = ANY($2)"}
	if f.Year != 0 {
		conds = append(conds, "a.year <= "+arg(f.Year))
	}
	if f.Section != "" {
		conds = append(conds, "c.section = "+arg(f.Section))
	}
	if f.Edition != nil {
		conds = append(conds, "EXISTS (SELECT 1 FROM study_cities s WHERE s.edition = "+arg(*f.Edition)+" AND s.city = a.city)")
	}
	trendCond := ""
	if f.Category != "" {
		trendCond = " WHERE t.category = " + arg(f.Category)
	}
	query := `
		WITH counted AS (
			SELECT DISTINCT ON (a.trend, a.city) a.trend, a.city, a.stage, a.provenance, a.verification,
				c.provenance AS city_provenance
			FROM trend_adoptions a JOIN cities c ON c.slug = a.city` + whereClause(conds) + `
			ORDER BY a.trend, a.city, a.year DESC
		)
		SELECT t.slug AS trend, t.name, t.category, t.provenance AS trend_provenance,
			count(*) FILTER (WHERE k.stage = 'none') AS none,
			count(*) FILTER (WHERE k.stage = 'exploring') AS exploring,
			count(*) FILTER (WHERE k.stage = 'pilot') AS pilot,
			count(*) FILTER (WHERE k.stage = 'implementing') AS implementing,
			count(*) FILTER (WHERE k.stage = 'scaled') AS scaled,
			count(*) FILTER (WHERE k.stage = 'discontinued') AS discontinued,
			count(*) FILTER (WHERE k.provenance = 'reported') AS reported,
			count(*) FILTER (WHERE k.provenance = 'sample') AS sample,
			count(*) FILTER (WHERE k.provenance = 'synthetic') AS synthetic,
			count(*) FILTER (WHERE k.verification = 'self_reported') AS self_reported,
			count(*) FILTER (WHERE k.verification = 'verified') AS verified,
			count(*) FILTER (WHERE k.city_provenance <> 'reported') AS invented_cities
		FROM trends t LEFT JOIN counted k ON k.trend = t.slug` + trendCond + `
		GROUP BY t.slug`
	var lines []trendCounts
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &lines, query, args...); err != nil {
		return nil, mapError(err)
	}
	return rankTrends(f, lines), nil
}

// rankTrends scores and orders the trends' lines (see domain.TrendRanking).
func rankTrends(f domain.TrendRankingFilter, lines []trendCounts) *domain.TrendRanking {
	r := &domain.TrendRanking{Edition: f.Edition, Items: make([]domain.TrendRankingEntry, 0, len(lines))}
	if f.Section != "" {
		r.Section = &f.Section
	}
	if f.Year != 0 {
		r.Year = &f.Year
	}
	var counted domain.ProvenanceCounts
	inventedTrends, inventedCities := 0, 0
	for _, l := range lines {
		e := domain.TrendRankingEntry{Trend: l.Trend, Name: l.Name, Category: l.Category, TrendProvenance: l.Provenance,
			Stages: l.StageCounts, Reached: l.StageCounts.Reached(), Score: l.StageCounts.Score(),
			Provenance: []string{}, Verification: []string{}}
		e.Cities = l.ProvenanceCounts.Total()
		for _, p := range []struct {
			name string
			n    int
		}{{"reported", l.Reported}, {"sample", l.Sample}, {"synthetic", l.Synthetic}} {
			if p.n > 0 {
				e.Provenance = append(e.Provenance, p.name)
			}
		}
		if l.SelfReported > 0 {
			e.Verification = append(e.Verification, "self_reported")
		}
		if l.Verified > 0 {
			e.Verification = append(e.Verification, "verified")
		}
		if e.Cities > 0 && l.Provenance != "reported" {
			inventedTrends++
		}
		inventedCities += l.InventedCities
		counted.Reported += l.Reported
		counted.Sample += l.Sample
		counted.Synthetic += l.Synthetic
		r.Items = append(r.Items, e)
	}
	slices.SortFunc(r.Items, compareTrendEntries)
	for i := range r.Items {
		e := &r.Items[i]
		if e.Score == nil {
			break
		}
		rank := i + 1
		if i > 0 && *r.Items[i-1].Score == *e.Score {
			rank = *r.Items[i-1].Rank
		}
		e.Rank = &rank
	}
	r.AdoptionInputs = domain.NewAdoptionInputs(f.Basis, counted, inventedTrends, inventedCities)
	return r
}

// compareTrendEntries orders by score (unscored last), then the cities that reached scaled,
// implementing, pilot and exploring, then slug.
func compareTrendEntries(a, b domain.TrendRankingEntry) int {
	switch {
	case a.Score == nil && b.Score != nil:
		return 1
	case a.Score != nil && b.Score == nil:
		return -1
	case a.Score != nil && *a.Score != *b.Score:
		return cmp.Compare(*b.Score, *a.Score)
	}
	return cmp.Or(
		cmp.Compare(b.Reached.Scaled, a.Reached.Scaled),
		cmp.Compare(b.Reached.Implementing, a.Reached.Implementing),
		cmp.Compare(b.Reached.Pilot, a.Reached.Pilot),
		cmp.Compare(b.Reached.Exploring, a.Reached.Exploring),
		cmp.Compare(a.Trend, b.Trend))
}
