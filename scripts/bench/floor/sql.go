package main

// The API store's SQL, copied verbatim (internal/postgres: the prepared statement of GetCity, and
// observationQuery for a page and for an export). internal/postgres/benchfloor_test.go fails when
// these drift from the store's, so the floor always runs what the API runs.

// citySQL is GetCity's prepared statement.
const citySQL = `SELECT slug, name, country, section, metropolis_member, population, population_year,
	latitude, longitude, website, open_data_portal, cop_member, cop_role, provenance, version,
	created_at, updated_at FROM cities WHERE slug = $1`

// observationsSQL selects the filtered observations in id order after $12; pageSQL adds the limit.
const observationsSQL = `
		SELECT o.id, o.indicator, o.city, o.year, o.edition, o.value_number, o.value_boolean,
	o.value_text, o.status, o.quality, o.source, o.footnote, o.verification, o.provenance, o.version,
	o.created_at, o.updated_at, i.value_type
		FROM observations o JOIN indicators i ON i.slug = o.indicator
		WHERE 
		    ($1::text[] IS NULL OR o.city = ANY($1))
		AND ($2::text[] IS NULL OR o.indicator = ANY($2))
		AND ($3 = '' OR i.framework = $3)
		AND ($4 = '' OR (i.framework, i.dimension) IN (
			WITH RECURSIVE sub AS (
				SELECT framework, slug FROM dimensions WHERE framework = $3 AND slug = $4
				UNION ALL
				SELECT d.framework, d.slug FROM dimensions d JOIN sub ON d.framework = sub.framework AND d.parent = sub.slug
			) SELECT framework, slug FROM sub))
		AND ($5::integer IS NULL OR o.edition = $5)
		AND ($6::integer IS NULL OR o.year >= $6)
		AND ($7::integer IS NULL OR o.year <= $7)
		AND ($8::text[] IS NULL OR o.status = ANY($8))
		AND ($9 = '' OR o.verification = $9)
		AND ($10 = '' OR o.provenance = $10)
		AND ($11::timestamptz IS NULL OR o.updated_at >= $11) AND o.id > $12
		ORDER BY o.id `

// pageSQL is observationsSQL for one page: the API asks for one row more than the page.
const pageSQL = observationsSQL + `LIMIT $13`

// exportSQL is what an export runs: every row, no limit, after id 0.
const exportSQL = observationsSQL
