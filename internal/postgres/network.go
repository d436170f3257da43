package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// organisationSQL reads organisations with the slugs of their founders.
const organisationSQL = `
	SELECT o.slug, o.name, o.acronym, o.kind, o.website, o.provenance, o.version, o.created_at, o.updated_at,
		ARRAY(SELECT f.founder FROM organisation_founders f WHERE f.organisation = o.slug ORDER BY f.founder) AS founders
	FROM organisations o`

// organisationRow is an organisation as read, with its founders in a Postgres array.
type organisationRow struct {
	domain.Organisation
	FounderList pq.StringArray `db:"founders"`
}

func (r organisationRow) organisation() domain.Organisation {
	o := r.Organisation
	o.Founders = append([]string{}, r.FounderList...)
	return o
}

// ListOrganisations returns every partner organisation by slug (they are few).
func (db *DB) ListOrganisations(ctx context.Context) ([]domain.Organisation, error) {
	var rows []organisationRow
	if err := db.db.SelectContext(ctx, &rows, organisationSQL+` ORDER BY o.slug`); err != nil {
		return nil, mapError(err)
	}
	out := []domain.Organisation{}
	for _, r := range rows {
		out = append(out, r.organisation())
	}
	return out, nil
}

// GetOrganisation returns one partner organisation.
func (db *DB) GetOrganisation(ctx context.Context, slug string) (*domain.Organisation, error) {
	var r organisationRow
	err := db.db.GetContext(ctx, &r, organisationSQL+` WHERE o.slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no organisation %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	o := r.organisation()
	return &o, nil
}

// communitySQL reads communities with their member count. Membership of the Community of
// Practice on Digital Cities is the cities' cop_member flag.
const communitySQL = `
	SELECT c.slug, c.name, c.description, c.chair_city, c.website, c.provenance, c.version, c.created_at,
		c.updated_at, (SELECT count(*) FROM cities WHERE cop_member) AS members
	FROM communities c`

// ListCommunities returns every community by slug.
func (db *DB) ListCommunities(ctx context.Context) ([]domain.Community, error) {
	var out []domain.Community
	err := db.db.SelectContext(ctx, &out, communitySQL+` ORDER BY c.slug`)
	return nonNilSlice(out), mapError(err)
}

// GetCommunity returns one community.
func (db *DB) GetCommunity(ctx context.Context, slug string) (*domain.Community, error) {
	var c domain.Community
	err := db.db.GetContext(ctx, &c, communitySQL+` WHERE c.slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no community %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	return &c, nil
}
