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

// communitySQL reads communities with their members counted by provenance. Membership of the
// Community of Practice on Digital Cities is the cities' cop_member flag; a member city's
// provenance says whether its membership is real (reported) or invented (sample, synthetic).
const communitySQL = `
	SELECT c.slug, c.name, c.description, c.chair_city, c.website, c.provenance, c.version, c.created_at,
		c.updated_at, m.reported, m.sample, m.synthetic
	FROM communities c
	CROSS JOIN (
		SELECT count(*) FILTER (WHERE provenance = 'reported') AS reported,
			count(*) FILTER (WHERE provenance = 'sample') AS sample,
			count(*) FILTER (WHERE provenance = 'synthetic') AS synthetic
		FROM cities WHERE cop_member
	) m`

// communityRow is a community as read, with its member counts.
type communityRow struct {
	domain.Community
	domain.ProvenanceCounts
}

func (r communityRow) community() domain.Community {
	c := r.Community
	c.MembersByProvenance = r.ProvenanceCounts
	c.Members = r.Reported
	return c
}

// ListCommunities returns every community by slug.
func (db *DB) ListCommunities(ctx context.Context) ([]domain.Community, error) {
	var rows []communityRow
	if err := db.db.SelectContext(ctx, &rows, communitySQL+` ORDER BY c.slug`); err != nil {
		return nil, mapError(err)
	}
	out := []domain.Community{}
	for _, r := range rows {
		out = append(out, r.community())
	}
	return out, nil
}

// GetCommunity returns one community.
func (db *DB) GetCommunity(ctx context.Context, slug string) (*domain.Community, error) {
	var r communityRow
	err := db.db.GetContext(ctx, &r, communitySQL+` WHERE c.slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no community %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	c := r.community()
	return &c, nil
}
