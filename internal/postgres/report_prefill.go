package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// maxPrefillText is the longest text a pre-filled item is given: a report's texts hold 2,000
// characters, with room to spare for the editor.
const maxPrefillText = 1800

// inventedNote marks a pre-filled item gathered from sample or synthetic data.
const inventedNote = " *(sample or synthetic data, invented for demonstrations: not a real activity)*"

// PrefillReport gathers, for a body's report on a period, what the API already knows, as
// activities to edit: the events in the period (with their outcomes) under learning or advocacy,
// the study milestones in it under implementation, the changes of cities' adoption of trends
// assessed in it under monitoring, and the body's commitments still open and due by the end of
// the period (or of unknown date) as commitments followed up. Events and adoption records count
// on basis b, like every aggregate: reported, non-rejected data unless asked otherwise.
func (db *DB) PrefillReport(ctx context.Context, body string, p domain.ReportPeriod, b domain.Basis) ([]domain.Activity, []int64, *domain.PrefillSummary, error) {
	start, _ := time.Parse(time.DateOnly, p.Start)
	end, _ := time.Parse(time.DateOnly, p.End)
	sum := &domain.PrefillSummary{Basis: b}
	var acts []domain.Activity

	events, _, err := db.ListEvents(ctx, domain.EventFilter{From: &start, To: &end})
	if err != nil {
		return nil, nil, nil, err
	}
	for _, e := range events {
		if !slices.Contains(b.Provenance, e.Provenance) {
			continue
		}
		acts = append(acts, eventActivity(&e))
		sum.Events++
		sum.IncludesInventedData = sum.IncludesInventedData || e.Provenance != "reported"
	}

	studies, err := db.ListStudies(ctx, "", nil)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, s := range studies {
		for _, m := range s.Schedule {
			first, last, ok := m.When.Span()
			if !ok || last.Before(start) || first.After(end) || !slices.Contains(b.Provenance, s.Provenance) {
				continue
			}
			acts = append(acts, domain.Activity{Priority: "implementation", ReportSection: domain.ReportSection{
				Text:  domain.Text{EN: fmt.Sprintf("Smart Cities Study %d (%s): %s", s.Edition, dateWords(m.When), m.Milestone.EN)},
				Links: []domain.ReportLink{{Kind: "study", Ref: fmt.Sprint(s.Edition)}}}})
			sum.Milestones++
		}
	}

	changes, err := adoptionChanges(ctx, db.reader(ctx), start.Year(), end.Year(), b)
	if err != nil {
		return nil, nil, nil, err
	}
	// One activity per part of the list short enough to be a text (2,000 characters), so that
	// the draft saves back as it is.
	var text strings.Builder
	var links []domain.ReportLink
	invented := false
	flush := func() {
		if text.Len() == 0 {
			return
		}
		if invented {
			text.WriteString("\n\n" + strings.TrimSpace(inventedNote))
		}
		acts = append(acts, domain.Activity{Priority: "monitoring", ReportSection: domain.ReportSection{
			Title: &domain.Text{EN: "Technology trends in cities"}, Text: domain.Text{EN: text.String()}, Links: links}})
		text.Reset()
		links, invented = nil, false
	}
	for _, c := range changes {
		from := "first assessed as"
		if c.Previous != nil {
			from = "from " + *c.Previous + " to"
		}
		line := fmt.Sprintf("\n- %s, %s: %s %s (%d)", c.CityName.EN, c.TrendName.EN, from, c.Stage, c.Year)
		if c.Provenance != "reported" {
			line += " (sample)"
		}
		if text.Len()+len([]rune(line))+len(inventedNote)+20 > maxPrefillText || len(links) >= 48 {
			flush()
		}
		if text.Len() == 0 {
			text.WriteString("Changes in cities' adoption of technology trends assessed in the period:\n")
		}
		text.WriteString(line)
		invented = invented || c.Provenance != "reported"
		sum.IncludesInventedData = sum.IncludesInventedData || c.Provenance != "reported"
		for _, l := range []domain.ReportLink{{Kind: "trend", Ref: c.Trend}, {Kind: "city", Ref: c.City}} {
			if !slices.Contains(links, l) {
				links = append(links, l)
			}
		}
	}
	flush()
	sum.AdoptionChanges = len(changes)

	releases, err := db.releasesIn(ctx, start, end)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, r := range releases {
		if !subset(r.Provenance, b.Provenance) {
			continue
		}
		invented := slices.ContainsFunc(r.Provenance, func(p string) bool { return p != "reported" })
		text := fmt.Sprintf("Open data: release %d of the dataset **%s** published on %s, %d records in CSV, NDJSON, JSON, XLSX and Parquet.",
			r.Number, r.Title.EN, r.CreatedAt.Format("2 January 2006"), r.Rows)
		if invented {
			text += inventedNote
		}
		acts = append(acts, domain.Activity{Priority: "implementation", ReportSection: domain.ReportSection{
			Text: domain.Text{EN: text}, Links: []domain.ReportLink{{Kind: "dataset", Ref: r.Dataset}}}})
		sum.DatasetReleases++
		sum.IncludesInventedData = sum.IncludesInventedData || invented
	}

	var commitments []int64
	err = sqlx.SelectContext(ctx, db.reader(ctx), &commitments, `SELECT id FROM commitments
		WHERE body = $1 AND status IN ('open', 'in_progress') AND provenance = ANY($3)
		  AND (due_value IS NULL OR date_first_day(due_value, due_precision) <= $2)
		ORDER BY id LIMIT 100`, body, p.End, pq.Array(b.Provenance))
	if err != nil {
		return nil, nil, nil, mapError(err)
	}
	sum.Commitments = len(commitments)
	if commitments == nil {
		commitments = []int64{}
	}
	return acts, commitments, sum, nil
}

// eventActivity describes an event as a report's activity, to be edited.
func eventActivity(e *domain.Event) domain.Activity {
	priority := "advocacy"
	if slices.Contains([]string{"learning_event", "webinar", "workshop"}, e.Type) {
		priority = "learning"
	}
	var t strings.Builder
	fmt.Fprintf(&t, "**%s** (%s, %s", e.Title.EN, strings.ReplaceAll(e.Type, "_", " "), dateWords(e.Start))
	if e.Location.Place != nil {
		fmt.Fprintf(&t, ", %s", e.Location.Place.EN)
	} else if e.Location.City != nil {
		fmt.Fprintf(&t, ", %s", *e.Location.City)
	}
	if e.Location.Online {
		t.WriteString(", online")
	}
	fmt.Fprintf(&t, "; status: %s).", strings.ReplaceAll(e.Status, "_", " "))
	for _, o := range e.Outcomes {
		fmt.Fprintf(&t, "\n\n- %s", o.EN)
	}
	text := t.String()
	if r := []rune(text); len(r) > maxPrefillText {
		text = string(r[:maxPrefillText]) + "…"
	}
	if e.Provenance != "reported" {
		text += inventedNote
	}
	links := []domain.ReportLink{{Kind: "event", Ref: e.Slug}}
	for _, p := range e.Partners {
		links = append(links, domain.ReportLink{Kind: "organisation", Ref: p.Organisation})
	}
	for _, c := range e.Cities {
		links = append(links, domain.ReportLink{Kind: "city", Ref: c.City})
	}
	if len(links) > 50 {
		links = links[:50]
	}
	return domain.Activity{Priority: priority, ReportSection: domain.ReportSection{Text: domain.Text{EN: text}, Links: links}}
}

// dateWords writes a date as precisely as it is known.
func dateWords(d domain.DateWithPrecision) string {
	if d.Value == nil {
		return "date to be confirmed"
	}
	return *d.Value
}

// adoptionChange is a city's adoption record whose stage differs from its previous counted one.
type adoptionChange struct {
	Trend      string      `db:"trend"`
	TrendName  domain.Text `db:"trend_name"`
	City       string      `db:"city"`
	CityName   domain.Text `db:"city_name"`
	Year       int         `db:"year"`
	Stage      string      `db:"stage"`
	Previous   *string     `db:"previous"`
	Provenance string      `db:"provenance"`
}

// adoptionChanges lists the counted adoption records of the years from..to that changed a
// city's stage of a trend (or assessed it for the first time).
func adoptionChanges(ctx context.Context, q sqlx.QueryerContext, from, to int, b domain.Basis) ([]adoptionChange, error) {
	var out []adoptionChange
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT x.trend, t.name AS trend_name, x.city, c.name AS city_name, x.year, x.stage, x.previous, x.provenance
		FROM (
			SELECT a.*, lag(a.stage) OVER (PARTITION BY a.trend, a.city ORDER BY a.year) AS previous
			FROM trend_adoptions a
			WHERE a.provenance = ANY($1) AND a.verification = ANY($2) AND a.year <= $4
		) x
		JOIN trends t ON t.slug = x.trend JOIN cities c ON c.slug = x.city
		WHERE x.year >= $3 AND x.previous IS DISTINCT FROM x.stage
		ORDER BY x.trend, x.city, x.year
		LIMIT 200`, pq.Array(b.Provenance), pq.Array(b.Verification), from, to)
	return out, mapError(err)
}

// releaseInPeriod is a release published in a report's period, with its dataset's title.
type releaseInPeriod struct {
	Dataset    string         `db:"dataset"`
	Number     int            `db:"number"`
	Rows       int64          `db:"rows"`
	CreatedAt  time.Time      `db:"created_at"`
	Title      domain.Text    `db:"title"`
	Provenance pq.StringArray `db:"provenance"`
}

// releasesIn returns the releases published between start and end (whole days), oldest first,
// with the provenances their content took.
func (db *DB) releasesIn(ctx context.Context, start, end time.Time) ([]releaseInPeriod, error) {
	var rs []releaseInPeriod
	err := db.reader(ctx).SelectContext(ctx, &rs, `
		SELECT r.dataset, r.number, r.rows, r.created_at, d.title,
		       coalesce(ARRAY(SELECT jsonb_array_elements_text(r.content->'provenance')), '{}') AS provenance
		FROM releases r JOIN datasets d ON d.slug = r.dataset
		WHERE r.created_at >= $1 AND r.created_at < $2::timestamptz + interval '1 day'
		ORDER BY r.created_at, r.dataset, r.number LIMIT 100`, start, end)
	for i := range rs {
		if len(rs[i].Provenance) == 0 {
			rs[i].Provenance = []string{"reported"} // a content without provenance publishes reported data only
		}
	}
	return rs, mapError(err)
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
