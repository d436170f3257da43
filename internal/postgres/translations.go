package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// translatable is a kind of resource whose texts meant for people are counted: its table, and
// the SQL that lists every text of one of its rows, one jsonb value per row (NULL for an
// absent optional text), with %[1]s standing for the row's table alias. The texts are those
// domain.TranslatableResources describes; text_missing (migration 00015) judges each.
type translatable struct {
	table string
	texts string
}

// translatables maps each of domain.TranslatableResources to its table and texts.
var translatables = map[string]translatable{
	"cities":        {"cities", `VALUES (%[1]s.name)`},
	"organisations": {"organisations", `VALUES (%[1]s.name)`},
	"communities":   {"communities", `VALUES (%[1]s.name), (%[1]s.description)`},
	"frameworks": {"frameworks", `VALUES (%[1]s.name), (%[1]s.description)
		UNION ALL SELECT d.name FROM dimensions d WHERE d.framework = %[1]s.slug`},
	"indicators": {"indicators", `VALUES (%[1]s.name), (%[1]s.description), (%[1]s.methodology)
		UNION ALL SELECT level->'label' FROM jsonb_array_elements(%[1]s.levels) level`},
	"studies": {"studies", `VALUES (%[1]s.title), (%[1]s.focus), (%[1]s.conclusions)
		UNION ALL SELECT milestone->'milestone' FROM jsonb_array_elements(%[1]s.schedule) milestone`},
	"trends": {"trends", `VALUES (%[1]s.name), (%[1]s.description)`},
	"events": {"events", `VALUES (%[1]s.title), (%[1]s.description), (%[1]s.place)
		UNION ALL SELECT outcome FROM jsonb_array_elements(%[1]s.outcomes) outcome
		UNION ALL SELECT link->'title' FROM jsonb_array_elements(%[1]s.links) link`},
	"reports": {"reports", `VALUES (%[1]s.content->'title')
		UNION ALL SELECT part FROM jsonb_array_elements(coalesce(%[1]s.content->'activities', '[]')
				|| coalesce(%[1]s.content->'leadership_update', '[]') || coalesce(%[1]s.content->'results', '[]')) section,
			LATERAL (VALUES (section->'title'), (section->'text')) AS parts(part)`},
	"commitments": {"commitments", `VALUES (%[1]s.title), (%[1]s.description)`},
	"datasets":    {"datasets", `VALUES (%[1]s.title), (%[1]s.description)`},
}

// textsOf is the SQL that lists the texts of the row alias of resource's table, as
// texts(text).
func textsOf(resource, alias string) string {
	t, ok := translatables[resource]
	if !ok {
		panic("postgres: no texts declared for " + resource)
	}
	return "(" + fmt.Sprintf(t.texts, alias) + ") AS texts(text)"
}

// missingCond is the condition that the row alias of resource's table has at least one text
// without a version in lang (missing_translations).
func missingCond(args *queryArgs, resource, alias, lang string) string {
	return "EXISTS (SELECT 1 FROM " + textsOf(resource, alias) + " WHERE text_missing(texts.text, " + args.add(lang) + "))"
}

// CountTranslations counts, for each of domain.TranslatableResources in its order, the
// resources that actor may read and, per language, how many of them lack it in a text. Every
// resource counts whatever its provenance; reports count those actor may read (drafts only for
// those who may read them).
func (db *DB) CountTranslations(ctx context.Context, actor *domain.Actor) ([]domain.TranslationCount, error) {
	var args queryArgs
	arg := args.add
	parts := make([]string, 0, len(domain.TranslatableResources))
	for _, r := range domain.TranslatableResources {
		visible := ""
		if r.Resource == "reports" {
			visible = " WHERE " + reportVisibility(actor, arg)
		}
		// The alias r is the one reportVisibility writes its condition for.
		parts = append(parts, `SELECT `+arg(r.Resource)+`::text AS resource, count(*) AS total,
			count(*) FILTER (WHERE m.en) AS missing_en, count(*) FILTER (WHERE m.fr) AS missing_fr,
			count(*) FILTER (WHERE m.es) AS missing_es
		FROM `+translatables[r.Resource].table+` r
		CROSS JOIN LATERAL (SELECT bool_or(text_missing(texts.text, 'en')) AS en,
				bool_or(text_missing(texts.text, 'fr')) AS fr, bool_or(text_missing(texts.text, 'es')) AS es
			FROM `+textsOf(r.Resource, "r")+`) m`+visible)
	}
	var rows []struct {
		Resource  string `db:"resource"`
		Total     int    `db:"total"`
		MissingEN int    `db:"missing_en"`
		MissingFR int    `db:"missing_fr"`
		MissingES int    `db:"missing_es"`
	}
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &rows, strings.Join(parts, "\nUNION ALL\n"), args...); err != nil {
		return nil, mapError(err)
	}
	counts := map[string]domain.TranslationCount{}
	for _, r := range rows {
		counts[r.Resource] = domain.TranslationCount{Resource: r.Resource, Total: r.Total,
			Missing: map[string]int{"en": r.MissingEN, "fr": r.MissingFR, "es": r.MissingES}}
	}
	out := make([]domain.TranslationCount, 0, len(rows))
	for _, r := range domain.TranslatableResources {
		out = append(out, counts[r.Resource])
	}
	return out, nil
}
