package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// superseded is a name an earlier version of the seed wrote, which the seed now writes otherwise:
// French and Spanish versions that had no source were invented, and are taken out or replaced by
// the names UCLG or their owner publish (sourcedTexts). Creating leaves an existing record as it
// is, so re-seeding a database seeded before brings these names up to date, each only while it
// still holds exactly what the earlier seed wrote: a name someone has edited since is theirs,
// and is left alone.
type superseded struct {
	resource string // community, organisation, framework, study or dataset
	key      string // its slug, or the study's edition
	was      domain.Text
}

// supersededNames are the names earlier seeds wrote that the seed now writes otherwise.
var supersededNames = []superseded{
	{"community", "digital-cities", text("Community of Practice on Digital Cities",
		"Communauté de pratique sur les villes numériques", "Comunidad de Práctica sobre Ciudades Digitales")},
	{"community", "opportunities-for-all-culture-city-diplomacy", text(
		"Policy Council on Opportunities for All, Culture and City Diplomacy: Keys to Sustainable Development and Peace",
		"Conseil politique Opportunités pour tous, culture et diplomatie des villes : clés du développement durable et de la paix",
		"Consejo político Oportunidades para todos, cultura y diplomacia de las ciudades: claves para el desarrollo sostenible y la paz")},
	{"community", "committee-on-culture", text("Committee on Culture", "Commission culture", "Comisión de cultura")},
	{"organisation", "un-habitat", text("United Nations Human Settlements Programme",
		"Programme des Nations unies pour les établissements humains", "Programa de las Naciones Unidas para los Asentamientos Humanos")},
	{"organisation", "fmdv", text("Global Fund for Cities Development",
		"Fonds Mondial pour le Développement des Villes", "Fondo Mundial para el Desarrollo de las Ciudades")},
	{"organisation", "uraia", text("Uraía Platform", "Plateforme Uraía", "Plataforma Uraía")},
	{"organisation", "wego", text("World Smart Sustainable Cities Organization",
		"Organisation mondiale des villes intelligentes et durables", "Organización Mundial de Ciudades Inteligentes y Sostenibles")},
	{"organisation", "wba", text("Wireless Broadband Alliance", "Wireless Broadband Alliance", "Wireless Broadband Alliance")},
	{"framework", sg2019, text("Smart Cities Study 2019: Smart Governance",
		"Étude sur les villes intelligentes 2019 : gouvernance intelligente", "Estudio de Ciudades Inteligentes 2019: gobernanza inteligente")},
	{"study", "2017", domain.Text{EN: "Smart Cities Study 2017"}},
	{"study", "2019", domain.Text{EN: "Smart Cities Study 2019: Smart Governance"}},
	{"study", "2021", domain.Text{EN: "Smart Cities Study 2021"}},
	{"dataset", "community-cities", text("Cities of the Community of Practice on Digital Cities",
		"Villes de la Communauté de pratique sur les villes numériques", "Ciudades de la Comunidad de Práctica sobre Ciudades Digitales")},
}

// seededName is the name (a study's or dataset's title) the seed now writes for a record of
// supersededNames, and whether the seed holds that record.
func seededName(resource, key string) (domain.Text, bool) {
	switch resource {
	case "community":
		for _, b := range bodies {
			if b.slug == key {
				return b.name, true
			}
		}
	case "organisation":
		for _, o := range organisations {
			if o.slug == key {
				return o.name, true
			}
		}
	case "framework":
		for _, f := range frameworks {
			if f.Slug == key {
				return f.Name, true
			}
		}
	case "study":
		for _, s := range studies {
			if fmt.Sprint(s.edition) == key {
				return s.fields.Title, true
			}
		}
	case "dataset":
		for _, d := range datasets {
			if d.slug == key {
				return d.fields.Title, true
			}
		}
	}
	return domain.Text{}, false
}

// errEdited says that a record no longer holds the name the earlier seed wrote.
var errEdited = errors.New("the name was edited since it was seeded")

// loadNames brings the names of supersededNames up to date and reports how many records it
// changed. Organisations, studies and datasets are written through the store, so that each
// change is audited and reaches the change feed; communities and frameworks, which the store
// cannot update, are written here as migration 00006 writes them: a new version, no audit row.
func loadNames(ctx context.Context, db *postgres.DB) (int, error) {
	changed := 0
	for _, s := range supersededNames {
		now, ok := seededName(s.resource, s.key)
		if !ok {
			return changed, fmt.Errorf("seed names: no seeded %s %s", s.resource, s.key)
		}
		n, err := rename(ctx, db, s, now)
		if err != nil {
			return changed, fmt.Errorf("seed the name of %s %s: %w", s.resource, s.key, err)
		}
		changed += n
	}
	return changed, nil
}

// rename gives the record of s the name now when it still holds s.was, and reports whether it did.
func rename(ctx context.Context, db *postgres.DB, s superseded, now domain.Text) (int, error) {
	switch s.resource {
	case "community", "framework":
		table := map[string]string{"community": "communities", "framework": "frameworks"}[s.resource]
		res, err := db.SQL().ExecContext(ctx, `UPDATE `+table+` SET name = $3, version = version + 1, updated_at = now()
			WHERE slug = $1 AND name = $2`, s.key, s.was, now) // #nosec G202 -- table is one of two constants
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		return int(n), err
	case "organisation":
		_, err := db.UpdateOrganisation(ctx, seeder, s.key, domain.MatchAny, func(o *domain.Organisation) (domain.OrganisationFields, error) {
			if o.Name != s.was {
				return domain.OrganisationFields{}, errEdited
			}
			f := o.Fields()
			f.Name = now
			return f, nil
		})
		return renamed(err)
	case "study":
		var edition int
		if _, err := fmt.Sscan(s.key, &edition); err != nil {
			return 0, err
		}
		st, err := db.GetStudy(ctx, edition)
		if err != nil || st.Title != s.was {
			return renamed(err, errEdited)
		}
		f := st.StudyFields
		f.Title = now
		_, err = db.UpdateStudy(ctx, seeder, edition, domain.IfMatch{Versions: []int{st.Version}}, f)
		return renamed(err)
	case "dataset":
		d, err := db.GetDataset(ctx, s.key)
		if err != nil || d.Title != s.was {
			return renamed(err, errEdited)
		}
		f := d.DatasetFields
		f.Title = now
		_, err = db.UpdateDataset(ctx, seeder, s.key, domain.IfMatch{Versions: []int{d.Version}}, f)
		return renamed(err)
	}
	return 0, fmt.Errorf("no such resource %q", s.resource)
}

// renamed reads the result of a rename: the first error of errs that is not nil decides. A
// record edited since it was seeded, or deleted since, is left as it is (0); any other error
// is returned.
func renamed(errs ...error) (int, error) {
	for _, err := range errs {
		switch {
		case err == nil:
			continue
		case errors.Is(err, errEdited), domain.ErrorCode(err) == domain.ENOTFOUND:
			return 0, nil
		default:
			return 0, err
		}
	}
	return 1, nil
}
