-- +goose Up
-- No btree index may hold free text of unbounded size: a btree entry is at most 2704 bytes,
-- and a valid city name of 1,000 varied three-byte characters (the contract allows 2,000)
-- made the INSERT fail with SQLSTATE 54000. cities_name_idx is the only index over free
-- text (the others hold slugs, codes of at most 50 characters, ids and hashes).
--
-- It now holds the name's first 200 characters (at most 800 bytes). The name sort of
-- list-cities orders by exactly this expression, ties broken by slug, so that it reads this
-- index; names that share their first 200 characters are ordered by slug. The old index was
-- in the "C" collation while the sort used the database's own, so the sort never read it;
-- the new one is in the database's collation, the order list-cities has always given.
-- internal/postgres/cities.go (nameSortChars) uses the same length for its cursors.
DROP INDEX cities_name_idx;
CREATE INDEX cities_name_idx ON cities (left(name->>'en', 200), slug);

-- +goose Down
DROP INDEX cities_name_idx;
CREATE INDEX cities_name_idx ON cities ((name->>'en') COLLATE "C", slug);
