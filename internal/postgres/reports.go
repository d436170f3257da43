package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// reportSelect reads reports r (their status history is read apart); the caller adds full_view.
const reportSelect = `SELECT r.id, r.body, to_char(r.period_start, 'YYYY-MM-DD') AS period_start,
	to_char(r.period_end, 'YYYY-MM-DD') AS period_end, r.status, r.content, r.submitted_version, r.published_version,
	r.prefilled_from, r.provenance, r.version, r.created_at, r.updated_at`

// reportRow is a report as stored; its content is one jsonb column.
type reportRow struct {
	ID               int64                  `db:"id"`
	Body             string                 `db:"body"`
	PeriodStart      string                 `db:"period_start"`
	PeriodEnd        string                 `db:"period_end"`
	Status           string                 `db:"status"`
	Content          domain.ReportContent   `db:"content"`
	SubmittedVersion *int                   `db:"submitted_version"`
	PublishedVersion *int                   `db:"published_version"`
	PrefilledFrom    *domain.PrefillSummary `db:"prefilled_from"`
	Provenance       string                 `db:"provenance"`
	FullView         bool                   `db:"full_view"`
	Version          int                    `db:"version"`
	CreatedAt        sql.NullTime           `db:"created_at"`
	UpdatedAt        sql.NullTime           `db:"updated_at"`
}

func (r *reportRow) report() domain.Report {
	return domain.Report{ID: r.ID, Body: r.Body, Period: domain.ReportPeriod{Start: r.PeriodStart, End: r.PeriodEnd},
		Status: r.Status, ReportContent: r.Content, SubmittedVersion: r.SubmittedVersion,
		PublishedVersion: r.PublishedVersion, PrefilledFrom: r.PrefilledFrom, Provenance: r.Provenance,
		Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
		AllowedNext: domain.AllowedTransitions(r.Status), History: []domain.ReportTransition{}}
}

// chairedByScope is the SQL condition that the body in the column or placeholder body is led,
// as the reported data says today, by one of the cities in the text[] placeholder cities: its
// chair or co-chair city. Editors of those cities write the body's reports.
func chairedByScope(body, cities string) string {
	return `EXISTS (SELECT 1 FROM body_roles br WHERE br.body = ` + body + ` AND br.role IN ('chair', 'co_chair')
		AND br.city = ANY(` + cities + `) AND br.provenance = 'reported' AND term_is_current(br))`
}

// selectReports is reportSelect with full_view: whether actor may read the report's drafts
// (the history's return reasons are shown only then).
func selectReports(actor *domain.Actor, arg func(any) string) string {
	full := "false"
	switch {
	case actor.HasRole(domain.RoleSecretariat):
		full = "true"
	case actor.HasRole(domain.RoleEditor):
		full = chairedByScope("r.body", arg(pq.Array(actor.Cities)))
	}
	return reportSelect + ", " + full + " AS full_view FROM reports r"
}

// reportVisibility is the SQL condition on reports r of the reports actor may read: the
// secretariat reads all, an editor also its bodies' drafts, everyone else published reports.
func reportVisibility(actor *domain.Actor, arg func(any) string) string {
	switch {
	case actor.HasRole(domain.RoleSecretariat):
		return "true"
	case actor.HasRole(domain.RoleEditor):
		return "(r.status = 'published' OR " + chairedByScope("r.body", arg(pq.Array(actor.Cities))) + ")"
	}
	return "r.status = 'published'"
}

// ListReports returns one page of the reports actor may read, by id, and whether there is more.
func (db *DB) ListReports(ctx context.Context, actor *domain.Actor, f domain.ReportFilter) ([]domain.Report, bool, error) {
	var args queryArgs
	arg := args.add
	where := []string{reportVisibility(actor, arg)}
	if f.Body != "" {
		where = append(where, "r.body = "+arg(f.Body))
	}
	if f.Status != "" {
		where = append(where, "r.status = "+arg(f.Status))
	}
	if f.Commitment != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM report_links l WHERE l.report = r.id AND l.kind = 'commitment' AND l.ref = "+
			arg(strconv.FormatInt(f.Commitment, 10))+")")
	}
	if f.From != "" {
		where = append(where, "r.period_end >= CAST("+arg(f.From)+" AS date)")
	}
	if f.To != "" {
		where = append(where, "r.period_start <= CAST("+arg(f.To)+" AS date)")
	}
	if f.Query != "" {
		where = append(where, searchCond(&args, searchReports, f.Query))
	}
	if f.MissingLanguage != "" {
		where = append(where, missingCond(&args, "reports", "r", f.MissingLanguage))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "report", "r.id::text", f.UpdatedSince))
	}
	if f.AfterID > 0 {
		where = append(where, "r.id > "+arg(f.AfterID))
	}
	var rows []reportRow
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &rows, selectReports(actor, arg)+whereClause(where)+" ORDER BY r.id LIMIT "+arg(f.Limit+1), args...); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]domain.Report, len(rows))
	for i := range rows {
		out[i] = rows[i].report()
	}
	if err := withHistories(ctx, db.reader(ctx), out); err != nil {
		return nil, false, err
	}
	for i := range out {
		forReader(&out[i], actor, rows[i].FullView)
	}
	return out, more, nil
}

// withHistories reads the status history of each report.
func withHistories(ctx context.Context, q sqlx.QueryerContext, reports []domain.Report) error {
	if len(reports) == 0 {
		return nil
	}
	ids := make([]int64, len(reports))
	index := map[int64]int{}
	for i, r := range reports {
		ids[i], index[r.ID] = r.ID, i
	}
	var rows []struct {
		Report int64 `db:"report"`
		domain.ReportTransition
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT report, from_status, to_status, at, actor, reason, version_number
		FROM report_transitions WHERE report = ANY($1) ORDER BY report, id`, pq.Array(ids)); err != nil {
		return mapError(err)
	}
	for _, t := range rows {
		r := &reports[index[t.Report]]
		r.History = append(r.History, t.ReportTransition)
	}
	return nil
}

// GetReport returns a report that actor may read; ENOTFOUND otherwise, so that a draft's
// existence is not told to those who may not read it.
func (db *DB) GetReport(ctx context.Context, actor *domain.Actor, id int64) (*domain.Report, error) {
	return getReport(ctx, db.reader(ctx), actor, id, "")
}

func getReport(ctx context.Context, q sqlx.QueryerContext, actor *domain.Actor, id int64, lock string) (*domain.Report, error) {
	var args queryArgs
	arg := args.add
	query := selectReports(actor, arg) + " WHERE r.id = " + arg(id) + " AND " + reportVisibility(actor, arg) + " " + lock
	var row reportRow
	err := sqlx.GetContext(ctx, q, &row, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no report %d", id)
	}
	if err != nil {
		return nil, mapError(err)
	}
	r := row.report()
	list := []domain.Report{r}
	if err := withHistories(ctx, q, list); err != nil {
		return nil, err
	}
	forReader(&list[0], actor, row.FullView)
	return &list[0], nil
}

// forReader fits a report to its reader: the transitions it may make itself, and, for a reader
// who may not read the report's drafts, no return reasons (they may quote an unpublished version).
func forReader(r *domain.Report, actor *domain.Actor, fullView bool) {
	allowed := []string{}
	for _, to := range r.AllowedNext {
		if fullView && domain.CheckTransition(actor, r.Status, to, "a reason") == nil {
			allowed = append(allowed, to)
		}
	}
	r.AllowedNext = allowed
	if !fullView {
		for i := range r.History {
			r.History[i].Reason = nil
		}
	}
}

// mayWriteBody returns EFORBIDDEN unless actor may write the reports and commitments of body:
// the secretariat, or an editor of a city that leads it. ENOTFOUND-free: an unknown body is
// EINVALID, named by field.
func mayWriteBody(ctx context.Context, q sqlx.QueryerContext, actor *domain.Actor, body, field string) error {
	var found struct {
		Exists bool `db:"exists"`
		Leads  bool `db:"leads"`
	}
	err := sqlx.GetContext(ctx, q, &found, `SELECT EXISTS (SELECT 1 FROM communities WHERE slug = $1) AS exists,
		`+chairedByScope("$1", "$2")+` AS leads`, body, pq.Array(actor.ScopeCities()))
	switch {
	case err != nil:
		return err
	case !found.Exists:
		return domain.Invalid(field, "no UCLG body %q", body)
	case actor.HasRole(domain.RoleSecretariat), found.Leads:
		return nil
	}
	return domain.Errorf(domain.EFORBIDDEN, "this token may not write for this UCLG body: editors write the reports and commitments of the bodies their cities chair")
}

// ReportCreate is what a new report is made of.
type ReportCreate struct {
	Body       string
	Period     domain.ReportPeriod
	Content    domain.ReportContent
	Provenance string
	Prefill    *domain.PrefillSummary // set when Content was pre-filled from the API's data
}

// CreateReport creates a draft.
func (db *DB) CreateReport(ctx context.Context, caller domain.Caller, c ReportCreate) (*domain.Report, error) {
	if err := c.Period.Validate(); err != nil {
		return nil, err
	}
	if err := c.Content.Validate(); err != nil {
		return nil, err
	}
	if c.Provenance == "" {
		c.Provenance = "reported"
	}
	var out *domain.Report
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if err := mayWriteBody(ctx, tx, caller.Actor, c.Body, "body.body"); err != nil {
			return err
		}
		if err := checkReportLinks(ctx, tx, c.Body, &c.Content); err != nil {
			return err
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO reports (body, period_start, period_end, content, prefilled_from, provenance)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			c.Body, c.Period.Start, c.Period.End, c.Content, c.Prefill, c.Provenance); err != nil {
			return err
		}
		if err := writeReportLinks(ctx, tx, id, &c.Content); err != nil {
			return err
		}
		var err error
		if out, err = getReport(ctx, tx, caller.Actor, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "report", strconv.FormatInt(id, 10), nil, out)
	})
	return out, err
}

// UpdateReport replaces a draft's period and content when ifMatch allows its version; a
// submitted or published report cannot be edited (ECONFLICT naming what can be done).
func (db *DB) UpdateReport(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch,
	period domain.ReportPeriod, content domain.ReportContent) (*domain.Report, error) {
	if err := period.Validate(); err != nil {
		return nil, err
	}
	if err := content.Validate(); err != nil {
		return nil, err
	}
	var out *domain.Report
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockReport(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		if before.Status != "draft" {
			return domain.Errorf(domain.ECONFLICT, "only a draft can be edited; this report is %s (allowed transitions: %v)",
				before.Status, before.AllowedNext)
		}
		if err := checkReportLinks(ctx, tx, before.Body, &content); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET period_start = $3, period_end = $4, content = $5,
			version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`,
			id, before.Version, period.Start, period.End, content); err != nil {
			return err
		}
		if err := writeReportLinks(ctx, tx, id, &content); err != nil {
			return err
		}
		if out, err = getReport(ctx, tx, caller.Actor, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "report", strconv.FormatInt(id, 10), before, out)
	})
	return out, err
}

// DeleteReport deletes a draft that was never submitted; a report with versions stays (409).
func (db *DB) DeleteReport(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockReport(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		if before.SubmittedVersion != nil {
			return domain.Errorf(domain.ECONFLICT, "report %d has submitted versions, which are kept for ever; it cannot be deleted", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE id = $1 AND version = $2`, id, before.Version); err != nil {
			return err
		}
		if err := bury(ctx, tx, "report", strconv.FormatInt(id, 10), before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "report", strconv.FormatInt(id, 10), before, nil)
	})
}

// TransitionReport moves a report to another status when ifMatch allows its version and the
// workflow and the actor's role allow the move. Submitting freezes the content as the next
// numbered version with the SHA-256 of its canonical JSON; publishing publishes the last
// submitted version; returning to draft needs a reason.
func (db *DB) TransitionReport(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch,
	to, reason string) (*domain.Report, error) {
	var out *domain.Report
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockReport(ctx, tx, caller.Actor, id, ifMatch)
		if err != nil {
			return err
		}
		if err := domain.CheckTransition(caller.Actor, before.Status, to, reason); err != nil {
			return err
		}
		var versionNumber *int
		switch to {
		case "submitted":
			n := 1
			if before.SubmittedVersion != nil {
				n = *before.SubmittedVersion + 1
			}
			frozen := domain.Frozen{Body: before.Body, Period: before.Period, Content: before.ReportContent}
			if frozen.Commitments, err = commitmentSnapshots(ctx, tx, before.Commitments); err != nil {
				return err
			}
			canonical, err := domain.CanonicalJSON(&frozen)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_versions
				(report, number, body, period_start, period_end, content, commitments, canonical, sha256, submitted_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				id, n, before.Body, before.Period.Start, before.Period.End, before.ReportContent,
				domain.CommitmentSnapshots(frozen.Commitments), string(canonical), domain.SHA256Hex(canonical),
				string(caller.Actor.Role)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'submitted', submitted_version = $2,
				version = version + 1, updated_at = now() WHERE id = $1`, id, n); err != nil {
				return err
			}
			versionNumber = &n
		case "published":
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'published', published_version = submitted_version,
				version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
				return err
			}
			versionNumber = before.SubmittedVersion
		case "draft":
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'draft', version = version + 1, updated_at = now()
				WHERE id = $1`, id); err != nil {
				return err
			}
		}
		var why *string
		if reason != "" {
			why = &reason
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_transitions (report, from_status, to_status, actor, reason, version_number)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, before.Status, to, string(caller.Actor.Role), why, versionNumber); err != nil {
			return err
		}
		if out, err = getReport(ctx, tx, caller.Actor, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "report", strconv.FormatInt(id, 10), before, out)
	})
	return out, err
}

// lockReport reads a report FOR UPDATE, checks that actor may write its body and the version.
// It reads the report whatever its status, so that a writer of another body is told 403 (a
// report's id is no secret; its draft's content is, and stays so).
func lockReport(ctx context.Context, tx *sqlx.Tx, actor *domain.Actor, id int64, ifMatch domain.IfMatch) (*domain.Report, error) {
	r, err := getReport(ctx, tx, &domain.Actor{Role: domain.RoleSecretariat}, id, "FOR UPDATE OF r")
	if err != nil {
		return nil, err
	}
	if err := mayWriteBody(ctx, tx, actor, r.Body, "body"); err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("report %d", id), r.Version, ifMatch); err != nil {
		return nil, err
	}
	return r, nil
}

// reportLinkChecks are, per kind of link, the SQL that says whether the record exists.
var reportLinkChecks = map[string]string{
	"event":        `SELECT EXISTS (SELECT 1 FROM events WHERE slug = $1)`,
	"study":        `SELECT EXISTS (SELECT 1 FROM studies WHERE edition::text = $1)`,
	"trend":        `SELECT EXISTS (SELECT 1 FROM trends WHERE slug = $1)`,
	"organisation": `SELECT EXISTS (SELECT 1 FROM organisations WHERE slug = $1)`,
	"city":         `SELECT EXISTS (SELECT 1 FROM cities WHERE slug = $1)`,
	"community":    `SELECT EXISTS (SELECT 1 FROM communities WHERE slug = $1)`,
	"commitment":   `SELECT EXISTS (SELECT 1 FROM commitments WHERE id::text = $1)`,
	"dataset":      `SELECT EXISTS (SELECT 1 FROM datasets WHERE slug = $1)`,
}

// checkReportLinks names the first link of the content, or the first commitment it follows up,
// that refers to nothing; the commitments followed up must be the body's own, each listed once.
func checkReportLinks(ctx context.Context, tx *sqlx.Tx, body string, c *domain.ReportContent) error {
	links, fields := c.Links()
	for i, l := range links {
		var ok bool
		if err := tx.GetContext(ctx, &ok, reportLinkChecks[l.Kind], l.Ref); err != nil {
			return err
		}
		if !ok {
			return domain.Invalid(fields[i]+".ref", "no %s %q", l.Kind, l.Ref)
		}
	}
	for i, id := range c.Commitments {
		if slices.Contains(c.Commitments[:i], id) {
			return domain.Invalid(fmt.Sprintf("commitments[%d]", i), "commitment %d is listed twice", id)
		}
		var owner *string
		if err := tx.GetContext(ctx, &owner, `SELECT (SELECT body FROM commitments WHERE id = $1)`, id); err != nil {
			return err
		}
		switch {
		case owner == nil:
			return domain.Invalid(fmt.Sprintf("commitments[%d]", i), "no commitment %d", id)
		case *owner != body:
			return domain.Invalid(fmt.Sprintf("commitments[%d]", i), "commitment %d is %s's, not %s's", id, *owner, body)
		}
	}
	return nil
}

// writeReportLinks keeps report_links in step with the content: its links and the commitments
// it follows up.
func writeReportLinks(ctx context.Context, tx *sqlx.Tx, id int64, c *domain.ReportContent) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM report_links WHERE report = $1`, id); err != nil {
		return err
	}
	links, _ := c.Links()
	for _, cm := range c.Commitments {
		links = append(links, domain.ReportLink{Kind: "commitment", Ref: strconv.FormatInt(cm, 10)})
	}
	for _, l := range links {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_links (report, kind, ref) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, id, l.Kind, l.Ref); err != nil {
			return err
		}
	}
	return nil
}

// ListReportVersions returns a report's versions that actor may read: all of them for those
// who may read its drafts, else only the published one.
func (db *DB) ListReportVersions(ctx context.Context, actor *domain.Actor, id int64) ([]domain.ReportVersion, error) {
	r, err := db.GetReport(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var rows []versionRow
	err = sqlx.SelectContext(ctx, db.reader(ctx), &rows, versionSelect+` WHERE v.report = $1 AND ($2::int IS NULL OR v.number = $2)
		ORDER BY v.number`, id, publishedOnly(ctx, db, actor, r))
	if err != nil {
		return nil, mapError(err)
	}
	out := make([]domain.ReportVersion, len(rows))
	for i := range rows {
		out[i] = rows[i].version()
	}
	return out, nil
}

// GetReportVersion returns one version of a report, if actor may read it.
func (db *DB) GetReportVersion(ctx context.Context, actor *domain.Actor, id int64, n int) (*domain.ReportVersion, error) {
	r, err := db.GetReport(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if only := publishedOnly(ctx, db, actor, r); only != nil && *only != n {
		return nil, domain.Errorf(domain.ENOTFOUND, "report %d has no published version %d", id, n)
	}
	var row versionRow
	err = sqlx.GetContext(ctx, db.reader(ctx), &row, versionSelect+` WHERE v.report = $1 AND v.number = $2`, id, n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "report %d has no version %d", id, n)
	}
	if err != nil {
		return nil, mapError(err)
	}
	v := row.version()
	return &v, nil
}

// publishedOnly is nil when actor may read every version of r, else the number of the one
// version it may read (its published version; 0, which no version has, when unpublished).
func publishedOnly(ctx context.Context, db *DB, actor *domain.Actor, r *domain.Report) *int {
	if actor.HasRole(domain.RoleSecretariat) {
		return nil
	}
	if actor.HasRole(domain.RoleEditor) && mayWriteBody(ctx, db.reader(ctx), actor, r.Body, "body") == nil {
		return nil
	}
	n := 0
	if r.PublishedVersion != nil {
		n = *r.PublishedVersion
	}
	return &n
}

const versionSelect = `SELECT v.report, v.number, v.body, to_char(v.period_start, 'YYYY-MM-DD') AS period_start,
	to_char(v.period_end, 'YYYY-MM-DD') AS period_end, v.content, v.commitments, v.canonical, v.sha256, v.submitted_at, v.submitted_by
	FROM report_versions v`

// versionRow is a version as stored.
type versionRow struct {
	Report      int64                      `db:"report"`
	Number      int                        `db:"number"`
	Body        string                     `db:"body"`
	PeriodStart string                     `db:"period_start"`
	PeriodEnd   string                     `db:"period_end"`
	Content     domain.ReportContent       `db:"content"`
	Commitments domain.CommitmentSnapshots `db:"commitments"`
	Canonical   string                     `db:"canonical"`
	SHA256      string                     `db:"sha256"`
	SubmittedAt sql.NullTime               `db:"submitted_at"`
	SubmittedBy string                     `db:"submitted_by"`
}

func (r *versionRow) version() domain.ReportVersion {
	return domain.ReportVersion{Report: r.Report, Number: r.Number, Body: r.Body,
		Period: domain.ReportPeriod{Start: r.PeriodStart, End: r.PeriodEnd}, Content: r.Content, Commitments: r.Commitments, Canonical: r.Canonical, SHA256: r.SHA256,
		SubmittedAt: r.SubmittedAt.Time, SubmittedBy: r.SubmittedBy}
}

// commitmentSnapshots reads the commitments a report follows up, in its order, as they stand.
func commitmentSnapshots(ctx context.Context, tx *sqlx.Tx, ids []int64) ([]domain.CommitmentSnapshot, error) {
	out := []domain.CommitmentSnapshot{}
	for _, id := range ids {
		c, err := getCommitment(ctx, tx, id, "")
		if err != nil {
			return nil, err
		}
		out = append(out, domain.CommitmentSnapshot{ID: c.ID, Title: c.Title, Owner: c.Owner, Due: c.Due, Status: c.Status})
	}
	return out, nil
}

// linkedFromReports returns ECONFLICT when a report's text links the record (kind and ref, as
// in domain.ReportLink): a published report must keep naming what it names, and a link must
// never come to name another record that takes the freed identifier.
func linkedFromReports(ctx context.Context, tx *sqlx.Tx, kind, ref string) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT report FROM report_links WHERE kind = $1 AND ref = $2 ORDER BY report LIMIT 6`,
		kind, ref); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	list := fmt.Sprint(ids)
	if len(ids) > 5 {
		list = fmt.Sprint(ids[:5]) + " and others"
	}
	return domain.Errorf(domain.ECONFLICT, "%s %q is linked from reports %s, which must keep naming it", kind, ref, list)
}
