-- +goose Up
-- Collaboration events: learning events, panels, congresses and their sessions, annual events,
-- webinars, with their partner organisations and participating cities.
--
-- An event's start is a date with its precision (domain.DateWithPrecision: start_value and
-- start_precision), and beside it the earliest and latest day on which it could start
-- ("2020" → 2020-01-01 .. 2020-12-31; a date to be confirmed → NULL .. NULL), which the date
-- filters and the order of lists read. end_date is the last day of a multi-day event, only for a
-- start known to the day. last_day is the last day the event could be on; precision_rank orders
-- the more precise dates first among those that could start on the same day.

CREATE TABLE events (
    slug            text PRIMARY KEY
                    CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    title           jsonb NOT NULL CHECK (jsonb_typeof(title) = 'object' AND title ? 'en'),
    type            text NOT NULL CHECK (type IN ('learning_event', 'panel', 'congress', 'congress_session',
                        'annual_event', 'webinar', 'workshop', 'meeting', 'other')),
    description     jsonb CHECK (description IS NULL OR (jsonb_typeof(description) = 'object' AND description ? 'en')),
    parent          text REFERENCES events (slug),
    online          boolean NOT NULL DEFAULT false,
    city            text REFERENCES cities (slug),
    place           jsonb CHECK (place IS NULL OR (jsonb_typeof(place) = 'object' AND place ? 'en')),
    country         text CHECK (country ~ '^[A-Z]{2}$'),
    start_value     text,
    start_precision text NOT NULL CHECK (start_precision IN ('day', 'month', 'quarter', 'year', 'unknown')),
    start_earliest  date,
    start_latest    date,
    end_date        date,
    last_day        date GENERATED ALWAYS AS (coalesce(end_date, start_latest)) STORED,
    precision_rank  smallint GENERATED ALWAYS AS (CASE start_precision WHEN 'day' THEN 0 WHEN 'month' THEN 1
                        WHEN 'quarter' THEN 2 WHEN 'year' THEN 3 ELSE 4 END) STORED,
    status          text NOT NULL CHECK (status IN ('tbc', 'scheduled', 'postponed', 'moved_online',
                        'cancelled', 'completed')),
    outcomes        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(outcomes) = 'array'),
    links           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(links) = 'array'),
    provenance      text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (parent IS NULL OR parent <> slug),
    CHECK ((start_precision = 'unknown') = (start_value IS NULL)),
    CHECK ((start_precision = 'unknown') = (start_earliest IS NULL)),
    CHECK ((start_precision = 'unknown') = (start_latest IS NULL)),
    CHECK (start_earliest <= start_latest),
    CHECK (end_date IS NULL OR (start_precision = 'day' AND end_date >= start_earliest)),
    CHECK (status <> 'moved_online' OR online)
);

-- The order of every list of events: by the earliest day it could start (unknown dates last),
-- the more precise first, then slug. Keyset paging reads the same expression.
CREATE INDEX events_start_idx ON events ((coalesce(start_earliest, 'infinity'::date)), precision_rank, slug);
CREATE INDEX events_parent_idx ON events (parent) WHERE parent IS NOT NULL;
CREATE INDEX events_city_idx ON events (city) WHERE city IS NOT NULL;
CREATE INDEX events_updated_idx ON events (updated_at, slug);

-- Partner organisations and their roles, in the order the event lists them.
CREATE TABLE event_partners (
    event        text NOT NULL REFERENCES events (slug) ON DELETE CASCADE,
    organisation text NOT NULL REFERENCES organisations (slug),
    role         text NOT NULL CHECK (role IN ('organiser', 'co_organiser', 'partner', 'host', 'sponsor')),
    position     integer NOT NULL,
    PRIMARY KEY (event, organisation, role)
);
CREATE INDEX event_partners_organisation_idx ON event_partners (organisation, event);

-- Participating cities and their roles, in the order the event lists them.
CREATE TABLE event_cities (
    event    text NOT NULL REFERENCES events (slug) ON DELETE CASCADE,
    city     text NOT NULL REFERENCES cities (slug),
    role     text NOT NULL CHECK (role IN ('organiser', 'speaker', 'participant', 'host')),
    position integer NOT NULL,
    PRIMARY KEY (event, city, role)
);
CREATE INDEX event_cities_city_idx ON event_cities (city, event);

-- +goose Down
DROP TABLE event_cities;
DROP TABLE event_partners;
DROP TABLE events;
