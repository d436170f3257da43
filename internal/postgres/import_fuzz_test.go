package postgres_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// FuzzImportCSV feeds arbitrary bytes to the CSV import: it answers with a report or a client
// error (EINVALID, EFORBIDDEN), never an internal one, and an all-or-nothing import that reports
// a problem writes nothing.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("city,indicator,year,value,status\nbilbao,pct,2019,12.5,A\n"))
	f.Add([]byte("city,indicator,year,value,status\nbilbao,pct,2019,,NR\nbilbao,pct,2019,1,A\n"))
	f.Add([]byte("city,indicator,year,edition,value,status,quality,source,footnote,provenance,verification\n" +
		"bilbao,flag,2020,,true,E,B,\"a, b\",\"multi\nline\",sample,verified\n"))
	f.Add([]byte("\ufeffcity,indicator,year,value,status\n\"unterminated"))
	f.Add([]byte("city;indicator;year\n"))
	f.Add([]byte{0xff, 0xfe, 0x00})
	db, _ := testdb.New(f)
	ctx := context.Background()
	fuzzer := domain.Caller{Actor: &domain.Actor{Name: "fuzz", Role: domain.RoleSecretariat}}
	if _, err := db.CreateCity(ctx, fuzzer, "bilbao", domain.CityFields{Name: domain.Text{EN: "Bilbao"}, Country: "ES", Section: "europe"}); err != nil {
		f.Fatal(err)
	}
	if _, err := db.CreateFramework(ctx, fuzzer, domain.FrameworkCreate{Slug: "fw", Name: domain.Text{EN: "F"},
		Dimensions: []domain.Dimension{{Slug: "d", Name: domain.Text{EN: "D"}}}}); err != nil {
		f.Fatal(err)
	}
	for slug, vt := range map[string]string{"pct": "percentage", "flag": "boolean"} {
		if _, err := db.CreateIndicator(ctx, fuzzer, slug, domain.IndicatorFields{Framework: "fw", Dimension: "d", Code: slug,
			Name: domain.Text{EN: slug}, ValueType: vt}); err != nil {
			f.Fatal(err)
		}
	}
	count := func() int {
		var n int
		if err := db.SQL().Get(&n, `SELECT count(*) FROM observations`); err != nil {
			f.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := count()
		rep, err := db.ImportObservations(ctx, fuzzer, bytes.NewReader(body), domain.ImportAllOrNothing)
		switch domain.ErrorCode(err) {
		case "":
			if rep.Rejected != 0 {
				t.Fatalf("success with %d rejected rows", rep.Rejected)
			}
		case domain.EINVALID, domain.EFORBIDDEN:
			if count() != before {
				t.Fatal("a refused all-or-nothing import wrote rows")
			}
		default:
			t.Fatalf("%q: %v", body, err)
		}
	})
}
