package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// organisationSQL reads organisations with their relations, as a JSON array ordered by kind and
// then the related organisation's slug.
const organisationSQL = `
	SELECT o.slug, o.name, o.acronym, o.kind, o.website, o.provenance, o.version, o.created_at, o.updated_at,
		coalesce((SELECT jsonb_agg(jsonb_build_object('kind', r.kind, 'organisation', r.related)
				ORDER BY r.kind, r.related)
			FROM organisation_relations r WHERE r.organisation = o.slug), '[]') AS relations
	FROM organisations o`

// organisationRow is an organisation as read, with its relations as JSON.
type organisationRow struct {
	domain.Organisation
	RelationsJSON []byte `db:"relations"`
}

func (r *organisationRow) organisation() (domain.Organisation, error) {
	o := r.Organisation
	o.Relations = []domain.Relation{}
	if err := json.Unmarshal(r.RelationsJSON, &o.Relations); err != nil {
		return o, fmt.Errorf("organisation %s: relations: %w", o.Slug, err)
	}
	return o, nil
}

// ListOrganisations returns one page of organisations in slug order and whether more follow.
// The WHERE clause holds only the filters given, so that each query is planned for them.
func (db *DB) ListOrganisations(ctx context.Context, f domain.OrganisationFilter) ([]domain.Organisation, bool, error) {
	var where []string
	var args queryArgs
	arg := args.add
	if f.Kind != "" {
		where = append(where, "o.kind = "+arg(f.Kind))
	}
	if f.Query != "" {
		where = append(where, searchCond(&args, searchOrganisations, f.Query))
	}
	if f.MissingLanguage != "" {
		where = append(where, missingCond(&args, "organisations", "o", f.MissingLanguage))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "organisation", "o.slug", f.UpdatedSince))
	}
	if f.After != "" {
		where = append(where, "o.slug > "+arg(f.After))
	}
	query := organisationSQL
	if len(where) > 0 {
		query += "\n\tWHERE " + strings.Join(where, "\n\t  AND ")
	}
	query += "\n\tORDER BY o.slug LIMIT " + arg(f.Limit+1)
	var rows []organisationRow
	if err := db.reader(ctx).SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]domain.Organisation, 0, len(rows))
	for i := range rows {
		o, err := rows[i].organisation()
		if err != nil {
			return nil, false, err
		}
		out = append(out, o)
	}
	return out, more, nil
}

// GetOrganisation returns one organisation.
func (db *DB) GetOrganisation(ctx context.Context, slug string) (*domain.Organisation, error) {
	return getOrganisation(ctx, db.reader(ctx), slug, "")
}

// getOrganisation reads one organisation; lock ("FOR UPDATE" or "") locks its row.
func getOrganisation(ctx context.Context, q sqlx.QueryerContext, slug, lock string) (*domain.Organisation, error) {
	var r organisationRow
	err := sqlx.GetContext(ctx, q, &r, organisationSQL+` WHERE o.slug = $1 `+lock, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no organisation %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	o, err := r.organisation()
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// CreateOrganisation inserts an organisation with its relations; ECONFLICT when the slug is
// taken. One created with the slug of a deleted one continues its versions (see firstVersion).
func (db *DB) CreateOrganisation(ctx context.Context, caller domain.Caller, slug string, f domain.OrganisationFields) (*domain.Organisation, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Invalid("slug", "must be lowercase letters and digits joined by single hyphens")
	}
	if err := f.Validate(slug); err != nil {
		return nil, err
	}
	var out *domain.Organisation
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		// FOR UPDATE waits for a delete of this slug still in flight, whose tombstone the next
		// statement then sees.
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM organisations WHERE slug = $1 FOR UPDATE)`, slug); err != nil {
			return err
		}
		if taken {
			return domain.Errorf(domain.ECONFLICT, "an organisation with slug %q already exists", slug)
		}
		if err := checkRelated(ctx, tx, f.Relations); err != nil {
			return err
		}
		version, err := firstVersion(ctx, tx, "organisation", slug)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO organisations (slug, name, acronym, kind, website, provenance, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			slug, f.Name, f.Acronym, f.Kind, f.Website, f.Provenance, version)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "an organisation with slug %q already exists", slug)
		}
		if err != nil {
			return err
		}
		if err := writeRelations(ctx, tx, slug, f.Relations); err != nil {
			return err
		}
		if out, err = getOrganisation(ctx, tx, slug, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "organisation", slug, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateOrganisation replaces the writable fields of an organisation, relations included, with
// what change returns given the current organisation locked in the transaction, when ifMatch
// allows its version. Every write gives a new version, so a change of relations changes the
// ETag. The version is checked again in the UPDATE itself.
func (db *DB) UpdateOrganisation(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch,
	change func(current *domain.Organisation) (domain.OrganisationFields, error)) (*domain.Organisation, error) {
	var out *domain.Organisation
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockOrganisation(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		f, err := change(before)
		if err != nil {
			return err
		}
		if err := f.Validate(slug); err != nil {
			return err
		}
		if err := checkRelated(ctx, tx, f.Relations); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE organisations SET name = $3, acronym = $4, kind = $5, website = $6, provenance = $7,
				version = version + 1, updated_at = now()
			WHERE slug = $1 AND version = $2`,
			slug, before.Version, f.Name, f.Acronym, f.Kind, f.Website, f.Provenance)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "organisation %q changed since it was read", slug)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM organisation_relations WHERE organisation = $1`, slug); err != nil {
			return err
		}
		if err := writeRelations(ctx, tx, slug, f.Relations); err != nil {
			return err
		}
		if out, err = getOrganisation(ctx, tx, slug, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "organisation", slug, before, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteOrganisation deletes an organisation and its own relations when ifMatch allows its
// version, and leaves its tombstone. An organisation that other data refers to (another
// organisation's relation, a role in a UCLG body) is not deleted: ECONFLICT says what refers to it.
func (db *DB) DeleteOrganisation(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockOrganisation(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		if err := linkedFromReports(ctx, tx, "organisation", slug); err != nil {
			return err
		}
		var refs struct {
			Relations pq.StringArray `db:"relations"`
			Roles     int            `db:"roles"`
			Events    pq.StringArray `db:"events"`
		}
		if err := tx.GetContext(ctx, &refs, `
			SELECT ARRAY(SELECT organisation || ' ' || kind FROM organisation_relations WHERE related = $1
					ORDER BY organisation, kind) AS relations,
				(SELECT count(*) FROM body_roles WHERE organisation = $1) AS roles,
				ARRAY(SELECT event FROM event_partners WHERE organisation = $1 ORDER BY event) AS events`, slug); err != nil {
			return err
		}
		if len(refs.Relations) > 0 || refs.Roles > 0 || len(refs.Events) > 0 {
			var what []string
			if len(refs.Relations) > 0 {
				what = append(what, "the relations "+strings.Join(refs.Relations, ", "))
			}
			if refs.Roles > 0 {
				what = append(what, fmt.Sprintf("%d role(s) in UCLG bodies", refs.Roles))
			}
			if len(refs.Events) > 0 {
				what = append(what, "the events "+strings.Join(refs.Events, ", ")+" (as a partner)")
			}
			return domain.Errorf(domain.ECONFLICT, "organisation %q is referred to by %s: change those first",
				slug, strings.Join(what, " and "))
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE slug = $1 AND version = $2`, slug, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "organisation %q changed since it was read", slug)
		}
		if err := bury(ctx, tx, "organisation", slug, before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "organisation", slug, before, nil)
	})
}

// lockOrganisation reads an organisation FOR UPDATE and says why a write cannot go on:
// ENOTFOUND or EPRECONDITION.
func lockOrganisation(ctx context.Context, tx *sqlx.Tx, slug string, ifMatch domain.IfMatch) (*domain.Organisation, error) {
	o, err := getOrganisation(ctx, tx, slug, "FOR UPDATE OF o")
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("organisation %q", slug), o.Version, ifMatch); err != nil {
		return nil, err
	}
	return o, nil
}

// checkRelated locks the organisations that relations name (FOR SHARE, so that none is deleted
// before the relations are written) and returns EINVALID naming the first that does not exist.
func checkRelated(ctx context.Context, tx *sqlx.Tx, relations []domain.Relation) error {
	if len(relations) == 0 {
		return nil
	}
	slugs := make([]string, len(relations))
	for i, r := range relations {
		slugs[i] = r.Organisation
	}
	var found []string
	if err := tx.SelectContext(ctx, &found, `SELECT slug FROM organisations WHERE slug = ANY($1) FOR SHARE`,
		pq.Array(slugs)); err != nil {
		return err
	}
	for i, s := range slugs {
		if !slices.Contains(found, s) {
			return domain.Invalid(fmt.Sprintf("relations[%d].organisation", i), "no organisation %q", s)
		}
	}
	return nil
}

// writeRelations inserts an organisation's relations.
func writeRelations(ctx context.Context, tx *sqlx.Tx, slug string, relations []domain.Relation) error {
	if len(relations) == 0 {
		return nil
	}
	kinds := make([]string, len(relations))
	related := make([]string, len(relations))
	for i, r := range relations {
		kinds[i], related[i] = r.Kind, r.Organisation
	}
	// Writes of relations that form hierarchies take turns, so that two of them cannot close a
	// cycle together, each seeing only its own half.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('organisation_relations'))`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO organisation_relations (organisation, kind, related)
		SELECT $1, k, r FROM unnest($2::text[], $3::text[]) AS t (k, r)`,
		slug, pq.Array(kinds), pq.Array(related)); err != nil {
		return err
	}
	// part_of, member_of and initiative_of are hierarchies: an organisation cannot be, through a
	// chain of one of them, part, member or an initiative of itself.
	var cycle []string
	if err := tx.SelectContext(ctx, &cycle, `
		WITH RECURSIVE reach (org, kind) AS (
			SELECT related, kind FROM organisation_relations
			WHERE organisation = $1 AND kind IN ('part_of', 'member_of', 'initiative_of')
			UNION
			SELECT r.related, r.kind FROM organisation_relations r JOIN reach ON r.organisation = reach.org AND r.kind = reach.kind
		)
		SELECT kind FROM reach WHERE org = $1 ORDER BY kind LIMIT 1`, slug); err != nil {
		return err
	}
	if len(cycle) > 0 {
		return domain.Invalid("relations", "these relations would make %q %s itself, through a chain of %s relations",
			slug, strings.ReplaceAll(cycle[0], "_", " "), cycle[0])
	}
	return nil
}
