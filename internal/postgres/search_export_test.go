package postgres

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ExplainCityList returns the plan, as JSON, of the query of a page of list-cities.
func (db *DB) ExplainCityList(ctx context.Context, f domain.CityFilter) (string, error) {
	q, args, _, err := cityListSQL(f)
	if err != nil {
		return "", err
	}
	var plan string
	err = db.db.GetContext(ctx, &plan, "EXPLAIN (FORMAT JSON) "+q, args...)
	return plan, err
}

// SearchExpressions are the search expressions of the lists by table, for the tests that
// check each is the expression of its table's trigram index.
var SearchExpressions = map[string]string{
	"cities":        searchCities,
	"organisations": searchOrganisations,
	"indicators":    searchIndicators,
	"trends":        searchTrends,
	"events":        searchEvents,
	"reports":       searchReports,
}
