package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestListPlansReadWhatTheyReturn: on the million synthetic observations, the page of 50 of
// every documented filter of list-observations (and a page deep into the list) reads at most a
// few times the rows it returns, and so does each with as_of (a vintage), and updated_since
// after a few hundred changes made through the store; the pages the store prepares, also with
// PostgreSQL's generic plan. A plan that walks the primary key and throws rows away, or reads
// every matching row to sort them, fails here.
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
	// Changes through the store, with their audit rows, after a sample of the horizon: 300
	// observations spread over the table, the last 100 changed twice, and one deleted.
	if err := db.RecordSyncHorizon(ctx); err != nil {
		t.Fatal(err)
	}
	var sample time.Time
	if err := db.SQL().GetContext(ctx, &sample, `SELECT max(at) FROM sync_horizons`); err != nil {
		t.Fatal(err)
	}
	var changed []int64
	if err := db.SQL().SelectContext(ctx, &changed, `SELECT id FROM observations WHERE id % 3331 = 7 ORDER BY id LIMIT 300`); err != nil {
		t.Fatal(err)
	}
	caller := domain.Caller{Actor: &domain.Actor{Name: "plans", Role: domain.RoleSecretariat}}
	for n, id := range changed {
		for range 1 + n/200 {
			if _, err := db.UpdateObservation(ctx, caller, id, domain.IfMatch{Any: true}, func(o *domain.Observation) (domain.ObservationFields, error) {
				f := o.ObservationFields
				f.Value = 50.5
				return f, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.DeleteObservation(ctx, caller, changed[0], domain.IfMatch{Any: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, `ANALYZE audit_log; ANALYZE tombstones`); err != nil {
		t.Fatal(err)
	}
	since, err := db.SyncPoint(ctx, &domain.UpdatedSince{Time: sample})
	if err != nil || since == nil {
		t.Fatalf("sync point of the sample: %v, %v", since, err)
	}
	var changedCity string
	if err := db.SQL().GetContext(ctx, &changedCity, `SELECT city FROM observations WHERE id = $1`, changed[1]); err != nil {
		t.Fatal(err)
	}
	asOf := time.Now()

	year := func(y int) *int { return &y }
	edition := 2019
	cases := []struct {
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
		{"latest", domain.ObservationFilter{Latest: true}},
		{"latest of a city", domain.ObservationFilter{Latest: true, Cities: []string{"synthetic-city-0999"}}},
	}
	// Every filter again on the vintage of a moment ago, which reads the revision history.
	for _, c := range slices.Clone(cases) {
		c.name, c.f.AsOf = c.name+", as of", &asOf
		cases = append(cases, c)
	}
	cases = append(cases, []struct {
		name string
		f    domain.ObservationFilter
	}{
		{"updated since", domain.ObservationFilter{UpdatedSince: since}},
		{"updated since, one city", domain.ObservationFilter{UpdatedSince: since, Cities: []string{changedCity}}},
		{"updated since, page 2", domain.ObservationFilter{UpdatedSince: since, AfterID: changed[60]}},
		{"updated since, one indicator", domain.ObservationFilter{UpdatedSince: since, Indicators: []string{"synthetic-indicator-07"}}},
	}...)
	for _, c := range cases {
		// A page that runs as a prepared statement is also checked with the plan PostgreSQL
		// makes without the values, which it uses once it has seen it do as well.
		for _, generic := range []bool{false, true} {
			if generic && !postgres.PreparesPage(c.f) {
				continue
			}
			name := c.name
			if generic {
				name += ", generic plan"
			}
			t.Run(name, func(t *testing.T) {
				c.f.Limit = 51 // a page of 50 and the row that says there is a next one
				read, returned, plan, err := db.ExplainObservationPage(ctx, c.f, generic)
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
				if c.f.AsOf != nil && (len(c.f.Status) > 0 || c.f.Verification != "" || c.f.Provenance != "") {
					// A status, verification or provenance changes over time: the vintage's is
					// known only once a row is read, so a page reads rows in id order until enough
					// have it (one status E in eight here).
					bound = 10*returned + 100
				}
				if c.f.UpdatedSince != nil {
					// The changed rows are found by their ids, which the audit trail holds in
					// transaction order: a page reads them all (or walks the table in id order
					// when they are many), and sorts them.
					bound += len(changed)
				}
				if returned == 0 || read > bound {
					t.Errorf("read %d rows for %d returned (at most %d):\n%s", read, returned, bound, plan)
				}
				t.Logf("%s: read %d rows for %d", name, read, returned)
			})
		}
	}
}
