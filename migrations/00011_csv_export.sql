-- +goose Up
-- CSV exports are written by PostgreSQL, one line per row, which the API streams as it comes:
-- decoding each row into Go values only to format them again cost most of the export's time.
-- These functions write a cell exactly as the API's CSV writer did (encoding/csv and
-- domain.NeutraliseCSVCell; TestCSVExportIsWhatGoWouldWrite compares them byte for byte). Each is
-- one expression, without STRICT, so that the planner inlines it into the export's query rather
-- than calling it for every cell.

-- csv_neutral(t): t with one more ' in front when a spreadsheet would run it as a formula: when it
-- begins, after any single quotes, with =, +, -, @, a tab or a carriage return (OWASP CSV injection).
-- +goose StatementBegin
CREATE FUNCTION csv_neutral(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN left(ltrim(t, ''''), 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || t ELSE t END
$$;
-- +goose StatementEnd

-- csv_quoted(c): the cell c as encoding/csv writes it: quoted when it holds a quote, a comma or a
-- line break, is \., or begins with a character that Go's unicode.IsSpace takes for a space.
-- +goose StatementBegin
CREATE FUNCTION csv_quoted(c text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN strpos(c, '"') > 0 OR strpos(c, ',') > 0 OR strpos(c, E'\n') > 0 OR strpos(c, E'\r') > 0 OR c = '\.'
          OR left(c, 1) IN (' ', E'\t', E'\n', E'\v', E'\f', E'\r', U&'\0085', U&'\00A0', U&'\1680', U&'\2000',
               U&'\2001', U&'\2002', U&'\2003', U&'\2004', U&'\2005', U&'\2006', U&'\2007', U&'\2008', U&'\2009',
               U&'\200A', U&'\2028', U&'\2029', U&'\202F', U&'\205F', U&'\3000')
        THEN '"' || replace(c, '"', '""') || '"'
        ELSE c
    END
$$;
-- +goose StatementEnd

-- csv_cell(t): a text cell, neutralised, then quoted.
-- +goose StatementBegin
CREATE FUNCTION csv_cell(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT csv_quoted(csv_neutral(t))
$$;
-- +goose StatementEnd

-- csv_number(v): v as Go's strconv.FormatFloat(v, 'f', -1, 64) writes it: the shortest digits that
-- read back as v, never an exponent. PostgreSQL writes those digits too, with an exponent only
-- from 1e15 up and below 1e-4, where the numeric text takes over.
-- +goose StatementBegin
CREATE FUNCTION csv_number(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN abs(v) >= 1e15 OR (v <> 0 AND abs(v) < 1e-4) THEN v::numeric::text ELSE v::text END
$$;
-- +goose StatementEnd

-- csv_time(t): t in RFC 3339, in UTC, as Go's time.RFC3339Nano writes it: the ISO text of the UTC
-- time (DateStyle ISO, which the driver sets), whose fraction has no trailing zeros either, with
-- T and Z. (to_char, which formats field by field, took a third of the export's time.)
-- +goose StatementBegin
CREATE FUNCTION csv_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT replace((t AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION csv_time(timestamptz);
DROP FUNCTION csv_number(double precision);
DROP FUNCTION csv_cell(text);
DROP FUNCTION csv_quoted(text);
DROP FUNCTION csv_neutral(text);
