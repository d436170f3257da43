// Package seed loads the sample data: the Community of Practice on Digital Cities and its chair,
// Bilbao, the other UCLG bodies in which the 2019–2020 report gives Bilbao a role, the partner
// organisations named in that report, sample cities across UCLG's
// sections, the Smart Cities Study's editions, indicator frameworks (the 2019 Smart Governance
// framework, ITU-T Y.4903, UN LOSI), demo observations, and the collaboration events the report
// names (internal/seed/events.go). Real facts are marked provenance "reported"; anything invented for
// a demo (here: the sample cities' membership of the Community) is marked "sample". Texts carry
// French and Spanish versions only where a source gives them (translations.go); the rest are in
// English, and the API says so when it serves them for another language.
// Loading is idempotent: records that exist are left as they are, except names an earlier seed
// wrote with invented translations, which are brought up to date while nobody has edited them
// (retranslations.go).
package seed

import (
	"context"
	"fmt"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// seeder signs the audit rows that seeding leaves.
var seeder = domain.Caller{Actor: &domain.Actor{Name: "seed", Role: domain.RoleSecretariat}}

// Run loads the sample data and reports how many records it added, or brought up to date in a
// database seeded before (retranslations.go).
func Run(ctx context.Context, db *postgres.DB) (added int, err error) {
	for _, c := range cities {
		_, err := db.CreateCity(ctx, seeder, c.slug, c.fields)
		switch domain.ErrorCode(err) {
		case "":
			added++
		case domain.ECONFLICT:
		default:
			return added, fmt.Errorf("seed city %s: %w", c.slug, err)
		}
	}
	n, err := loadReference(ctx, db)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadStudy(ctx, db)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadEvents(ctx, db)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadTrends(ctx, db)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadReport(ctx, db)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadDatasets(ctx, db)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadNames(ctx, db)
	return added + n, err
}

// loadReference inserts the UCLG bodies, the partner organisations with their relations, and
// the roles the report names.
func loadReference(ctx context.Context, db *postgres.DB) (int, error) {
	added := 0
	for _, b := range bodies {
		res, err := db.SQL().ExecContext(ctx, `
			INSERT INTO communities (slug, kind, name, description, website)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING`,
			b.slug, b.kind, b.name, b.description, b.website)
		if err != nil {
			return 0, fmt.Errorf("seed body %s: %w", b.slug, err)
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	created := map[string]bool{}
	for _, o := range organisations {
		res, err := db.SQL().ExecContext(ctx, `
			INSERT INTO organisations (slug, name, acronym, kind, website)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING`,
			o.slug, o.name, o.acronym, o.kind, o.website)
		if err != nil {
			return added, fmt.Errorf("seed organisation %s: %w", o.slug, err)
		}
		n, _ := res.RowsAffected()
		added += int(n)
		created[o.slug] = n == 1
	}
	// Relations, once every organisation exists. An organisation that was already there gets a
	// new version when relations are added to it, so that its held ETags go stale.
	for _, o := range organisations {
		linked := int64(0)
		for _, r := range o.initiativeOf {
			res, err := db.SQL().ExecContext(ctx, `
				INSERT INTO organisation_relations (organisation, kind, related) VALUES ($1, 'initiative_of', $2)
				ON CONFLICT DO NOTHING`, o.slug, r)
			if err != nil {
				return added, fmt.Errorf("seed relation of %s to %s: %w", o.slug, r, err)
			}
			n, _ := res.RowsAffected()
			linked += n
		}
		added += int(linked)
		if linked > 0 && !created[o.slug] {
			if _, err := db.SQL().ExecContext(ctx, `UPDATE organisations SET version = version + 1, updated_at = now()
				WHERE slug = $1`, o.slug); err != nil {
				return added, fmt.Errorf("seed relations of %s: %w", o.slug, err)
			}
		}
	}
	n, err := loadRoles(ctx, db)
	return added + n, err
}

// loadRoles records the roles the report names, through the store (so that each leaves its
// audit row). A role its holder already holds is left as it is, except a chair role that
// migration 00006 moved from a community's chair_city, which has neither source nor
// representative: it gets the report's.
func loadRoles(ctx context.Context, db *postgres.DB) (int, error) {
	added := 0
	for _, r := range roles {
		_, err := db.CreateBodyRole(ctx, seeder, r)
		switch domain.ErrorCode(err) {
		case "":
			added++
			continue
		case domain.ECONFLICT:
		default:
			return added, fmt.Errorf("seed role %s of %s in %s: %w", r.Role, *r.City, r.Body, err)
		}
		res, err := db.SQL().ExecContext(ctx, `
			UPDATE body_roles SET source = $4, representative = $5, version = version + 1, updated_at = now()
			WHERE body = $1 AND city = $2 AND role = $3 AND term_start IS NULL
			  AND source IS NULL AND representative IS NULL`,
			r.Body, *r.City, r.Role, r.Source, r.Representative)
		if err != nil {
			return added, fmt.Errorf("seed role %s of %s in %s: %w", r.Role, *r.City, r.Body, err)
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	return added, nil
}
