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
	byIndicator := domain.ObservationFilter{Indicators: []string{"synthetic-indicator-01"}, Limit: 20}
	first, more, err := db.ListObservations(ctx, byIndicator)
	if err != nil || len(first) != 20 || !more {
		t.Fatalf("first page: %d rows, more %v, %v", len(first), more, err)
	}
	if n := db.PreparedPages(); n != 1 {
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
	if n := db.PreparedPages(); n != 2 { // the first page, and a page after a cursor
		t.Fatalf("%d statements prepared, want 2", n)
	}
	now := time.Now()
	vintage := byIndicator
	vintage.AsOf = &now
	if rows, _, err := db.ListObservations(ctx, vintage); err != nil || !reflect.DeepEqual(ids(rows), ids(first)) {
		t.Fatalf("vintage page: %v", err)
	}
	if n := db.PreparedPages(); n != 2 {
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
