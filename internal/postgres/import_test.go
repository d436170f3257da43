package postgres_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/csvimport"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// importer imports as the secretariat.
var importer = domain.Caller{Actor: &domain.Actor{Name: "importer", Role: domain.RoleSecretariat}}

// importFixture creates city bilbao and, in framework fw, the indicators pct (percentage) and
// flag (boolean).
func importFixture(tb testing.TB, db *postgres.DB) {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.CreateCity(ctx, importer, "bilbao", domain.CityFields{Name: domain.Text{EN: "Bilbao"}, Country: "ES", Section: "europe"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.CreateFramework(ctx, importer, domain.FrameworkCreate{Slug: "fw", Name: domain.Text{EN: "F"},
		Dimensions: []domain.Dimension{{Slug: "d", Name: domain.Text{EN: "D"}}}}); err != nil {
		tb.Fatal(err)
	}
	for slug, vt := range map[string]string{"pct": "percentage", "flag": "boolean"} {
		if _, err := db.CreateIndicator(ctx, importer, slug, domain.IndicatorFields{Framework: "fw", Dimension: "d", Code: slug,
			Name: domain.Text{EN: slug}, ValueType: vt}); err != nil {
			tb.Fatal(err)
		}
	}
}

// importBytes imports a CSV file as the API does: read and spooled first, then written with
// the given statement timeout.
func importBytes(ctx context.Context, db *postgres.DB, caller domain.Caller, body []byte, mode string, timeout time.Duration) (*domain.ImportReport, error) {
	rows, err := csvimport.Read(bytes.NewReader(body), caller.Actor, "", 100<<20)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return db.ImportObservations(ctx, caller, rows.Rows(), mode, timeout)
}

// TestImportStatementTimeout: the import's transaction runs under the statement timeout it is
// given (what is left of the import's budget), even without a deadline on its context: an
// import kept waiting on a lock for longer ends with EUNAVAILABLE instead of waiting on.
func TestImportStatementTimeout(t *testing.T) {
	db, _ := testdb.New(t)
	importFixture(t, db)
	ctx := context.Background()
	// A transaction that changes the indicators: the import's FOR SHARE waits for it.
	blocker, err := db.SQL().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback() //nolint:errcheck // rolled back once the test has seen the import end
	if _, err := blocker.ExecContext(ctx, `UPDATE indicators SET version = version`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := importBytes(ctx, db, importer, []byte("city,indicator,year,value,status\nbilbao,pct,2019,12.5,A\n"),
			domain.ImportAllOrNothing, 300*time.Millisecond)
		done <- err
	}()
	select {
	case err := <-done:
		if domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("an import past its statement timeout: %v", err)
		}
		t.Logf("ended after %s", time.Since(start))
	case <-time.After(10 * time.Second):
		_ = blocker.Rollback()
		<-done
		t.Fatal("the import waited on a lock far beyond its 300 ms statement timeout")
	}
	_ = blocker.Rollback()
	if _, err := importBytes(ctx, db, importer, []byte("city,indicator,year,value,status\nbilbao,pct,2019,12.5,A\n"),
		domain.ImportAllOrNothing, 300*time.Millisecond); err != nil {
		t.Fatalf("the same import once the lock is gone: %v", err)
	}
}
