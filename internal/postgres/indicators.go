package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

const indicatorColumns = `slug, framework, dimension, code, name, description, value_type, unit, scale_min,
	scale_max, levels, direction, methodology, sources, equivalents, status, retired_at, provenance, version,
	created_at, updated_at`

// indicatorRow carries the text[] columns that domain.Indicator keeps as plain slices.
type indicatorRow struct {
	domain.Indicator
	SourceList     pq.StringArray `db:"sources"`
	EquivalentList pq.StringArray `db:"equivalents"`
}

func (r *indicatorRow) indicator() domain.Indicator {
	i := r.Indicator
	i.Sources = append([]string{}, r.SourceList...)
	i.Equivalents = append([]string{}, r.EquivalentList...)
	return i
}

// ListIndicators returns indicators by slug after f.After, with whether more follow. Only the
// filters given become SQL conditions, so that each query is planned for its own.
func (db *DB) ListIndicators(ctx context.Context, f domain.IndicatorFilter) ([]domain.Indicator, bool, error) {
	var where []string
	var args queryArgs
	arg := args.add
	if f.Dimension != "" {
		// The dimension and every dimension below it.
		where = append(where, `(i.framework, i.dimension) IN (
			WITH RECURSIVE sub AS (
				SELECT framework, slug FROM dimensions WHERE framework = `+arg(f.Framework)+` AND slug = `+arg(f.Dimension)+`
				UNION ALL
				SELECT d.framework, d.slug FROM dimensions d JOIN sub ON d.framework = sub.framework AND d.parent = sub.slug
			)
			SELECT framework, slug FROM sub)`)
	} else if f.Framework != "" {
		where = append(where, "i.framework = "+arg(f.Framework))
	}
	if f.ValueType != "" {
		where = append(where, "i.value_type = "+arg(f.ValueType))
	}
	if f.Status != "" {
		where = append(where, "i.status = "+arg(f.Status))
	}
	if f.Query != "" {
		where = append(where, searchCond(&args, searchIndicators, f.Query))
	}
	if f.MissingLanguage != "" {
		where = append(where, missingCond(&args, "indicators", "i", f.MissingLanguage))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "indicator", "i.slug", f.UpdatedSince))
	}
	if f.After != "" {
		where = append(where, "i.slug > "+arg(f.After))
	}
	var rows []indicatorRow
	err := db.reader(ctx).SelectContext(ctx, &rows, `SELECT `+indicatorColumns+` FROM indicators i`+whereClause(where)+`
		ORDER BY i.slug LIMIT `+arg(f.Limit+1), args...)
	if err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]domain.Indicator, len(rows))
	for i := range rows {
		out[i] = rows[i].indicator()
	}
	return out, more, nil
}

// GetIndicator returns one indicator.
func (db *DB) GetIndicator(ctx context.Context, slug string) (*domain.Indicator, error) {
	return getIndicator(ctx, db.reader(ctx), slug, "")
}

func getIndicator(ctx context.Context, q sqlx.QueryerContext, slug, lock string) (*domain.Indicator, error) {
	var row indicatorRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+indicatorColumns+` FROM indicators WHERE slug = $1 `+lock, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no indicator %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	i := row.indicator()
	return &i, nil
}

// CreateIndicator stores a new indicator; its dimension must exist in its framework and its
// equivalents must exist.
func (db *DB) CreateIndicator(ctx context.Context, caller domain.Caller, slug string, f domain.IndicatorFields) (*domain.Indicator, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Invalid("slug", "must be lowercase words joined by hyphens")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out domain.Indicator
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if err := checkIndicatorRefs(ctx, tx, slug, &f); err != nil {
			return err
		}
		var row indicatorRow
		err := tx.GetContext(ctx, &row, `
			INSERT INTO indicators (slug, framework, dimension, code, name, description, value_type, unit,
				scale_min, scale_max, levels, direction, methodology, sources, equivalents, provenance)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
			RETURNING `+indicatorColumns,
			slug, f.Framework, f.Dimension, f.Code, f.Name, f.Description, f.ValueType, f.Unit, f.ScaleMin,
			f.ScaleMax, f.Levels, f.Direction, f.Methodology, pq.Array(f.Sources), pq.Array(f.Equivalents), f.Provenance)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "an indicator with slug %q, or with code %q in %s, already exists", slug, f.Code, f.Framework)
		}
		if err != nil {
			return err
		}
		out = row.indicator()
		return audit(ctx, tx, caller, "create", "indicator", slug, nil, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// checkIndicatorRefs checks that the dimension exists in the framework and that equivalents exist.
func checkIndicatorRefs(ctx context.Context, tx *sqlx.Tx, slug string, f *domain.IndicatorFields) error {
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM dimensions WHERE framework = $1 AND slug = $2)`,
		f.Framework, f.Dimension); err != nil {
		return err
	}
	if !ok {
		return domain.Invalid("dimension", "framework %q has no dimension %q", f.Framework, f.Dimension)
	}
	var missing []string
	if err := tx.SelectContext(ctx, &missing, `
		SELECT e FROM unnest($1::text[]) AS e
		WHERE e = $2 OR NOT EXISTS (SELECT 1 FROM indicators WHERE slug = e) ORDER BY e`,
		pq.Array(f.Equivalents), slug); err != nil {
		return err
	}
	if len(missing) > 0 {
		return domain.Invalid("equivalents", "unknown or self-referencing indicators: %v", missing)
	}
	return nil
}

// UpdateIndicator replaces an indicator's fields when ifMatch allows its version. The fields
// that decide which values it takes (value type, scale, levels) cannot change once it has
// observations: ECONFLICT names them and the number of observations.
func (db *DB) UpdateIndicator(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch, f domain.IndicatorFields) (*domain.Indicator, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out domain.Indicator
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := getIndicator(ctx, tx, slug, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := checkVersion(fmt.Sprintf("indicator %q", slug), before.Version, ifMatch); err != nil {
			return err
		}
		if err := checkIndicatorRefs(ctx, tx, slug, &f); err != nil {
			return err
		}
		if changed := before.ValueRuleChanges(&f); len(changed) > 0 {
			// Observations of the indicator are created under its lock (FOR SHARE), so the count
			// cannot grow before this change commits.
			var n int
			if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM observations WHERE indicator = $1`, slug); err != nil {
				return err
			}
			if n > 0 {
				return domain.Errorf(domain.ECONFLICT,
					"indicator %q has %d observation(s), which were checked against its %s: these cannot change while it has observations; create a new indicator instead",
					slug, n, strings.Join(changed, ", "))
			}
		}
		var row indicatorRow
		err = tx.GetContext(ctx, &row, `
			UPDATE indicators SET framework = $3, dimension = $4, code = $5, name = $6, description = $7,
				value_type = $8, unit = $9, scale_min = $10, scale_max = $11, levels = $12, direction = $13,
				methodology = $14, sources = $15, equivalents = $16, provenance = $17,
				version = version + 1, updated_at = now()
			WHERE slug = $1 AND version = $2
			RETURNING `+indicatorColumns,
			slug, before.Version, f.Framework, f.Dimension, f.Code, f.Name, f.Description, f.ValueType, f.Unit,
			f.ScaleMin, f.ScaleMax, f.Levels, f.Direction, f.Methodology, pq.Array(f.Sources),
			pq.Array(f.Equivalents), f.Provenance)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EPRECONDITION, "indicator %q changed since it was read", slug)
		}
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "framework %s already has an indicator with code %q", f.Framework, f.Code)
		}
		if err != nil {
			return err
		}
		out = row.indicator()
		return audit(ctx, tx, caller, "update", "indicator", slug, before, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RetireIndicator marks an indicator retired when ifMatch allows its version: it stays
// readable, keeps its observations and takes no new ones.
func (db *DB) RetireIndicator(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch) (*domain.Indicator, error) {
	var out domain.Indicator
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := getIndicator(ctx, tx, slug, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := checkVersion(fmt.Sprintf("indicator %q", slug), before.Version, ifMatch); err != nil {
			return err
		}
		if before.Status == "retired" {
			out = *before
			return nil
		}
		var row indicatorRow
		err = tx.GetContext(ctx, &row, `UPDATE indicators SET status = 'retired', retired_at = now(),
				version = version + 1, updated_at = now()
			WHERE slug = $1 AND version = $2 RETURNING `+indicatorColumns, slug, before.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EPRECONDITION, "indicator %q changed since it was read", slug)
		}
		if err != nil {
			return err
		}
		out = row.indicator()
		return audit(ctx, tx, caller, "update", "indicator", slug, before, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
