package postgres

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ExplainObservationPage runs the query of an observation page under EXPLAIN ANALYZE and returns
// how many rows of observations its plan read (rows returned by its scans of the table, and the
// rows they read and threw away), how many rows the query returned, and the plan as JSON; with
// generic, the plan PostgreSQL makes for the prepared statement without the parameters' values.
func (db *DB) ExplainObservationPage(ctx context.Context, f domain.ObservationFilter, generic bool) (read, returned int, plan string, err error) {
	q, args, err := ObservationPageSQL(ctx, db.db, f)
	if err != nil {
		return 0, 0, "", err
	}
	if generic {
		// As a cached prepared statement runs once PostgreSQL has chosen its generic plan: the
		// plan is made without the parameters' values.
		conn, err := db.db.Connx(ctx)
		if err != nil {
			return 0, 0, "", err
		}
		defer conn.Close()
		_, _ = conn.ExecContext(ctx, `DEALLOCATE ALL`)
		if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
			return 0, 0, "", err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `RESET plan_cache_mode; DEALLOCATE ALL`) //nolint:errcheck
		if _, err := conn.ExecContext(ctx, `PREPARE page AS `+q); err != nil {
			return 0, 0, "", err
		}
		values := make([]string, len(args)) // EXECUTE under EXPLAIN takes no parameters: literals
		for i, a := range args {
			if v, ok := a.(driver.Valuer); ok {
				if a, err = v.Value(); err != nil {
					return 0, 0, "", err
				}
			}
			switch v := a.(type) {
			case nil:
				values[i] = "NULL"
			case string:
				values[i] = pq.QuoteLiteral(v)
			case []byte:
				values[i] = pq.QuoteLiteral(string(v))
			case time.Time:
				values[i] = pq.QuoteLiteral(v.Format(time.RFC3339Nano))
			default:
				values[i] = pq.QuoteLiteral(fmt.Sprint(v))
			}
		}
		if err := conn.GetContext(ctx, &plan, "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page("+strings.Join(values, ", ")+")"); err != nil {
			return 0, 0, "", err
		}
	} else if err := db.db.GetContext(ctx, &plan, "EXPLAIN (ANALYZE, FORMAT JSON) "+q, args...); err != nil {
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

// PreparedStatements is how many statements the primary's cache holds.
func (db *DB) PreparedStatements() int {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	return len(db.stmts.stmts)
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
