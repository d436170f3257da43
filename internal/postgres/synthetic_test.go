package postgres_test

import (
	"context"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// LoadSynthetic(n) loads the first n observations of the year-major sequence (every city and
// indicator of 1950, then of 1951, …), whatever order it sends them in, and replaces a previous load.
func TestLoadSyntheticKeys(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	const n = 2*20_000 + 45 // two whole years, then 45 keys of 1952: city 0 and 1 (20 each) and 5 of city 2
	for _, load := range []int{3_000, n} {
		if err := db.LoadSynthetic(ctx, load); err != nil {
			t.Fatalf("LoadSynthetic(%d): %v", load, err)
		}
	}
	var got struct {
		Total    int `db:"total"`
		Distinct int `db:"distinct_keys"`
		Y1950    int `db:"y1950"`
		Y1951    int `db:"y1951"`
		Y1952    int `db:"y1952"`
		Outside  int `db:"outside"`
	}
	err := db.SQL().GetContext(ctx, &got, `
		SELECT count(*) AS total, count(DISTINCT (indicator, city, year)) AS distinct_keys,
			count(*) FILTER (WHERE year = 1950) AS y1950, count(*) FILTER (WHERE year = 1951) AS y1951,
			count(*) FILTER (WHERE year = 1952) AS y1952,
			count(*) FILTER (WHERE year = 1952 AND NOT (city IN ('synthetic-city-0000', 'synthetic-city-0001')
				OR (city = 'synthetic-city-0002' AND indicator <= 'synthetic-indicator-04'))) AS outside
		FROM observations WHERE provenance = 'synthetic'`)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != n || got.Distinct != n || got.Y1950 != 20_000 || got.Y1951 != 20_000 || got.Y1952 != 45 || got.Outside != 0 {
		t.Fatalf("loaded %+v, want %d distinct keys: 20000 in 1950 and 1951, and the first 45 of 1952", got, n)
	}
}
