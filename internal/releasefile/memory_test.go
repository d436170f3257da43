package releasefile

import (
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// observationColumns are the shape of an observation release, for the memory test and the
// benchmarks.
var observationColumns = []domain.Column{
	{Name: "id", Type: domain.ColumnInteger, Required: true},
	{Name: "indicator", Type: domain.ColumnString, Required: true},
	{Name: "city", Type: domain.ColumnString, Required: true},
	{Name: "year", Type: domain.ColumnInteger, Required: true},
	{Name: "value", Type: domain.ColumnAny},
	{Name: "status", Type: domain.ColumnString, Required: true},
	{Name: "source", Type: domain.ColumnString},
	{Name: "footnote", Type: domain.ColumnString},
	{Name: "updated_at", Type: domain.ColumnDateTime, Required: true},
}

// generatedRows makes n observation rows as they are read, with random footnotes (which
// compress as badly as real text, so that a buffered file would show), calling each (if set)
// with the number of every row it makes.
type generatedRows struct {
	n, i   int
	each   func(row int)
	rng    *rand.Rand
	random [40]byte
	values []any
}

func newGeneratedRows(n int, each func(row int)) *generatedRows {
	return &generatedRows{n: n, each: each, rng: rand.New(rand.NewPCG(1, 2)), values: make([]any, len(observationColumns))}
}

func (g *generatedRows) Next() bool {
	if g.i == g.n {
		return false
	}
	g.i++
	if g.each != nil {
		g.each(g.i)
	}
	i := g.i
	var value any = float64(i%1000) * 0.37
	switch i % 10 {
	case 0:
		value = i%20 == 0
	case 1:
		value = "level-3"
	case 2:
		value = nil
	}
	var footnote any
	if i%3 != 0 {
		for k := range g.random {
			g.random[k] = byte(g.rng.Uint32())
		}
		footnote = "=" + hex.EncodeToString(g.random[:])
	}
	g.values[0] = int64(i)
	g.values[1] = indicatorNames[i%len(indicatorNames)]
	g.values[2] = cityNames[i%len(cityNames)]
	g.values[3] = int64(2019 + i%3)
	g.values[4] = value
	g.values[5] = "A"
	g.values[6] = "Municipal open data portal, 2019"
	g.values[7] = footnote
	g.values[8] = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	return true
}

func (g *generatedRows) Values() []any { return g.values }
func (g *generatedRows) Err() error    { return nil }

// indicatorNames and cityNames are the slugs of the generated rows.
var indicatorNames, cityNames = names("sg2019-indicator-", 40), names("city-", 300)

func names(prefix string, n int) []any {
	names := make([]any, n)
	for i := range names {
		names[i] = fmt.Sprint(prefix, i)
	}
	return names
}

// countingWriter counts the bytes written to it and drops them.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// heapBound is what a write may hold on the heap, whatever its number of rows: far less than
// the rows (160 bytes each as CSV), which a writer that buffered them would hold.
const heapBound = 24 << 20

// heapSlack is how much more the heap may hold after the last Parquet row group of a write
// than after the first: what the collector and the buffer pools leave to chance.
const heapSlack = 4 << 20

// TestConstantMemory writes memoryTestRows rows in every format, measuring the live heap
// (after a collection) every 10,000 rows and just after each Parquet row group, which it
// makes of memoryTestRowGroup rows so that the rows span many. The heap must stay under
// heapBound, and must not grow with the rows: after the last row group it holds at most
// heapSlack more than after the first (row groups are where a Parquet writer's memory goes
// back down, so they are the points to compare; a writer that kept the row groups' pages
// would grow by a megabyte for each 16,384 rows).
func TestConstantMemory(t *testing.T) {
	defer setParquetRowGroup(memoryTestRowGroup)()
	for _, format := range formats() {
		t.Run(format, func(t *testing.T) {
			var m runtime.MemStats
			measure := func() uint64 {
				runtime.GC()
				runtime.ReadMemStats(&m)
				return m.HeapInuse
			}
			base := measure()
			var peak uint64
			var afterGroups []uint64
			sample := func(row int) {
				afterGroup := row > parquetRowGroup && row%parquetRowGroup == 1000
				if row%10_000 == 0 || afterGroup {
					heap := measure() - min(base, m.HeapInuse)
					peak = max(peak, heap)
					if afterGroup {
						afterGroups = append(afterGroups, heap)
					}
				}
			}
			out := &countingWriter{}
			if _, err := Write(format, out, observationColumns, newGeneratedRows(memoryTestRows, sample), Options{}); err != nil {
				t.Fatal(err)
			}
			first, last := afterGroups[0], afterGroups[len(afterGroups)-1]
			t.Logf("%s: %d rows, %d bytes; heap above the start at most %.1f MiB, %.1f after the first row group, %.1f after the last",
				format, memoryTestRows, out.n, mib(peak), mib(first), mib(last))
			if peak > heapBound {
				t.Errorf("the heap grew by %.1f MiB; at most %.1f", mib(peak), mib(heapBound))
			}
			if last > first+heapSlack {
				t.Errorf("the heap grows with the rows: %.1f MiB after the first row group, %.1f after the last", mib(first), mib(last))
			}
		})
	}
}

// setParquetRowGroup sets the rows of a Parquet row group for a test and returns what
// restores them.
func setParquetRowGroup(n int) func() {
	before := parquetRowGroup
	parquetRowGroup = n
	return func() { parquetRowGroup = before }
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// benchmarkWrite writes 200,000 observation rows per operation.
func benchmarkWrite(b *testing.B, format string) {
	const rows = 200_000
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		out := &countingWriter{}
		if _, err := Write(format, out, observationColumns, newGeneratedRows(rows, nil), Options{}); err != nil {
			b.Fatal(err)
		}
		size = out.n
	}
	b.ReportMetric(float64(size), "file-bytes")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}

// BenchmarkWriteCSV writes 200,000 rows as CSV.
func BenchmarkWriteCSV(b *testing.B) { benchmarkWrite(b, "csv") }

// BenchmarkWriteNDJSON writes 200,000 rows as NDJSON.
func BenchmarkWriteNDJSON(b *testing.B) { benchmarkWrite(b, "ndjson") }

// BenchmarkWriteJSON writes 200,000 rows as JSON.
func BenchmarkWriteJSON(b *testing.B) { benchmarkWrite(b, "json") }

// BenchmarkWriteXLSX writes 200,000 rows as XLSX.
func BenchmarkWriteXLSX(b *testing.B) { benchmarkWrite(b, "xlsx") }

// BenchmarkWriteParquet writes 200,000 rows as Parquet.
func BenchmarkWriteParquet(b *testing.B) { benchmarkWrite(b, "parquet") }

// BenchmarkGenerateRows is the cost of making the rows, to subtract from the others.
func BenchmarkGenerateRows(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := newGeneratedRows(200_000, nil)
		for g.Next() {
		}
	}
}

var _ io.Writer = (*countingWriter)(nil)
