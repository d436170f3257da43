-- +goose Up
-- Progress reports of UCLG bodies to the World Secretariat, in UCLG's template, with their
-- workflow (draft → submitted → published, and back to draft when the secretariat returns one),
-- the versions each submission freezes, and the commitments reports follow up across periods.

CREATE TABLE reports (
    id                bigserial PRIMARY KEY,
    body              text NOT NULL REFERENCES communities (slug),
    period_start      date NOT NULL,
    period_end        date NOT NULL CHECK (period_end >= period_start),
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'published')),
    -- The template's parts as written (domain.ReportContent): title, activities under the
    -- strategic priorities, commitments followed up, leadership update, results.
    content           jsonb NOT NULL,
    submitted_version integer,
    published_version integer,
    prefilled_from    jsonb,
    provenance        text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'published' OR published_version IS NOT NULL),
    CHECK (status = 'draft' OR submitted_version IS NOT NULL)
);
CREATE INDEX reports_body_idx ON reports (body, id);
CREATE INDEX reports_updated_idx ON reports (updated_at, id);

-- What each report's text links (events, studies, trends, organisations, commitments, ...),
-- kept in step with its content so that a commitment can list the reports that mention it.
CREATE TABLE report_links (
    report bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind   text NOT NULL,
    ref    text NOT NULL,
    PRIMARY KEY (report, kind, ref)
);
CREATE INDEX report_links_ref_idx ON report_links (kind, ref, report);

-- Submitted versions: frozen. No statement may change or delete one (the trigger below), so
-- that a version's SHA-256 stays true forever.
CREATE TABLE report_versions (
    report       bigint NOT NULL REFERENCES reports (id),
    number       integer NOT NULL CHECK (number >= 1),
    body         text NOT NULL,
    period_start date NOT NULL,
    period_end   date NOT NULL,
    content      jsonb NOT NULL,
    -- The commitments followed up, as they stood at submission (domain.CommitmentSnapshot).
    commitments  jsonb NOT NULL DEFAULT '[]',
    -- The canonical JSON of all that was frozen (domain.Frozen); sha256 is taken of it.
    canonical    text NOT NULL,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    submitted_by text NOT NULL,
    PRIMARY KEY (report, number)
);

-- +goose StatementBegin
CREATE FUNCTION report_versions_are_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'report versions never change' USING ERRCODE = 'restrict_violation';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER report_versions_frozen BEFORE UPDATE OR DELETE ON report_versions
    FOR EACH ROW EXECUTE FUNCTION report_versions_are_frozen();
CREATE TRIGGER report_versions_not_truncated BEFORE TRUNCATE ON report_versions
    FOR EACH STATEMENT EXECUTE FUNCTION report_versions_are_frozen();

-- Every change of a report's status.
CREATE TABLE report_transitions (
    id             bigserial PRIMARY KEY,
    report         bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    from_status    text NOT NULL,
    to_status      text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    reason         text,
    version_number integer
);
CREATE INDEX report_transitions_report_idx ON report_transitions (report, id);

-- Commitments that reports follow up from period to period, with their status history.
CREATE TABLE commitments (
    id             bigserial PRIMARY KEY,
    body           text NOT NULL REFERENCES communities (slug),
    title          jsonb NOT NULL CHECK (title ? 'en'),
    description    jsonb,
    owner          text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
    due_value      text,
    due_precision  text NOT NULL CHECK (due_precision IN ('day', 'month', 'quarter', 'year', 'unknown')),
    status         text NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    provenance     text NOT NULL DEFAULT 'reported' CHECK (provenance IN ('reported', 'sample', 'synthetic')),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commitments_status_idx ON commitments (status, id);
CREATE INDEX commitments_updated_idx ON commitments (updated_at, id);

CREATE TABLE commitment_statuses (
    id         bigserial PRIMARY KEY,
    commitment bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    status     text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    note       text
);
CREATE INDEX commitment_statuses_commitment_idx ON commitment_statuses (commitment, id);

-- +goose Down
DROP TABLE commitment_statuses;
DROP TABLE commitments;
DROP TABLE report_transitions;
DROP TABLE report_versions;
DROP FUNCTION report_versions_are_frozen();
DROP TABLE report_links;
DROP TABLE reports;
