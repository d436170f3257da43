package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

const frameworkColumns = `slug, name, description, publisher, url, provenance, version, created_at, updated_at`

// ListFrameworks returns every framework with its dimensions, by slug, or those changed from
// since on (nil: all). Frameworks are few.
func (db *DB) ListFrameworks(ctx context.Context, since *domain.SyncPoint) ([]domain.Framework, error) {
	var args queryArgs
	var where []string
	if since != nil {
		where = append(where, changedSince(&args, "framework", "slug", since))
	}
	var fs []domain.Framework
	if err := db.reader(ctx).SelectContext(ctx, &fs, `SELECT `+frameworkColumns+` FROM frameworks`+whereClause(where)+` ORDER BY slug`, args...); err != nil {
		return nil, mapError(err)
	}
	var dims []struct {
		Framework string `db:"framework"`
		Ord       int    `db:"ord"`
		domain.Dimension
	}
	if err := db.reader(ctx).SelectContext(ctx, &dims, dimensionsSQL+` ORDER BY ord`); err != nil {
		return nil, mapError(err)
	}
	byFramework := map[string][]domain.Dimension{}
	for _, d := range dims {
		byFramework[d.Framework] = append(byFramework[d.Framework], d.Dimension)
	}
	for i := range fs {
		fs[i].Dimensions = nonNilSlice(byFramework[fs[i].Slug])
	}
	return fs, nil
}

// dimensionsSQL lists dimensions depth first (parents before children, siblings by position).
const dimensionsSQL = `
	WITH RECURSIVE tree AS (
		SELECT framework, slug, parent, name, position, ARRAY[position, 0] AS ord_path, ARRAY[slug] AS slugs
		FROM dimensions WHERE parent IS NULL
		UNION ALL
		SELECT d.framework, d.slug, d.parent, d.name, d.position, t.ord_path || d.position, t.slugs || d.slug
		FROM dimensions d JOIN tree t ON d.framework = t.framework AND d.parent = t.slug
	)
	SELECT framework, slug, parent, name, position, row_number() OVER (ORDER BY framework, ord_path, slugs) AS ord FROM tree`

// GetFramework returns one framework with its dimensions.
func (db *DB) GetFramework(ctx context.Context, slug string) (*domain.Framework, error) {
	return getFramework(ctx, db.reader(ctx), slug)
}

func getFramework(ctx context.Context, q sqlx.QueryerContext, slug string) (*domain.Framework, error) {
	var f domain.Framework
	err := sqlx.GetContext(ctx, q, &f, `SELECT `+frameworkColumns+` FROM frameworks WHERE slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no framework %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	var dims []struct {
		Framework string `db:"framework"`
		Ord       int    `db:"ord"`
		domain.Dimension
	}
	if err := sqlx.SelectContext(ctx, q, &dims, `SELECT * FROM (`+dimensionsSQL+`) d WHERE framework = $1 ORDER BY ord`, slug); err != nil {
		return nil, mapError(err)
	}
	f.Dimensions = []domain.Dimension{}
	for _, d := range dims {
		f.Dimensions = append(f.Dimensions, d.Dimension)
	}
	return &f, nil
}

// CreateFramework stores a framework and its dimension tree.
func (db *DB) CreateFramework(ctx context.Context, caller domain.Caller, in domain.FrameworkCreate) (*domain.Framework, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO frameworks (slug, name, description, publisher, url, provenance)
			VALUES ($1, $2, $3, $4, $5, $6)`, in.Slug, in.Name, in.Description, in.Publisher, in.URL, in.Provenance)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "a framework with slug %q already exists", in.Slug)
		}
		if err != nil {
			return err
		}
		for i, d := range in.Dimensions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dimensions (framework, slug, parent, name, position)
				VALUES ($1, $2, $3, $4, $5)`, in.Slug, d.Slug, d.Parent, d.Name, i); err != nil {
				return err
			}
		}
		// The audit image (and so the change feed) is the framework as the API shows it.
		created, err := getFramework(ctx, tx, in.Slug)
		if err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "framework", in.Slug, nil, created)
	})
	if err != nil {
		return nil, err
	}
	return db.GetFramework(ctx, in.Slug)
}
