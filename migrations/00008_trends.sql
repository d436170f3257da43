-- +goose Up
-- Technology trends: the smart-governance technologies the study judges key for the next years,
-- and each city's adoption of them, one record per trend, city and year so that history stays.

CREATE TABLE trends (
    slug          text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100
                      AND slug <> 'ranking'),
    name          jsonb NOT NULL CHECK (name ? 'en'),
    description   jsonb NOT NULL CHECK (description ? 'en'),
    category      text NOT NULL CHECK (category IN ('ai_analytics', 'open_data_platforms', 'digital_participation',
                      'digital_twins', 'iot', 'blockchain', 'chatbots', 'digital_identity', 'cloud', 'other')),
    horizon_years integer CHECK (horizon_years BETWEEN 1 AND 30),
    -- Maturity assessments, [{year, phase, source}] oldest first: each year's is kept.
    assessments   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(assessments) = 'array'),
    provenance    text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trends_category_idx ON trends (category, slug);
CREATE INDEX trends_updated_idx ON trends (updated_at, slug);

-- The framework dimensions a trend serves (the 2019 framework's participation, open data, ...).
CREATE TABLE trend_dimensions (
    trend     text NOT NULL REFERENCES trends (slug) ON DELETE CASCADE,
    framework text NOT NULL,
    dimension text NOT NULL,
    PRIMARY KEY (trend, framework, dimension),
    FOREIGN KEY (framework, dimension) REFERENCES dimensions (framework, slug)
);
CREATE INDEX trend_dimensions_dimension_idx ON trend_dimensions (framework, dimension, trend);

-- A city's adoption of a trend as assessed in a year. Provenance and verification work as for
-- observations: aggregates count reported, non-rejected records unless asked otherwise.
CREATE TABLE trend_adoptions (
    trend           text NOT NULL REFERENCES trends (slug),
    city            text NOT NULL REFERENCES cities (slug),
    year            integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    stage           text NOT NULL CHECK (stage IN ('none', 'exploring', 'pilot', 'implementing', 'scaled',
                        'discontinued')),
    priority        text CHECK (priority IN ('high', 'medium', 'low')),
    example_project jsonb CHECK (example_project IS NULL OR example_project ? 'en'),
    example_url     text CHECK (example_url IS NULL OR example_project IS NOT NULL),
    source          text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
    provenance      text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    verification    text NOT NULL DEFAULT 'self_reported'
                        CHECK (verification IN ('self_reported', 'verified', 'rejected')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (trend, city, year)
);
-- A city's page lists its trends: (city, trend, year) serves it as the primary key serves a trend's.
CREATE INDEX trend_adoptions_city_idx ON trend_adoptions (city, trend, year);
CREATE INDEX trend_adoptions_updated_idx ON trend_adoptions (updated_at);

-- +goose Down
DROP TABLE trend_adoptions;
DROP TABLE trend_dimensions;
DROP TABLE trends;
