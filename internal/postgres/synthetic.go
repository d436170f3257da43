package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Synthetic data for benchmarks and demos: a synthetic framework with SyntheticIndicators
// numeric indicators, SyntheticCities cities, and observations spread over consecutive years
// from 1950. Everything is marked provenance "synthetic"; it is never study data. Loading it
// again replaces the previous synthetic observations. It bypasses the audit trail on purpose:
// it is bulk test data, not a change anyone made.
const (
	SyntheticIndicators = 20
	SyntheticCities     = 1000
	syntheticFramework  = "synthetic"
)

// LoadSynthetic replaces the synthetic observations with n new ones, loaded through COPY.
func (db *DB) LoadSynthetic(ctx context.Context, n int) error {
	if n < 0 || n > SyntheticIndicators*SyntheticCities*250 {
		return domain.Invalid("synthetic", "must be between 0 and %d", SyntheticIndicators*SyntheticCities*250)
	}
	return db.inTx(ctx, domain.Caller{}, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = '30min'`); err != nil {
			return err
		}
		if err := syntheticReference(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM observations WHERE provenance = 'synthetic'`); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `COPY observations (indicator, city, year, value_number, status,
			quality, provenance) FROM STDIN`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		rng := rand.New(rand.NewPCG(2019, 2020)) // #nosec G404 -- deterministic test data, not a secret
		perYear := SyntheticIndicators * SyntheticCities
		years := (n + perYear - 1) / perYear
		statuses := []string{"A", "A", "A", "A", "A", "A", "E", "P"}
		// The rows are the first n of years × cities × indicators (every city and indicator of a
		// year before the next year), sent in the unique index's order (indicator, city, year)
		// rather than year by year: index insertions and foreign-key checks then mostly land next
		// to the previous one, and PostgreSQL spends about a third less CPU time on the COPY.
		for ind := 0; ind < SyntheticIndicators; ind++ {
			indicator := fmt.Sprintf("synthetic-indicator-%02d", ind)
			for c := 0; c < SyntheticCities; c++ {
				city := fmt.Sprintf("synthetic-city-%04d", c)
				for y := 0; y < years; y++ {
					if y*perYear+c*SyntheticIndicators+ind >= n {
						break
					}
					if _, err := stmt.ExecContext(ctx, indicator, city, 1950+y, float64(rng.IntN(10000))/100,
						statuses[rng.IntN(len(statuses))], "D", "synthetic"); err != nil {
						return err
					}
				}
			}
		}
		_, err = stmt.ExecContext(ctx)
		return err
	})
}

// syntheticReference creates the synthetic framework, indicators and cities when missing.
func syntheticReference(ctx context.Context, tx *sqlx.Tx) error {
	steps := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO frameworks (slug, name, description, provenance)
			VALUES ('synthetic', '{"en": "Synthetic framework (generated test data)"}',
				'{"en": "Generated for benchmarks and demos. Not study data."}', 'synthetic')
			ON CONFLICT DO NOTHING`, nil},
		{`INSERT INTO dimensions (framework, slug, name) VALUES ('synthetic', 'synthetic', '{"en": "Synthetic"}')
			ON CONFLICT DO NOTHING`, nil},
		{`INSERT INTO indicators (slug, framework, dimension, code, name, value_type, unit, scale_min, scale_max,
				direction, provenance)
			SELECT format('synthetic-indicator-%s', lpad(g::text, 2, '0')), 'synthetic', 'synthetic', format('SYN-%s', g),
				jsonb_build_object('en', format('Synthetic indicator %s', g)), 'percentage', '%', 0, 100,
				'higher_is_better', 'synthetic'
			FROM generate_series(0, $1 - 1) g
			ON CONFLICT DO NOTHING`, []any{SyntheticIndicators}},
		{`INSERT INTO cities (slug, name, country, section, provenance)
			SELECT format('synthetic-city-%s', lpad(g::text, 4, '0')), jsonb_build_object('en', format('Synthetic city %s', g)),
				'ZZ', (ARRAY['africa', 'asia_pacific', 'eurasia', 'europe', 'middle_east_west_asia', 'latin_america',
					'north_america'])[1 + g % 7], 'synthetic'
			FROM generate_series(0, $1 - 1) g
			ON CONFLICT DO NOTHING`, []any{SyntheticCities}},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return err
		}
	}
	return nil
}
