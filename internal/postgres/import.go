package postgres

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ImportObservations loads observations from CSV in one transaction: every row is checked with
// the API's own rules (domain.ValidateObservation) while it streams into a staging table through
// COPY, duplicates within the file are found in SQL, and then the valid rows are upserted with
// their audit rows. Memory stays bounded: rows are not kept, only the reference data (cities,
// indicators, editions) and at most MaxImportProblems problems. In all_or_nothing mode any
// problem leaves the database untouched and the report comes back with an EINVALID error.
func (db *DB) ImportObservations(ctx context.Context, caller domain.Caller, body io.Reader, mode string) (*domain.ImportReport, error) {
	actor := caller.Actor
	report := &domain.ImportReport{Mode: mode, Problems: []domain.ImportProblem{}}
	var failed error
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		// Imports have their own, larger statement timeout.
		if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = '10min'`); err != nil {
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
		if err := copyRows(ctx, tx, body, ref, actor, report); err != nil {
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

// copyRows reads the CSV and COPYs each valid row into import_rows, recording problems.
// A file that is not CSV at all (bad quoting, wrong field counts) stops the import.
func copyRows(ctx context.Context, tx *sqlx.Tx, body io.Reader, ref *reference, actor *domain.Actor, report *domain.ImportReport) error {
	r := csv.NewReader(body)
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return domain.Invalid("body", "the file is empty: a header row is required (columns: %s)", strings.Join(domain.ImportColumns, ", "))
	}
	if err != nil {
		return csvError(err)
	}
	col, err := headerColumns(header)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `COPY import_rows (row_no, indicator, city, year, edition, value_number,
		value_boolean, value_text, status, quality, source, footnote, provenance, verification) FROM STDIN`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	scope := actor.ScopeCities()
	for row := 1; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return csvError(err)
		}
		report.Rows++
		f, problem := parseRow(rec, col, ref, scope, actor)
		if problem == errOutOfScope {
			report.OutOfScope++
			report.AddProblem(row, "city", fmt.Sprintf("this token may not write data of city %q", rec[col["city"]]))
			continue
		}
		if problem != nil {
			report.AddProblem(row, problem.Field, problem.Problem)
			continue
		}
		v, err := domain.ValidateObservation(&f.ObservationFields, &ref.indicators[f.Indicator].IndicatorFields, "")
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				return err // not a rule the row broke: a failure of the import itself
			}
			report.AddProblem(row, de.Field, de.Message)
			continue
		}
		if _, err := stmt.ExecContext(ctx, row, f.Indicator, f.City, f.Year, f.Edition, v.Number, v.Boolean, v.Text,
			f.Status, f.Quality, f.Source, f.Footnote, f.Provenance, f.verification); err != nil {
			return err
		}
		report.Valid++
	}
	_, err = stmt.ExecContext(ctx)
	return err
}

// importRow is a parsed row: the observation and the verification the importer may set.
type importRow struct {
	domain.ObservationFields
	verification *string
}

// headerColumns maps column names to positions, refusing unknown and missing columns.
func headerColumns(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch {
		case slices.Contains(domain.ImportIgnoredColumns, h):
			continue
		case !slices.Contains(domain.ImportColumns, h):
			return nil, domain.Invalid("body", "unknown column %q; the columns are %s", h, strings.Join(domain.ImportColumns, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, domain.Invalid("body", "column %q appears twice", h)
		}
		col[h] = i
	}
	for _, c := range domain.ImportRequiredColumns {
		if _, ok := col[c]; !ok {
			return nil, domain.Invalid("body", "the header has no %q column; required: %s", c, strings.Join(domain.ImportRequiredColumns, ", "))
		}
	}
	return col, nil
}

// errOutOfScope marks a row of a city the token may not write.
var errOutOfScope = &domain.ImportProblem{Field: "city"}

// parseRow reads one record into an observation, checking what needs the reference data.
func parseRow(rec []string, col map[string]int, ref *reference, scope []string, actor *domain.Actor) (*importRow, *domain.ImportProblem) {
	cell := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	opt := func(name string) *string {
		if s := cell(name); s != "" {
			return &s
		}
		return nil
	}
	bad := func(field, format string, args ...any) (*importRow, *domain.ImportProblem) {
		return nil, &domain.ImportProblem{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	for _, s := range rec {
		if !utf8.ValidString(s) {
			return bad("row", "the row is not valid UTF-8; save the file as UTF-8")
		}
	}
	f := &importRow{}
	f.City, f.Indicator, f.Status = cell("city"), cell("indicator"), cell("status")
	f.Quality, f.Source, f.Footnote, f.verification = opt("quality"), opt("source"), opt("footnote"), opt("verification")
	f.Provenance = cell("provenance")
	if !ref.cities[f.City] {
		return bad("city", "no city %q", f.City)
	}
	if scope != nil && !slices.Contains(scope, f.City) {
		return nil, errOutOfScope
	}
	ind := ref.indicators[f.Indicator]
	if ind == nil {
		return bad("indicator", "no indicator %q", f.Indicator)
	}
	if ind.Status == "retired" {
		return bad("indicator", "indicator %q is retired and takes no new values", f.Indicator)
	}
	year, err := strconv.Atoi(cell("year"))
	if err != nil {
		return bad("year", "%q is not a year", cell("year"))
	}
	f.Year = year
	if e := cell("edition"); e != "" {
		ed, err := strconv.Atoi(e)
		if err != nil || !ref.editions[ed] {
			return bad("edition", "no study edition %q", e)
		}
		f.Edition = &ed
	}
	if f.Value, err = domain.ParseValue(cell("value"), ind.ValueType); err != nil {
		return bad("value", "%s (a %s indicator)", err.Error(), ind.ValueType)
	}
	if f.verification != nil {
		if !slices.Contains(domain.Verifications, *f.verification) {
			return bad("verification", "must be self_reported, verified or rejected")
		}
		if *f.verification != "self_reported" && !actor.AllCities() {
			return bad("verification", "only the secretariat verifies observations")
		}
	}
	return f, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return domain.Invalid("body", "malformed CSV at line %d, column %d: %v; nothing was imported", pe.Line, pe.Column, pe.Err)
	}
	return domain.Invalid("body", "the body could not be read as CSV: %v", err)
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
