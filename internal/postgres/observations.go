package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// observationColumns reads an observation with its indicator's value type (alias o and i).
const observationColumns = `o.id, o.indicator, o.city, o.year, o.edition, o.value_number, o.value_boolean,
	o.value_text, o.status, o.quality, o.source, o.footnote, o.verification, o.provenance, o.version,
	o.created_at, o.updated_at, i.value_type`

// observationRow is an observation as stored, with its value in three typed columns.
type observationRow struct {
	domain.Observation
	ValueNumber  *float64 `db:"value_number"`
	ValueBoolean *bool    `db:"value_boolean"`
	ValueText    *string  `db:"value_text"`
}

func (r *observationRow) observation() domain.Observation {
	o := r.Observation
	o.Value = domain.ValueOf(o.ValueType, domain.StoredValue{Number: r.ValueNumber, Boolean: r.ValueBoolean, Text: r.ValueText})
	return o
}

// observationWhere builds the WHERE clause of a filtered observation query over alias o,
// numbering its placeholders from 1, and returns it with its arguments. Every filter is a
// typed placeholder: no request text is ever spliced into the SQL.
func observationWhere(f domain.ObservationFilter) (string, []any) {
	args := []any{
		nullableArray(f.Cities), nullableArray(f.Indicators), f.Framework, f.Dimension, f.Edition,
		f.From, f.To, nullableArray(f.Status), f.Verification, f.Provenance, f.UpdatedSince,
	}
	where := `
		    ($1::text[] IS NULL OR o.city = ANY($1))
		AND ($2::text[] IS NULL OR o.indicator = ANY($2))
		AND ($3 = '' OR i.framework = $3)
		AND ($4 = '' OR (i.framework, i.dimension) IN (
			WITH RECURSIVE sub AS (
				SELECT framework, slug FROM dimensions WHERE framework = $3 AND slug = $4
				UNION ALL
				SELECT d.framework, d.slug FROM dimensions d JOIN sub ON d.framework = sub.framework AND d.parent = sub.slug
			) SELECT framework, slug FROM sub))
		AND ($5::integer IS NULL OR o.edition = $5)
		AND ($6::integer IS NULL OR o.year >= $6)
		AND ($7::integer IS NULL OR o.year <= $7)
		AND ($8::text[] IS NULL OR o.status = ANY($8))
		AND ($9 = '' OR o.verification = $9)
		AND ($10 = '' OR o.provenance = $10)
		AND ($11::timestamptz IS NULL OR o.updated_at >= $11)`
	return where, args
}

// observationQuery returns the SQL and arguments that select the filtered observations, at
// most f.Limit of them (all when 0): in id order after f.AfterID, or with f.Latest the most
// recent period of each city and indicator, in city and indicator order after f.AfterLatest.
// Latest lists are ordered by their key so that a page reads only its own rows through the
// (city, indicator, year) index, instead of finding every latest row to sort them by id.
func observationQuery(f domain.ObservationFilter) (string, []any) {
	where, args := observationWhere(f)
	limit := func() string {
		if f.Limit <= 0 {
			return ""
		}
		args = append(args, f.Limit)
		return "LIMIT $" + strconv.Itoa(len(args))
	}
	if f.Latest {
		var city, indicator *string
		if f.AfterLatest != nil {
			city, indicator = &f.AfterLatest.City, &f.AfterLatest.Indicator
		}
		args = append(args, city, indicator)
		return fmt.Sprintf(`
			SELECT DISTINCT ON (o.city, o.indicator) `+observationColumns+`
			FROM observations o JOIN indicators i ON i.slug = o.indicator
			WHERE %s AND ($12::text IS NULL OR (o.city, o.indicator) > ($12, $13::text))
			ORDER BY o.city, o.indicator, o.year DESC, coalesce(o.edition, 0) DESC %s`, where, limit()), args
	}
	args = append(args, f.AfterID)
	return fmt.Sprintf(`
		SELECT `+observationColumns+`
		FROM observations o JOIN indicators i ON i.slug = o.indicator
		WHERE %s AND o.id > $12
		ORDER BY o.id %s`, where, limit()), args
}

// ListObservations returns one page of observations by id and whether more follow.
func (db *DB) ListObservations(ctx context.Context, f domain.ObservationFilter) ([]domain.Observation, bool, error) {
	limit := f.Limit
	f.Limit++
	query, args := observationQuery(f)
	var rows []observationRow
	if err := db.reader(ctx).SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]domain.Observation, len(rows))
	for i := range rows {
		out[i] = rows[i].observation()
	}
	return out, more, nil
}

// getObservationSQL reads one observation by id; a lock clause may follow.
const getObservationSQL = `SELECT ` + observationColumns + `
		FROM observations o JOIN indicators i ON i.slug = o.indicator WHERE o.id = $1 `

// GetObservation returns one observation, through a prepared statement: planning the join
// each time cost more than running it.
func (db *DB) GetObservation(ctx context.Context, id int64) (*domain.Observation, error) {
	var row observationRow
	return observationResult(&row, db.readerStmts(ctx).getObservation.GetContext(ctx, &row, id), id)
}

func getObservation(ctx context.Context, q sqlx.QueryerContext, id int64, lock string) (*domain.Observation, error) {
	var row observationRow
	return observationResult(&row, sqlx.GetContext(ctx, q, &row, getObservationSQL+lock, id), id)
}

// observationResult is the observation read into row, or the error of reading it.
func observationResult(row *observationRow, err error, id int64) (*domain.Observation, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no observation %d", id)
	}
	if err != nil {
		return nil, mapError(err)
	}
	o := row.observation()
	return &o, nil
}

// CreateObservation validates an observation against its indicator and stores it. Editors may
// only write their own cities: the scope is part of the INSERT.
func (db *DB) CreateObservation(ctx context.Context, caller domain.Caller, f domain.ObservationFields) (*domain.Observation, error) {
	actor := caller.Actor
	var out *domain.Observation
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		ind, err := observableIndicator(ctx, tx, f.Indicator)
		if err != nil {
			return err
		}
		if err := checkCityAndEdition(ctx, tx, f.City, f.Edition); err != nil {
			return err
		}
		v, err := domain.ValidateObservation(&f, &ind.IndicatorFields, "body")
		if err != nil {
			return err
		}
		var id int64
		err = tx.GetContext(ctx, &id, `
			INSERT INTO observations (indicator, city, year, edition, value_number, value_boolean, value_text,
				status, quality, source, footnote, provenance)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
			WHERE $13::text[] IS NULL OR $2 = ANY($13)
			RETURNING id`,
			f.Indicator, f.City, f.Year, f.Edition, v.Number, v.Boolean, v.Text, f.Status, f.Quality, f.Source,
			f.Footnote, f.Provenance, nullableArray(actor.ScopeCities()))
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", f.City)
		}
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "%s already has an observation of %s for %d%s; update it instead",
				f.City, f.Indicator, f.Year, editionText(f.Edition))
		}
		if err != nil {
			return err
		}
		if out, err = getObservation(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "observation", strconv.FormatInt(id, 10), nil, out)
	})
	return out, err
}

func editionText(e *int) string {
	if e == nil {
		return ""
	}
	return fmt.Sprintf(" (edition %d)", *e)
}

// observableIndicator returns an indicator that may take observations (it exists and is active).
func observableIndicator(ctx context.Context, tx *sqlx.Tx, slug string) (*domain.Indicator, error) {
	ind, err := getIndicator(ctx, tx, slug, "FOR SHARE")
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Invalid("indicator", "no indicator %q", slug)
	}
	if err != nil {
		return nil, err
	}
	if ind.Status == "retired" {
		return nil, domain.Invalid("indicator", "indicator %q is retired and takes no new values", slug)
	}
	return ind, nil
}

func checkCityAndEdition(ctx context.Context, tx *sqlx.Tx, city string, edition *int) error {
	var cityOK, editionOK bool
	if err := tx.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM cities WHERE slug = $1),
		$2::integer IS NULL OR EXISTS (SELECT 1 FROM studies WHERE edition = $2)`, city, edition).Scan(&cityOK, &editionOK); err != nil {
		return err
	}
	if !cityOK {
		return domain.Invalid("city", "no city %q", city)
	}
	if !editionOK {
		return domain.Invalid("edition", "no study edition %d", *edition)
	}
	return nil
}

// UpdateObservation changes an observation's value and annotations when ifMatch allows its
// version. Its key (indicator, city, year, edition) cannot change. A changed value goes
// back to self_reported until the secretariat verifies it again.
func (db *DB) UpdateObservation(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch,
	change func(current *domain.Observation) (domain.ObservationFields, error)) (*domain.Observation, error) {
	actor := caller.Actor
	var out *domain.Observation
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockObservation(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		f, err := change(before)
		if err != nil {
			return err
		}
		if f.Indicator != before.Indicator || f.City != before.City || f.Year != before.Year || !sameEdition(f.Edition, before.Edition) {
			return domain.Invalid("body", "indicator, city, year and edition identify an observation and cannot change; create another one")
		}
		ind, err := getIndicator(ctx, tx, f.Indicator, "FOR SHARE")
		if err != nil {
			return err
		}
		v, err := domain.ValidateObservation(&f, &ind.IndicatorFields, "body")
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE observations SET value_number = $4, value_boolean = $5, value_text = $6, status = $7,
				quality = $8, source = $9, footnote = $10, provenance = $11,
				verification = CASE WHEN value_number IS NOT DISTINCT FROM $4 AND value_boolean IS NOT DISTINCT FROM $5
					AND value_text IS NOT DISTINCT FROM $6 AND status = $7 THEN verification ELSE 'self_reported' END,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 AND ($3::text[] IS NULL OR city = ANY($3))`,
			id, before.Version, nullableArray(actor.ScopeCities()), v.Number, v.Boolean, v.Text, f.Status, f.Quality,
			f.Source, f.Footnote, f.Provenance)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", before.City)
		}
		if out, err = getObservation(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "observation", strconv.FormatInt(id, 10), before, out)
	})
	return out, err
}

func sameEdition(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// lockObservation reads an observation FOR UPDATE and checks the version and the actor's scope.
func lockObservation(ctx context.Context, tx *sqlx.Tx, actor *domain.Actor, id int64, ifMatch domain.IfMatch) (*domain.Observation, error) {
	o, err := getObservation(ctx, tx, id, "FOR UPDATE OF o")
	if err != nil {
		return nil, err
	}
	if scope := actor.ScopeCities(); scope != nil && !slices.Contains(scope, o.City) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", o.City)
	}
	if err := checkVersion(fmt.Sprintf("observation %d", id), o.Version, ifMatch); err != nil {
		return nil, err
	}
	return o, nil
}

// DeleteObservation deletes an observation when ifMatch allows its version; its history stays
// in the audit trail. Its id is never reused, but it leaves a tombstone like every delete, for
// the change feed.
func (db *DB) DeleteObservation(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch) error {
	actor := caller.Actor
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockObservation(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM observations WHERE id = $1 AND version = $2
			AND ($3::text[] IS NULL OR city = ANY($3))`, id, before.Version, nullableArray(actor.ScopeCities()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not write data of city %q", before.City)
		}
		if err := bury(ctx, tx, "observation", strconv.FormatInt(id, 10), before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "observation", strconv.FormatInt(id, 10), before, nil)
	})
}

// SetVerification records the secretariat's check of an observation when ifMatch allows its version.
func (db *DB) SetVerification(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch, state string) (*domain.Observation, error) {
	if state != "verified" && state != "rejected" && state != "self_reported" {
		return nil, domain.Invalid("verification", "must be verified, rejected or self_reported")
	}
	var out *domain.Observation
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockObservation(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE observations SET verification = $2, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $3`, id, state, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "observation %d changed since it was read", id)
		}
		if out, err = getObservation(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "observation", strconv.FormatInt(id, 10), before, out)
	})
	return out, err
}

// ListRevisions returns one page of the previous states of an observation, newest first, from
// the audit trail (which keeps every before-image in the write's own transaction), and the
// cursor of the next page (nil on the last). Pages are keyed on the audit entry's id and read
// through audit_log_resource_idx. Revisions are public: their author is the role of the token
// that wrote (the part of the audit label before its colon), never the token's name.
func (db *DB) ListRevisions(ctx context.Context, f domain.RevisionFilter) ([]domain.Revision, *domain.Cursor, error) {
	var rows []struct {
		ID     int64     `db:"id"`
		At     time.Time `db:"at"`
		Role   string    `db:"role"`
		Action string    `db:"action"`
		Before []byte    `db:"before"`
	}
	before := f.BeforeID
	if before == 0 {
		before = math.MaxInt64 // the first page
	}
	err := db.reader(ctx).SelectContext(ctx, &rows, `
		SELECT id, at, split_part(actor, ':', 1) AS role, action, before FROM audit_log
		WHERE resource = 'observation' AND resource_id = $1 AND id < $2
		  AND action IN ('update', 'delete')
		ORDER BY id DESC
		LIMIT $3`, strconv.FormatInt(f.Observation, 10), before, f.Limit+1)
	if err != nil {
		return nil, nil, mapError(err)
	}
	if len(rows) == 0 {
		if _, err := db.GetObservation(ctx, f.Observation); err != nil {
			return nil, nil, err
		}
	}
	var next *domain.Cursor
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = &domain.Cursor{Sort: "-id", ID: strconv.FormatInt(rows[len(rows)-1].ID, 10)}
	}
	out := make([]domain.Revision, 0, len(rows))
	for _, r := range rows {
		rev, err := domain.NewRevision(r.At, r.Role, r.Action, r.Before)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, rev)
	}
	return out, next, nil
}
