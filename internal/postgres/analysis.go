package postgres

import (
	"context"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// scoreSQL scores a reported observation from 0 to 1 (see domain.Scorecard), over alias i
// (indicator) and o (observation); NULL when it cannot be scored.
const scoreSQL = `
	CASE WHEN o.id IS NULL OR o.status NOT IN ('A', 'E', 'P') OR i.direction = 'none' THEN NULL
	ELSE (
		SELECT CASE WHEN i.direction = 'lower_is_better' THEN 1 - n ELSE n END
		FROM (SELECT CASE
			WHEN i.value_type = 'boolean' THEN CASE WHEN o.value_boolean THEN 1.0 ELSE 0.0 END
			WHEN i.value_type = 'percentage' THEN
				(o.value_number - coalesce(i.scale_min, 0)) / nullif(coalesce(i.scale_max, 100) - coalesce(i.scale_min, 0), 0)
			WHEN i.value_type IN ('numeric', 'count') AND i.scale_min IS NOT NULL AND i.scale_max IS NOT NULL THEN
				(o.value_number - i.scale_min) / nullif(i.scale_max - i.scale_min, 0)
			WHEN i.value_type = 'ordinal' THEN (
				SELECT (o.value_number - min((l->>'rank')::float8)) / nullif(max((l->>'rank')::float8) - min((l->>'rank')::float8), 0)
				FROM jsonb_array_elements(i.levels) l)
			END AS n) normalised
	) END`

// Scorecard aggregates a city's observations per dimension of a framework: those of the edition
// when one is given, else the latest of each indicator.
func (db *DB) Scorecard(ctx context.Context, city, framework string, edition *int) (*domain.Scorecard, error) {
	if _, err := db.GetCity(ctx, city); err != nil {
		return nil, err
	}
	var dims []struct {
		domain.DimensionScore
		Ord int `db:"ord"`
	}
	err := db.db.SelectContext(ctx, &dims, `
		WITH RECURSIVE tree AS (
			SELECT framework, slug AS ancestor, slug AS dimension FROM dimensions WHERE framework = $2
			UNION ALL
			SELECT t.framework, t.ancestor, d.slug FROM tree t
			JOIN dimensions d ON d.framework = t.framework AND d.parent = t.dimension
		), latest AS (
			SELECT DISTINCT ON (o.indicator) o.*
			FROM observations o JOIN indicators i ON i.slug = o.indicator
			WHERE o.city = $1 AND i.framework = $2 AND ($3::integer IS NULL OR o.edition = $3)
			ORDER BY o.indicator, o.year DESC, coalesce(o.edition, 0) DESC
		), scored AS (
			SELECT i.slug, i.dimension, o.status, `+scoreSQL+` AS score
			FROM indicators i LEFT JOIN latest o ON o.indicator = i.slug
			WHERE i.framework = $2 AND (i.status = 'active' OR o.id IS NOT NULL)
		), ordered AS (`+dimensionsSQL+`)
		SELECT d.slug AS dimension, d.parent, d.name, ordered.ord,
			count(s.slug) AS indicators,
			count(s.status) AS observed,
			count(s.status) FILTER (WHERE s.status IN ('A', 'E', 'P')) AS reported,
			count(s.score) AS scored,
			avg(s.score) AS score
		FROM dimensions d
		JOIN ordered ON ordered.framework = d.framework AND ordered.slug = d.slug
		LEFT JOIN tree t ON t.framework = d.framework AND t.ancestor = d.slug
		LEFT JOIN scored s ON s.dimension = t.dimension
		WHERE d.framework = $2
		GROUP BY d.slug, d.parent, d.name, ordered.ord
		ORDER BY ordered.ord`, city, framework, edition)
	if err != nil {
		return nil, mapError(err)
	}
	sc := &domain.Scorecard{City: city, Framework: framework, Edition: edition, Dimensions: []domain.DimensionScore{}}
	for _, d := range dims {
		sc.Dimensions = append(sc.Dimensions, d.DimensionScore)
	}
	return sc, nil
}

// Ranking orders the cities by their latest value of an indicator (in the edition, when given),
// best first by the indicator's direction; cities without a value come last, unranked.
func (db *DB) Ranking(ctx context.Context, ind *domain.Indicator, edition *int) (*domain.Ranking, error) {
	order := "DESC"
	if ind.Direction == "lower_is_better" {
		order = "ASC"
	}
	// Booleans rank true above false when higher is better; the sort key is a number for every type.
	var rows []struct {
		domain.RankingEntry
		ValueNumber  *float64 `db:"value_number"`
		ValueBoolean *bool    `db:"value_boolean"`
		ValueText    *string  `db:"value_text"`
	}
	err := db.db.SelectContext(ctx, &rows, `
		WITH latest AS (
			SELECT DISTINCT ON (o.city) o.*
			FROM observations o
			WHERE o.indicator = $1 AND ($2::integer IS NULL OR o.edition = $2)
			ORDER BY o.city, o.year DESC, coalesce(o.edition, 0) DESC
		), keyed AS (
			SELECT l.*, CASE WHEN l.status IN ('A', 'E', 'P')
				THEN coalesce(l.value_number, CASE WHEN l.value_boolean THEN 1 ELSE 0 END) END AS sort_key
			FROM latest l
		)
		SELECT CASE WHEN k.sort_key IS NOT NULL
				THEN rank() OVER (PARTITION BY k.sort_key IS NULL ORDER BY k.sort_key `+order+`) END AS rank,
			k.city, c.name AS city_name, k.status, k.year, k.edition, k.value_number, k.value_boolean, k.value_text
		FROM keyed k JOIN cities c ON c.slug = k.city
		ORDER BY k.sort_key IS NULL, k.sort_key `+order+`, k.city`, ind.Slug, edition)
	if err != nil {
		return nil, mapError(err)
	}
	r := &domain.Ranking{Indicator: ind.Slug, Direction: ind.Direction, Edition: edition, Items: []domain.RankingEntry{}}
	for _, row := range rows {
		e := row.RankingEntry
		e.Value = domain.ValueOf(ind.ValueType, domain.StoredValue{Number: row.ValueNumber, Boolean: row.ValueBoolean, Text: row.ValueText})
		r.Items = append(r.Items, e)
	}
	return r, nil
}

// Compare returns, for each indicator of a framework, the latest value of each city (in the
// edition, when given), in the order the cities were asked for.
func (db *DB) Compare(ctx context.Context, cities []string, framework string, edition *int) (*domain.Comparison, error) {
	var missing []string
	if err := db.db.SelectContext(ctx, &missing, `SELECT c FROM unnest($1::text[]) c
		WHERE NOT EXISTS (SELECT 1 FROM cities WHERE slug = c)`, pq.Array(cities)); err != nil {
		return nil, mapError(err)
	}
	if len(missing) > 0 {
		return nil, domain.Invalid("query.cities", "unknown cities: %v", missing)
	}
	var rows []struct {
		Indicator    string      `db:"indicator"`
		Code         string      `db:"code"`
		Name         domain.Text `db:"name"`
		Dimension    string      `db:"dimension"`
		ValueType    string      `db:"value_type"`
		Direction    string      `db:"direction"`
		City         string      `db:"city"`
		Status       *string     `db:"status"`
		Year         *int        `db:"year"`
		ValueNumber  *float64    `db:"value_number"`
		ValueBoolean *bool       `db:"value_boolean"`
		ValueText    *string     `db:"value_text"`
	}
	err := db.db.SelectContext(ctx, &rows, `
		WITH latest AS (
			SELECT DISTINCT ON (o.indicator, o.city) o.*
			FROM observations o JOIN indicators i ON i.slug = o.indicator
			WHERE o.city = ANY($1) AND i.framework = $2 AND ($3::integer IS NULL OR o.edition = $3)
			ORDER BY o.indicator, o.city, o.year DESC, coalesce(o.edition, 0) DESC
		)
		SELECT i.slug AS indicator, i.code, i.name, i.dimension, i.value_type, i.direction, c.city,
			l.status, l.year, l.value_number, l.value_boolean, l.value_text
		FROM indicators i
		CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS c(city, n)
		LEFT JOIN latest l ON l.indicator = i.slug AND l.city = c.city
		WHERE i.framework = $2 AND i.status = 'active'
		ORDER BY i.slug, c.n`, pq.Array(cities), framework, edition)
	if err != nil {
		return nil, mapError(err)
	}
	cmp := &domain.Comparison{Cities: cities, Framework: framework, Edition: edition, Rows: []domain.ComparisonRow{}}
	for _, r := range rows {
		n := len(cmp.Rows)
		if n == 0 || cmp.Rows[n-1].Indicator != r.Indicator {
			cmp.Rows = append(cmp.Rows, domain.ComparisonRow{Indicator: r.Indicator, Code: r.Code, Name: r.Name,
				Dimension: r.Dimension, ValueType: r.ValueType, Direction: r.Direction, Values: []domain.ComparedValue{}})
			n++
		}
		v := domain.ValueOf(r.ValueType, domain.StoredValue{Number: r.ValueNumber, Boolean: r.ValueBoolean, Text: r.ValueText})
		cmp.Rows[n-1].Values = append(cmp.Rows[n-1].Values, domain.ComparedValue{City: r.City, Value: v, Status: r.Status, Year: r.Year})
	}
	return cmp, nil
}
