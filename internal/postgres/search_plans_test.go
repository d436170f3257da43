package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// planNodes returns every node of an EXPLAIN (FORMAT JSON) plan.
func planNodes(t *testing.T, plan string) []map[string]any {
	t.Helper()
	var doc []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(plan), &doc); err != nil || len(doc) == 0 {
		t.Fatalf("not a JSON plan (%v): %s", err, plan)
	}
	var nodes []map[string]any
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		nodes = append(nodes, n)
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(doc[0].Plan)
	return nodes
}

// TestCitySearchUsesItsIndex: on 10,000 cities with names in three languages, a search (q) for
// a few cities, alone, with another filter, with the name sort and on a later page, reads the
// trigram index cities_search_idx and never scans the table, and finds what it should
// whatever the case, accents and language of the search.
func TestCitySearchUsesItsIndex(t *testing.T) {
	db, _ := testdb.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := db.SQL().ExecContext(ctx, `
		INSERT INTO cities (slug, name, country, section, provenance)
		SELECT 'synthetic-city-' || lpad(n::text, 5, '0'),
			jsonb_build_object('en', 'Synthetic city ' || n, 'fr', 'Ville synthétique ' || n, 'es', 'Ciudad sintética ' || n),
			CASE WHEN n % 2 = 0 THEN 'ES' ELSE 'FR' END, 'europe', 'synthetic'
		FROM generate_series(1, 10000) n;
		INSERT INTO cities (slug, name, country, section) VALUES
			('malaga', '{"en": "Málaga", "es": "Málaga"}', 'ES', 'europe'),
			('seville', '{"en": "Seville", "fr": "Séville", "es": "Sevilla"}', 'ES', 'europe');
		ANALYZE cities`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    domain.CityFilter
		want string // the slugs found, in order
	}{
		{"accents and case ignored", domain.CityFilter{Query: "MALAGA", Sort: "slug"}, "malaga"},
		{"accented search of a plain name", domain.CityFilter{Query: "Séville", Sort: "slug"}, "seville"},
		{"French name", domain.CityFilter{Query: "ville synthetique 1234", Sort: "slug"}, "synthetic-city-01234"},
		{"Spanish name, with a country", domain.CityFilter{Query: "SINTÉTICA 777", Country: "FR", Sort: "slug"},
			"synthetic-city-00777,synthetic-city-07771,synthetic-city-07773,synthetic-city-07775,synthetic-city-07777,synthetic-city-07779"},
		{"by name", domain.CityFilter{Query: "city 999", Sort: "-name"},
			"synthetic-city-09999,synthetic-city-09998,synthetic-city-09997,synthetic-city-09996,synthetic-city-09995,synthetic-city-09994,synthetic-city-09993,synthetic-city-09992,synthetic-city-09991,synthetic-city-09990,synthetic-city-00999"},
		{"a later page", domain.CityFilter{Query: "city 999", Sort: "slug",
			After: &domain.Cursor{Sort: "slug", Value: "synthetic-city-00999", ID: "synthetic-city-00999"}},
			"synthetic-city-09990,synthetic-city-09991,synthetic-city-09992,synthetic-city-09993,synthetic-city-09994,synthetic-city-09995,synthetic-city-09996,synthetic-city-09997,synthetic-city-09998,synthetic-city-09999"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.f.Limit = 50
			cities, _, err := db.ListCities(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, city := range cities {
				got = append(got, city.Slug)
			}
			if strings.Join(got, ",") != c.want {
				t.Errorf("found %v, want %s", got, c.want)
			}
			plan, err := db.ExplainCityList(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			usesIndex := false
			for _, n := range planNodes(t, plan) {
				if n["Relation Name"] == "cities" && n["Node Type"] == "Seq Scan" {
					t.Errorf("the search scans the table:\n%s", plan)
				}
				if n["Index Name"] == "cities_search_idx" {
					usesIndex = true
				}
			}
			if !usesIndex {
				t.Errorf("the search does not read cities_search_idx:\n%s", plan)
			}
		})
	}
}

// TestSearchExpressionsAreIndexed: the search expression of every list is exactly the
// expression of its table's trigram index (migration 00015): with sequential scans ruled out,
// a search reads that index, where a drifted expression could read none.
func TestSearchExpressionsAreIndexed(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	conn, err := db.SQL().Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for table, expr := range postgres.SearchExpressions {
		var plan string
		if err := conn.GetContext(ctx, &plan, `EXPLAIN (FORMAT JSON) SELECT 1 FROM `+table+` WHERE `+expr+
			` ILIKE f_unaccent($1)`, "%participación%"); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		found := false
		for _, n := range planNodes(t, plan) {
			found = found || n["Index Name"] == table+"_search_idx"
		}
		if !found {
			t.Errorf("%s: the search %s does not read %s_search_idx:\n%s", table, expr, table, plan)
		}
	}
}
