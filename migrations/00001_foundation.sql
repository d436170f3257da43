-- +goose Up
-- The foundation: cities, API tokens, the audit trail and idempotency keys.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- f_unaccent is an immutable wrapper so that accent-insensitive search can be indexed.
-- +goose StatementBegin
CREATE FUNCTION f_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
-- +goose StatementEnd

-- Cities are local governments. Texts meant for people are jsonb objects keyed by language
-- ({"en": ..., "fr": ..., "es": ...}); "en" is always present.
CREATE TABLE cities (
    slug              text PRIMARY KEY
                      CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    name              jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object' AND name ? 'en'),
    country           text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    section           text NOT NULL CHECK (section IN ('africa', 'asia_pacific', 'eurasia', 'europe',
                          'middle_east_west_asia', 'latin_america', 'north_america')),
    metropolis_member boolean, -- null: not known
    population        bigint CHECK (population >= 0),
    population_year   integer CHECK (population_year BETWEEN 1800 AND 2200),
    latitude          double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude         double precision CHECK (longitude BETWEEN -180 AND 180),
    website           text,
    open_data_portal  text,
    cop_member        boolean NOT NULL DEFAULT false,
    cop_role          text CHECK (cop_role IN ('chair', 'vice_chair', 'member')),
    provenance        text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (cop_role IS NULL OR cop_member)
);

CREATE INDEX cities_name_idx ON cities ((name->>'en') COLLATE "C", slug);
CREATE INDEX cities_population_idx ON cities ((coalesce(population, -1)), slug);
CREATE INDEX cities_updated_idx ON cities (updated_at, slug);
CREATE INDEX cities_country_idx ON cities (country);

-- Communities are UCLG consultation mechanisms, such as the Community of Practice on Digital Cities.
CREATE TABLE communities (
    slug        text PRIMARY KEY,
    name        jsonb NOT NULL CHECK (name ? 'en'),
    description jsonb NOT NULL DEFAULT '{}' ,
    chair_city  text REFERENCES cities (slug) ON DELETE SET NULL,
    website     text,
    provenance  text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Organisations are the partners the Community works with (UN-Habitat, Uraía, WeGO, ...).
CREATE TABLE organisations (
    slug        text PRIMARY KEY,
    name        jsonb NOT NULL CHECK (name ? 'en'),
    acronym     text,
    kind        text NOT NULL CHECK (kind IN ('un_agency', 'city_network', 'platform', 'industry_alliance',
                    'foundation', 'other')),
    website     text,
    provenance  text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- API tokens: only the SHA-256 of the secret is kept. Editors are scoped to cities.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role         text NOT NULL CHECK (role IN ('admin', 'secretariat', 'editor')),
    cities       text[] NOT NULL DEFAULT '{}',
    prefix       text NOT NULL,
    hash         bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    version      integer NOT NULL DEFAULT 1,
    CHECK (role = 'editor' OR cardinality(cities) = 0),
    CHECK (role <> 'editor' OR cardinality(cities) > 0)
);

-- The audit trail: one row per write, inserted in the write's own transaction, so that it is
-- also the source of the public change feed (tx_id orders rows by transaction).
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    tx_id       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at          timestamptz NOT NULL DEFAULT now(),
    token_id    bigint,
    actor       text NOT NULL,
    action      text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    resource    text NOT NULL,
    resource_id text NOT NULL,
    before      jsonb,
    after       jsonb,
    request_id  text
);
CREATE INDEX audit_log_resource_idx ON audit_log (resource, resource_id, id);

-- Idempotency keys for POSTs that create. The row is inserted in the write's transaction and
-- completed with the request's hash and the response; client is a hash of the token (or the
-- client's address).
CREATE TABLE idempotency_keys (
    client       text NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL,
    status       integer,
    headers      jsonb,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (client, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE organisations;
DROP TABLE communities;
DROP TABLE cities;
DROP FUNCTION f_unaccent(text);
