package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestJSONLinesAreTheObservations: the JSON lines PostgreSQL writes (StreamObservationsJSON) are
// encoding/json's encoding of the observations StreamObservations decodes, line for line, in one
// query and in a vintage read in pages of a few rows, with numbers that Go writes in PostgreSQL's
// place (from 1e15 to 1e22) among them. (api's TestNDJSONExportIsWhatGoWouldWrite tries every
// kind of value.)
func TestJSONLinesAreTheObservations(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if err := db.LoadSynthetic(ctx, 60); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE observations SET value_number = CASE id % 3
		WHEN 0 THEN 2.1664466833885768e16 * id WHEN 1 THEN -1.5e15 - id ELSE value_number END`); err != nil {
		t.Fatal(err)
	}
	var asOf time.Time
	if err := db.SQL().Get(&asOf, `SELECT clock_timestamp()`); err != nil {
		t.Fatal(err)
	}
	defer postgres.SetVintagePage(7)()
	for _, f := range []domain.ObservationFilter{{}, {Latest: true}, {AsOf: &asOf}, {AsOf: &asOf, Latest: true}} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := db.StreamObservations(ctx, f, func(o *domain.Observation) error { return enc.Encode(o) }); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := db.StreamObservationsJSON(ctx, f, func(line []byte) error {
			got.Write(line)
			return got.WriteByte('\n')
		}); err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(want.Bytes(), []byte("\n")); n < 10 {
			t.Fatalf("%+v: only %d observations", f, n)
		}
		if got.String() != want.String() {
			t.Errorf("%+v: the lines\n%s\nwant\n%s", f, got.String(), want.String())
		}
	}
}
