package postgres

import (
	"context"
	"encoding/json"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ExplainObservationPage runs the query of an observation page under EXPLAIN ANALYZE and returns
// how many rows of observations its plan read (rows returned by its scans of the table, and the
// rows they read and threw away), how many rows the query returned, and the plan as JSON.
func (db *DB) ExplainObservationPage(ctx context.Context, f domain.ObservationFilter) (read, returned int, plan string, err error) {
	q, args, err := ObservationPageSQL(ctx, db.db, f)
	if err != nil {
		return 0, 0, "", err
	}
	if err := db.db.GetContext(ctx, &plan, "EXPLAIN (ANALYZE, FORMAT JSON) "+q, args...); err != nil {
		return 0, 0, "", err
	}
	var doc []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(plan), &doc); err != nil {
		return 0, 0, "", err
	}
	num := func(n map[string]any, k string) int { v, _ := n[k].(float64); return int(v) }
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if n["Relation Name"] == "observations" {
			read += (num(n, "Actual Rows") + num(n, "Rows Removed by Filter") + num(n, "Rows Removed by Index Recheck")) *
				max(1, num(n, "Actual Loops"))
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(doc[0].Plan)
	return read, num(doc[0].Plan, "Actual Rows"), plan, nil
}

// SetVintagePage sets how many rows an export of a vintage reads per query, so that a test's
// few rows take several; the returned function restores it.
func SetVintagePage(n int) (restore func()) {
	old := vintagePage
	vintagePage = n
	return func() { vintagePage = old }
}

// AppendCSVNumber is appendNumber, for the external tests: the CSV cell of a number that
// PostgreSQL wrote as v.
func AppendCSVNumber(b, v []byte) []byte { return appendNumber(b, v) }
