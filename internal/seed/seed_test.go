package seed_test

import (
	"context"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/seed"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

func TestSeedIsIdempotentAndHonest(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	n, err := seed.Run(ctx, db)
	if err != nil || n == 0 {
		t.Fatalf("first run: %d records, %v", n, err)
	}
	if n, err := seed.Run(ctx, db); err != nil || n != 0 {
		t.Fatalf("second run added %d records (%v); seeding must be idempotent", n, err)
	}
	q := func(sql string) int {
		t.Helper()
		var v int
		if err := db.SQL().Get(&v, sql); err != nil {
			t.Fatal(err)
		}
		return v
	}
	checks := map[string]int{
		// The chair is real data; Bilbao is the only city presented as real.
		`SELECT count(*) FROM cities WHERE slug = 'bilbao' AND cop_role = 'chair' AND provenance = 'reported'`: 1,
		`SELECT count(*) FROM cities WHERE provenance = 'reported'`:                                            1,
		// The report names only the chair: no invented officer roles.
		`SELECT count(*) FROM cities WHERE cop_role NOT IN ('chair', 'member')`:                           0,
		`SELECT count(*) FROM cities WHERE cop_role = 'chair' AND slug <> 'bilbao'`:                       0,
		`SELECT count(DISTINCT section) FROM cities`:                                                      7,
		`SELECT count(*) FROM communities WHERE chair_city = 'bilbao'`:                                    1,
		`SELECT count(*) FROM organisations WHERE slug IN ('un-habitat', 'uraia', 'wego', 'wba', 'fmdv')`: 5,
		// The report's "FDV" is FMDV; Uraía's founders are UN-Habitat and FMDV.
		`SELECT count(*) FROM organisations WHERE acronym = 'FDV'`:                                                      0,
		`SELECT count(*) FROM organisation_founders WHERE organisation = 'uraia' AND founder IN ('un-habitat', 'fmdv')`: 2,
		`SELECT count(*) FROM organisation_founders`:                                                                    2,
		// The five real editions with their declared city counts.
		`SELECT count(*) FROM studies WHERE (edition, declared_city_count) IN ((2012, 28), (2017, 20), (2019, 24), (2021, 35), (2023, 20))`: 5,
		`SELECT count(*) FROM dimensions WHERE framework = 'uclg-smart-governance-2019'`:                                                    11,
		// U4SSC's Open Data KPI in its two forms, both with U4SSC's own code.
		`SELECT count(*) FROM indicators WHERE code = 'EC: ICT: PS: 1A' AND provenance = 'reported' AND value_type IN ('percentage', 'count')`: 2,
		// The 2017 edition's focus as it was published; no country count without a source.
		`SELECT count(*) FROM studies WHERE edition = 2017 AND focus->>'en' = 'Innovation and entrepreneurship.'`: 1,
		`SELECT count(*) FROM studies WHERE declared_country_count IS NOT NULL`:                                   0,
		// "End of 2019" is the year 2019, not December 2019.
		`SELECT count(*) FROM studies WHERE edition = 2019 AND schedule->0->'when' = '{"value": "2019", "precision": "year"}'`:    1,
		`SELECT count(*) FROM studies, jsonb_array_elements(schedule) m WHERE m->'when'->>'precision' NOT IN ('year', 'unknown')`: 0,
		// Every invented observation and participation is marked as sample: the study published no scores.
		`SELECT count(*) FROM observations WHERE provenance <> 'sample'`:                                       0,
		`SELECT count(*) FROM study_cities WHERE provenance <> 'sample'`:                                       0,
		`SELECT count(*) FROM observations o JOIN cities c ON c.slug = o.city WHERE c.provenance = 'reported'`: 0,
		// The events the report names, with only what it says, and the 6th UCLG Congress (public record).
		`SELECT count(*) FROM events WHERE provenance = 'reported'`: 4,
		`SELECT count(*) FROM events`:                               4,
		`SELECT count(*) FROM events WHERE slug = '6th-uclg-congress' AND type = 'congress' AND status = 'completed'
			AND start_value = '2019-11-11' AND start_precision = 'day' AND end_date = '2019-11-15' AND place->>'en' = 'Durban' AND country = 'ZA'`: 1,
		`SELECT count(*) FROM events WHERE slug = 'congress-panel-urban-innovation-listen-citizens' AND type = 'panel'
			AND parent = '6th-uclg-congress' AND title->>'en' = 'Using urban innovation to listen to citizens'`: 1,
		`SELECT count(*) FROM event_partners WHERE event = 'congress-panel-urban-innovation-listen-citizens' AND organisation = 'uraia'`: 1,
		// Málaga's date is to be confirmed: no value, no possible days.
		`SELECT count(*) FROM events WHERE slug = 'uraia-annual-event-malaga' AND start_precision = 'unknown' AND start_value IS NULL
			AND start_earliest IS NULL AND status = 'tbc' AND place->>'en' = 'Málaga' AND country = 'ES' AND city IS NULL
			AND title->>'en' = 'Trends in Municipal Innovation to achieve the SDGs'`: 1,
		`SELECT count(*) FROM event_partners WHERE event = 'learning-events-2020' AND organisation IN ('un-habitat', 'uraia', 'wego', 'wba')`:               4,
		`SELECT count(*) FROM events WHERE slug = 'learning-events-2020' AND type = 'learning_event' AND start_value = '2020' AND start_precision = 'year'`: 1,
		// A real event never rests on a city invented for demos, nor on an invented date or place.
		`SELECT count(*) FROM events e JOIN cities c ON c.slug = e.city WHERE c.provenance <> 'reported'`:       0,
		`SELECT count(*) FROM event_cities e JOIN cities c ON c.slug = e.city WHERE c.provenance <> 'reported'`: 0,
		`SELECT count(*) FROM events WHERE start_precision = 'day' AND slug <> '6th-uclg-congress'`:             0,
		`SELECT count(*) FROM events WHERE title ? 'fr' OR title ? 'es'`:                                        0,
	}
	for sql, want := range checks {
		if got := q(sql); got != want {
			t.Errorf("%s: %d, want %d", sql, got, want)
		}
	}
	// A database seeded before organisations had founders gets them, and Uraía a new version
	// (so that a held ETag goes stale).
	if _, err := db.SQL().Exec(`DELETE FROM organisation_founders`); err != nil {
		t.Fatal(err)
	}
	if n, err := seed.Run(ctx, db); err != nil || n != 2 {
		t.Fatalf("re-seeding the founders added %d records (%v), want 2", n, err)
	}
	if v := q(`SELECT version FROM organisations WHERE slug = 'uraia'`); v != 2 {
		t.Errorf("Uraía's version after its founders were added: %d, want 2", v)
	}
	if q(`SELECT count(*) FROM audit_log WHERE actor = 'secretariat:seed'`) == 0 {
		t.Error("seeding left no audit rows")
	}
}
