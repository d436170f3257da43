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
		`SELECT count(*) FROM organisations WHERE slug IN ('un-habitat', 'uraia', 'wego', 'wba', 'fmdv')`: 5,
		// The report's "FDV" is FMDV, a fund; Uraía is an initiative of UN-Habitat and FMDV.
		`SELECT count(*) FROM organisations WHERE acronym = 'FDV'`:                                                                                  0,
		`SELECT count(*) FROM organisations WHERE slug = 'fmdv' AND kind = 'fund'`:                                                                  1,
		`SELECT count(*) FROM organisation_relations WHERE organisation = 'uraia' AND kind = 'initiative_of' AND related IN ('un-habitat', 'fmdv')`: 2,
		`SELECT count(*) FROM organisation_relations`:                                                                                               2,
		// The three UCLG bodies the report names, of their kinds.
		`SELECT count(*) FROM communities`: 3,
		`SELECT count(*) FROM communities WHERE (slug, kind) IN (('digital-cities', 'community_of_practice'),
			('opportunities-for-all-culture-city-diplomacy', 'policy_council'), ('committee-on-culture', 'committee'))`: 3,
		`SELECT count(*) FROM communities WHERE slug = 'digital-cities' AND description->>'en' LIKE '%Committee on Digital Cities%'
			AND description->>'en' LIKE '%Committee of Digital and Knowledge-based Cities%'`: 1,
		// Bilbao's three roles, as the report names them, and no other; no term date is invented.
		`SELECT count(*) FROM body_roles`: 3,
		`SELECT count(*) FROM body_roles WHERE city = 'bilbao' AND provenance = 'reported'
			AND source = 'UCLG Community of Practice on Digital Cities, report 2019–2020' AND (body, role) IN
			(('digital-cities', 'chair'), ('opportunities-for-all-culture-city-diplomacy', 'co_president'),
			 ('committee-on-culture', 'vice_chair'))`: 3,
		`SELECT count(*) FROM body_roles WHERE term_start IS NOT NULL OR term_end IS NOT NULL
			OR term_start_precision <> 'unknown' OR term_end_precision <> 'unknown'`: 0,
		`SELECT count(*) FROM body_roles WHERE body = 'digital-cities' AND representative->>'en' = 'Juan Mari Aburto, Mayor of Bilbao'`: 1,
		`SELECT count(*) FROM body_roles WHERE representative IS NOT NULL`:                                                              1,
		// The five real editions with their declared city counts.
		`SELECT count(*) FROM studies WHERE (edition, declared_city_count) IN ((2012, 28), (2017, 20), (2019, 24), (2021, 35), (2023, 20))`: 5,
		`SELECT count(*) FROM dimensions WHERE framework = 'uclg-smart-governance-2019'`:                                                    11,
		// U4SSC's Open Data KPI in its two forms, both with U4SSC's own code.
		`SELECT count(*) FROM indicators WHERE code = 'EC: ICT: PS: 1A' AND provenance = 'reported' AND value_type IN ('percentage', 'count')`: 2,
		// The 2017 edition's focus as it was published; no country count without a source.
		`SELECT count(*) FROM studies WHERE edition = 2017 AND focus->>'en' = 'Innovation and entrepreneurship.'`: 1,
		`SELECT count(*) FROM studies WHERE declared_country_count IS NOT NULL`:                                   0,
		// The report names none of the study's trends: every seeded trend and adoption record is sample,
		// and no real city (Bilbao) is given invented adoption.
		`SELECT count(*) FROM trends WHERE provenance <> 'sample'`:                                               0,
		`SELECT count(*) FROM trends`:                                                                            9,
		`SELECT count(*) FROM trend_adoptions WHERE provenance <> 'sample'`:                                      0,
		`SELECT count(*) FROM trend_adoptions a JOIN cities c ON c.slug = a.city WHERE c.provenance <> 'sample'`: 0,
		`SELECT count(DISTINCT year) FROM trend_adoptions`:                                                       2,
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
	// A database seeded before organisations had relations gets them, and Uraía a new version
	// (so that a held ETag goes stale).
	if _, err := db.SQL().Exec(`DELETE FROM organisation_relations`); err != nil {
		t.Fatal(err)
	}
	if n, err := seed.Run(ctx, db); err != nil || n != 2 {
		t.Fatalf("re-seeding the relations added %d records (%v), want 2", n, err)
	}
	if v := q(`SELECT version FROM organisations WHERE slug = 'uraia'`); v != 2 {
		t.Errorf("Uraía's version after its relations were added: %d, want 2", v)
	}
	// A chair role moved by migration 00006 from a community's chair_city has no source nor
	// representative: seeding gives it the report's, once.
	if _, err := db.SQL().Exec(`UPDATE body_roles SET source = NULL, representative = NULL WHERE body = 'digital-cities'`); err != nil {
		t.Fatal(err)
	}
	if n, err := seed.Run(ctx, db); err != nil || n != 1 {
		t.Fatalf("re-seeding the chair's source added %d records (%v), want 1", n, err)
	}
	if q(`SELECT count(*) FROM body_roles WHERE body = 'digital-cities' AND source IS NOT NULL AND representative IS NOT NULL AND version = 2`) != 1 {
		t.Error("the moved chair role did not get the report's source and representative")
	}
	if q(`SELECT count(*) FROM audit_log WHERE actor = 'secretariat:seed' AND resource = 'body_role' AND action = 'create'`) != 3 {
		t.Error("seeding the roles left no audit rows")
	}
	if q(`SELECT count(*) FROM audit_log WHERE actor = 'secretariat:seed'`) == 0 {
		t.Error("seeding left no audit rows")
	}
}
