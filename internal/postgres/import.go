package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ImportObservations writes an import's rows in one transaction. The rows were read from the
// CSV and checked with every rule that needs no stored data before (csvimport, with
// domain.ParseImportRow), so the transaction lasts only as long as the database work: each row
// is checked against the stored cities, indicators (locked FOR SHARE) and editions and the
// caller's scope while it streams into a staging table through COPY, duplicates within the file
// are found in SQL, and then the valid rows are upserted with their audit rows. Memory stays
// bounded: rows are not kept, only the reference data and at most MaxImportProblems problems.
// In all_or_nothing mode any problem leaves the database untouched and the report comes back
// with an EINVALID (or, for rows of cities the caller may not write, EFORBIDDEN) error.
//
// timeout is what is left of the import's time budget: it is the transaction's
// statement_timeout, so that no statement outlives the budget even if ctx carries no deadline.
func (db *DB) ImportObservations(ctx context.Context, caller domain.Caller, rows iter.Seq2[domain.ImportRow, error], mode string, timeout time.Duration) (*domain.ImportReport, error) {
	report := &domain.ImportReport{Mode: mode, Problems: []domain.ImportProblem{}}
	var failed error
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		// inTx may run this again after a deadlock: the report starts afresh, and the rows are
		// read again from the start of the spool.
		*report = domain.ImportReport{Mode: mode, Problems: []domain.ImportProblem{}}
		// At least a millisecond: a statement_timeout of 0 would mean none.
		ms := max(timeout.Milliseconds(), 1)
		if _, err := tx.ExecContext(ctx, `SELECT set_config('statement_timeout', $1, true)`, strconv.FormatInt(ms, 10)); err != nil {
			return err
		}
		ref, err := loadReference(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			CREATE TEMP TABLE import_rows (
				row_no integer PRIMARY KEY, indicator text, city text, year integer, edition integer,
				value_number double precision, value_boolean boolean, value_text text, status text,
				quality text, source text, footnote text, provenance text, verification text
			) ON COMMIT DROP`); err != nil {
			return err
		}
		if err := copyRows(ctx, tx, rows, ref, caller.Actor, report); err != nil {
			return err
		}
		if err := flagDuplicates(ctx, tx, report); err != nil {
			return err
		}
		report.Rejected = report.Rows - report.Valid
		switch {
		case report.OutOfScope > 0 && mode == domain.ImportAllOrNothing:
			failed = domain.Errorf(domain.EFORBIDDEN, "%d rows are of cities this token may not write; nothing was imported", report.OutOfScope)
			return failed
		case report.Rejected > 0 && mode == domain.ImportAllOrNothing:
			failed = domain.Invalid("body", "%d of %d rows have problems; nothing was imported", report.Rejected, report.Rows)
			return failed
		}
		return upsertRows(ctx, tx, caller, report)
	})
	if errors.Is(err, failed) && failed != nil {
		return report, err
	}
	if err != nil {
		return nil, err
	}
	return report, nil
}

// reference is what rows are checked against.
type reference struct {
	cities     map[string]bool
	editions   map[int]bool
	indicators map[string]*domain.Indicator
}

func loadReference(ctx context.Context, tx *sqlx.Tx) (*reference, error) {
	ref := &reference{cities: map[string]bool{}, editions: map[int]bool{}, indicators: map[string]*domain.Indicator{}}
	var cities []string
	if err := tx.SelectContext(ctx, &cities, `SELECT slug FROM cities`); err != nil {
		return nil, err
	}
	for _, c := range cities {
		ref.cities[c] = true
	}
	var editions []int
	if err := tx.SelectContext(ctx, &editions, `SELECT edition FROM studies`); err != nil {
		return nil, err
	}
	for _, e := range editions {
		ref.editions[e] = true
	}
	var inds []indicatorRow
	// FOR SHARE: no indicator may change its type, levels or status while the import checks
	// rows against it and until they are written.
	if err := tx.SelectContext(ctx, &inds, `SELECT `+indicatorColumns+` FROM indicators FOR SHARE`); err != nil {
		return nil, err
	}
	for i := range inds {
		ind := inds[i].indicator()
		ref.indicators[ind.Slug] = &ind
	}
	return ref, nil
}

// copyRows checks each row against the reference data and COPYs the valid ones into
// import_rows, recording problems.
func copyRows(ctx context.Context, tx *sqlx.Tx, rows iter.Seq2[domain.ImportRow, error], ref *reference, actor *domain.Actor, report *domain.ImportReport) error {
	stmt, err := tx.PrepareContext(ctx, `COPY import_rows (row_no, indicator, city, year, edition, value_number,
		value_boolean, value_text, status, quality, source, footnote, provenance, verification) FROM STDIN`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	scope := actor.ScopeCities()
	for r, err := range rows {
		if err != nil {
			return err
		}
		report.Rows++
		v, problem, err := checkRow(&r, ref, scope)
		if err != nil {
			return err
		}
		if problem == errOutOfScope {
			report.OutOfScope++
			report.AddProblem(r.Row, "city", fmt.Sprintf("this token may not write data of city %q", r.City))
			continue
		}
		if problem != nil {
			report.AddProblem(r.Row, problem.Field, problem.Problem)
			continue
		}
		if _, err := stmt.ExecContext(ctx, r.Row, r.Indicator, r.City, r.Year, r.Edition, v.Number, v.Boolean, v.Text,
			r.Status, r.Quality, r.Source, r.Footnote, r.Provenance, r.Verification); err != nil {
			return err
		}
		report.Valid++
	}
	_, err = stmt.ExecContext(ctx)
	return err
}

// errOutOfScope marks a row of a city the token may not write.
var errOutOfScope = &domain.ImportProblem{Field: "city"}

// checkRow checks a row with what needs the stored data, in this order: the city exists and is
// in the caller's scope, the indicator exists and is active, then the row's own problem if it
// has one, then the edition exists and the value fits the indicator. It returns the value in
// its columns, or the row's problem; an error is a failure of the import itself.
func checkRow(r *domain.ImportRow, ref *reference, scope []string) (domain.StoredValue, *domain.ImportProblem, error) {
	bad := func(field, format string, args ...any) (domain.StoredValue, *domain.ImportProblem, error) {
		return domain.StoredValue{}, &domain.ImportProblem{Row: r.Row, Field: field, Problem: fmt.Sprintf(format, args...)}, nil
	}
	if r.Unreadable {
		return domain.StoredValue{}, r.Problem, nil
	}
	if !ref.cities[r.City] {
		return bad("city", "no city %q", r.City)
	}
	if scope != nil && !slices.Contains(scope, r.City) {
		return domain.StoredValue{}, errOutOfScope, nil
	}
	ind := ref.indicators[r.Indicator]
	if ind == nil {
		return bad("indicator", "no indicator %q", r.Indicator)
	}
	if ind.Status == "retired" {
		return bad("indicator", "indicator %q is retired and takes no new values", r.Indicator)
	}
	if r.Problem != nil {
		return domain.StoredValue{}, r.Problem, nil
	}
	if r.Edition != nil && !ref.editions[*r.Edition] {
		return bad("edition", "no study edition %q", strconv.Itoa(*r.Edition))
	}
	value, err := domain.ParseValue(r.Value, ind.ValueType)
	if err != nil {
		return bad("value", "%s (a %s indicator)", err.Error(), ind.ValueType)
	}
	if value == nil { // status M or NR, as the row's own checks made sure
		return domain.StoredValue{}, nil, nil
	}
	v, err := domain.TypedValue(value, &ind.IndicatorFields, "value")
	if err != nil {
		var de *domain.Error
		if !errors.As(err, &de) {
			return domain.StoredValue{}, nil, err // not a rule the row broke: a failure of the import itself
		}
		return bad(de.Field, "%s", de.Message)
	}
	return v, nil, nil
}

// flagDuplicates finds rows that repeat an earlier row's key (indicator, city, year, edition).
func flagDuplicates(ctx context.Context, tx *sqlx.Tx, report *domain.ImportReport) error {
	var dups []struct {
		Row   int `db:"row_no"`
		First int `db:"first_row"`
	}
	if err := tx.SelectContext(ctx, &dups, `
		DELETE FROM import_rows r USING (
			SELECT row_no, min(row_no) OVER (PARTITION BY indicator, city, year, coalesce(edition, 0)) AS first_row
			FROM import_rows
		) d
		WHERE r.row_no = d.row_no AND d.row_no <> d.first_row
		RETURNING r.row_no, d.first_row`); err != nil {
		return err
	}
	if len(dups) == 0 {
		return nil
	}
	sort.Slice(dups, func(i, j int) bool { return dups[i].Row < dups[j].Row })
	for _, d := range dups {
		report.AddProblem(d.Row, "row", fmt.Sprintf("repeats row %d (same indicator, city, year and edition)", d.First))
	}
	report.Valid -= len(dups)
	sort.SliceStable(report.Problems, func(i, j int) bool { return report.Problems[i].Row < report.Problems[j].Row })
	return nil
}

// upsertRows writes the staged rows: new keys are inserted, existing ones updated when anything
// differs, and every created or changed observation gets its audit row with before and after.
func upsertRows(ctx context.Context, tx *sqlx.Tx, caller domain.Caller, report *domain.ImportReport) error {
	a := caller.Actor
	var tokenID *int64
	if a != nil && a.TokenID != 0 {
		tokenID = &a.TokenID
	}
	var counts struct {
		Created int `db:"created"`
		Updated int `db:"updated"`
	}
	// Lock the rows the file will update first, so that the before-images read by the next
	// statement (a new snapshot) are the versions the upsert replaces. A row locked in the same
	// statement that updates it would be invisible to the lock.
	if _, err := tx.ExecContext(ctx, `
		SELECT 1 FROM observations o
		JOIN import_rows r ON r.indicator = o.indicator AND r.city = o.city AND r.year = o.year
			AND coalesce(r.edition, 0) = coalesce(o.edition, 0)
		FOR UPDATE OF o`); err != nil {
		return err
	}
	err := tx.GetContext(ctx, &counts, `
		WITH before AS (
			SELECT o.* FROM observations o
			JOIN import_rows r ON r.indicator = o.indicator AND r.city = o.city AND r.year = o.year
				AND coalesce(r.edition, 0) = coalesce(o.edition, 0)
		), written AS (
			INSERT INTO observations AS o (indicator, city, year, edition, value_number, value_boolean, value_text,
				status, quality, source, footnote, provenance, verification)
			SELECT indicator, city, year, edition, value_number, value_boolean, value_text, status, quality,
				source, footnote, coalesce(provenance, 'reported'), coalesce(verification, 'self_reported')
			FROM import_rows
			WHERE $4::text[] IS NULL OR city = ANY($4) -- the editor's scope, in the SQL as for every write
			ON CONFLICT (indicator, city, year, (coalesce(edition, 0))) DO UPDATE SET
				value_number = EXCLUDED.value_number, value_boolean = EXCLUDED.value_boolean,
				value_text = EXCLUDED.value_text, status = EXCLUDED.status, quality = EXCLUDED.quality,
				source = EXCLUDED.source, footnote = EXCLUDED.footnote, provenance = EXCLUDED.provenance,
				verification = CASE
					WHEN EXCLUDED.verification <> 'self_reported' THEN EXCLUDED.verification
					WHEN (o.value_number, o.value_boolean, o.value_text, o.status)
						IS NOT DISTINCT FROM (EXCLUDED.value_number, EXCLUDED.value_boolean, EXCLUDED.value_text, EXCLUDED.status)
						THEN o.verification
					ELSE 'self_reported' END,
				version = o.version + 1, updated_at = now()
			WHERE (o.value_number, o.value_boolean, o.value_text, o.status, o.quality, o.source, o.footnote,
					o.provenance, o.verification)
				IS DISTINCT FROM (EXCLUDED.value_number, EXCLUDED.value_boolean, EXCLUDED.value_text, EXCLUDED.status,
					EXCLUDED.quality, EXCLUDED.source, EXCLUDED.footnote, EXCLUDED.provenance,
					CASE WHEN EXCLUDED.verification <> 'self_reported' THEN EXCLUDED.verification ELSE o.verification END)
			RETURNING o.*, (xmax = 0) AS inserted
		), audited AS (
			INSERT INTO audit_log (token_id, actor, action, resource, resource_id, before, after, request_id)
			SELECT $1, $2, CASE WHEN w.inserted THEN 'create' ELSE 'update' END, 'observation', w.id::text,
				CASE WHEN w.inserted THEN NULL ELSE observation_document(ROW(b.id, b.indicator, b.city, b.year, b.edition,
					b.value_number, b.value_boolean, b.value_text, b.status, b.quality, b.source, b.footnote,
					b.verification, b.provenance, b.version, b.created_at, b.updated_at)::observations, i.value_type) END,
				observation_document(ROW(w.id, w.indicator, w.city, w.year, w.edition, w.value_number, w.value_boolean,
					w.value_text, w.status, w.quality, w.source, w.footnote, w.verification, w.provenance, w.version,
					w.created_at, w.updated_at)::observations, i.value_type),
				$3
			FROM written w JOIN indicators i ON i.slug = w.indicator LEFT JOIN before b ON b.id = w.id
			RETURNING 1
		)
		SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated
		FROM written`, tokenID, a.Label(), nullString(caller.RequestID), nullableArray(a.ScopeCities()))
	if err != nil {
		return err
	}
	report.Created, report.Updated = counts.Created, counts.Updated
	report.Unchanged = report.Valid - counts.Created - counts.Updated
	return nil
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
