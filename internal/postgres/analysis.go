package postgres

import (
	"context"
	"database/sql"

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

// Every aggregate counts the observations on its domain.Basis, filtered in SQL: provenance =
// ANY(the provenances asked for) and verification = ANY(the states asked for), and never a
// rejected value, whatever was asked. Of the observations left, each city's latest (by year,
// then edition) of each indicator counts.

// scorecardLatestSQL is the observations a scorecard counts: for each indicator of framework
// $2, city $1's latest observation on the basis ($4 provenances, $5 verification states), of
// edition $3 when it is given.
const scorecardLatestSQL = `
	SELECT DISTINCT ON (o.indicator) o.*
	FROM observations o JOIN indicators i ON i.slug = o.indicator
	WHERE o.city = $1 AND i.framework = $2 AND ($3::integer IS NULL OR o.edition = $3)
		AND o.provenance = ANY($4) AND o.verification = ANY($5) AND o.verification <> 'rejected'
	ORDER BY o.indicator, o.year DESC, coalesce(o.edition, 0) DESC`

// Scorecard aggregates a city's observations per dimension of a framework: those of the edition
// when one is given, else the latest of each indicator, counting only what the basis allows.
func (db *DB) Scorecard(ctx context.Context, city, framework string, edition *int, basis domain.Basis) (*domain.Scorecard, error) {
	if _, err := db.GetCity(ctx, city); err != nil {
		return nil, err
	}
	args := []any{city, framework, edition, pq.Array(basis.Provenance), pq.Array(basis.Verification)}
	// The lines and the totals are read from one snapshot, so that they agree.
	tx, err := db.reader(ctx).BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, mapError(err)
	}
	defer tx.Rollback() // read only: nothing to commit
	var dims []struct {
		domain.DimensionScore
		Ord              int            `db:"ord"`
		ProvenanceList   pq.StringArray `db:"provenance"`
		VerificationList pq.StringArray `db:"verification"`
	}
	err = tx.SelectContext(ctx, &dims, `
		WITH RECURSIVE tree AS (
			SELECT framework, slug AS ancestor, slug AS dimension FROM dimensions WHERE framework = $2
			UNION ALL
			SELECT t.framework, t.ancestor, d.slug FROM tree t
			JOIN dimensions d ON d.framework = t.framework AND d.parent = t.dimension
		), latest AS (`+scorecardLatestSQL+`
		), scored AS (
			SELECT i.slug, i.dimension, o.status, o.provenance, o.verification, `+scoreSQL+` AS score
			FROM indicators i LEFT JOIN latest o ON o.indicator = i.slug
			WHERE i.framework = $2 AND (i.status = 'active' OR o.id IS NOT NULL)
		), ordered AS (`+dimensionsSQL+`)
		SELECT d.slug AS dimension, d.parent, d.name, ordered.ord,
			count(s.slug) AS indicators,
			count(s.status) AS observed,
			count(s.status) FILTER (WHERE s.status IN ('A', 'E', 'P')) AS reported,
			count(s.score) AS scored,
			avg(s.score) AS score,
			array_remove(array_agg(DISTINCT s.provenance), NULL) AS provenance,
			array_remove(array_agg(DISTINCT s.verification), NULL) AS verification
		FROM dimensions d
		JOIN ordered ON ordered.framework = d.framework AND ordered.slug = d.slug
		LEFT JOIN tree t ON t.framework = d.framework AND t.ancestor = d.slug
		LEFT JOIN scored s ON s.dimension = t.dimension
		WHERE d.framework = $2
		GROUP BY d.slug, d.parent, d.name, ordered.ord
		ORDER BY ordered.ord`, args...)
	if err != nil {
		return nil, mapError(err)
	}
	var counted domain.ProvenanceCounts
	err = tx.GetContext(ctx, &counted, `
		WITH latest AS (`+scorecardLatestSQL+`)
		SELECT count(*) FILTER (WHERE provenance = 'reported') AS reported,
			count(*) FILTER (WHERE provenance = 'sample') AS sample,
			count(*) FILTER (WHERE provenance = 'synthetic') AS synthetic
		FROM latest`, args...)
	if err != nil {
		return nil, mapError(err)
	}
	sc := &domain.Scorecard{City: city, Framework: framework, Edition: edition,
		Inputs: domain.NewInputs(basis, counted), Items: []domain.DimensionScore{}}
	for _, d := range dims {
		line := d.DimensionScore
		// array_agg(DISTINCT …) sorts them, which is their canonical order: reported, sample,
		// synthetic; self_reported, verified.
		line.Provenance = append([]string{}, d.ProvenanceList...)
		line.Verification = append([]string{}, d.VerificationList...)
		sc.Items = append(sc.Items, line)
	}
	return sc, nil
}

// Ranking orders the cities by their latest counted value of an indicator (in the edition, when
// given), best first by the indicator's direction; cities whose counted observation has no value
// come last, unranked. Cities with no counted observation are not listed.
func (db *DB) Ranking(ctx context.Context, ind *domain.Indicator, edition *int, basis domain.Basis) (*domain.Ranking, error) {
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
	err := db.reader(ctx).SelectContext(ctx, &rows, `
		WITH latest AS (
			SELECT DISTINCT ON (o.city) o.*
			FROM observations o
			WHERE o.indicator = $1 AND ($2::integer IS NULL OR o.edition = $2)
				AND o.provenance = ANY($3) AND o.verification = ANY($4) AND o.verification <> 'rejected'
			ORDER BY o.city, o.year DESC, coalesce(o.edition, 0) DESC
		), keyed AS (
			SELECT l.*, CASE WHEN l.status IN ('A', 'E', 'P')
				THEN coalesce(l.value_number, CASE WHEN l.value_boolean THEN 1 ELSE 0 END) END AS sort_key
			FROM latest l
		)
		SELECT CASE WHEN k.sort_key IS NOT NULL
				THEN rank() OVER (PARTITION BY k.sort_key IS NULL ORDER BY k.sort_key `+order+`) END AS rank,
			k.city, c.name AS city_name, k.status, k.year, k.edition, k.provenance, k.verification,
			k.value_number, k.value_boolean, k.value_text
		FROM keyed k JOIN cities c ON c.slug = k.city
		ORDER BY k.sort_key IS NULL, k.sort_key `+order+`, k.city`,
		ind.Slug, edition, pq.Array(basis.Provenance), pq.Array(basis.Verification))
	if err != nil {
		return nil, mapError(err)
	}
	var counted domain.ProvenanceCounts
	items := []domain.RankingEntry{}
	for _, row := range rows {
		e := row.RankingEntry
		e.Value = domain.ValueOf(ind.ValueType, domain.StoredValue{Number: row.ValueNumber, Boolean: row.ValueBoolean, Text: row.ValueText})
		counted.Add(e.Provenance)
		items = append(items, e)
	}
	return &domain.Ranking{Indicator: ind.Slug, Direction: ind.Direction, Edition: edition,
		Inputs: domain.NewInputs(basis, counted), Items: items}, nil
}

// Compare returns, for each active indicator of a framework, each city's latest counted value
// (in the edition, when given), in the order the cities were asked for.
func (db *DB) Compare(ctx context.Context, cities []string, framework string, edition *int, basis domain.Basis) (*domain.Comparison, error) {
	var missing []string
	if err := db.reader(ctx).SelectContext(ctx, &missing, `SELECT c FROM unnest($1::text[]) c
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
		Provenance   *string     `db:"provenance"`
		Verification *string     `db:"verification"`
		ValueNumber  *float64    `db:"value_number"`
		ValueBoolean *bool       `db:"value_boolean"`
		ValueText    *string     `db:"value_text"`
	}
	err := db.reader(ctx).SelectContext(ctx, &rows, `
		WITH latest AS (
			SELECT DISTINCT ON (o.indicator, o.city) o.*
			FROM observations o JOIN indicators i ON i.slug = o.indicator
			WHERE o.city = ANY($1) AND i.framework = $2 AND ($3::integer IS NULL OR o.edition = $3)
				AND o.provenance = ANY($4) AND o.verification = ANY($5) AND o.verification <> 'rejected'
			ORDER BY o.indicator, o.city, o.year DESC, coalesce(o.edition, 0) DESC
		)
		SELECT i.slug AS indicator, i.code, i.name, i.dimension, i.value_type, i.direction, c.city,
			l.status, l.year, l.provenance, l.verification, l.value_number, l.value_boolean, l.value_text
		FROM indicators i
		CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS c(city, n)
		LEFT JOIN latest l ON l.indicator = i.slug AND l.city = c.city
		WHERE i.framework = $2 AND i.status = 'active'
		ORDER BY i.slug, c.n`, pq.Array(cities), framework, edition, pq.Array(basis.Provenance), pq.Array(basis.Verification))
	if err != nil {
		return nil, mapError(err)
	}
	var counted domain.ProvenanceCounts
	items := []domain.ComparisonRow{}
	for _, r := range rows {
		n := len(items)
		if n == 0 || items[n-1].Indicator != r.Indicator {
			items = append(items, domain.ComparisonRow{Indicator: r.Indicator, Code: r.Code, Name: r.Name,
				Dimension: r.Dimension, ValueType: r.ValueType, Direction: r.Direction, Values: []domain.ComparedValue{}})
			n++
		}
		if r.Provenance != nil {
			counted.Add(*r.Provenance)
		}
		v := domain.ValueOf(r.ValueType, domain.StoredValue{Number: r.ValueNumber, Boolean: r.ValueBoolean, Text: r.ValueText})
		items[n-1].Values = append(items[n-1].Values, domain.ComparedValue{City: r.City, Value: v, Status: r.Status,
			Year: r.Year, Provenance: r.Provenance, Verification: r.Verification})
	}
	return &domain.Comparison{Cities: cities, Framework: framework, Edition: edition,
		Inputs: domain.NewInputs(basis, counted), Items: items}, nil
}
