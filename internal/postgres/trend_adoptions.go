package postgres

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// adoptionColumns are an adoption record's columns, read from trend_adoptions a. The record
// holds no name of its trend or city: its ETag is its own version, which their changes do not
// move.
const adoptionColumns = `a.trend, a.city, a.year, a.stage, a.priority,
	a.example_project, a.example_url, a.source, a.provenance, a.verification, a.version, a.created_at, a.updated_at`

// ListAdoptions returns one page of adoption records ordered by trend, city and year, and
// whether there is a next page. Without History it keeps, for each trend and city, the latest
// record of AsOf or before; the stage, section and updated_since filters then apply to that
// record, so that "cities at pilot" means cities whose latest assessment says pilot.
func (db *DB) ListAdoptions(ctx context.Context, f domain.AdoptionFilter) ([]domain.Adoption, bool, error) {
	var args queryArgs
	arg := args.add
	// Conditions on the records themselves, applied before the latest one is kept.
	var inner []string
	if f.Trend != "" {
		inner = append(inner, "trend = "+arg(f.Trend))
	}
	if f.City != "" {
		inner = append(inner, "city = "+arg(f.City))
	}
	if f.AsOf != 0 {
		inner = append(inner, "year <= "+arg(f.AsOf))
	}
	if f.Provenance != "" {
		inner = append(inner, "provenance = "+arg(f.Provenance))
	}
	if k := f.After; k != nil {
		if f.History {
			inner = append(inner, "(trend, city, year) > ("+arg(k.Trend)+", "+arg(k.City)+", "+arg(k.Year)+")")
		} else {
			inner = append(inner, "(trend, city) > ("+arg(k.Trend)+", "+arg(k.City)+")")
		}
	}
	records := `SELECT * FROM trend_adoptions` + whereClause(inner)
	if !f.History {
		records = `SELECT DISTINCT ON (trend, city) * FROM trend_adoptions` + whereClause(inner) +
			` ORDER BY trend, city, year DESC`
	}
	// Conditions on the records kept.
	var outer []string
	if f.Stage != "" {
		outer = append(outer, "a.stage = "+arg(f.Stage))
	}
	if f.Section != "" {
		outer = append(outer, "c.section = "+arg(f.Section))
	}
	if f.UpdatedSince != nil {
		outer = append(outer, changedSince(&args, "trend_adoption", "a.trend || '/' || a.city || '/' || a.year", f.UpdatedSince))
	}
	query := `SELECT ` + adoptionColumns + ` FROM (` + records + `) a
		JOIN cities c ON c.slug = a.city` + whereClause(outer) + `
		ORDER BY a.trend, a.city, a.year LIMIT ` + arg(f.Limit+1)
	var out []domain.Adoption
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &out, query, args...); err != nil {
		return nil, false, mapError(err)
	}
	if len(out) > f.Limit {
		return out[:f.Limit], true, nil
	}
	return out, false, nil
}

// GetAdoption returns one adoption record.
func (db *DB) GetAdoption(ctx context.Context, k domain.AdoptionKey) (*domain.Adoption, error) {
	return getAdoption(ctx, db.reader(ctx), k, "")
}

func getAdoption(ctx context.Context, q sqlx.QueryerContext, k domain.AdoptionKey, lock string) (*domain.Adoption, error) {
	var a domain.Adoption
	err := sqlx.GetContext(ctx, q, &a, `SELECT `+adoptionColumns+` FROM trend_adoptions a
		WHERE a.trend = $1 AND a.city = $2 AND a.year = $3 `+lock, k.Trend, k.City, k.Year)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "city %q has no adoption record of trend %q for %d", k.City, k.Trend, k.Year)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return &a, nil
}

// CreateAdoption records a city's adoption of a trend in a year. Editors write only their own
// cities: the scope is part of the INSERT. ENOTFOUND for an unknown city, EINVALID for an
// unknown trend, ECONFLICT when the city already has a record of the trend for the year.
func (db *DB) CreateAdoption(ctx context.Context, caller domain.Caller, k domain.AdoptionKey, f domain.AdoptionFields) (*domain.Adoption, error) {
	if err := domain.ValidAdoptionYear("year", k.Year); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	scope := caller.Actor.ScopeCities()
	if scope != nil && !slices.Contains(scope, k.City) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", k.City)
	}
	var out *domain.Adoption
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		var found struct {
			City  bool `db:"city"`
			Trend bool `db:"trend"`
		}
		// FOR SHARE keeps the city and the trend from being deleted before the record is in.
		if err := tx.GetContext(ctx, &found, `SELECT
			EXISTS (SELECT 1 FROM cities WHERE slug = $1 FOR SHARE) AS city,
			EXISTS (SELECT 1 FROM trends WHERE slug = $2 FOR SHARE) AS trend`, k.City, k.Trend); err != nil {
			return err
		}
		if !found.City {
			return domain.Errorf(domain.ENOTFOUND, "no city %q", k.City)
		}
		if !found.Trend {
			return domain.Invalid("trend", "no trend %q", k.Trend)
		}
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM trend_adoptions
			WHERE trend = $1 AND city = $2 AND year = $3 FOR UPDATE)`, k.Trend, k.City, k.Year); err != nil {
			return err
		}
		if taken {
			return domain.Errorf(domain.ECONFLICT, "city %q already has an adoption record of trend %q for %d: change it with PUT",
				k.City, k.Trend, k.Year)
		}
		version, err := firstVersion(ctx, tx, "trend_adoption", k.String())
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO trend_adoptions (trend, city, year, stage, priority, example_project, example_url, source,
				provenance, version)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
			WHERE $11::text[] IS NULL OR $2 = ANY($11)`,
			k.Trend, k.City, k.Year, f.Stage, f.Priority, f.ExampleProject, f.ExampleURL, f.Source, f.Provenance,
			version, nullableArray(scope))
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "city %q already has an adoption record of trend %q for %d", k.City, k.Trend, k.Year)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", k.City)
		}
		if out, err = getAdoption(ctx, tx, k, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "trend_adoption", k.String(), nil, out)
	})
	return out, err
}

// UpdateAdoption replaces an adoption record's fields when ifMatch allows its version. Any change
// makes the record self_reported again: the secretariat verified (or rejected) what it saw, and
// a record changed since must be checked again.
func (db *DB) UpdateAdoption(ctx context.Context, caller domain.Caller, k domain.AdoptionKey, ifMatch domain.IfMatch,
	f domain.AdoptionFields) (*domain.Adoption, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	scope := caller.Actor.ScopeCities()
	var out *domain.Adoption
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockAdoption(ctx, tx, caller.Actor, k, ifMatch)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE trend_adoptions SET stage = $6, priority = $7, example_project = $8, example_url = $9, source = $10,
				provenance = $11,
				verification = CASE WHEN (stage, priority, example_project, example_url, source, provenance)
					IS NOT DISTINCT FROM ($6, $7, CAST($8 AS jsonb), $9, $10, $11) THEN verification ELSE 'self_reported' END,
				version = version + 1, updated_at = now()
			WHERE trend = $1 AND city = $2 AND year = $3 AND version = $4 AND ($5::text[] IS NULL OR city = ANY($5))`,
			k.Trend, k.City, k.Year, before.Version, nullableArray(scope),
			f.Stage, f.Priority, f.ExampleProject, f.ExampleURL, f.Source, f.Provenance)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", k.City)
		}
		if out, err = getAdoption(ctx, tx, k, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "trend_adoption", k.String(), before, out)
	})
	return out, err
}

// DeleteAdoption deletes an adoption record when ifMatch allows its version; its history stays
// in the audit trail and its tombstone keeps its ETags from being reused.
func (db *DB) DeleteAdoption(ctx context.Context, caller domain.Caller, k domain.AdoptionKey, ifMatch domain.IfMatch) error {
	scope := caller.Actor.ScopeCities()
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockAdoption(ctx, tx, caller.Actor, k, ifMatch)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM trend_adoptions
			WHERE trend = $1 AND city = $2 AND year = $3 AND version = $4 AND ($5::text[] IS NULL OR city = ANY($5))`,
			k.Trend, k.City, k.Year, before.Version, nullableArray(scope))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", k.City)
		}
		if err := bury(ctx, tx, "trend_adoption", k.String(), before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "trend_adoption", k.String(), before, nil)
	})
}

// SetAdoptionVerification records the secretariat's check of an adoption record.
func (db *DB) SetAdoptionVerification(ctx context.Context, caller domain.Caller, k domain.AdoptionKey, ifMatch domain.IfMatch,
	state string) (*domain.Adoption, error) {
	if !slices.Contains(domain.Verifications, state) {
		return nil, domain.Invalid("verification", "must be verified, rejected or self_reported")
	}
	var out *domain.Adoption
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockAdoption(ctx, tx, caller.Actor, k, ifMatch)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE trend_adoptions SET verification = $5, version = version + 1,
			updated_at = now() WHERE trend = $1 AND city = $2 AND year = $3 AND version = $4`,
			k.Trend, k.City, k.Year, before.Version, state); err != nil {
			return err
		}
		if out, err = getAdoption(ctx, tx, k, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "trend_adoption", k.String(), before, out)
	})
	return out, err
}

// lockAdoption reads an adoption record FOR UPDATE and checks the actor's scope and the version.
func lockAdoption(ctx context.Context, tx *sqlx.Tx, actor *domain.Actor, k domain.AdoptionKey, ifMatch domain.IfMatch) (*domain.Adoption, error) {
	if scope := actor.ScopeCities(); scope != nil && !slices.Contains(scope, k.City) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", k.City)
	}
	a, err := getAdoption(ctx, tx, k, "FOR UPDATE")
	if err != nil {
		return nil, err
	}
	if err := checkVersion("the adoption record "+k.String(), a.Version, ifMatch); err != nil {
		return nil, err
	}
	return a, nil
}
