-- +goose Up
-- The NDJSON and JSON exports' objects are written by PostgreSQL, one line per row, which the API
-- streams as it comes, as it does the CSV's (migration 00011): decoding each row into Go values
-- only to encode them again cost most of the export's time. These functions write a value exactly
-- as Go's encoding/json wrote it for domain.Observation (TestNDJSONExportIsWhatGoWouldWrite
-- compares them byte for byte). Each is one expression, without STRICT, so that the planner
-- inlines it into the export's query rather than calling it for every value.

-- json_string(t): t as a JSON string, as encoding/json writes it without HTML escaping.
-- PostgreSQL's to_json escapes the same characters in the same way (", \, \b, \f, \n, \r, \t,
-- the other control characters as \u00xx) but leaves U+2028 and U+2029, which Go escapes too.
-- +goose StatementBegin
CREATE FUNCTION json_string(t text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT replace(replace(to_json(t)::text, U&'\2028', '\u2028'), U&'\2029', '\u2029')
$$;
-- +goose StatementEnd

-- json_number(v): v as encoding/json writes a float64: the shortest digits that read back as v,
-- without an exponent from 1e-6 up to 1e21, with one outside (e-7, not e-07). PostgreSQL writes
-- the same shortest digits, with an exponent below 1e-4, where the numeric read of its text
-- writes them out in full. From 1e15 up to 1e22 it is not Go's text: PostgreSQL writes an
-- exponent there, and from 1e16 sometimes one digit more than the shortest (its Ryu stops short
-- of bounds that are round numbers: 2.1664466833885768e+16 where Go writes 21664466833885770),
-- so the export has Go write those few (internal/postgres jsonLineNumber). Stored values are
-- finite: the API takes JSON numbers only.
-- +goose StatementBegin
CREATE FUNCTION json_number(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN abs(v) >= 1e-6 AND abs(v) < 1e-4 THEN v::text::numeric::text
        WHEN v <> 0 AND abs(v) < 1e-6 THEN replace(v::text, 'e-0', 'e-')
        ELSE v::text
    END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION json_number(double precision);
DROP FUNCTION json_string(text);
