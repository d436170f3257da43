package postgres_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestPagesArePreparedOncePerQuery: a page of observations is prepared the first time its SQL
// is seen and read through that statement afterwards, with the same rows as the first time; a
// page of a vintage runs unprepared (its generic plan reads too much).
func TestPagesArePreparedOncePerQuery(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if err := db.LoadSynthetic(ctx, 2000); err != nil {
		t.Fatal(err)
	}
	base := db.PreparedStatements() // the hot reads, prepared at start
	byIndicator := domain.ObservationFilter{Indicators: []string{"synthetic-indicator-01"}, Limit: 20}
	first, more, err := db.ListObservations(ctx, byIndicator)
	if err != nil || len(first) != 20 || !more {
		t.Fatalf("first page: %d rows, more %v, %v", len(first), more, err)
	}
	if n := db.PreparedStatements() - base; n != 1 {
		t.Fatalf("%d statements prepared after one page, want 1", n)
	}
	for range 8 { // past the five runs after which PostgreSQL may plan it once for all values
		again, _, err := db.ListObservations(ctx, byIndicator)
		if err != nil || !reflect.DeepEqual(again, first) {
			t.Fatalf("the prepared page differs: %v", err)
		}
	}
	next := byIndicator
	next.AfterID = first[len(first)-1].ID
	second, _, err := db.ListObservations(ctx, next)
	if err != nil || len(second) == 0 || second[0].ID <= next.AfterID {
		t.Fatalf("next page: %d rows, %v", len(second), err)
	}
	other := domain.ObservationFilter{Indicators: []string{"synthetic-indicator-02"}, Limit: 20}
	if rows, _, err := db.ListObservations(ctx, other); err != nil || len(rows) == 0 || rows[0].Indicator != "synthetic-indicator-02" {
		t.Fatalf("another indicator through the same statement: %d rows, %v", len(rows), err)
	}
	if n := db.PreparedStatements() - base; n != 2 { // the first page, and a page after a cursor
		t.Fatalf("%d statements prepared, want 2", n)
	}
	now := time.Now()
	vintage := byIndicator
	vintage.AsOf = &now
	if rows, _, err := db.ListObservations(ctx, vintage); err != nil || !reflect.DeepEqual(ids(rows), ids(first)) {
		t.Fatalf("vintage page: %v", err)
	}
	if n := db.PreparedStatements() - base; n != 2 {
		t.Fatalf("a vintage page was prepared: %d statements", n)
	}
}

func ids(os []domain.Observation) []int64 {
	out := make([]int64, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

// TestPreparedStatementsOutliveAColumnTypeChange: PostgreSQL refuses a prepared statement whose
// result's columns have changed type ("cached plan must not change result type"), on every
// connection that prepared it. A migration (or a change by hand) that changes a column's type
// must not leave the reads through prepared statements failing until the server restarts:
// each is prepared again, and answers as before, both ways.
func TestPreparedStatementsOutliveAColumnTypeChange(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if err := db.LoadSynthetic(ctx, 200); err != nil {
		t.Fatal(err)
	}
	page := domain.ObservationFilter{Indicators: []string{"synthetic-indicator-01"}, Limit: 5}
	first, _, err := db.ListObservations(ctx, page)
	if err != nil || len(first) == 0 {
		t.Fatalf("page: %d rows, %v", len(first), err)
	}
	reads := func(when string) {
		t.Helper()
		for range 8 { // past the five runs after which a generic plan may be cached, on every connection of the pool
			if rows, _, err := db.ListObservations(ctx, page); err != nil || len(rows) != len(first) || rows[0].ID != first[0].ID {
				t.Fatalf("%s: page: %d rows, %v", when, len(rows), err)
			}
			if c, err := db.GetCity(ctx, "synthetic-city-0001"); err != nil || c.Slug != "synthetic-city-0001" {
				t.Fatalf("%s: city: %v", when, err)
			}
			if v, err := db.CityVersion(ctx, "synthetic-city-0001"); err != nil || v != 1 {
				t.Fatalf("%s: city version %d: %v", when, v, err)
			}
			if o, err := db.GetObservation(ctx, first[0].ID); err != nil || o.ID != first[0].ID {
				t.Fatalf("%s: observation: %v", when, err)
			}
		}
	}
	reads("before")
	for _, change := range []struct{ name, sql string }{
		{"varchar", `ALTER TABLE cities ALTER COLUMN website TYPE varchar(500);
			ALTER TABLE observations ALTER COLUMN footnote TYPE varchar(5000)`},
		{"text again", `ALTER TABLE cities ALTER COLUMN website TYPE text;
			ALTER TABLE observations ALTER COLUMN footnote TYPE text`},
	} {
		if _, err := db.SQL().ExecContext(ctx, change.sql); err != nil {
			t.Fatal(err)
		}
		reads("after " + change.name)
	}
}
