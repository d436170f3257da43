package postgres_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/csvimport"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
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

// importBytes imports a CSV file as the API does: read and spooled first, then written.
func importBytes(ctx context.Context, db *postgres.DB, caller domain.Caller, body []byte, mode string) (*domain.ImportReport, error) {
	rows, err := csvimport.Read(bytes.NewReader(body), caller.Actor, "", 100<<20)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return db.ImportObservations(ctx, caller, rows.Rows(), mode)
}
