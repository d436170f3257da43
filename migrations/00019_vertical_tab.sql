-- +goose Up
-- In PostgreSQL, E'\v' is the letter v, not a vertical tab (escape strings know \b \f \n \r \t).
-- csv_quoted (00011) therefore quoted every cell that begins with a lowercase v ("valencia") and
-- left one that begins with a vertical tab bare, where encoding/csv does the opposite; text_has
-- (00016) took a version made only of v's for blank and one of vertical tabs for a translation.
-- Both now name the vertical tab as U&'\000B'; text_has says what text_is_blank (00018) says.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION csv_quoted(c text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN strpos(c, '"') > 0 OR strpos(c, ',') > 0 OR strpos(c, E'\n') > 0 OR strpos(c, E'\r') > 0 OR c = '\.'
          OR left(c, 1) IN (' ', E'\t', E'\n', U&'\000B', E'\f', E'\r', U&'\0085', U&'\00A0', U&'\1680', U&'\2000',
               U&'\2001', U&'\2002', U&'\2003', U&'\2004', U&'\2005', U&'\2006', U&'\2007', U&'\2008', U&'\2009',
               U&'\200A', U&'\2028', U&'\2029', U&'\202F', U&'\205F', U&'\3000')
        THEN '"' || replace(c, '"', '""') || '"'
        ELSE c
    END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION text_has(t jsonb, lang text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NOT text_is_blank(t->>lang)
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION text_has(t jsonb, lang text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(btrim(t->>lang, E' \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000') <> '', false)
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION csv_quoted(c text) RETURNS text
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
