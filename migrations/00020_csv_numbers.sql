-- +goose Up
-- csv_number (00011) wrote numbers below 1e-4 through a cast to numeric, which keeps 15
-- significant digits: -1.2345678901234567e-05 came out as -0.0000123456789012346 where Go's
-- strconv.FormatFloat(v, 'f', -1, 64) writes -0.000012345678901234567. The float's text (its
-- shortest digits, with an exponent) read as numeric keeps every digit. (Values are within
-- ±1e15, which the API checks, so the larger numbers the old cast also rounded never occur.)
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION csv_number(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN abs(v) >= 1e15 OR (v <> 0 AND abs(v) < 1e-4) THEN v::text::numeric::text ELSE v::text END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION csv_number(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN abs(v) >= 1e15 OR (v <> 0 AND abs(v) < 1e-4) THEN v::numeric::text ELSE v::text END
$$;
-- +goose StatementEnd
