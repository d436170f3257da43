package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

const bodyRoleColumns = `r.id, r.body, r.city, r.organisation, r.role, r.term_start, r.term_start_precision,
	r.term_end, r.term_end_precision, r.representative, r.source, r.provenance, r.version, r.created_at, r.updated_at`

// bodyRoleRow is a role as stored: each term date in two columns, its value and its precision.
// The columns of the writable fields are read here, the server-owned ones into BodyRole.
type bodyRoleRow struct {
	Body               string       `db:"body"`
	City               *string      `db:"city"`
	Organisation       *string      `db:"organisation"`
	Role               string       `db:"role"`
	TermStart          *string      `db:"term_start"`
	TermStartPrecision string       `db:"term_start_precision"`
	TermEnd            *string      `db:"term_end"`
	TermEndPrecision   string       `db:"term_end_precision"`
	Representative     *domain.Text `db:"representative"`
	Source             *string      `db:"source"`
	Provenance         string       `db:"provenance"`
	domain.BodyRole
}

func (r *bodyRoleRow) bodyRole() domain.BodyRole {
	out := r.BodyRole
	out.BodyRoleFields = domain.BodyRoleFields{Body: r.Body, City: r.City, Organisation: r.Organisation, Role: r.Role,
		TermStart:      domain.DateWithPrecision{Value: r.TermStart, Precision: r.TermStartPrecision},
		TermEnd:        domain.DateWithPrecision{Value: r.TermEnd, Precision: r.TermEndPrecision},
		Representative: r.Representative, Source: r.Source, Provenance: r.Provenance}
	return out
}

// ListBodyRoles returns one page of roles in id order and whether more follow. The WHERE
// clause holds only the filters given, so that each query is planned for them.
func (db *DB) ListBodyRoles(ctx context.Context, f domain.BodyRoleFilter) ([]domain.BodyRole, bool, error) {
	where := []string{"r.id > $1"}
	args := queryArgs{f.AfterID}
	arg := args.add
	if f.Body != "" {
		where = append(where, "r.body = "+arg(f.Body))
	}
	if f.City != "" {
		where = append(where, "r.city = "+arg(f.City))
	}
	if f.Organisation != "" {
		where = append(where, "r.organisation = "+arg(f.Organisation))
	}
	if f.Role != "" {
		where = append(where, "r.role = "+arg(f.Role))
	}
	if f.Current != nil {
		if *f.Current {
			where = append(where, "term_is_current(r)")
		} else {
			where = append(where, "NOT term_is_current(r)")
		}
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "body_role", "r.id::text", f.UpdatedSince))
	}
	query := `SELECT ` + bodyRoleColumns + ` FROM body_roles r
		WHERE ` + strings.Join(where, "\n\t\t  AND ") + `
		ORDER BY r.id LIMIT ` + arg(f.Limit+1)
	var rows []bodyRoleRow
	if err := db.reader(ctx).SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]domain.BodyRole, len(rows))
	for i := range rows {
		out[i] = rows[i].bodyRole()
	}
	return out, more, nil
}

// CheckBodyRoleReferences returns EINVALID naming the first filter of a role list that names
// a body, a city or an organisation that does not exist. Lists call it only when a page comes
// back empty, so that a typo is a 422 rather than an empty list.
func (db *DB) CheckBodyRoleReferences(ctx context.Context, f domain.BodyRoleFilter) error {
	var missing struct {
		Body         bool `db:"body"`
		City         bool `db:"city"`
		Organisation bool `db:"organisation"`
	}
	err := db.reader(ctx).GetContext(ctx, &missing, `
		SELECT $1 <> '' AND NOT EXISTS (SELECT 1 FROM communities WHERE slug = $1) AS body,
			$2 <> '' AND NOT EXISTS (SELECT 1 FROM cities WHERE slug = $2) AS city,
			$3 <> '' AND NOT EXISTS (SELECT 1 FROM organisations WHERE slug = $3) AS organisation`,
		f.Body, f.City, f.Organisation)
	switch {
	case err != nil:
		return mapError(err)
	case missing.Body:
		// Located in full: "body" alone would be read as the request body.
		return domain.Invalid("query.body", "no UCLG body %q", f.Body)
	case missing.City:
		return domain.Invalid("city", "no city %q", f.City)
	case missing.Organisation:
		return domain.Invalid("organisation", "no organisation %q", f.Organisation)
	}
	return nil
}

// GetBodyRole returns one role.
func (db *DB) GetBodyRole(ctx context.Context, id int64) (*domain.BodyRole, error) {
	return getBodyRole(ctx, db.reader(ctx), id, "")
}

func getBodyRole(ctx context.Context, q sqlx.QueryerContext, id int64, lock string) (*domain.BodyRole, error) {
	var row bodyRoleRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+bodyRoleColumns+` FROM body_roles r WHERE r.id = $1 `+lock, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no role %d", id)
	}
	if err != nil {
		return nil, mapError(err)
	}
	r := row.bodyRole()
	return &r, nil
}

// CreateBodyRole stores a new role; its body and its holder must exist (EINVALID naming the
// one that does not), the same holder may hold the same role in a body once per term start, and
// a body has one chair at a time (ECONFLICT, see checkOneChair).
func (db *DB) CreateBodyRole(ctx context.Context, caller domain.Caller, f domain.BodyRoleFields) (*domain.BodyRole, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *domain.BodyRole
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if err := checkOneChair(ctx, tx, 0, &f); err != nil {
			return err
		}
		if err := checkRoleRefs(ctx, tx, &f); err != nil {
			return err
		}
		var id int64
		err := tx.GetContext(ctx, &id, `
			INSERT INTO body_roles (body, city, organisation, role, term_start, term_start_precision, term_end,
				term_end_precision, representative, source, provenance)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING id`,
			f.Body, f.City, f.Organisation, f.Role, f.TermStart.Value, f.TermStart.Precision, f.TermEnd.Value,
			f.TermEnd.Precision, f.Representative, f.Source, f.Provenance)
		if isUniqueViolation(err) {
			return duplicateRole(&f)
		}
		if err != nil {
			return err
		}
		if out, err = getBodyRole(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "body_role", itoa(id), nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateBodyRole replaces a role's fields when ifMatch allows its version; the version is
// checked again in the UPDATE itself. The rules of CreateBodyRole hold.
func (db *DB) UpdateBodyRole(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch, f domain.BodyRoleFields) (*domain.BodyRole, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *domain.BodyRole
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockBodyRole(ctx, tx, id, ifMatch)
		if err != nil {
			return err
		}
		if err := checkOneChair(ctx, tx, id, &f); err != nil {
			return err
		}
		if err := checkRoleRefs(ctx, tx, &f); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE body_roles SET body = $3, city = $4, organisation = $5, role = $6, term_start = $7,
				term_start_precision = $8, term_end = $9, term_end_precision = $10, representative = $11,
				source = $12, provenance = $13, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`,
			id, before.Version, f.Body, f.City, f.Organisation, f.Role, f.TermStart.Value, f.TermStart.Precision,
			f.TermEnd.Value, f.TermEnd.Precision, f.Representative, f.Source, f.Provenance)
		if isUniqueViolation(err) {
			return duplicateRole(&f)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "role %d changed since it was read", id)
		}
		if out, err = getBodyRole(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "body_role", itoa(id), before, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteBodyRole deletes a role when ifMatch allows its version and leaves its tombstone.
func (db *DB) DeleteBodyRole(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockBodyRole(ctx, tx, id, ifMatch)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM body_roles WHERE id = $1 AND version = $2`, id, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "role %d changed since it was read", id)
		}
		if err := bury(ctx, tx, "body_role", itoa(id), before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "body_role", itoa(id), before, nil)
	})
}

// lockBodyRole reads a role FOR UPDATE and says why a write cannot go on: ENOTFOUND or EPRECONDITION.
func lockBodyRole(ctx context.Context, tx *sqlx.Tx, id int64, ifMatch domain.IfMatch) (*domain.BodyRole, error) {
	r, err := getBodyRole(ctx, tx, id, "FOR UPDATE")
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("role %d", id), r.Version, ifMatch); err != nil {
		return nil, err
	}
	return r, nil
}

// checkRoleRefs locks the body and the holder a role names (FOR SHARE, so that neither is
// deleted before the role is written) and returns EINVALID naming the one that does not exist.
func checkRoleRefs(ctx context.Context, tx *sqlx.Tx, f *domain.BodyRoleFields) error {
	exists := func(table, slug string) (bool, error) {
		var ok bool
		err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE slug = $1 FOR SHARE)`, slug)
		return ok, err
	}
	ok, err := exists("communities", f.Body)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Invalid(domain.BodyField, "no UCLG body %q", f.Body)
	}
	if f.City != nil {
		if ok, err = exists("cities", *f.City); err != nil {
			return err
		}
		if !ok {
			return domain.Invalid("city", "no city %q", *f.City)
		}
	}
	if f.Organisation != nil {
		if ok, err = exists("organisations", *f.Organisation); err != nil {
			return err
		}
		if !ok {
			return domain.Invalid("organisation", "no organisation %q", *f.Organisation)
		}
	}
	return nil
}

// checkOneChair returns ECONFLICT, naming the chair, when f makes a chair of a body whose term
// overlaps another chair's term in that body (the role being updated, id, aside; 0 for a new
// role). Terms overlap when they surely share a day: an unknown start or end is open-ended, and
// an imprecise date counts as late a start and as early an end as it could be, so that a term
// ending in 2020 and one starting in 2020 may be a handover during that year. The body's row is
// locked FOR UPDATE first, so that two writes of chairs of the same body take turns and cannot
// both find the body without one. A body that does not exist is left to checkRoleRefs.
func checkOneChair(ctx context.Context, tx *sqlx.Tx, id int64, f *domain.BodyRoleFields) error {
	if f.Role != "chair" {
		return nil
	}
	var locked []string
	if err := tx.SelectContext(ctx, &locked, `SELECT slug FROM communities WHERE slug = $1 FOR UPDATE`, f.Body); err != nil {
		return err
	}
	if len(locked) == 0 {
		return nil
	}
	var startLatest, endEarliest *string // nil: open-ended
	if _, last, ok := f.TermStart.Span(); ok {
		s := last.Format(time.DateOnly)
		startLatest = &s
	}
	if first, _, ok := f.TermEnd.Span(); ok {
		e := first.Format(time.DateOnly)
		endEarliest = &e
	}
	var other []struct {
		ID     int64  `db:"id"`
		Holder string `db:"holder"`
	}
	err := tx.SelectContext(ctx, &other, `
		SELECT r.id, coalesce('city ' || r.city, 'organisation ' || r.organisation) AS holder
		FROM body_roles r
		WHERE r.body = $1 AND r.role = 'chair' AND r.id <> $2
		  AND (r.term_start IS NULL OR $4::date IS NULL
		       OR date_last_day(r.term_start, r.term_start_precision) <= $4::date)
		  AND (r.term_end IS NULL OR $3::date IS NULL
		       OR $3::date <= date_first_day(r.term_end, r.term_end_precision))
		ORDER BY r.id
		LIMIT 1`, f.Body, id, startLatest, endEarliest)
	if err != nil {
		return err
	}
	if len(other) > 0 {
		return domain.Errorf(domain.ECONFLICT, "%s chairs %s for a term that overlaps this one (role %d): "+
			"a body has one chair at a time, so end that term first (term_end) or date this one after it",
			other[0].Holder, f.Body, other[0].ID)
	}
	return nil
}

// duplicateRole is the ECONFLICT of a role that its holder already holds in the body from the
// same term start.
func duplicateRole(f *domain.BodyRoleFields) error {
	holder := ""
	if f.City != nil {
		holder = "city " + *f.City
	} else if f.Organisation != nil {
		holder = "organisation " + *f.Organisation
	}
	return domain.Errorf(domain.ECONFLICT, "%s already holds the role %s in %s for a term with the same start; update that role instead",
		holder, f.Role, f.Body)
}
