package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

const studyColumns = `edition, title, focus, framework, declared_city_count, declared_country_count, status,
	schedule, conclusions, provenance, version, created_at, updated_at`

// ListStudies returns every edition, oldest first, or those at a status and those changed from
// since on (nil: all). Editions are few.
func (db *DB) ListStudies(ctx context.Context, status string, since *domain.SyncPoint) ([]domain.Study, error) {
	var args queryArgs
	var where []string
	if status != "" {
		where = append(where, "status = "+args.add(status))
	}
	if since != nil {
		where = append(where, changedSince(&args, "study", "edition::text", since))
	}
	var out []domain.Study
	err := db.reader(ctx).SelectContext(ctx, &out, `SELECT `+studyColumns+` FROM studies`+whereClause(where)+` ORDER BY edition`, args...)
	return nonNilSlice(out), mapError(err)
}

// GetStudy returns one edition.
func (db *DB) GetStudy(ctx context.Context, edition int) (*domain.Study, error) {
	return getStudy(ctx, db.reader(ctx), edition, "")
}

func getStudy(ctx context.Context, q sqlx.QueryerContext, edition int, lock string) (*domain.Study, error) {
	var s domain.Study
	err := sqlx.GetContext(ctx, q, &s, `SELECT `+studyColumns+` FROM studies WHERE edition = $1 `+lock, edition)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no study edition %d", edition)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return &s, nil
}

// CreateStudy stores a new edition.
func (db *DB) CreateStudy(ctx context.Context, caller domain.Caller, edition int, f domain.StudyFields) (*domain.Study, error) {
	if !domain.ValidEdition(edition) {
		return nil, domain.Invalid("edition", "must be a year between 2000 and 2100")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out domain.Study
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if err := checkFramework(ctx, tx, f.Framework); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &out, `
			INSERT INTO studies (edition, title, focus, framework, declared_city_count, declared_country_count,
				status, schedule, conclusions, provenance)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+studyColumns,
			edition, f.Title, f.Focus, f.Framework, f.DeclaredCityCount, f.DeclaredCountryCount, f.Status,
			f.Schedule, f.Conclusions, f.Provenance)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "edition %d already exists", edition)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "study", strconv.Itoa(edition), nil, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func checkFramework(ctx context.Context, tx *sqlx.Tx, slug *string) error {
	if slug == nil {
		return nil
	}
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM frameworks WHERE slug = $1)`, *slug); err != nil {
		return err
	}
	if !ok {
		return domain.Invalid("framework", "no framework %q", *slug)
	}
	return nil
}

// UpdateStudy replaces an edition's fields when ifMatch allows its version.
func (db *DB) UpdateStudy(ctx context.Context, caller domain.Caller, edition int, ifMatch domain.IfMatch, f domain.StudyFields) (*domain.Study, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out domain.Study
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := getStudy(ctx, tx, edition, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := checkVersion(fmt.Sprintf("edition %d", edition), before.Version, ifMatch); err != nil {
			return err
		}
		if err := checkFramework(ctx, tx, f.Framework); err != nil {
			return err
		}
		err = tx.GetContext(ctx, &out, `
			UPDATE studies SET title = $3, focus = $4, framework = $5, declared_city_count = $6,
				declared_country_count = $7, status = $8, schedule = $9, conclusions = $10, provenance = $11,
				version = version + 1, updated_at = now()
			WHERE edition = $1 AND version = $2 RETURNING `+studyColumns,
			edition, before.Version, f.Title, f.Focus, f.Framework, f.DeclaredCityCount, f.DeclaredCountryCount,
			f.Status, f.Schedule, f.Conclusions, f.Provenance)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EPRECONDITION, "edition %d changed since it was read", edition)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "study", strconv.Itoa(edition), before, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListStudyCities returns an edition's participating cities by slug, or those changed from
// since on (nil: all). A participation shows its city's name and country, so a change of the
// city counts as a change of the participation.
func (db *DB) ListStudyCities(ctx context.Context, edition int, since *domain.SyncPoint) ([]domain.StudyCity, error) {
	if _, err := db.GetStudy(ctx, edition); err != nil {
		return nil, err
	}
	args := queryArgs{edition}
	where := []string{"sc.edition = $1"}
	if since != nil {
		where = append(where, "("+changedSince(&args, "study_city", "sc.edition || '/' || sc.city", since)+
			" OR "+changedSince(&args, "city", "sc.city", since)+")")
	}
	var out []domain.StudyCity
	err := db.reader(ctx).SelectContext(ctx, &out, `
		SELECT sc.edition, sc.city, c.name, c.country, sc.provenance, sc.created_at
		FROM study_cities sc JOIN cities c ON c.slug = sc.city`+whereClause(where)+` ORDER BY sc.city`, args...)
	return nonNilSlice(out), mapError(err)
}

// AddStudyCity records a city's participation in an edition; adding it twice is harmless.
// created reports whether it was new.
func (db *DB) AddStudyCity(ctx context.Context, caller domain.Caller, edition int, city, provenance string) (sc *domain.StudyCity, created bool, err error) {
	if provenance == "" {
		provenance = "reported"
	}
	err = db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if _, err := getStudy(ctx, tx, edition, "FOR SHARE"); err != nil {
			return err
		}
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM cities WHERE slug = $1)`, city); err != nil {
			return err
		}
		if !exists {
			return domain.Errorf(domain.ENOTFOUND, "no city %q", city)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO study_cities (edition, city, provenance) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, edition, city, provenance)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		created = n == 1
		var row domain.StudyCity
		if err := tx.GetContext(ctx, &row, `SELECT sc.edition, sc.city, c.name, c.country, sc.provenance, sc.created_at
			FROM study_cities sc JOIN cities c ON c.slug = sc.city WHERE sc.edition = $1 AND sc.city = $2`, edition, city); err != nil {
			return err
		}
		sc = &row
		if !created {
			return nil
		}
		return audit(ctx, tx, caller, "create", "study_city", strconv.Itoa(edition)+"/"+city, nil, &row)
	})
	return sc, created, err
}

// RemoveStudyCity removes a city from an edition.
func (db *DB) RemoveStudyCity(ctx context.Context, caller domain.Caller, edition int, city string) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		var row domain.StudyCity
		err := tx.GetContext(ctx, &row, `
			DELETE FROM study_cities sc USING cities c
			WHERE sc.edition = $1 AND sc.city = $2 AND c.slug = sc.city
			RETURNING sc.edition, sc.city, c.name, c.country, sc.provenance, sc.created_at`, edition, city)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "city %q is not part of edition %d", city, edition)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "study_city", strconv.Itoa(edition)+"/"+city, &row, nil)
	})
}
