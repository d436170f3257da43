package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// FuzzImportCSV feeds arbitrary bytes to the CSV import (csvimport, then the store): it answers
// with a report or a client error (EINVALID, EFORBIDDEN), never an internal one, and an
// all-or-nothing import that reports a problem writes nothing.
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
	importFixture(f, db)
	count := func() int {
		var n int
		if err := db.SQL().Get(&n, `SELECT count(*) FROM observations`); err != nil {
			f.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := count()
		rep, err := importBytes(ctx, db, importer, body, domain.ImportAllOrNothing, time.Minute)
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
