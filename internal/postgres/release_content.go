package postgres

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// releaseTable is what a release of one kind of record holds: its columns, labelled for people
// as well as machines (names, countries, codes and units beside the slugs), and the query that
// reads them: SELECT columns FROM from WHERE where(content) ORDER BY order. An Any column takes
// three SQL columns: its number, its boolean and its text. The labels (names, titles) come
// from texts ({en, fr, es} jsonb), listed in labels, and are written in the file's language.
type releaseTable struct {
	columns []domain.Column
	// selectList is the SELECT list; label(text) is the SQL of a label from the jsonb text.
	selectList func(label func(text string) string) string
	from       string
	where      func(c domain.DatasetContent, args *queryArgs) []string
	order      string
	labels     []string
}

// inLanguage is how a release column describes a label: in the file's language.
const inLanguage = ", in the file's language (English where it is not translated)."

// query returns the SQL that reads the rows of a release of content, with its labels in lang.
// English reads the texts' English version directly: it is always there.
func (t releaseTable) query(c domain.DatasetContent, lang string) (string, []any) {
	var args queryArgs
	where := t.where(c, &args)
	label := func(text string) string { return text + "->>'en'" }
	if lang != "en" {
		p := args.add(lang)
		label = func(text string) string { return "text_in(" + text + ", " + p + ")" }
	}
	return "SELECT " + t.selectList(label) + " FROM " + t.from + whereClause(where) + " ORDER BY " + t.order, args
}

// translatedQuery returns the SQL that says whether some label of the rows of a release of
// content has a version in lang: one EXISTS per label, each of which the planner can start
// from the few translated names rather than from the rows.
func (t releaseTable) translatedQuery(c domain.DatasetContent, lang string) (string, []any) {
	var args queryArgs
	where := t.where(c, &args)
	p := args.add(lang)
	exists := make([]string, 0, len(t.labels))
	for _, text := range t.labels {
		cond := append(slices.Clip(where), "text_has("+text+", "+p+")")
		exists = append(exists, "EXISTS (SELECT 1 FROM "+t.from+whereClause(cond)+")")
	}
	return "SELECT " + strings.Join(exists, " OR "), args
}

func col(name, title, description string, t domain.ColumnType, required bool, enum ...string) domain.Column {
	return domain.Column{Name: name, Title: title, Description: description, Type: t, Required: required, Enum: enum}
}

// Columns shared by several tables.
var (
	colProvenance   = col("provenance", "Provenance", "reported: real data; sample: invented for demonstrations; synthetic: generated for load tests.", domain.ColumnString, true, "reported", "sample", "synthetic")
	colVerification = col("verification", "Verification", "Whether the secretariat verified the record: self_reported, verified or rejected.", domain.ColumnString, true, "self_reported", "verified", "rejected")
	colVersion      = col("version", "Version", "The record's version in the API; it grows with every change.", domain.ColumnInteger, true)
	colUpdatedAt    = col("updated_at", "Updated at", "When the record last changed (UTC).", domain.ColumnDateTime, true)
	colCountry      = col("country", "Country", "The city's country, ISO 3166-1 alpha-2.", domain.ColumnString, true)
)

// releaseTables are the tables a dataset's content can publish, by resource.
var releaseTables = map[string]releaseTable{
	"observations": {
		columns: []domain.Column{
			col("id", "Observation id", "The observation's id in the API (/v1/observations/{id}).", domain.ColumnInteger, true),
			col("indicator", "Indicator", "The indicator's slug.", domain.ColumnString, true),
			col("indicator_code", "Indicator code", "The indicator's code in its framework.", domain.ColumnString, true),
			col("indicator_name", "Indicator name", "The indicator's name"+inLanguage, domain.ColumnString, true),
			col("unit", "Unit", "The unit of the value, when it has one.", domain.ColumnString, false),
			col("city", "City", "The city's slug.", domain.ColumnString, true),
			col("city_name", "City name", "The city's name"+inLanguage, domain.ColumnString, true),
			colCountry,
			col("year", "Year", "The period the value describes.", domain.ColumnInteger, true),
			col("edition", "Study edition", "The Smart Cities Study edition the value comes from, if any.", domain.ColumnInteger, false),
			col("value", "Value", "Typed by value_type: a number, a boolean, or a text (an ordinal level's code); empty when status is M or NR.", domain.ColumnAny, false),
			col("value_type", "Value type", "How the indicator's values are typed.", domain.ColumnString, true, "numeric", "percentage", "count", "boolean", "ordinal", "text"),
			col("status", "Status", "A normal, E estimated, P provisional, M missing, NR not reported.", domain.ColumnString, true, "A", "E", "P", "M", "NR"),
			col("quality", "Quality", "Data-quality grade, A best.", domain.ColumnString, false, "A", "B", "C", "D"),
			col("source", "Source", "Where the value comes from.", domain.ColumnString, false),
			col("footnote", "Footnote", "A note on the value.", domain.ColumnString, false),
			colProvenance, colVerification, colVersion, colUpdatedAt,
		},
		selectList: func(label func(string) string) string {
			return `o.id, o.indicator, i.code, ` + label("i.name") + `, i.unit, o.city, ` + label("c.name") + `, c.country, o.year, o.edition,
				CASE WHEN i.value_type IN ('ordinal', 'text') THEN NULL ELSE o.value_number END,
				o.value_boolean,
				CASE WHEN i.value_type IN ('ordinal', 'text') THEN o.value_text END,
				i.value_type, o.status, o.quality, o.source, o.footnote, o.provenance, o.verification, o.version, o.updated_at`
		},
		from: `observations o
				JOIN indicators i ON i.slug = o.indicator
				JOIN cities c ON c.slug = o.city`,
		where: func(c domain.DatasetContent, args *queryArgs) []string {
			where := []string{"o.provenance = ANY (" + args.add(pq.Array(c.Provenances())) + ")"}
			if c.Edition != nil {
				where = append(where, "o.edition = "+args.add(*c.Edition))
			}
			if c.Framework != "" {
				where = append(where, "i.framework = "+args.add(c.Framework))
			}
			if len(c.Cities) > 0 {
				where = append(where, "o.city = ANY ("+args.add(pq.Array(c.Cities))+")")
			}
			if len(c.Indicators) > 0 {
				where = append(where, "o.indicator = ANY ("+args.add(pq.Array(c.Indicators))+")")
			}
			return where
		},
		order:  "o.id",
		labels: []string{"i.name", "c.name"},
	},
	"cities": {
		columns: []domain.Column{
			col("slug", "City", "The city's slug.", domain.ColumnString, true),
			col("name", "Name", "The city's name"+inLanguage, domain.ColumnString, true),
			colCountry,
			col("section", "UCLG section", "The UCLG regional section.", domain.ColumnString, true, "africa", "asia_pacific", "eurasia", "europe", "middle_east_west_asia", "latin_america", "north_america"),
			col("metropolis_member", "Metropolis member", "Whether the city is a member of Metropolis; empty when not known.", domain.ColumnBoolean, false),
			col("population", "Population", "Inhabitants.", domain.ColumnInteger, false),
			col("population_year", "Population year", "The year of the population figure.", domain.ColumnInteger, false),
			col("latitude", "Latitude", "WGS 84 latitude.", domain.ColumnNumber, false),
			col("longitude", "Longitude", "WGS 84 longitude.", domain.ColumnNumber, false),
			col("website", "Website", "The city's official website.", domain.ColumnString, false),
			col("open_data_portal", "Open-data portal", "The city's open-data portal.", domain.ColumnString, false),
			col("cop_member", "Community member", "Whether the city is a member of the Community of Practice on Digital Cities.", domain.ColumnBoolean, true),
			col("cop_role", "Community role", "The city's role in the Community of Practice.", domain.ColumnString, false, "chair", "vice_chair", "member"),
			colProvenance, colVersion, colUpdatedAt,
		},
		selectList: func(label func(string) string) string {
			return `slug, ` + label("name") + `, country, section, metropolis_member, population, population_year, latitude,
				longitude, website, open_data_portal, cop_member, cop_role, provenance, version, updated_at`
		},
		from: "cities",
		where: func(c domain.DatasetContent, args *queryArgs) []string {
			where := []string{"provenance = ANY (" + args.add(pq.Array(c.Provenances())) + ")"}
			if len(c.Cities) > 0 {
				where = append(where, "slug = ANY ("+args.add(pq.Array(c.Cities))+")")
			}
			return where
		},
		order:  "slug",
		labels: []string{"name"},
	},
	"indicators": {
		columns: []domain.Column{
			col("slug", "Indicator", "The indicator's slug.", domain.ColumnString, true),
			col("framework", "Framework", "The framework's slug.", domain.ColumnString, true),
			col("dimension", "Dimension", "The dimension's slug in its framework.", domain.ColumnString, true),
			col("code", "Code", "The indicator's code in its framework.", domain.ColumnString, true),
			col("name", "Name", "The indicator's name"+inLanguage, domain.ColumnString, true),
			col("description", "Description", "What the indicator measures"+inLanguage, domain.ColumnString, false),
			col("value_type", "Value type", "How the indicator's values are typed.", domain.ColumnString, true, "numeric", "percentage", "count", "boolean", "ordinal", "text"),
			col("unit", "Unit", "The unit of its values, when they have one.", domain.ColumnString, false),
			col("direction", "Direction", "Whether higher or lower values are better.", domain.ColumnString, true, "higher_is_better", "lower_is_better", "none"),
			col("status", "Status", "active, or retired (kept with its observations).", domain.ColumnString, true, "active", "retired"),
			colProvenance, colVersion, colUpdatedAt,
		},
		selectList: func(label func(string) string) string {
			return `slug, framework, dimension, code, ` + label("name") + `, ` + label("description") + `, value_type, unit, direction,
				status, provenance, version, updated_at`
		},
		from: "indicators",
		where: func(c domain.DatasetContent, args *queryArgs) []string {
			where := []string{"provenance = ANY (" + args.add(pq.Array(c.Provenances())) + ")"}
			if c.Framework != "" {
				where = append(where, "framework = "+args.add(c.Framework))
			}
			return where
		},
		order:  "slug",
		labels: []string{"name", "description"},
	},
	"trend_adoption": {
		columns: []domain.Column{
			col("trend", "Trend", "The technology trend's slug.", domain.ColumnString, true),
			col("trend_name", "Trend name", "The trend's name"+inLanguage, domain.ColumnString, true),
			col("city", "City", "The city's slug.", domain.ColumnString, true),
			col("city_name", "City name", "The city's name"+inLanguage, domain.ColumnString, true),
			colCountry,
			col("year", "Year", "The year the record describes.", domain.ColumnInteger, true),
			col("stage", "Stage", "How far the city has adopted the trend.", domain.ColumnString, true, "none", "exploring", "pilot", "implementing", "scaled", "discontinued"),
			col("priority", "Priority", "The priority the city gives the trend.", domain.ColumnString, false, "high", "medium", "low"),
			col("example_project", "Example project", "A project that shows the adoption"+inLanguage, domain.ColumnString, false),
			col("example_url", "Example URL", "A page about the example project.", domain.ColumnString, false),
			col("source", "Source", "Where the record comes from.", domain.ColumnString, true),
			colProvenance, colVerification, colVersion, colUpdatedAt,
		},
		selectList: func(label func(string) string) string {
			return `a.trend, ` + label("t.name") + `, a.city, ` + label("c.name") + `, c.country, a.year, a.stage, a.priority,
				` + label("a.example_project") + `, a.example_url, a.source, a.provenance, a.verification, a.version, a.updated_at`
		},
		from: `trend_adoptions a
				JOIN trends t ON t.slug = a.trend
				JOIN cities c ON c.slug = a.city`,
		where: func(c domain.DatasetContent, args *queryArgs) []string {
			where := []string{"a.provenance = ANY (" + args.add(pq.Array(c.Provenances())) + ")"}
			if c.Edition != nil {
				where = append(where, "a.year = "+args.add(*c.Edition))
			}
			if len(c.Cities) > 0 {
				where = append(where, "a.city = ANY ("+args.add(pq.Array(c.Cities))+")")
			}
			return where
		},
		order:  "a.trend, a.city, a.year",
		labels: []string{"t.name", "c.name", "a.example_project"},
	},
	"events": {
		columns: []domain.Column{
			col("slug", "Event", "The event's slug.", domain.ColumnString, true),
			col("title", "Title", "The event's title"+inLanguage, domain.ColumnString, true),
			col("type", "Type", "What kind of event it is.", domain.ColumnString, true, "learning_event", "panel", "congress", "congress_session", "annual_event", "webinar", "workshop", "meeting", "other"),
			col("status", "Status", "tbc, scheduled, postponed, moved_online, cancelled or completed.", domain.ColumnString, true, "tbc", "scheduled", "postponed", "moved_online", "cancelled", "completed"),
			col("start", "Start", "When it starts, as precisely as known: 2019-11-13, 2020-03, 2020-Q2 or 2020; empty when unknown.", domain.ColumnString, false),
			col("start_precision", "Start precision", "How precisely the start is known.", domain.ColumnString, true, "day", "month", "quarter", "year", "unknown"),
			col("end", "End", "The last day, when known (YYYY-MM-DD).", domain.ColumnString, false),
			col("online", "Online", "Whether it takes place online.", domain.ColumnBoolean, true),
			col("city", "City", "The host city's slug.", domain.ColumnString, false),
			col("city_name", "City name", "The host city's name"+inLanguage, domain.ColumnString, false),
			col("country", "Country", "Where it takes place, ISO 3166-1 alpha-2.", domain.ColumnString, false),
			col("place", "Place", "The venue"+inLanguage, domain.ColumnString, false),
			col("parent", "Part of", "The slug of the event this one is part of (a congress session's congress).", domain.ColumnString, false),
			colProvenance, colVersion, colUpdatedAt,
		},
		selectList: func(label func(string) string) string {
			return `e.slug, ` + label("e.title") + `, e.type, e.status, e.start_value, e.start_precision, e.end_date::text,
				e.online, e.city, ` + label("c.name") + `, coalesce(e.country, c.country), ` + label("e.place") + `, e.parent, e.provenance,
				e.version, e.updated_at`
		},
		from: `events e
				LEFT JOIN cities c ON c.slug = e.city`,
		where: func(c domain.DatasetContent, args *queryArgs) []string {
			where := []string{"e.provenance = ANY (" + args.add(pq.Array(c.Provenances())) + ")"}
			if len(c.Cities) > 0 {
				cities := args.add(pq.Array(c.Cities))
				where = append(where, "(e.city = ANY ("+cities+") OR EXISTS (SELECT 1 FROM event_cities ec WHERE ec.event = e.slug AND ec.city = ANY ("+cities+")))")
			}
			return where
		},
		order:  "e.slug",
		labels: []string{"e.title", "c.name", "e.place"},
	},
}

// ReleaseColumns returns the columns of a release of the given resource.
func ReleaseColumns(resource string) ([]domain.Column, error) {
	t, ok := releaseTables[resource]
	if !ok {
		return nil, fmt.Errorf("no release table for %q", resource)
	}
	return t.columns, nil
}

// releaseRows reads a release table's rows as typed values (string, int64, float64, bool,
// time.Time, or nil), one row at a time.
type releaseRows struct {
	rows   *sql.Rows
	cols   []domain.Column
	dest   []any
	values []any
	err    error
}

func newReleaseRows(rows *sql.Rows, cols []domain.Column) *releaseRows {
	r := &releaseRows{rows: rows, cols: cols, values: make([]any, len(cols))}
	for _, c := range cols {
		switch c.Type {
		case domain.ColumnString:
			r.dest = append(r.dest, new(sql.NullString))
		case domain.ColumnInteger:
			r.dest = append(r.dest, new(sql.NullInt64))
		case domain.ColumnNumber:
			r.dest = append(r.dest, new(sql.NullFloat64))
		case domain.ColumnBoolean:
			r.dest = append(r.dest, new(sql.NullBool))
		case domain.ColumnDateTime:
			r.dest = append(r.dest, new(sql.NullTime))
		case domain.ColumnAny:
			r.dest = append(r.dest, new(sql.NullFloat64), new(sql.NullBool), new(sql.NullString))
		}
	}
	return r
}

// Next reads the next row; false at the end or on an error (Err).
func (r *releaseRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if r.err = r.rows.Scan(r.dest...); r.err != nil {
		return false
	}
	d := 0
	for i, c := range r.cols {
		r.values[i] = nil
		switch c.Type {
		case domain.ColumnString:
			if v := r.dest[d].(*sql.NullString); v.Valid {
				r.values[i] = v.String
			}
		case domain.ColumnInteger:
			if v := r.dest[d].(*sql.NullInt64); v.Valid {
				r.values[i] = v.Int64
			}
		case domain.ColumnNumber:
			if v := r.dest[d].(*sql.NullFloat64); v.Valid {
				r.values[i] = v.Float64
			}
		case domain.ColumnBoolean:
			if v := r.dest[d].(*sql.NullBool); v.Valid {
				r.values[i] = v.Bool
			}
		case domain.ColumnDateTime:
			if v := r.dest[d].(*sql.NullTime); v.Valid {
				r.values[i] = v.Time.UTC().Truncate(time.Microsecond)
			}
		case domain.ColumnAny:
			n, b, t := r.dest[d].(*sql.NullFloat64), r.dest[d+1].(*sql.NullBool), r.dest[d+2].(*sql.NullString)
			switch {
			case n.Valid:
				r.values[i] = n.Float64
			case b.Valid:
				r.values[i] = b.Bool
			case t.Valid:
				r.values[i] = t.String
			}
			d += 2
		}
		d++
	}
	return true
}

// Values returns the current row's values; they are overwritten by the next call to Next.
func (r *releaseRows) Values() []any { return r.values }

// Err returns the error that ended the rows, if any.
func (r *releaseRows) Err() error {
	if r.err != nil {
		return mapError(r.err)
	}
	return mapError(r.rows.Err())
}
