package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// communitySQL reads UCLG bodies with what is derived from other data: the chair city (the city
// of the body's current chair role recorded as reported data, the latest to begin when there
// are several) and the members counted by provenance. A body's members are the cities holding a
// current role in it and, for the Community of Practice on Digital Cities ($1), the cities with
// cop_member; a city that is a member by several records counts once, by the most real of their
// provenances (the city record for cop_member, the role record for a role).
const communitySQL = `
	SELECT c.slug, c.name, c.description, c.kind, c.website, c.provenance, c.version, c.created_at, c.updated_at,
		(SELECT r.city FROM body_roles r
			WHERE r.body = c.slug AND r.role = 'chair' AND r.city IS NOT NULL AND r.provenance = 'reported'
			  AND term_is_current(r)
			ORDER BY date_first_day(r.term_start, r.term_start_precision) DESC NULLS LAST, r.id DESC
			LIMIT 1) AS chair_city,
		m.reported, m.sample, m.synthetic
	FROM communities c
	CROSS JOIN LATERAL (
		SELECT count(*) FILTER (WHERE p.rank = 1) AS reported,
			count(*) FILTER (WHERE p.rank = 2) AS sample,
			count(*) FILTER (WHERE p.rank = 3) AS synthetic
		FROM (
			SELECT member.city, min(array_position(ARRAY['reported', 'sample', 'synthetic'], member.provenance)) AS rank
			FROM (
				SELECT slug AS city, provenance FROM cities WHERE cop_member AND c.slug = $1
				UNION ALL
				SELECT r.city, r.provenance FROM body_roles r
				WHERE r.body = c.slug AND r.city IS NOT NULL AND term_is_current(r)
			) member
			GROUP BY member.city
		) p
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
	if err := db.reader(ctx).SelectContext(ctx, &rows, communitySQL+` ORDER BY c.slug`, domain.CommunityOfPractice); err != nil {
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
	err := db.reader(ctx).GetContext(ctx, &r, communitySQL+` WHERE c.slug = $2`, domain.CommunityOfPractice, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no community %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	c := r.community()
	return &c, nil
}
