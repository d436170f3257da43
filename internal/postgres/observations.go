package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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

// observationWhere returns the conditions, over alias o, of the filters f actually sets, with
// their arguments added to args: a filter that is not set adds nothing, so that PostgreSQL plans
// each query for the filters it has (a catch-all "$1 IS NULL OR …" statement is planned again at
// every call and cannot use the index a filter needs). One value of a list filter is an
// equality, which the (city, id) and (indicator, id) indexes serve in id order; from = to is an
// equality on year, served by (year, id). Every value is a placeholder: no request text is ever
// spliced into the SQL. The filter on the column split names ("o.city", "o.indicator" or
// "o.year") is left out: the caller puts each of its values in a UNION ALL branch of its own.
func observationWhere(f domain.ObservationFilter, args *queryArgs, split string) []string {
	var where []string
	inList := func(column string, values []string) {
		switch {
		case len(values) == 1:
			where = append(where, column+" = "+args.add(values[0]))
		case len(values) > 1:
			where = append(where, column+" = ANY("+args.add(pq.Array(values))+")")
		}
	}
	if split != "o.city" {
		inList("o.city", f.Cities)
	}
	if split != "o.indicator" {
		inList("o.indicator", f.Indicators)
		if f.Framework != "" && f.Dimension == "" {
			where = append(where, "o.indicator IN (SELECT slug FROM indicators WHERE framework = "+args.add(f.Framework)+")")
		}
		if f.Dimension != "" {
			where = append(where, "o.indicator IN ("+dimensionIndicators(args, f.Framework, f.Dimension)+")")
		}
	}
	if f.Edition != nil {
		where = append(where, "o.edition = "+args.add(*f.Edition))
	}
	switch {
	case split == "o.year":
	case f.From != nil && f.To != nil && *f.From == *f.To:
		where = append(where, "o.year = "+args.add(*f.From))
	default:
		if f.From != nil {
			where = append(where, "o.year >= "+args.add(*f.From))
		}
		if f.To != nil {
			where = append(where, "o.year <= "+args.add(*f.To))
		}
	}
	inList("o.status", f.Status)
	if f.Verification != "" {
		where = append(where, "o.verification = "+args.add(f.Verification))
	}
	if f.Provenance != "" {
		where = append(where, "o.provenance = "+args.add(f.Provenance))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedIDSince(args, "observation", "o.id", f.UpdatedSince))
	}
	return where
}

// dimensionIndicators is the SQL that selects the indicators of a dimension and of every
// dimension below it.
func dimensionIndicators(args *queryArgs, framework, dimension string) string {
	fw, dim := args.add(framework), args.add(dimension)
	return `SELECT i.slug FROM indicators i WHERE (i.framework, i.dimension) IN (
		WITH RECURSIVE sub AS (
			SELECT framework, slug FROM dimensions WHERE framework = ` + fw + ` AND slug = ` + dim + `
			UNION ALL
			SELECT d.framework, d.slug FROM dimensions d JOIN sub ON d.framework = sub.framework AND d.parent = sub.slug
		) SELECT framework, slug FROM sub)`
}

// maxBranches is how many values of a filter a page may read one by one (see observationQuery).
const maxBranches = 60

// pageSplit is how a page reads: each value of one filter in a UNION ALL branch of its own.
type pageSplit struct {
	column string // o.city, o.indicator or o.year
	values []any
}

// observationQuery returns the SQL and arguments that select the filtered observations, at
// most f.Limit of them (all when 0): in id order after f.AfterID, or with f.Latest the most
// recent period of each city and indicator, in city and indicator order after f.AfterLatest.
//
// A page in id order filtered by several values of one column (cities, indicators — listed or
// those of a framework or dimension —, or the years of a range; see pageSplit) reads each
// value's next rows through the (column, id) index in a UNION ALL branch of its own, merged in
// id order: it reads about limit rows in all, where one scan of the primary key would read
// every row before the first that matches, and a bitmap scan every row that matches. Latest
// lists are ordered by their key so that a page reads only its own rows through the (city,
// indicator, year) index.
//
// With f.AsOf, the same query reads the vintage (observationsAt) in place of the table.
func observationQuery(f domain.ObservationFilter, split *pageSplit) (string, []any) {
	var args queryArgs
	if f.Latest && f.AsOf != nil && f.Limit > 0 {
		return latestPageAt(f)
	}
	source := "observations"
	if f.AsOf != nil {
		source = "(" + observationsAt(&args, *f.AsOf) + ")"
	}
	if f.Latest {
		where := observationWhere(f, &args, "")
		if f.AfterLatest != nil {
			where = append(where, "(o.city, o.indicator) > ("+args.add(f.AfterLatest.City)+", "+args.add(f.AfterLatest.Indicator)+")")
		}
		q := `SELECT DISTINCT ON (o.city, o.indicator) ` + observationColumns + `
			FROM ` + source + ` o JOIN indicators i ON i.slug = o.indicator` + whereClause(where) + `
			ORDER BY o.city, o.indicator, o.year DESC, coalesce(o.edition, 0) DESC`
		if f.Limit > 0 {
			q += " LIMIT " + args.add(f.Limit)
		}
		return q, args
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + args.add(f.Limit)
	}
	column := ""
	if split != nil {
		column = split.column
	}
	where := observationWhere(f, &args, column)
	if f.AfterID > 0 {
		where = append(where, "o.id > "+args.add(f.AfterID))
	}
	if split == nil {
		return `SELECT ` + observationColumns + `
		FROM ` + source + ` o JOIN indicators i ON i.slug = o.indicator` + whereClause(where) + `
		ORDER BY o.id` + limit, args
	}
	branches := make([]string, len(split.values))
	for n, v := range split.values {
		branches[n] = `(SELECT o.* FROM ` + source + ` o` + whereClause(append(slices.Clip(where), column+" = "+args.add(v))) +
			` ORDER BY o.id` + limit + `)`
	}
	return `SELECT ` + observationColumns + ` FROM (` + strings.Join(branches, "\n\t\tUNION ALL ") + `) o
		JOIN indicators i ON i.slug = o.indicator
		ORDER BY o.id` + limit, args
}

// pageSplitOf decides whether a page is read one value at a time (see observationQuery): by
// city when several are listed, else by indicator when several are listed or a framework or a
// dimension names several, else by year when a range spans several of the years held; each
// only with 2 to maxBranches values. nil: the page reads in one scan.
func pageSplitOf(ctx context.Context, q sqlx.QueryerContext, f domain.ObservationFilter) (*pageSplit, error) {
	if f.Latest || f.Limit <= 0 {
		return nil, nil
	}
	split := func(column string, values []string) *pageSplit {
		if len(values) < 2 || len(values) > maxBranches {
			return nil
		}
		s := &pageSplit{column: column}
		for _, v := range values {
			s.values = append(s.values, v)
		}
		return s
	}
	if s := split("o.city", f.Cities); s != nil {
		return s, nil
	}
	var indicators []string
	switch {
	case len(f.Indicators) > 0:
		if f.Framework == "" && f.Dimension == "" { // with both, one scan applies them together
			indicators = f.Indicators
		}
	case f.Dimension != "":
		var args queryArgs
		query := dimensionIndicators(&args, f.Framework, f.Dimension) + " ORDER BY 1 LIMIT " + args.add(maxBranches+1)
		if err := sqlx.SelectContext(ctx, q, &indicators, query, args...); err != nil {
			return nil, mapError(err)
		}
	case f.Framework != "":
		if err := sqlx.SelectContext(ctx, q, &indicators, `SELECT slug FROM indicators WHERE framework = $1 ORDER BY slug LIMIT $2`,
			f.Framework, maxBranches+1); err != nil {
			return nil, mapError(err)
		}
	}
	if s := split("o.indicator", indicators); s != nil {
		return s, nil
	}
	if len(f.Indicators) == 1 || len(f.Cities) == 1 || (f.From == nil && f.To == nil) || (f.From != nil && f.To != nil && *f.From == *f.To) {
		return nil, nil // an equality already reads in id order through its index
	}
	// The years of the range that hold data, read from both ends of the (year, id) index.
	var held struct {
		Min *int `db:"min"`
		Max *int `db:"max"`
	}
	if err := sqlx.GetContext(ctx, q, &held, `SELECT min(year) AS min, max(year) AS max FROM observations`); err != nil {
		return nil, mapError(err)
	}
	if held.Min == nil {
		return nil, nil
	}
	from, to := *held.Min, *held.Max
	if f.From != nil {
		from = max(from, *f.From)
	}
	if f.To != nil {
		to = min(to, *f.To)
	}
	if to-from+1 < 2 || to-from+1 > maxBranches {
		return nil, nil
	}
	s := &pageSplit{column: "o.year"}
	for y := from; y <= to; y++ {
		s.values = append(s.values, y)
	}
	return s, nil
}

// ObservationPageSQL returns the SQL and arguments that the store runs for a page of
// observations (f.Limit rows; all of them, as an export, when 0), having decided with q how to
// read it. It is exported for the benchmark floor (scripts/bench/floor), which must run exactly
// the store's SQL.
func ObservationPageSQL(ctx context.Context, q sqlx.QueryerContext, f domain.ObservationFilter) (string, []any, error) {
	split, err := pageSplitOf(ctx, q, f)
	if err != nil {
		return "", nil, err
	}
	query, args := observationQuery(f, split)
	return query, args, nil
}

// PreparesPage reports whether the SQL of a page with f runs as a prepared statement (see
// statementCache); the benchmark's floor follows it. A page of a vintage does not: PostgreSQL's generic plan of one city and
// indicator's history read twenty times the rows of the plan made for its values.
func PreparesPage(f domain.ObservationFilter) bool {
	return f.AsOf == nil
}

// ListObservations returns one page of observations by id and whether more follow.
func (db *DB) ListObservations(ctx context.Context, f domain.ObservationFilter) ([]domain.Observation, bool, error) {
	limit := f.Limit
	f.Limit++
	query, args, err := ObservationPageSQL(ctx, db.reader(ctx), f)
	if err != nil {
		return nil, false, err
	}
	run := db.reader(ctx).QueryxContext
	if PreparesPage(f) {
		run = db.readerStmts(ctx).queryx
	}
	rows, err := run(ctx, query, args...)
	if err != nil {
		return nil, false, mapError(err)
	}
	defer rows.Close()
	// The columns are mapped to the row's fields once (scanDest), not once per row as
	// SelectContext does by reflection: that was a fifth of the CPU of a page.
	var row observationRow
	dest, err := scanDest(rows, &row)
	if err != nil {
		return nil, false, err
	}
	out := make([]domain.Observation, 0, f.Limit)
	for rows.Next() {
		row = observationRow{}
		if err := rows.Scan(dest...); err != nil {
			return nil, false, mapError(err)
		}
		out = append(out, row.observation())
	}
	if err := rows.Err(); err != nil {
		return nil, false, mapError(err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
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
	return observationResult(&row, db.readerStmts(ctx).queryRow(ctx, getObservationSQL, []any{id}, func(r *sqlx.Rows) error {
		return r.StructScan(&row)
	}), id)
}

// GetObservationAsOf returns an observation as the API showed it at t (see observationsAt);
// ENOTFOUND when it did not exist then.
func (db *DB) GetObservationAsOf(ctx context.Context, id int64, t time.Time) (*domain.Observation, error) {
	var args queryArgs
	query := `SELECT ` + observationColumns + `
		FROM (` + observationsAt(&args, t) + `) o JOIN indicators i ON i.slug = o.indicator
		WHERE o.id = ` + args.add(id)
	var row observationRow
	err := sqlx.GetContext(ctx, db.reader(ctx), &row, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no observation %d at %s", id, t.UTC().Format(time.RFC3339Nano))
	}
	return observationResult(&row, err, id)
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
