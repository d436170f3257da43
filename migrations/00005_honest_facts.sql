-- +goose Up
-- Facts as precise as their sources, and no more.

-- Study schedules: a milestone's "period" (a year "2020" or a month "2019-12") becomes "when",
-- a date with its precision ({"value": "2020", "precision": "year"}; domain.DateWithPrecision),
-- the type that events will use too. The one milestone the sample data dated 2019-12 is
-- corrected: its source (the 2019–2020 report) says only "end of 2019", which is the year 2019.
-- Every study whose schedule changes shape gets a new version, so that held ETags go stale.
UPDATE studies SET
    schedule = (
        SELECT jsonb_agg(
            CASE WHEN edition = 2019 AND m->>'period' = '2019-12'
                      AND m->'milestone'->>'en' = 'The study is completed and ready for official publication.'
                 THEN jsonb_build_object(
                    'when', jsonb_build_object('value', '2019', 'precision', 'year'),
                    'milestone', m->'milestone' || jsonb_build_object('en', 'End of 2019: the study is completed; '
                        || 'in the last few months of 2019 it is finalised and ready for official publication.'))
                 ELSE (m - 'period') || jsonb_build_object(
                    'when', jsonb_build_object(
                        'value', m->>'period',
                        'precision', CASE WHEN length(m->>'period') = 4 THEN 'year' ELSE 'month' END))
            END ORDER BY n)
        FROM jsonb_array_elements(schedule) WITH ORDINALITY AS e(m, n)),
    version = version + 1,
    updated_at = now()
WHERE jsonb_array_length(schedule) > 0;

-- Organisations founded by other organisations. The report names "the Uraía Platform (UN-Habitat
-- and FDV)": Uraía's founders are UN-Habitat and FMDV (the Global Fund for Cities Development,
-- which the report abbreviates "FDV"). The seed records that link; the API lists an
-- organisation's founders by slug.
CREATE TABLE organisation_founders (
    organisation text NOT NULL REFERENCES organisations (slug) ON DELETE CASCADE,
    founder      text NOT NULL REFERENCES organisations (slug),
    PRIMARY KEY (organisation, founder),
    CHECK (organisation <> founder)
);

-- One code, one indicator per value type. A KPI may be reported in more than one form: U4SSC
-- reports EC: ICT: PS: 1A (Open Data) as a percentage and as a number. An observation holds one
-- typed value, so each form is its own indicator, and both keep the framework's own code rather
-- than one of them getting an invented one.
ALTER TABLE indicators
    DROP CONSTRAINT indicators_framework_code_key,
    ADD CONSTRAINT indicators_framework_code_value_type_key UNIQUE (framework, code, value_type);

-- +goose Down
-- Fails while two indicators of a framework share a code: remove one first.
ALTER TABLE indicators
    DROP CONSTRAINT indicators_framework_code_value_type_key,
    ADD CONSTRAINT indicators_framework_code_key UNIQUE (framework, code);

DROP TABLE organisation_founders;

-- Back to periods: days become their month, quarters their year; dates still unknown cannot be
-- written as a period and are dropped.
UPDATE studies SET
    schedule = coalesce((
        SELECT jsonb_agg(
            (m - 'when') || jsonb_build_object('period', CASE m->'when'->>'precision'
                WHEN 'day' THEN left(m->'when'->>'value', 7)
                WHEN 'quarter' THEN left(m->'when'->>'value', 4)
                ELSE m->'when'->>'value' END)
            ORDER BY n)
        FROM jsonb_array_elements(schedule) WITH ORDINALITY AS e(m, n)
        WHERE m->'when'->>'precision' <> 'unknown'), '[]'),
    version = version + 1,
    updated_at = now()
WHERE jsonb_array_length(schedule) > 0;
