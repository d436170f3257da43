-- +goose Up
-- Observation lists are in id order. A page filtered by one city, one indicator, an edition, a
-- year or a status reads its rows in that order through an index of (filter, id), instead of walking the
-- primary key and throwing away the rows of other cities, indicators or years (75,000 rows read
-- for 50 returned, measured on the million synthetic observations).
CREATE INDEX observations_city_id_idx ON observations (city, id);
CREATE INDEX observations_indicator_id_idx ON observations (indicator, id);
CREATE INDEX observations_edition_id_idx ON observations (edition, id) WHERE edition IS NOT NULL;
CREATE INDEX observations_year_id_idx ON observations (year, id);
CREATE INDEX observations_status_id_idx ON observations (status, id);

-- +goose Down
DROP INDEX observations_status_id_idx;
DROP INDEX observations_year_id_idx;
DROP INDEX observations_edition_id_idx;
DROP INDEX observations_indicator_id_idx;
DROP INDEX observations_city_id_idx;
