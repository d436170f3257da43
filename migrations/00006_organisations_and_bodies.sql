-- +goose Up
-- Organisations become writable, with typed relations between them; UCLG bodies get a kind, and
-- the roles that cities and organisations hold in them are recorded with their terms.

-- Organisation kinds: UCLG bodies and funds join them. FMDV, the Global Fund for Cities
-- Development, is a fund (the seed had it as "other"); its new kind is a new version.
ALTER TABLE organisations
    DROP CONSTRAINT organisations_kind_check,
    ADD CONSTRAINT organisations_kind_check CHECK (kind IN ('un_agency', 'city_network', 'platform',
        'industry_alliance', 'uclg_body', 'fund', 'foundation', 'other')),
    ADD CONSTRAINT organisations_slug_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    ADD CONSTRAINT organisations_acronym_check CHECK (length(acronym) BETWEEN 1 AND 50);
UPDATE organisations SET kind = 'fund', version = version + 1, updated_at = now()
WHERE slug = 'fmdv' AND kind = 'other';

-- list-organisations reads these in slug order, filtered by kind or updated_since.
CREATE INDEX organisations_kind_idx ON organisations (kind, slug);
CREATE INDEX organisations_updated_idx ON organisations (updated_at, slug);

-- Relations between organisations generalise founders: the Uraía Platform is an initiative of
-- UN-Habitat and FMDV. A relation belongs to its organisation (written with it, deleted with
-- it); the organisation it names cannot be deleted while it is named.
CREATE TABLE organisation_relations (
    organisation text NOT NULL REFERENCES organisations (slug) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('initiative_of', 'member_of', 'partner_of', 'part_of')),
    related      text NOT NULL REFERENCES organisations (slug),
    PRIMARY KEY (organisation, kind, related),
    CHECK (organisation <> related)
);
CREATE INDEX organisation_relations_related_idx ON organisation_relations (related);

INSERT INTO organisation_relations (organisation, kind, related)
SELECT organisation, 'initiative_of', founder FROM organisation_founders;
DROP TABLE organisation_founders;

-- UCLG's consultation mechanisms are policy councils, committees, working groups, communities
-- of practice and forums (the 2019–2020 report). Those held so far are communities of practice.
ALTER TABLE communities ADD COLUMN kind text NOT NULL DEFAULT 'community_of_practice'
    CHECK (kind IN ('community_of_practice', 'committee', 'policy_council', 'working_group', 'forum'));
ALTER TABLE communities ALTER COLUMN kind DROP DEFAULT;

-- The report calls the Community of Practice on Digital Cities the "Committee on Digital Cities";
-- its description says so (internal/seed has the same text for new databases).
UPDATE communities SET
    description = description || jsonb_build_object('en', 'UCLG''s consultation mechanism on digital cities, '
        || 'formerly the Committee of Digital and Knowledge-based Cities, chaired by the City of Bilbao. Its '
        || '2019–2020 report calls it the Committee on Digital Cities, the name proposed for it in UCLG''s new '
        || 'structure of consultation mechanisms. Its main goal is to update the Smart Cities Study every 2-3 years.'),
    version = version + 1,
    updated_at = now()
WHERE slug = 'digital-cities' AND description->>'en' = 'UCLG''s consultation mechanism on digital cities, '
    || 'formerly the Committee of Digital and Knowledge-based Cities, chaired by the City of Bilbao. Its main goal '
    || 'is to update the Smart Cities Study every 2-3 years.';

-- Dates known only as precisely as their source gives them (domain.DateWithPrecision), stored
-- as the value and its precision. date_first_day and date_last_day are the span such a date
-- covers (the year 2019: 2019-01-01 to 2019-12-31); both are null for an unknown date.
-- +goose StatementBegin
CREATE FUNCTION date_precision_ok(v text, p text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE p
        WHEN 'unknown' THEN v IS NULL
        WHEN 'year'    THEN v ~ '^[0-9]{4}$'
        WHEN 'quarter' THEN v ~ '^[0-9]{4}-Q[1-4]$'
        WHEN 'month'   THEN v ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'
        WHEN 'day'     THEN v ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
        ELSE false
    END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION date_first_day(v text, p text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE p
        WHEN 'year'    THEN make_date(left(v, 4)::integer, 1, 1)
        WHEN 'quarter' THEN make_date(left(v, 4)::integer, (substr(v, 7, 1)::integer - 1) * 3 + 1, 1)
        WHEN 'month'   THEN make_date(left(v, 4)::integer, substr(v, 6, 2)::integer, 1)
        WHEN 'day'     THEN make_date(left(v, 4)::integer, substr(v, 6, 2)::integer, substr(v, 9, 2)::integer)
    END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION date_last_day(v text, p text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE p
        WHEN 'year'    THEN make_date(left(v, 4)::integer, 12, 31)
        WHEN 'quarter' THEN (date_first_day(v, p) + interval '3 months')::date - 1
        WHEN 'month'   THEN (date_first_day(v, p) + interval '1 month')::date - 1
        WHEN 'day'     THEN date_first_day(v, p)
    END
$$;
-- +goose StatementEnd

-- Roles of cities and organisations in UCLG bodies, with their terms: Bilbao chairs the
-- Community of Practice on Digital Cities. A term's start or end may be unknown (the report
-- gives no dates), and then it is not invented. Each role has one holder: a city or an
-- organisation.
CREATE TABLE body_roles (
    id                   bigserial PRIMARY KEY,
    body                 text NOT NULL REFERENCES communities (slug),
    city                 text REFERENCES cities (slug),
    organisation         text REFERENCES organisations (slug),
    role                 text NOT NULL CHECK (role IN ('chair', 'co_chair', 'president', 'co_president',
                             'vice_chair', 'vice_president', 'member')),
    term_start           text,
    term_start_precision text NOT NULL DEFAULT 'unknown',
    term_end             text,
    term_end_precision   text NOT NULL DEFAULT 'unknown',
    representative       jsonb CHECK (representative IS NULL OR representative ? 'en'),
    source               text CHECK (length(source) BETWEEN 1 AND 500),
    provenance           text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(city, organisation) = 1),
    CHECK (date_precision_ok(term_start, term_start_precision)),
    CHECK (date_precision_ok(term_end, term_end_precision)),
    CHECK (term_start IS NULL OR term_end IS NULL
        OR date_first_day(term_start, term_start_precision) <= date_last_day(term_end, term_end_precision))
);
-- One holder holds a role in a body once per term start.
CREATE UNIQUE INDEX body_roles_key_idx ON body_roles (body, role, coalesce(city, ''), coalesce(organisation, ''),
    coalesce(term_start, ''));
CREATE INDEX body_roles_city_idx ON body_roles (city, id) WHERE city IS NOT NULL;
CREATE INDEX body_roles_organisation_idx ON body_roles (organisation, id) WHERE organisation IS NOT NULL;
CREATE INDEX body_roles_updated_idx ON body_roles (updated_at, id);

-- A term is current when it has started (or its start is unknown) and has not ended (or its
-- end is unknown): the role is held as far as the data says.
-- +goose StatementBegin
CREATE FUNCTION term_is_current(r body_roles) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (r.term_start IS NULL OR date_first_day(r.term_start, r.term_start_precision) <= current_date)
       AND (r.term_end IS NULL OR date_last_day(r.term_end, r.term_end_precision) >= current_date)
$$;
-- +goose StatementEnd

-- A community's chair city becomes a role: one truth, from which chair_city is derived.
INSERT INTO body_roles (body, city, role, provenance)
SELECT slug, chair_city, 'chair', provenance FROM communities WHERE chair_city IS NOT NULL;
ALTER TABLE communities DROP COLUMN chair_city;

-- +goose Down
-- Roles other than chairs of communities are lost; a community keeps one chair city.
ALTER TABLE communities ADD COLUMN chair_city text REFERENCES cities (slug) ON DELETE SET NULL;
UPDATE communities c SET chair_city = (
    SELECT r.city FROM body_roles r
    WHERE r.body = c.slug AND r.role = 'chair' AND r.city IS NOT NULL AND term_is_current(r)
    ORDER BY r.id DESC LIMIT 1);
DROP FUNCTION term_is_current(body_roles);
DROP TABLE body_roles;
DROP FUNCTION date_last_day(text, text);
DROP FUNCTION date_first_day(text, text);
DROP FUNCTION date_precision_ok(text, text);
ALTER TABLE communities DROP COLUMN kind;

-- Relations other than initiatives are lost.
CREATE TABLE organisation_founders (
    organisation text NOT NULL REFERENCES organisations (slug) ON DELETE CASCADE,
    founder      text NOT NULL REFERENCES organisations (slug),
    PRIMARY KEY (organisation, founder),
    CHECK (organisation <> founder)
);
INSERT INTO organisation_founders (organisation, founder)
SELECT organisation, related FROM organisation_relations WHERE kind = 'initiative_of';
DROP TABLE organisation_relations;

DROP INDEX organisations_updated_idx;
DROP INDEX organisations_kind_idx;
UPDATE organisations SET kind = 'other', version = version + 1, updated_at = now()
WHERE kind IN ('uclg_body', 'fund');
ALTER TABLE organisations
    DROP CONSTRAINT organisations_acronym_check,
    DROP CONSTRAINT organisations_slug_check,
    DROP CONSTRAINT organisations_kind_check,
    ADD CONSTRAINT organisations_kind_check CHECK (kind IN ('un_agency', 'city_network', 'platform',
        'industry_alliance', 'foundation', 'other'));
