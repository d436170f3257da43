-- +goose Up
-- Texts meant for people are jsonb objects {"en", "fr", "es"}. This migration gives the lists
-- two things about them: a search (q) that finds a resource by its text in any language,
-- ignoring case and accents, served by trigram indexes; and the one test of whether a text
-- lacks a language, which missing_translations and GET /v1/translations use.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- search_text is what q searches in: a text's three languages (and, for some resources, one
-- plain text beside them, such as an indicator's code) joined by spaces, without accents. It
-- is immutable so that it can be indexed; concat_ws, which the first search used, is only
-- stable and cannot be. A list searches with exactly the expression indexed below,
--     search_text(name) ILIKE f_unaccent('%malaga%')
-- and ILIKE ignores case, so Málaga, malaga and MALAGA find the same rows.
-- +goose StatementBegin
CREATE FUNCTION search_text(t jsonb, extra text DEFAULT NULL) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT f_unaccent(coalesce(t->>'en', '') || ' ' || coalesce(t->>'fr', '') || ' '
                        || coalesce(t->>'es', '') || ' ' || coalesce(extra, '')) $$;
-- +goose StatementEnd

-- One GIN trigram index per searched list, on the expression its query uses
-- (internal/postgres/search.go): trigram indexes serve ILIKE '%…%' whatever the position.
CREATE INDEX cities_search_idx ON cities USING gin (search_text(name) gin_trgm_ops);
CREATE INDEX organisations_search_idx ON organisations USING gin (search_text(name, acronym) gin_trgm_ops);
CREATE INDEX indicators_search_idx ON indicators USING gin (search_text(name, code) gin_trgm_ops);
CREATE INDEX trends_search_idx ON trends USING gin (search_text(name) gin_trgm_ops);
CREATE INDEX events_search_idx ON events USING gin (search_text(title) gin_trgm_ops);
CREATE INDEX reports_search_idx ON reports USING gin (search_text(content->'title') gin_trgm_ops);

-- text_missing says whether a text lacks a language: none of its versions in that language
-- holds more than blanks, while some version does (there is something to translate). Only a
-- text is judged: SQL NULL, a JSON null, anything but a JSON object, and a text that is blank
-- in every language (a description left at its default '{}') are no text and lack nothing.
-- +goose StatementBegin
CREATE FUNCTION text_missing(t jsonb, lang text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT jsonb_typeof(t) = 'object'
         AND coalesce(t->>lang, '') !~ '[^[:space:]]'
         AND (coalesce(t->>'en', '') || coalesce(t->>'fr', '') || coalesce(t->>'es', '')) ~ '[^[:space:]]' $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION text_missing(jsonb, text);
DROP INDEX reports_search_idx;
DROP INDEX events_search_idx;
DROP INDEX trends_search_idx;
DROP INDEX indicators_search_idx;
DROP INDEX organisations_search_idx;
DROP INDEX cities_search_idx;
DROP FUNCTION search_text(jsonb, text);
DROP EXTENSION IF EXISTS pg_trgm;
