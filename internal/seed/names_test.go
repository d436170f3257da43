package seed_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/seed"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestSeededNamesInUCLGLanguages: UCLG has its three names exactly as issue 12 gives them, and a
// database seeded with the earlier, invented translations gets the sourced names on re-seeding,
// through the store (a new version and an audit row), except a name someone has edited since.
func TestSeededNamesInUCLGLanguages(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	q := func(sql string, args ...any) int {
		t.Helper()
		var v int
		if err := db.SQL().Get(&v, sql, args...); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if q(`SELECT count(*) FROM organisations WHERE slug = 'uclg' AND name = '{"en": "United Cities and Local Governments",
		"fr": "Cités et Gouvernements Locaux Unis", "es": "Ciudades y Gobiernos Locales Unidos"}'::jsonb`) != 1 {
		t.Error("UCLG's names are not the three the issue gives")
	}

	// A database seeded before: the earlier seed's names, and one of them edited since.
	for _, s := range []string{
		`UPDATE communities SET name = '{"en": "Community of Practice on Digital Cities", "fr": "Communauté de pratique sur les villes numériques",
			"es": "Comunidad de Práctica sobre Ciudades Digitales"}' WHERE slug = 'digital-cities'`,
		`UPDATE organisations SET name = '{"en": "Uraía Platform", "fr": "Plateforme Uraía", "es": "Plataforma Uraía"}' WHERE slug = 'uraia'`,
		// Edited by the secretariat after the earlier seed: not the earlier seed's text, so kept.
		`UPDATE organisations SET name = '{"en": "World Smart Sustainable Cities Organization", "fr": "WeGO (nom choisi)"}' WHERE slug = 'wego'`,
		`UPDATE frameworks SET name = '{"en": "Smart Cities Study 2019: Smart Governance", "fr": "Étude sur les villes intelligentes 2019 : gouvernance intelligente",
			"es": "Estudio de Ciudades Inteligentes 2019: gobernanza inteligente"}' WHERE slug = 'uclg-smart-governance-2019'`,
		`UPDATE studies SET title = '{"en": "Smart Cities Study 2019: Smart Governance"}' WHERE edition = 2019`,
		`UPDATE datasets SET title = '{"en": "Cities of the Community of Practice on Digital Cities", "fr": "Villes de la Communauté de pratique sur les villes numériques",
			"es": "Ciudades de la Comunidad de Práctica sobre Ciudades Digitales"}' WHERE slug = 'community-cities'`,
	} {
		if _, err := db.SQL().Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	before := q(`SELECT max(id) FROM audit_log`)
	if n, err := seed.Run(ctx, db); err != nil || n != 5 {
		t.Fatalf("re-seeding the earlier names changed %d records (%v), want 5", n, err)
	}
	checks := map[string]int{
		`SELECT count(*) FROM communities WHERE slug = 'digital-cities' AND version = 2 AND name = '{"en": "Community of Practice on Digital Cities",
			"fr": "Communauté de pratique des villes numériques", "es": "Comunidad de Práctica de Ciudades Digitales"}'`: 1,
		`SELECT count(*) FROM organisations WHERE slug = 'uraia' AND name = '{"en": "Uraía Platform"}'`:                                                1,
		`SELECT count(*) FROM organisations WHERE slug = 'wego' AND name->>'fr' = 'WeGO (nom choisi)'`:                                                 1,
		`SELECT count(*) FROM frameworks WHERE slug = 'uclg-smart-governance-2019' AND NOT (name ? 'fr' OR name ? 'es')`:                               1,
		`SELECT count(*) FROM studies WHERE edition = 2019 AND version = 2 AND title->>'es' LIKE 'Smart Cities Study 2019: Estudio internacional%'`:    1,
		`SELECT count(*) FROM datasets WHERE slug = 'community-cities' AND title->>'fr' = 'Villes de la Communauté de pratique des villes numériques'`: 1,
		// Through the store: audited, so that the change feed carries them.
		`SELECT count(*) FROM audit_log WHERE id > $1 AND actor = 'secretariat:seed' AND action = 'update'
			AND (resource, resource_id) IN (('organisation', 'uraia'), ('study', '2019'), ('dataset', 'community-cities'))`: 3,
		`SELECT count(*) FROM audit_log WHERE id > $1`: 3,
	}
	for sql, want := range checks {
		var args []any
		if strings.Contains(sql, "$1") {
			args = append(args, before)
		}
		if got := q(sql, args...); got != want {
			t.Errorf("%s: %d, want %d", sql, got, want)
		}
	}
	if n, err := seed.Run(ctx, db); err != nil || n != 0 {
		t.Fatalf("a third run changed %d records (%v); seeding must be idempotent", n, err)
	}
}
