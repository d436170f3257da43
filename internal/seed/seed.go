// Package seed loads the sample data: the Community of Practice on Digital Cities and its chair,
// Bilbao, the partner organisations named in its 2019–2020 report, sample cities across UCLG's
// sections, the Smart Cities Study's editions, indicator frameworks (the 2019 Smart Governance
// framework, ITU-T Y.4903, UN LOSI), demo observations, and the collaboration events the report
// names (internal/seed/events.go). Real facts are marked provenance "reported"; anything invented for
// a demo (here: the sample cities' membership of the Community) is marked "sample".
// Loading is idempotent: records that exist are left as they are.
package seed

import (
	"context"
	"fmt"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// seeder signs the audit rows that seeding leaves.
var seeder = domain.Caller{Actor: &domain.Actor{Name: "seed", Role: domain.RoleSecretariat}}

// Run loads the sample data and reports how many records it added.
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
	return added + n, err
}

// loadReference inserts the Community and the partner organisations with their founders.
func loadReference(ctx context.Context, db *postgres.DB) (int, error) {
	added := 0
	res, err := db.SQL().ExecContext(ctx, `
		INSERT INTO communities (slug, name, description, chair_city, website)
		VALUES ($1, $2, $3, 'bilbao', $4) ON CONFLICT (slug) DO NOTHING`,
		community.slug, community.name, community.description, community.website)
	if err != nil {
		return 0, fmt.Errorf("seed community: %w", err)
	}
	n, _ := res.RowsAffected()
	added += int(n)
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
	// Founders, once every organisation exists. An organisation that was already there gets a
	// new version when founders are added to it, so that its held ETags go stale.
	for _, o := range organisations {
		linked := int64(0)
		for _, f := range o.founders {
			res, err := db.SQL().ExecContext(ctx, `
				INSERT INTO organisation_founders (organisation, founder) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, o.slug, f)
			if err != nil {
				return added, fmt.Errorf("seed founder %s of %s: %w", f, o.slug, err)
			}
			n, _ := res.RowsAffected()
			linked += n
		}
		added += int(linked)
		if linked > 0 && !created[o.slug] {
			if _, err := db.SQL().ExecContext(ctx, `UPDATE organisations SET version = version + 1, updated_at = now()
				WHERE slug = $1`, o.slug); err != nil {
				return added, fmt.Errorf("seed founders of %s: %w", o.slug, err)
			}
		}
	}
	return added, nil
}
