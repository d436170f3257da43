package postgres_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestVintageExportsReadPageByPage: an export of a vintage, read in pages of a few rows, gives
// the rows the list gives page by page at the same time, in the same order, in JSON and in CSV,
// for id-ordered and latest lists, with changes, a delete and rows loaded in bulk among them.
func TestVintageExportsReadPageByPage(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if err := db.LoadSynthetic(ctx, 200); err != nil {
		t.Fatal(err)
	}
	caller := domain.Caller{Actor: &domain.Actor{Name: "vintage", Role: domain.RoleSecretariat}}
	var ids []int64
	if err := db.SQL().Select(&ids, `SELECT id FROM observations ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[10:40] {
		if _, err := db.SetVerification(ctx, caller, id, domain.IfMatch{Any: true}, "verified"); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteObservation(ctx, caller, ids[20], domain.IfMatch{Any: true}); err != nil {
		t.Fatal(err)
	}
	var asOf time.Time
	if err := db.SQL().Get(&asOf, `SELECT clock_timestamp()`); err != nil {
		t.Fatal(err)
	}
	// After the vintage: a change and a delete that it must not show.
	if _, err := db.SetVerification(ctx, caller, ids[30], domain.IfMatch{Any: true}, "rejected"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteObservation(ctx, caller, ids[50], domain.IfMatch{Any: true}); err != nil {
		t.Fatal(err)
	}
	defer postgres.SetVintagePage(7)()

	for _, f := range []domain.ObservationFilter{
		{AsOf: &asOf},
		{AsOf: &asOf, Latest: true},
		{AsOf: &asOf, Verification: "verified"},
		{AsOf: &asOf, Cities: []string{"synthetic-city-0000", "synthetic-city-0003"}},
	} {
		t.Run(fmt.Sprintf("latest %v, verification %q, cities %v", f.Latest, f.Verification, f.Cities), func(t *testing.T) {
			var listed []string // id/version of each row, as the list's pages give them
			page := f
			page.Limit = 13
			for {
				obs, more, err := db.ListObservations(ctx, page)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range obs {
					listed = append(listed, fmt.Sprintf("%d/%d", o.ID, o.Version))
				}
				if !more {
					break
				}
				last := obs[len(obs)-1]
				page.AfterID, page.AfterLatest = last.ID, &domain.LatestKey{City: last.City, Indicator: last.Indicator}
			}
			if len(listed) < 8 {
				t.Fatalf("only %d rows: the test needs more than a page of the export", len(listed))
			}
			if f.Verification == "" && !f.Latest && len(f.Cities) == 0 &&
				(!slices.Contains(listed, fmt.Sprintf("%d/2", ids[30])) || slices.ContainsFunc(listed, func(s string) bool {
					return s == fmt.Sprintf("%d/1", ids[20]) || s == fmt.Sprintf("%d/2", ids[20])
				}) || !slices.Contains(listed, fmt.Sprintf("%d/1", ids[50]))) {
				t.Errorf("the vintage lists %v: want %d at version 2, %d absent (deleted before), %d at version 1 (deleted after)",
					listed, ids[30], ids[20], ids[50])
			}
			var streamed []string
			if err := db.StreamObservations(ctx, f, func(o *domain.Observation) error {
				streamed = append(streamed, fmt.Sprintf("%d/%d", o.ID, o.Version))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(streamed, listed) {
				t.Errorf("the JSON export gives\n%v\nthe list\n%v", streamed, listed)
			}
			var lines bytes.Buffer
			if err := db.StreamObservationsCSV(ctx, f, func(line []byte) error {
				lines.Write(line)
				return lines.WriteByte('\n')
			}); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&lines).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var exported []string
			for _, r := range rows {
				v, _ := strconv.Atoi(r[13])
				exported = append(exported, r[0]+"/"+strconv.Itoa(v))
			}
			if !slices.Equal(exported, listed) {
				t.Errorf("the CSV export gives\n%v\nthe list\n%v", exported, listed)
			}
		})
	}
}
