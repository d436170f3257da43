package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestListPlansReadWhatTheyReturn: on the million synthetic observations, the page of 50 of
// every documented filter of list-observations (and a page deep into the list) reads at most a
// few times the rows it returns. A plan that walks the primary key and throws rows away, or
// reads every matching row to sort them, fails here.
func TestListPlansReadWhatTheyReturn(t *testing.T) {
	db, _ := testdb.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := db.LoadSynthetic(ctx, 1_000_000); err != nil {
		t.Fatal(err)
	}
	// Part of the data in a study edition, as the study's own observations are.
	if _, err := db.SQL().ExecContext(ctx, `
		INSERT INTO studies (edition, title, focus, status) VALUES (2019, '{"en": "Study"}', '{"en": "Focus"}', 'published');
		UPDATE observations SET edition = 2019 WHERE year = 1990 AND city < 'synthetic-city-0500';
		ANALYZE observations`); err != nil {
		t.Fatal(err)
	}
	var deep int64 // the id after which page 1,000 of the unfiltered list starts
	if err := db.SQL().GetContext(ctx, &deep, `SELECT id FROM observations ORDER BY id OFFSET 49999 LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var deepIndicator int64
	if err := db.SQL().GetContext(ctx, &deepIndicator, `SELECT id FROM observations WHERE indicator = 'synthetic-indicator-19'
		ORDER BY id OFFSET 29999 LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	year := func(y int) *int { return &y }
	edition := 2019
	since := time.Now().Add(-time.Hour)
	for _, c := range []struct {
		name string
		f    domain.ObservationFilter
	}{
		{"unfiltered", domain.ObservationFilter{}},
		{"unfiltered, page 1,000", domain.ObservationFilter{AfterID: deep}},
		{"one city", domain.ObservationFilter{Cities: []string{"synthetic-city-0999"}}},
		{"three cities", domain.ObservationFilter{Cities: []string{"synthetic-city-0001", "synthetic-city-0500", "synthetic-city-0999"}}},
		{"one indicator", domain.ObservationFilter{Indicators: []string{"synthetic-indicator-19"}}},
		{"one indicator, page 600", domain.ObservationFilter{Indicators: []string{"synthetic-indicator-19"}, AfterID: deepIndicator}},
		{"two indicators", domain.ObservationFilter{Indicators: []string{"synthetic-indicator-03", "synthetic-indicator-19"}}},
		{"city and indicator", domain.ObservationFilter{Cities: []string{"synthetic-city-0999"}, Indicators: []string{"synthetic-indicator-19"}}},
		{"framework", domain.ObservationFilter{Framework: "synthetic"}},
		{"edition", domain.ObservationFilter{Edition: &edition}},
		{"one year", domain.ObservationFilter{From: year(1975), To: year(1975)}},
		{"year range", domain.ObservationFilter{From: year(1990), To: year(1999)}},
		{"from a year", domain.ObservationFilter{From: year(1995)}},
		{"up to a year", domain.ObservationFilter{To: year(1952)}},
		{"status", domain.ObservationFilter{Status: []string{"E"}}},
		{"statuses", domain.ObservationFilter{Status: []string{"A", "E"}}},
		{"verification", domain.ObservationFilter{Verification: "self_reported"}},
		{"provenance", domain.ObservationFilter{Provenance: "synthetic"}},
		{"updated since", domain.ObservationFilter{UpdatedSince: &since}},
		{"latest", domain.ObservationFilter{Latest: true}},
		{"latest of a city", domain.ObservationFilter{Latest: true, Cities: []string{"synthetic-city-0999"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.f.Limit = 51 // a page of 50 and the row that says there is a next one
			read, returned, plan, err := db.ExplainObservationPage(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			// "A few times the rows it returns": four times. A latest page reads every period of
			// each city and indicator it returns to keep the last (50 years here, and about
			// 60 rows per pair in all: the plan reads the pair after the page's last too).
			bound := 4*returned + 100
			if c.f.Latest {
				bound = 65*returned + 100
			}
			if returned == 0 || read > bound {
				t.Errorf("read %d rows for %d returned (at most %d):\n%s", read, returned, bound, plan)
			}
			t.Logf("%s: read %d rows for %d", c.name, read, returned)
		})
	}
}
