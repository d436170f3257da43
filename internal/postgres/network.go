package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

const organisationColumns = `slug, name, acronym, kind, website, provenance, version, created_at, updated_at`

// ListOrganisations returns every partner organisation by slug (they are few).
func (db *DB) ListOrganisations(ctx context.Context) ([]domain.Organisation, error) {
	var out []domain.Organisation
	err := db.db.SelectContext(ctx, &out, `SELECT `+organisationColumns+` FROM organisations ORDER BY slug`)
	return nonNilSlice(out), mapError(err)
}

// GetOrganisation returns one partner organisation.
func (db *DB) GetOrganisation(ctx context.Context, slug string) (*domain.Organisation, error) {
	var o domain.Organisation
	err := db.db.GetContext(ctx, &o, `SELECT `+organisationColumns+` FROM organisations WHERE slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no organisation %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
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
