package postgres

import (
	"context"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// CheckReferences returns EINVALID naming the first slug of an observation filter that names
// nothing: a city, an indicator, a framework, a dimension of it, or a study edition. Lists call
// it only when a page comes back empty, so that a typo in a slug is a 422 rather than an empty
// list, at no cost to the lists that find something.
func (db *DB) CheckReferences(ctx context.Context, f domain.ObservationFilter) error {
	var missing struct {
		Cities     pq.StringArray `db:"cities"`
		Indicators pq.StringArray `db:"indicators"`
		Framework  bool           `db:"framework"`
		Dimension  bool           `db:"dimension"`
		Edition    bool           `db:"edition"`
	}
	err := db.reader(ctx).GetContext(ctx, &missing, `
		SELECT
			ARRAY(SELECT c FROM unnest($1::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM cities WHERE slug = c)) AS cities,
			ARRAY(SELECT i FROM unnest($2::text[]) AS i WHERE NOT EXISTS (SELECT 1 FROM indicators WHERE slug = i)) AS indicators,
			$3 <> '' AND NOT EXISTS (SELECT 1 FROM frameworks WHERE slug = $3) AS framework,
			$4 <> '' AND NOT EXISTS (SELECT 1 FROM dimensions WHERE framework = $3 AND slug = $4) AS dimension,
			$5::integer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM studies WHERE edition = $5) AS edition`,
		pq.Array(f.Cities), pq.Array(f.Indicators), f.Framework, f.Dimension, f.Edition)
	switch {
	case err != nil:
		return mapError(err)
	case len(missing.Cities) > 0:
		return domain.Invalid("city", "no city %q", missing.Cities[0])
	case len(missing.Indicators) > 0:
		return domain.Invalid("indicator", "no indicator %q", missing.Indicators[0])
	case missing.Framework:
		return domain.Invalid("framework", "no framework %q", f.Framework)
	case missing.Dimension:
		return domain.Invalid("dimension", "framework %q has no dimension %q", f.Framework, f.Dimension)
	case missing.Edition:
		return domain.Invalid("edition", "no study edition %d", *f.Edition)
	}
	return nil
}
