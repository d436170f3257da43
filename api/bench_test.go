package api_test

// Benchmarks of the API through its real HTTP handler against a real PostgreSQL holding a
// million synthetic observations. `make bench-go` runs them; `make test` never does (they are
// benchmarks, not timed assertions). Figures are reported with b.ReportMetric:
//
//	rows/s         rows imported or exported per second
//	req/s          requests per second (the parallel get-one benchmarks)
//	peak-heap-MiB  the process's peak heap in use (HeapInuse) while one export runs
//	allocB/row     bytes allocated by the whole process (server and client) per exported row
//	cpu-ns/row     CPU time of the whole process per exported row (where the OS tells it);
//	               steadier than rows/s when other work shares the machine
//
// The server and the client share this process, so the heap, allocation and CPU figures include
// the client's small reading buffers; both discard what they read. PostgreSQL's own CPU time is
// not in cpu-ns/row.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/auth"
	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// benchRows is how many synthetic observations the read benchmarks run against.
const benchRows = 1_000_000

// benchImportRows is the size of one benchmarked import.
const benchImportRows = 100_000

// benchEnv is a running API on its own database, for benchmarks.
type benchEnv struct {
	srv    *httptest.Server
	db     *postgres.DB
	client *http.Client
	token  string // a secretariat token's secret
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	db, _ := testdb.New(b)
	cfg := config.Config{Limits: generousLimits, RequestTimeout: 20 * time.Second}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	handler, _ := api.New(api.Deps{DB: db, Config: cfg, Logger: log})
	srv := httptest.NewServer(handler)
	b.Cleanup(srv.Close)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // keep-alive for every parallel client goroutine
	client := &http.Client{Transport: tr}
	b.Cleanup(tr.CloseIdleConnections)
	secret, prefix, hash := auth.NewSecret()
	if _, err := db.CreateToken(fixtureCtx(), fixtureCaller, domain.TokenCreate{Name: "benchmarks", Role: domain.RoleSecretariat}, prefix, hash); err != nil {
		b.Fatalf("token: %v", err)
	}
	return &benchEnv{srv: srv, db: db, client: client, token: secret}
}

// loadSynthetic loads n synthetic observations and analyzes the table, as autovacuum would
// shortly after a bulk load, so that every benchmark sees settled planner statistics.
func (e *benchEnv) loadSynthetic(b *testing.B, n int) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	if err := e.db.LoadSynthetic(ctx, n); err != nil {
		b.Fatalf("LoadSynthetic(%d): %v", n, err)
	}
	loaded := time.Since(start)
	if _, err := e.db.SQL().ExecContext(ctx, `VACUUM (ANALYZE) observations`); err != nil {
		b.Fatalf("vacuum: %v", err)
	}
	b.Logf("loaded %d synthetic observations in %v (%.0f rows/s); vacuum analyze %v",
		n, loaded.Round(time.Millisecond), float64(n)/loaded.Seconds(), (time.Since(start) - loaded).Round(time.Millisecond))
}

// get makes a GET request and returns the body, failing unless the status is 200.
func (e *benchEnv) get(b *testing.B, path string) []byte {
	res, err := e.client.Get(e.srv.URL + path)
	if err != nil {
		b.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatalf("GET %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: status %d: %s", path, res.StatusCode, body)
	}
	return body
}

// getDiscard makes a GET request, discards the body and fails unless the status is 200. It is
// safe to call from RunParallel goroutines (errors are reported with Error, not Fatal).
func (e *benchEnv) getDiscard(b *testing.B, path string) bool {
	res, err := e.client.Get(e.srv.URL + path)
	if err != nil {
		b.Errorf("GET %s: %v", path, err)
		return false
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		b.Errorf("GET %s: status %d, %v", path, res.StatusCode, err)
		return false
	}
	return true
}

// benchHeapSampler records the peak of the heap in use (HeapInuse: live and not yet swept objects
// plus the unused part of in-use spans) from runtime/metrics, which does not stop the world.
type benchHeapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func startBenchHeapSampler(every time.Duration) *benchHeapSampler {
	s := &benchHeapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	read := func() {
		metrics.Read(samples)
		if v := samples[0].Value.Uint64() + samples[1].Value.Uint64(); v > s.peak.Load() {
			s.peak.Store(v)
		}
	}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			read()
			select {
			case <-s.stop:
				read()
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends the sampling and returns the peak in bytes.
func (s *benchHeapSampler) Stop() uint64 {
	close(s.stop)
	<-s.done
	return s.peak.Load()
}

// benchLineCounter counts the newlines written to it.
type benchLineCounter struct{ n int }

func (c *benchLineCounter) Write(p []byte) (int, error) {
	c.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// benchExport streams an export once per iteration, checks its row count and reports rows/s,
// the peak heap during the exports and the bytes allocated per row.
func (e *benchEnv) benchExport(b *testing.B, query string, wantRows int) {
	path := "/v1/observations/export?" + query
	var peak uint64
	var allocated uint64
	var cpu time.Duration
	rows := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC() // start every export from the same settled heap
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		sampler := startBenchHeapSampler(2 * time.Millisecond)
		cpu0 := benchProcessCPU()
		b.StartTimer()

		res, err := e.client.Get(e.srv.URL + path)
		if err != nil {
			b.Fatalf("GET %s: %v", path, err)
		}
		var lines benchLineCounter
		_, err = io.Copy(&lines, res.Body)
		res.Body.Close()

		b.StopTimer()
		cpu += benchProcessCPU() - cpu0
		if p := sampler.Stop(); p > peak {
			peak = p
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		allocated += after.TotalAlloc - before.TotalAlloc
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: status %d, %v", path, res.StatusCode, err)
		}
		got := lines.n
		if res.Header.Get("Content-Type") == "text/csv; charset=utf-8" {
			got-- // the header row
		}
		if got != wantRows {
			b.Fatalf("GET %s: %d rows, want %d", path, got, wantRows)
		}
		rows += got
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(allocated)/float64(rows), "allocB/row")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(rows), "cpu-ns/row")
	}
}

// benchPage is the part of a list page the benchmarks follow.
type benchPage struct {
	Items []struct {
		ID int64 `json:"id"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// walkTo follows next_cursor from the first page of path to page n and returns page n's path.
func (e *benchEnv) walkTo(b *testing.B, path string, n int) string {
	b.Helper()
	page := path
	for i := 1; i < n; i++ {
		var p benchPage
		if err := json.Unmarshal(e.get(b, page), &p); err != nil {
			b.Fatal(err)
		}
		if p.NextCursor == nil {
			b.Fatalf("%s has only %d pages, want %d", path, i, n)
		}
		page = path + "&cursor=" + url.QueryEscape(*p.NextCursor)
	}
	return page
}

// benchGet measures one request at a time: ns/op is the latency.
func (e *benchEnv) benchGet(b *testing.B, path string) {
	e.get(b, path) // warm: connection, prepared statements, caches
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !e.getDiscard(b, path) {
			return
		}
	}
}

// benchGetParallel measures throughput with GOMAXPROCS×4 concurrent clients.
func (e *benchEnv) benchGetParallel(b *testing.B, path string) {
	e.get(b, path)
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !e.getDiscard(b, path) {
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// benchNotModifiedParallel measures, as benchGetParallel does, GETs with the ETag of path's
// answer in If-None-Match, each answered 304 Not Modified.
func (e *benchEnv) benchNotModifiedParallel(b *testing.B, path string) {
	res, err := e.client.Get(e.srv.URL + path)
	if err != nil {
		b.Fatalf("GET %s: %v", path, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	etag := res.Header.Get("ETag")
	if etag == "" {
		b.Fatalf("GET %s: no ETag", path)
	}
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("If-None-Match", etag)
			res, err := e.client.Do(req)
			if err != nil {
				b.Errorf("GET %s: %v", path, err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusNotModified {
				b.Errorf("GET %s with If-None-Match: status %d", path, res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// benchImportCSV writes n import rows of new keys (years from firstYear) for the synthetic
// indicators and cities, generated as they are sent so that the client holds no file.
func benchImportCSV(w io.Writer, n, firstYear int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("city,indicator,year,value,status,quality,provenance\n") //nolint:errcheck // surfaces at Flush
	perYear := postgres.SyntheticIndicators * postgres.SyntheticCities
	buf := make([]byte, 0, 128)
	for i := 0; i < n; i++ {
		buf = buf[:0]
		buf = fmt.Appendf(buf, "synthetic-city-%04d,synthetic-indicator-%02d,", (i/postgres.SyntheticIndicators)%postgres.SyntheticCities,
			i%postgres.SyntheticIndicators)
		buf = strconv.AppendInt(buf, int64(firstYear+i/perYear), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, float64(i%10000)/100, 'f', -1, 64)
		buf = append(buf, ",A,D,synthetic\n"...)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// benchImport posts an import of n new rows per iteration and deletes them again (untimed)
// so that every iteration creates rows rather than updating them.
func (e *benchEnv) benchImport(b *testing.B, n int) {
	const firstYear = 2100 // after the synthetic data's years
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(benchImportCSV(pw, n, firstYear)) }()
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/observations/import", pr)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+e.token)
		res, err := e.client.Do(req)
		if err != nil {
			b.Fatalf("import: %v", err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		b.StopTimer()
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("import: status %d, %v: %.2000s", res.StatusCode, err, body)
		}
		var report domain.ImportReport
		if err := json.Unmarshal(body, &report); err != nil || report.Created != n {
			b.Fatalf("import created %d of %d rows (%v): %.2000s", report.Created, n, err, body)
		}
		if _, err := e.db.SQL().ExecContext(ctx, `DELETE FROM observations WHERE year >= $1`, firstYear); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAPI loads a million synthetic observations once and measures exports, lists,
// get-one reads and imports against them through the HTTP handler.
func BenchmarkAPI(b *testing.B) {
	e := newBenchEnv(b)
	e.loadSynthetic(b, benchRows)

	// Exports: the whole million, and a tenth of it, to show that memory stays flat.
	b.Run("Export/csv/1M", func(b *testing.B) { e.benchExport(b, "format=csv&provenance=synthetic", benchRows) })
	b.Run("Export/ndjson/1M", func(b *testing.B) { e.benchExport(b, "format=ndjson&provenance=synthetic", benchRows) })
	// The synthetic data has 20,000 observations per year from 1950: five years are 100,000.
	b.Run("Export/csv/100k", func(b *testing.B) {
		e.benchExport(b, "format=csv&provenance=synthetic&from=1950&to=1954", 100_000)
	})
	b.Run("Export/ndjson/100k", func(b *testing.B) {
		e.benchExport(b, "format=ndjson&provenance=synthetic&from=1950&to=1954", 100_000)
	})

	// Lists: keyset paging by id, so page 1,000 should cost what page 1 costs.
	list := "/v1/observations?limit=50"
	page1000 := e.walkTo(b, list, 1000)
	b.Run("List/page1", func(b *testing.B) { e.benchGet(b, list) })
	b.Run("List/page1000", func(b *testing.B) { e.benchGet(b, page1000) })
	// latest=true keeps 20,000 of the million (one per city and indicator): 400 pages.
	latest := "/v1/observations?limit=50&latest=true"
	b.Run("List/latest/page1", func(b *testing.B) { e.benchGet(b, latest) })

	// Get-one reads.
	var first benchPage
	if err := json.Unmarshal(e.get(b, list), &first); err != nil || len(first.Items) == 0 {
		b.Fatalf("first page: %v", err)
	}
	city := "/v1/cities/synthetic-city-0421"
	obs := "/v1/observations/" + strconv.FormatInt(first.Items[len(first.Items)/2].ID+123_456, 10)
	b.Run("GetCity", func(b *testing.B) { e.benchGet(b, city) })
	b.Run("GetCity/parallel", func(b *testing.B) { e.benchGetParallel(b, city) })
	b.Run("GetCity/304/parallel", func(b *testing.B) { e.benchNotModifiedParallel(b, city) })
	b.Run("GetObservation", func(b *testing.B) { e.benchGet(b, obs) })
	b.Run("GetObservation/parallel", func(b *testing.B) { e.benchGetParallel(b, obs) })

	// Imports last: each iteration adds rows (and audit rows) and deletes them again.
	b.Run("Import/100k", func(b *testing.B) { e.benchImport(b, benchImportRows) })
}
