-- +goose Up
-- The Smart Cities Study: indicator frameworks and their dimension trees, indicators, study
-- editions with their participating cities, and observations (one value of one indicator for
-- one city and period). Revision history is the audit trail's before-images.

CREATE TABLE frameworks (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    name        jsonb NOT NULL CHECK (name ? 'en'),
    description jsonb CHECK (description IS NULL OR description ? 'en'),
    publisher   text,
    url         text,
    provenance  text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Dimensions form a tree inside one framework; a slug is unique within its framework.
CREATE TABLE dimensions (
    framework   text NOT NULL REFERENCES frameworks (slug) ON DELETE CASCADE,
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    parent      text,
    name        jsonb NOT NULL CHECK (name ? 'en'),
    position    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (framework, slug),
    FOREIGN KEY (framework, parent) REFERENCES dimensions (framework, slug) ON DELETE CASCADE,
    CHECK (parent IS NULL OR parent <> slug)
);

CREATE TABLE indicators (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    framework   text NOT NULL,
    dimension   text NOT NULL,
    code        text NOT NULL CHECK (length(code) BETWEEN 1 AND 50),
    name        jsonb NOT NULL CHECK (name ? 'en'),
    description jsonb CHECK (description IS NULL OR description ? 'en'),
    value_type  text NOT NULL CHECK (value_type IN ('numeric', 'percentage', 'count', 'boolean', 'ordinal', 'text')),
    unit        text,
    scale_min   double precision,
    scale_max   double precision,
    levels      jsonb NOT NULL DEFAULT '[]', -- ordinal levels: [{"code", "label", "rank"}], lowest first
    direction   text NOT NULL DEFAULT 'none' CHECK (direction IN ('higher_is_better', 'lower_is_better', 'none')),
    methodology jsonb,
    sources     text[] NOT NULL DEFAULT '{}',
    equivalents text[] NOT NULL DEFAULT '{}', -- slugs of equivalent indicators in other frameworks
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    retired_at  timestamptz,
    provenance  text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (framework, code),
    FOREIGN KEY (framework, dimension) REFERENCES dimensions (framework, slug),
    CHECK (scale_min IS NULL OR scale_max IS NULL OR scale_min < scale_max),
    CHECK ((status = 'retired') = (retired_at IS NOT NULL))
);
CREATE INDEX indicators_dimension_idx ON indicators (framework, dimension);

-- Study editions, identified by their year.
CREATE TABLE studies (
    edition             integer PRIMARY KEY CHECK (edition BETWEEN 2000 AND 2100),
    title               jsonb NOT NULL CHECK (title ? 'en'),
    focus               jsonb NOT NULL CHECK (focus ? 'en'),
    framework           text REFERENCES frameworks (slug),
    declared_city_count integer CHECK (declared_city_count >= 0),
    declared_country_count integer CHECK (declared_country_count >= 0),
    status              text NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed', 'published')),
    schedule            jsonb NOT NULL DEFAULT '[]', -- [{"period": "2019-12", "milestone": {...}}]
    conclusions         jsonb,
    provenance          text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE study_cities (
    edition    integer NOT NULL REFERENCES studies (edition) ON DELETE CASCADE,
    city       text NOT NULL REFERENCES cities (slug),
    provenance text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (edition, city)
);
CREATE INDEX study_cities_city_idx ON study_cities (city);

-- Observations. The value is typed by the indicator: value_number for numeric, percentage and
-- count (and an ordinal level's rank), value_boolean for boolean, value_text for an ordinal
-- level's code and for text. Missing (M) and not reported (NR) have no value.
CREATE TABLE observations (
    id            bigserial PRIMARY KEY,
    indicator     text NOT NULL REFERENCES indicators (slug),
    city          text NOT NULL REFERENCES cities (slug),
    year          integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    edition       integer REFERENCES studies (edition),
    value_number  double precision,
    value_boolean boolean,
    value_text    text,
    status        text NOT NULL CHECK (status IN ('A', 'E', 'P', 'M', 'NR')),
    quality       text CHECK (quality IN ('A', 'B', 'C', 'D')),
    source        text,
    footnote      text,
    verification  text NOT NULL DEFAULT 'self_reported' CHECK (verification IN ('self_reported', 'verified', 'rejected')),
    provenance    text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((status IN ('M', 'NR')) = (value_number IS NULL AND value_boolean IS NULL AND value_text IS NULL))
);
-- One observation per indicator, city, year and edition (no edition counts as edition 0).
CREATE UNIQUE INDEX observations_key_idx ON observations (indicator, city, year, (coalesce(edition, 0)));
CREATE INDEX observations_city_idx ON observations (city, indicator, year);
CREATE INDEX observations_edition_idx ON observations (edition, indicator);
CREATE INDEX observations_updated_idx ON observations (updated_at, id);

-- observation_document is an observation as the API shows it (domain.Observation's JSON), for
-- audit before- and after-images written by set-based writes such as imports.
-- +goose StatementBegin
CREATE FUNCTION observation_document(o observations, value_type text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', o.id, 'indicator', o.indicator, 'city', o.city, 'year', o.year, 'edition', o.edition,
        'value', CASE WHEN value_type = 'boolean' THEN to_jsonb(o.value_boolean)
                      WHEN value_type IN ('ordinal', 'text') THEN to_jsonb(o.value_text)
                      ELSE to_jsonb(o.value_number) END,
        'status', o.status, 'quality', o.quality, 'source', o.source, 'footnote', o.footnote,
        'provenance', o.provenance, 'value_type', value_type, 'verification', o.verification,
        'version', o.version, 'created_at', o.created_at, 'updated_at', o.updated_at)
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION observation_document(observations, text);
DROP TABLE observations;
DROP TABLE study_cities;
DROP TABLE studies;
DROP TABLE indicators;
DROP TABLE dimensions;
DROP TABLE frameworks;
