-- +goose Up
-- Release files in UCLG's three languages. A release's files are written in English, and again
-- in French and in Spanish when some label they hold (a city's, an indicator's name, …) is
-- translated into that language. A language without files of its own is served the English
-- ones: the absence of its rows is the record of that, so nothing is stored twice.

ALTER TABLE release_files ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'es'));
ALTER TABLE release_files DROP CONSTRAINT release_files_dataset_number_name_key;
ALTER TABLE release_files ADD CONSTRAINT release_files_dataset_number_name_language_key
    UNIQUE (dataset, number, name, language);

-- The whitespace that Go's unicode.IsSpace knows: a text of only these is no translation.
-- +goose StatementBegin
CREATE FUNCTION text_has(t jsonb, lang text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(btrim(t->>lang, E' \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000') <> '', false)
$$;
-- +goose StatementEnd
COMMENT ON FUNCTION text_has(jsonb, text) IS
    'Whether a text ({en, fr, es}) has a version in lang that is not blank, as domain.Text.Missing says.';

-- +goose StatementBegin
CREATE FUNCTION text_in(t jsonb, lang text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN text_has(t, lang) THEN t->>lang ELSE t->>'en' END
$$;
-- +goose StatementEnd
COMMENT ON FUNCTION text_in(jsonb, text) IS
    'A text ({en, fr, es}) in lang, or in English where it has no version in lang, as domain.Text.In gives it.';

-- +goose Down
DROP FUNCTION text_in(jsonb, text);
DROP FUNCTION text_has(jsonb, text);
-- Fails while translated files exist: releases are immutable, so they cannot be dropped.
ALTER TABLE release_files DROP CONSTRAINT release_files_dataset_number_name_language_key;
ALTER TABLE release_files ADD CONSTRAINT release_files_dataset_number_name_key UNIQUE (dataset, number, name);
ALTER TABLE release_files DROP COLUMN language;
