package postgres

import (
	"strings"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Vintages (as_of): the observations as the API showed them at a past time, read from the
// revision history that the audit trail keeps (every write's after-image, in its transaction).

// vintageColumns are the columns of an observation that change: as stored for an observation
// the audit trail never saw, as its image (the API's JSON, v.doc) says for the others. An
// ordinal's value is its level's code, in value_text; its rank (value_number, kept for
// ordering) is not in the image and lists do not show it.
var vintageColumns = []struct{ name, image string }{
	{"value_number", "CASE jsonb_typeof(v.doc->'value') WHEN 'number' THEN (v.doc->>'value')::double precision END"},
	{"value_boolean", "CASE jsonb_typeof(v.doc->'value') WHEN 'boolean' THEN (v.doc->>'value')::boolean END"},
	{"value_text", "CASE jsonb_typeof(v.doc->'value') WHEN 'string' THEN v.doc->>'value' END"},
	{"status", "v.doc->>'status'"},
	{"quality", "v.doc->>'quality'"},
	{"source", "v.doc->>'source'"},
	{"footnote", "v.doc->>'footnote'"},
	{"verification", "v.doc->>'verification'"},
	{"provenance", "v.doc->>'provenance'"},
	{"version", "(v.doc->>'version')::integer"},
	{"created_at", "(v.doc->>'created_at')::timestamptz"},
	{"updated_at", "(v.doc->>'updated_at')::timestamptz"},
}

// observationsAt returns the SQL of the observations as the API showed them at t: a relation
// with the columns of the observations table, read as that table is (alias o, joined to
// indicators for the value type, with the same filters and keyset). t is added to args.
//
// An observation's state at t is the after-image of its latest audit row that counts at t,
// and it is absent when that row is a delete. An audit row counts when its transaction had
// begun by t and, if the visibility horizon was sampled after t (sync_horizons), that sample
// saw it committed: a transaction still running at the first sample after t had not committed
// by t. So a change whose transaction began by t and committed after it is counted only when
// it committed before that sample (within SyncSampleEvery of t while the samples are dense,
// within the hour for older ones). When no audit row of an observation counts, it did not exist
// yet, unless its first audit row changed a row loaded without the audit trail: then it is that
// row's before-image, from its created_at on. An observation that the audit trail never saw
// (loaded in bulk) is as it is now, from its created_at on. The identifying columns (indicator,
// city, year, edition) never change: they are read from the row itself, or for a deleted
// observation from its delete's before-image, so that filters on them use the table's indexes.
//
// Each observation the query reaches looks up its own audit rows (audit_log_resource_idx), so
// that a page in id order costs the rows it returns; exports read the vintage page by page
// (vintagePages). Read whole, without a LIMIT, PostgreSQL plans it with hash joins and a sort
// of every row before the first comes out, however the audit trail is joined (measured on the
// million synthetic observations: the first byte after 2.5 to 4 s, 140 MB of temporary files).
func observationsAt(args *queryArgs, t time.Time) string {
	at := args.add(t) + "::timestamptz"
	counts := "a.at <= " + at + ` AND coalesce(pg_visible_in_snapshot(a.tx_id,
				(SELECT snapshot FROM sync_horizons WHERE at > ` + at + ` AND began > ` + at + ` ORDER BY at LIMIT 1)), true)`
	// The image an observation's audit rows give at t (doc), from the latest row that counts,
	// else from the first row; null when it did not exist at t.
	image := `s.resource_id,
			CASE WHEN s.counts THEN CASE WHEN s.action <> 'delete' THEN s.after END
			     WHEN s.action <> 'create' AND (s.before->>'created_at')::timestamptz <= ` + at + ` THEN s.before
			END AS doc`
	order := `s.counts DESC, CASE WHEN s.counts THEN s.id END DESC, s.id`
	rows := `SELECT a.id, a.resource_id, a.action, a.before, a.after,
				` + counts + ` AS counts
			FROM audit_log a WHERE a.resource = 'observation'`
	images := `LEFT JOIN LATERAL (
		SELECT ` + image + `
		FROM (` + rows + ` AND a.resource_id = k.id::text) s
		ORDER BY ` + order + `
		LIMIT 1
	) v ON true`
	cols := make([]string, len(vintageColumns))
	for i, c := range vintageColumns {
		cols[i] = "CASE WHEN v.resource_id IS NULL THEN k." + c.name + " ELSE " + c.image + " END AS " + c.name
	}
	return `SELECT k.id, k.indicator, k.city, k.year, k.edition,
		` + strings.Join(cols, ",\n\t\t") + `
	FROM (
		-- every observation that exists, and every one deleted (its key from its delete's before-image)
		SELECT o.id, o.indicator, o.city, o.year, o.edition, o.value_number, o.value_boolean, o.value_text,
			o.status, o.quality, o.source, o.footnote, o.verification, o.provenance, o.version, o.created_at, o.updated_at
		FROM observations o
		UNION ALL
		SELECT (a.before->>'id')::bigint, a.before->>'indicator', a.before->>'city', (a.before->>'year')::integer,
			(a.before->>'edition')::integer, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
		FROM tombstones t JOIN audit_log a ON a.resource = t.resource AND a.resource_id = t.resource_id AND a.action = 'delete'
		WHERE t.resource = 'observation'
	) k
	` + images + `
	WHERE CASE WHEN v.resource_id IS NULL THEN k.created_at <= ` + at + ` ELSE v.doc IS NOT NULL END`
}

// latestPageAt returns the SQL and arguments of a page of a latest list of the vintage at
// f.AsOf: for each city and indicator in order, after f.AfterLatest, the vintage's most recent
// period that passes the filters. It walks the pairs of the observations that exist or existed
// through the (city, indicator, year) index and reads each pair's vintage alone, so that a page
// costs its own pairs; sorting the whole vintage by pair, as the latest list of the table does
// through that index, is a plan PostgreSQL does not find for the vintage (it read the million
// rows for a page).
func latestPageAt(f domain.ObservationFilter) (string, []any) {
	var args queryArgs
	vintage := observationsAt(&args, *f.AsOf)
	// The pairs, narrowed by the filters on the columns that identify an observation.
	keys := domain.ObservationFilter{Cities: f.Cities, Indicators: f.Indicators, Framework: f.Framework, Dimension: f.Dimension}
	pairs := observationWhere(keys, &args, "")
	if f.AfterLatest != nil {
		pairs = append(pairs, "(o.city, o.indicator) > ("+args.add(f.AfterLatest.City)+", "+args.add(f.AfterLatest.Indicator)+")")
	}
	// Each pair's rows in the vintage, with every filter.
	rows := f
	rows.AfterLatest = nil
	where := append(observationWhere(rows, &args, ""), "o.city = p.city", "o.indicator = p.indicator")
	return `SELECT ` + observationColumns + `
		FROM (
			SELECT DISTINCT o.city, o.indicator FROM (
				SELECT city, indicator FROM observations
				UNION ALL
				SELECT a.before->>'city', a.before->>'indicator'
				FROM tombstones t JOIN audit_log a ON a.resource = t.resource AND a.resource_id = t.resource_id AND a.action = 'delete'
				WHERE t.resource = 'observation'
			) o` + whereClause(pairs) + `
			ORDER BY o.city, o.indicator
		) p
		CROSS JOIN LATERAL (
			SELECT o.* FROM (` + vintage + `) o` + whereClause(where) + `
			ORDER BY o.year DESC, coalesce(o.edition, 0) DESC
			LIMIT 1
		) o
		JOIN indicators i ON i.slug = o.indicator
		ORDER BY p.city, p.indicator
		LIMIT ` + args.add(f.Limit), args
}
