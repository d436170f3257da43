package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// trendSelect reads trends with their dimensions as a jsonb list.
const trendSelect = `SELECT t.slug, t.name, t.description, t.category, t.horizon_years, t.assessments,
	t.provenance, t.version, t.created_at, t.updated_at,
	coalesce((SELECT jsonb_agg(jsonb_build_object('framework', d.framework, 'dimension', d.dimension)
	                           ORDER BY d.framework, d.dimension)
	          FROM trend_dimensions d WHERE d.trend = t.slug), '[]') AS dimensions
	FROM trends t`

// ListTrends returns one page of trends ordered by slug, and whether there is a next page.
// Only the filters given become SQL conditions.
func (db *DB) ListTrends(ctx context.Context, f domain.TrendFilter) ([]domain.Trend, bool, error) {
	var where []string
	var args queryArgs
	arg := args.add
	if f.Category != "" {
		where = append(where, "t.category = "+arg(f.Category))
	}
	if f.Dimension != "" {
		where = append(where, "EXISTS (SELECT 1 FROM trend_dimensions d WHERE d.trend = t.slug AND d.framework = "+
			arg(f.Framework)+" AND d.dimension = "+arg(f.Dimension)+")")
	} else if f.Framework != "" {
		where = append(where, "EXISTS (SELECT 1 FROM trend_dimensions d WHERE d.trend = t.slug AND d.framework = "+
			arg(f.Framework)+")")
	}
	if f.Query != "" {
		where = append(where, searchCond(&args, searchTrends, f.Query))
	}
	if f.MissingLanguage != "" {
		where = append(where, missingCond(&args, "trends", "t", f.MissingLanguage))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "trend", "t.slug", f.UpdatedSince))
	}
	if f.After != "" {
		where = append(where, "t.slug > "+arg(f.After))
	}
	query := trendSelect + whereClause(where) + " ORDER BY t.slug LIMIT " + arg(f.Limit+1)
	var trends []domain.Trend
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &trends, query, args...); err != nil {
		return nil, false, mapError(err)
	}
	if len(trends) > f.Limit {
		return trends[:f.Limit], true, nil
	}
	return trends, false, nil
}

// CheckTrendReferences returns EINVALID naming the first slug of a trend filter that names
// nothing: the framework, or the dimension in it. Lists call it when a page comes back empty.
func (db *DB) CheckTrendReferences(ctx context.Context, framework, dimension string) error {
	return db.CheckReferences(ctx, domain.ObservationFilter{Framework: framework, Dimension: dimension})
}

// GetTrend returns one trend by slug.
func (db *DB) GetTrend(ctx context.Context, slug string) (*domain.Trend, error) {
	return getTrend(ctx, db.reader(ctx), slug, "")
}

func getTrend(ctx context.Context, q sqlx.QueryerContext, slug, lock string) (*domain.Trend, error) {
	var t domain.Trend
	err := sqlx.GetContext(ctx, q, &t, trendSelect+` WHERE t.slug = $1 `+lock, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no trend %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return &t, nil
}

// CreateTrend inserts a trend with its dimensions; ECONFLICT when the slug is taken.
func (db *DB) CreateTrend(ctx context.Context, caller domain.Caller, slug string, f domain.TrendFields) (*domain.Trend, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Invalid("slug", "must be lowercase letters and digits joined by single hyphens")
	}
	if slices.Contains(domain.ReservedTrendSlugs, slug) {
		return nil, domain.Invalid("slug", "%q names a part of the API (/v1/trends/%s); choose another slug", slug, slug)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *domain.Trend
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM trends WHERE slug = $1 FOR UPDATE)`, slug); err != nil {
			return err
		}
		if taken {
			return domain.Errorf(domain.ECONFLICT, "a trend with slug %q already exists", slug)
		}
		version, err := firstVersion(ctx, tx, "trend", slug)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO trends (slug, name, description, category, horizon_years, assessments, provenance, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			slug, f.Name, f.Description, f.Category, f.HorizonYears, f.Assessments, f.Provenance, version)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "a trend with slug %q already exists", slug)
		}
		if err != nil {
			return err
		}
		if err := writeTrendDimensions(ctx, tx, slug, f.Dimensions); err != nil {
			return err
		}
		if out, err = getTrend(ctx, tx, slug, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "trend", slug, nil, out)
	})
	return out, err
}

// UpdateTrend replaces a trend's fields, dimensions included, when ifMatch allows its version.
func (db *DB) UpdateTrend(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch, f domain.TrendFields) (*domain.Trend, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *domain.Trend
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockTrend(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE trends SET name = $3, description = $4, category = $5, horizon_years = $6, assessments = $7,
				provenance = $8, version = version + 1, updated_at = now()
			WHERE slug = $1 AND version = $2`,
			slug, before.Version, f.Name, f.Description, f.Category, f.HorizonYears, f.Assessments, f.Provenance)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "trend %q changed since it was read", slug)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM trend_dimensions WHERE trend = $1`, slug); err != nil {
			return err
		}
		if err := writeTrendDimensions(ctx, tx, slug, f.Dimensions); err != nil {
			return err
		}
		if out, err = getTrend(ctx, tx, slug, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "trend", slug, before, out)
	})
	return out, err
}

// DeleteTrend deletes a trend that no city's adoption refers to, when ifMatch allows its version.
func (db *DB) DeleteTrend(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockTrend(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		if err := linkedFromReports(ctx, tx, "trend", slug); err != nil {
			return err
		}
		var records int
		if err := tx.GetContext(ctx, &records, `SELECT count(*) FROM trend_adoptions WHERE trend = $1`, slug); err != nil {
			return err
		}
		if records > 0 {
			return domain.Errorf(domain.ECONFLICT, "trend %q has %d adoption records: delete them first", slug, records)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM trends WHERE slug = $1 AND version = $2`, slug, before.Version); err != nil {
			return err
		}
		if err := bury(ctx, tx, "trend", slug, before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "trend", slug, before, nil)
	})
}

// lockTrend reads a trend FOR UPDATE and says why a write cannot go on: ENOTFOUND or EPRECONDITION.
func lockTrend(ctx context.Context, tx *sqlx.Tx, slug string, ifMatch domain.IfMatch) (*domain.Trend, error) {
	t, err := getTrend(ctx, tx, slug, "FOR UPDATE OF t")
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("trend %q", slug), t.Version, ifMatch); err != nil {
		return nil, err
	}
	return t, nil
}

// writeTrendDimensions inserts a trend's dimensions, naming the first that does not exist.
func writeTrendDimensions(ctx context.Context, tx *sqlx.Tx, trend string, dims domain.TrendDimensions) error {
	for i, d := range dims {
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM dimensions WHERE framework = $1 AND slug = $2)`,
			d.Framework, d.Dimension); err != nil {
			return err
		}
		if !exists {
			return domain.Invalid(fmt.Sprintf("dimensions[%d]", i), "framework %q has no dimension %q", d.Framework, d.Dimension)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO trend_dimensions (trend, framework, dimension) VALUES ($1, $2, $3)`,
			trend, d.Framework, d.Dimension); err != nil {
			return err
		}
	}
	return nil
}
