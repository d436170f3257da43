package postgres_test

import (
	"context"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// BenchmarkLoadSynthetic measures LoadSynthetic's COPY of a million observations into a fresh
// database (later iterations also delete the previous iteration's million first).
func BenchmarkLoadSynthetic(b *testing.B) {
	const n = 1_000_000
	db, _ := testdb.New(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := db.LoadSynthetic(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
