-- +goose Up
-- text_missing (00015) judged a version blank with the regex class [:space:], which follows the
-- database's character type: under C.UTF-8 a French version that is only a no-break space
-- (U+00A0) or an ideographic space passed for a translation, where domain.Text.Missing (Go's
-- strings.TrimSpace, which the API's text rules use) finds it blank. It was STRICT and made of
-- regexes, so the planner could not inline it: one function call per text and language, which
-- made GET /v1/translations take 100-350 ms and a missing_translations list that finds nothing
-- 55-70 ms, on the sample data with 10,000 more cities.
--
-- text_is_blank trims exactly the white space Go's unicode.IsSpace knows (written as U& escapes:
-- E'\v' is the letter v in PostgreSQL, not a vertical tab), and text_missing is one expression
-- without STRICT, which the planner inlines. TestTextMissingIsDomainTextMissing compares it with
-- domain.Text.Missing on every white-space character and a few that are not.
-- +goose StatementBegin
CREATE FUNCTION text_is_blank(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT btrim(coalesce(s, ''), U&' \0009\000A\000B\000C\000D\0085\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000') = '' $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION text_missing(t jsonb, lang text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE CALLED ON NULL INPUT
AS $$
    SELECT coalesce(jsonb_typeof(t), '') = 'object'
       AND text_is_blank(t->>lang)
       AND NOT (text_is_blank(t->>'en') AND text_is_blank(t->>'fr') AND text_is_blank(t->>'es'))
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION text_missing(t jsonb, lang text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT jsonb_typeof(t) = 'object'
         AND coalesce(t->>lang, '') !~ '[^[:space:]]'
         AND (coalesce(t->>'en', '') || coalesce(t->>'fr', '') || coalesce(t->>'es', '')) ~ '[^[:space:]]' $$;
-- +goose StatementEnd
DROP FUNCTION text_is_blank(text);
