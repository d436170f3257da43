-- +goose Up
-- Open data: datasets, their immutable releases and the releases' files; and the index that
-- the change feed reads the audit trail by.

-- A dataset: what it holds (content, a query over the API's records), under which licence,
-- from whom. The secretariat writes it.
CREATE TABLE datasets (
    slug                text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    title               jsonb NOT NULL,
    description         jsonb NOT NULL,
    publisher           text NOT NULL,
    license             text NOT NULL CHECK (license ~ '^[A-Za-z0-9.+-]+$'),
    themes              text[] NOT NULL DEFAULT '{}',
    keywords            text[] NOT NULL DEFAULT '{}',
    temporal_start      integer CHECK (temporal_start BETWEEN 1900 AND 2199),
    temporal_end        integer CHECK (temporal_end BETWEEN 1900 AND 2199),
    spatial             text NOT NULL DEFAULT '',
    accrual_periodicity text NOT NULL DEFAULT 'irregular'
        CHECK (accrual_periodicity IN ('irregular', 'annual', 'biennial', 'triennial', 'quarterly', 'monthly')),
    contact_name        text NOT NULL,
    contact_email       text NOT NULL,
    content             jsonb NOT NULL CHECK (content->>'resource' IN ('observations', 'cities', 'indicators', 'trend_adoption', 'events')),
    latest_release      integer,
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (temporal_end IS NULL OR temporal_start IS NULL OR temporal_end >= temporal_start)
);

-- A release: an immutable, numbered snapshot of a dataset. as_of is the moment of the snapshot
-- and changes_cursor the change-feed position it corresponds to (the snapshot's xmin).
CREATE TABLE releases (
    dataset        text NOT NULL REFERENCES datasets (slug),
    number         integer NOT NULL CHECK (number >= 1),
    notes          text NOT NULL DEFAULT '',
    rows           bigint NOT NULL CHECK (rows >= 0),
    as_of          timestamptz NOT NULL,
    changes_cursor text NOT NULL,
    content        jsonb NOT NULL,
    metadata       jsonb NOT NULL, -- the dataset's description (licence, title, …) when it was taken
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, number)
);

-- A release's files, and their bytes in chunks of at most 1 MiB, so that a file of any size is
-- written and read in constant memory, and a Range request reads only the chunks it needs.
CREATE TABLE release_files (
    id         bigserial PRIMARY KEY,
    dataset    text NOT NULL,
    number     integer NOT NULL,
    name       text NOT NULL,
    format     text NOT NULL CHECK (format IN ('csv', 'ndjson', 'json', 'xlsx', 'parquet')),
    media_type text NOT NULL,
    bytes      bigint NOT NULL CHECK (bytes >= 0),
    sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    chunk_size integer NOT NULL CHECK (chunk_size > 0),
    -- Deferred: a release is written file by file, chunk by chunk, and its row last, when its
    -- row count and checksums are known (rows never change once written).
    FOREIGN KEY (dataset, number) REFERENCES releases (dataset, number) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (dataset, number, name)
);

CREATE TABLE release_file_chunks (
    file_id bigint NOT NULL REFERENCES release_files (id) DEFERRABLE INITIALLY DEFERRED,
    n       integer NOT NULL CHECK (n >= 0),
    data    bytea NOT NULL,
    PRIMARY KEY (file_id, n)
);

-- Releases and their files never change once written.
-- +goose StatementBegin
CREATE FUNCTION releases_are_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'releases are immutable' USING ERRCODE = 'restrict_violation';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER releases_frozen BEFORE UPDATE OR DELETE ON releases
    FOR EACH ROW EXECUTE FUNCTION releases_are_frozen();
CREATE TRIGGER release_files_frozen BEFORE UPDATE OR DELETE ON release_files
    FOR EACH ROW EXECUTE FUNCTION releases_are_frozen();
CREATE TRIGGER release_file_chunks_frozen BEFORE UPDATE OR DELETE ON release_file_chunks
    FOR EACH ROW EXECUTE FUNCTION releases_are_frozen();

-- The change feed reads the audit trail in transaction order, then id order.
CREATE INDEX audit_log_tx_idx ON audit_log (tx_id, id);

-- +goose Down
DROP INDEX audit_log_tx_idx;
DROP TRIGGER release_file_chunks_frozen ON release_file_chunks;
DROP TRIGGER release_files_frozen ON release_files;
DROP TRIGGER releases_frozen ON releases;
DROP FUNCTION releases_are_frozen();
DROP TABLE release_file_chunks;
DROP TABLE release_files;
DROP TABLE releases;
DROP TABLE datasets;
