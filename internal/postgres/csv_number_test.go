package postgres_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestFloatTextIsGos: the CSV export writes a number as PostgreSQL wrote it when that text has
// no exponent (from 1e-4 up to 1e15), and reads and writes again any other. Both must give
// strconv.FormatFloat(v, 'f', -1, 64): PostgreSQL's shortest digits (extra_float_digits 1, as
// exports set it) must be Go's there, for random doubles of every exponent in the range, short
// decimals as data has them, whole numbers, and the neighbours of powers of ten and of two, where
// the shortest digits are the hardest to choose; and the numbers outside it must come out right.
func TestFloatTextIsGos(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	var numbers []float64
	for e := -4; e < 15; e++ {
		p := math.Pow(10, float64(e))
		for _, v := range []float64{p, 2 * p, 5 * p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1))} {
			numbers = append(numbers, v, -v)
		}
	}
	for e := -13; e < 50; e++ {
		p := math.Ldexp(1, e)
		numbers = append(numbers, p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1)))
	}
	for len(numbers) < 200_000 {
		var v float64
		switch len(numbers) % 3 {
		case 0: // any double, its exponent spread over the range
			v = math.Ldexp(1+rng.Float64(), rng.IntN(63)-14)
		case 1: // a decimal of a few digits at some scale
			v = float64(rng.IntN(1_000_000)) / 100 * math.Pow(10, float64(rng.IntN(17)-4))
		default: // a whole number
			v = float64(rng.Int64N(1e15))
		}
		numbers = append(numbers, v)
	}
	numbers = append(numbers, 0, math.Copysign(0, -1), 1e15, 1e16, 2.1664466833885768e16, 1e21, 1e22, math.MaxFloat64,
		5e-324, 1e-5, -1.2345678901234567e-5, 9.999999999999999e-05)

	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	if _, err := tx.ExecContext(ctx, `SET LOCAL extra_float_digits = 1`); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT v::text FROM unnest($1::float8[]) WITH ORDINALITY AS n(v, i) ORDER BY i`,
		pq.Float64Array(numbers))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	plain, i := 0, 0
	for ; rows.Next(); i++ {
		var text string
		if err := rows.Scan(&text); err != nil {
			t.Fatal(err)
		}
		v := numbers[i]
		want := strconv.FormatFloat(v, 'f', -1, 64)
		if abs := math.Abs(v); abs >= 1e-4 && abs < 1e15 {
			plain++
			if text != want {
				t.Errorf("PostgreSQL writes %v as %s, Go as %s", v, text, want)
			}
		}
		if got := string(postgres.AppendCSVNumber(nil, []byte(text))); got != want {
			t.Errorf("%v, which PostgreSQL writes %s, is written %s, want %s", v, text, got, want)
		}
	}
	if err := rows.Err(); err != nil || i != len(numbers) || plain < 190_000 {
		t.Fatalf("%d numbers read of %d, %d without an exponent: %v", i, len(numbers), plain, err)
	}
}
