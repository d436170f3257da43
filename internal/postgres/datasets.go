package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// datasetSelect reads datasets; themes and keywords come as text arrays (datasetRow).
const datasetSelect = `SELECT slug, title, description, publisher, license, themes, keywords, temporal_start,
	temporal_end, spatial, accrual_periodicity, contact_name, contact_email, content, latest_release, version,
	created_at, updated_at
	FROM datasets`

// datasetRow is a dataset as read, with its text arrays.
type datasetRow struct {
	domain.Dataset
	Themes   pq.StringArray `db:"themes"`
	Keywords pq.StringArray `db:"keywords"`
}

func (r datasetRow) dataset() domain.Dataset {
	d := r.Dataset
	d.Themes, d.Keywords = nonNilSlice(r.Themes), nonNilSlice(r.Keywords)
	return d
}

// ListDatasets returns one page of datasets ordered by slug, and whether there is a next page.
func (db *DB) ListDatasets(ctx context.Context, f domain.DatasetFilter) ([]domain.Dataset, bool, error) {
	var where []string
	var args queryArgs
	arg := args.add
	if f.Resource != "" {
		where = append(where, "content->>'resource' = "+arg(f.Resource))
	}
	if f.License != "" {
		where = append(where, "license = "+arg(f.License))
	}
	if f.Released != nil {
		where = append(where, fmt.Sprintf("(latest_release IS NOT NULL) = %s", arg(*f.Released)))
	}
	if f.MissingLanguage != "" {
		where = append(where, missingCond(&args, "datasets", "datasets", f.MissingLanguage))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "dataset", "slug", f.UpdatedSince))
	}
	if f.After != "" {
		where = append(where, "slug > "+arg(f.After))
	}
	var rows []datasetRow
	query := datasetSelect + whereClause(where) + " ORDER BY slug LIMIT " + arg(f.Limit+1)
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &rows, query, args...); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]domain.Dataset, len(rows))
	for i, r := range rows {
		out[i] = r.dataset()
	}
	return out, more, nil
}

// GetDataset returns one dataset by slug.
func (db *DB) GetDataset(ctx context.Context, slug string) (*domain.Dataset, error) {
	return getDataset(ctx, db.reader(ctx), slug, "")
}

func getDataset(ctx context.Context, q sqlx.QueryerContext, slug, lock string) (*domain.Dataset, error) {
	var r datasetRow
	err := sqlx.GetContext(ctx, q, &r, datasetSelect+` WHERE slug = $1 `+lock, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no dataset %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	d := r.dataset()
	return &d, nil
}

// CreateDataset inserts a dataset; ECONFLICT when the slug is taken.
func (db *DB) CreateDataset(ctx context.Context, caller domain.Caller, slug string, f domain.DatasetFields) (*domain.Dataset, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Invalid("slug", "must be lowercase letters and digits joined by single hyphens")
	}
	if slices.Contains(domain.ReservedDatasetSlugs, slug) {
		return nil, domain.Invalid("slug", "%q names a part of the API; choose another slug", slug)
	}
	if err := db.checkDataset(ctx, &f); err != nil {
		return nil, err
	}
	var out *domain.Dataset
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM datasets WHERE slug = $1 FOR UPDATE)`, slug); err != nil {
			return err
		}
		if taken {
			return domain.Errorf(domain.ECONFLICT, "a dataset with slug %q already exists", slug)
		}
		version, err := firstVersion(ctx, tx, "dataset", slug)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO datasets (slug, title, description, publisher, license, themes, keywords, temporal_start,
				temporal_end, spatial, accrual_periodicity, contact_name, contact_email, content, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			slug, f.Title, f.Description, f.Publisher, f.License, pq.Array(nonNilSlice(f.Themes)), pq.Array(nonNilSlice(f.Keywords)),
			f.TemporalStart, f.TemporalEnd, f.Spatial, f.AccrualPeriodicity, f.ContactName, f.ContactEmail, f.Content, version)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "a dataset with slug %q already exists", slug)
		}
		if err != nil {
			return err
		}
		if out, err = getDataset(ctx, tx, slug, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "dataset", slug, nil, out)
	})
	return out, err
}

// UpdateDataset replaces a dataset's fields when ifMatch allows its version. Its releases keep
// the content they were taken with.
func (db *DB) UpdateDataset(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch, f domain.DatasetFields) (*domain.Dataset, error) {
	if err := db.checkDataset(ctx, &f); err != nil {
		return nil, err
	}
	var out *domain.Dataset
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockDataset(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE datasets SET title = $3, description = $4, publisher = $5, license = $6, themes = $7, keywords = $8,
				temporal_start = $9, temporal_end = $10, spatial = $11, accrual_periodicity = $12, contact_name = $13,
				contact_email = $14, content = $15, version = version + 1, updated_at = now()
			WHERE slug = $1 AND version = $2`,
			slug, before.Version, f.Title, f.Description, f.Publisher, f.License, pq.Array(nonNilSlice(f.Themes)),
			pq.Array(nonNilSlice(f.Keywords)), f.TemporalStart, f.TemporalEnd, f.Spatial, f.AccrualPeriodicity,
			f.ContactName, f.ContactEmail, f.Content)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "dataset %q changed since it was read", slug)
		}
		if out, err = getDataset(ctx, tx, slug, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "dataset", slug, before, out)
	})
	return out, err
}

// DeleteDataset deletes a dataset that has never been released: a release is a promise to the
// consumers who cite it, and stays.
func (db *DB) DeleteDataset(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockDataset(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		if before.LatestRelease != nil {
			return domain.Errorf(domain.ECONFLICT, "dataset %q has %d releases, which stay citable: it cannot be deleted", slug, *before.LatestRelease)
		}
		if err := linkedFromReports(ctx, tx, "dataset", slug); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM datasets WHERE slug = $1 AND version = $2`, slug, before.Version); err != nil {
			return err
		}
		if err := bury(ctx, tx, "dataset", slug, before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "dataset", slug, before, nil)
	})
}

// lockDataset reads a dataset FOR UPDATE and says why a write cannot go on: ENOTFOUND or EPRECONDITION.
func lockDataset(ctx context.Context, tx *sqlx.Tx, slug string, ifMatch domain.IfMatch) (*domain.Dataset, error) {
	d, err := getDataset(ctx, tx, slug, "FOR UPDATE")
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("dataset %q", slug), d.Version, ifMatch); err != nil {
		return nil, err
	}
	return d, nil
}

// checkDataset validates a dataset's fields and checks that its content names what exists.
func (db *DB) checkDataset(ctx context.Context, f *domain.DatasetFields) error {
	if err := f.Validate(); err != nil {
		return err
	}
	c := f.Content
	err := db.CheckReferences(ctx, domain.ObservationFilter{Cities: c.Cities, Indicators: c.Indicators,
		Framework: c.Framework, Edition: editionIfStudy(c)})
	var e *domain.Error
	if errors.As(err, &e) && e.Code == domain.EINVALID {
		return domain.Invalid("body.content", "%s", e.Message)
	}
	return err
}

// editionIfStudy is the content's edition when it names a study edition (observations); for
// trend adoption it is a year, which needs no study.
func editionIfStudy(c domain.DatasetContent) *int {
	if c.Resource == "observations" {
		return c.Edition
	}
	return nil
}
