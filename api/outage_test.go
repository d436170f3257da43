package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// outageRequestTimeout is the API's request deadline in the outage test; clients give up a
// little after it, and a client that has to give up is a hang.
const outageRequestTimeout = 3 * time.Second

// maxRecovery bounds the time from PostgreSQL accepting connections again to the API's first
// acknowledged write, without any restart of the API.
const maxRecovery = 10 * time.Second

// outcome is one request the load made during the test.
type outcome struct {
	kind       string // "write", "list" or "readyz"
	slug       string // the city a write tried to create
	start, end time.Time
	status     int
	header     http.Header
	body       []byte
	err        error
}

// TestDatabaseOutage restarts, stops (fast, and immediate: a crash) and freezes a private PostgreSQL cluster under concurrent
// writes and reads and checks what clients see: 503 problems with Retry-After and never a
// 500, a 401 or a hang; /readyz reporting the outage; recovery within seconds of PostgreSQL's
// return; and, in the database, every acknowledged write exactly once with its audit row.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	began := time.Now()
	cluster := startCluster(t)
	ctx := context.Background()
	dbURL := cluster.URL("digitalcities")
	if err := postgres.EnsureDatabase(ctx, dbURL); err != nil {
		t.Fatalf("ensure database: %v", err)
	}
	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 8, ConnectTimeout: 2 * time.Second,
		StatementTimeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := db.Prepare(ctx); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	logs := &tailWriter{max: 40}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	handler, _ := api.New(api.Deps{DB: db, Logger: log,
		Config: config.Config{Limits: generousLimits, RequestTimeout: outageRequestTimeout}})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last service log lines:\n%s", logs.String())
		}
	})
	h := &harness{t: t, srv: srv, db: db}
	token, _ := h.token(domain.RoleSecretariat)
	client := &http.Client{
		Timeout:   outageRequestTimeout + 2*time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 32, DialContext: (&net.Dialer{Timeout: time.Second}).DialContext},
	}
	t.Cleanup(client.CloseIdleConnections)
	t.Logf("private cluster on port %d (%s), ready after %s", cluster.port, cluster.bin, time.Since(began).Round(time.Millisecond))

	var all []outcome
	for _, mode := range []string{"fast", "immediate"} {
		all = append(all, outagePhase(t, cluster, client, srv.URL, token, "restart-"+mode, func() (down, up time.Time) {
			cluster.Restart(mode)
			return time.Time{}, time.Now()
		})...)
		all = append(all, outagePhase(t, cluster, client, srv.URL, token, "stop-"+mode, func() (down, up time.Time) {
			cluster.Stop(mode)
			down = time.Now()
			// The database is certainly unreachable now: readiness must say so.
			r := get(client, srv.URL+"/readyz", "")
			if r.err != nil || r.status != http.StatusServiceUnavailable {
				t.Errorf("stop-%s: /readyz with the database stopped: %d %v", mode, r.status, r.err)
			}
			time.Sleep(2 * time.Second)
			cluster.Start()
			return down, time.Now()
		})...)
	}
	// A server that stops answering without closing anything: queries neither fail nor end,
	// and only the request deadline can answer the client.
	all = append(all, outagePhase(t, cluster, client, srv.URL, token, "freeze", func() (down, up time.Time) {
		cluster.Freeze()
		down = time.Now()
		r := get(client, srv.URL+"/readyz", "")
		if r.err != nil || r.status != http.StatusServiceUnavailable {
			t.Errorf("freeze: /readyz with the database frozen: %d %v", r.status, r.err)
		}
		time.Sleep(time.Until(down.Add(outageRequestTimeout + 1500*time.Millisecond)))
		cluster.Thaw()
		return down, time.Now()
	})...)

	// Nothing is left checked out of the pool once the load has stopped.
	deadline := time.Now().Add(2 * time.Second)
	for db.SQL().Stats().InUse > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := db.SQL().Stats().InUse; n > 0 {
		t.Errorf("%d database connections still in use after the load stopped", n)
	}

	checkWritesInDatabase(t, db, all)
	t.Logf("TestDatabaseOutage took %s", time.Since(began).Round(time.Millisecond))
}

// outagePhase runs the load, disrupts the database with disrupt (which returns when PostgreSQL
// stopped, if it reports that, and when it was back), waits for the first acknowledged write
// and checks every response of the phase.
func outagePhase(t *testing.T, cluster *pgCluster, client *http.Client, base, token, name string,
	disrupt func() (down, up time.Time)) []outcome {
	t.Helper()
	var (
		mu       sync.Mutex
		outcomes []outcome
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	record := func(o outcome) {
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	loop := func(fn func(n int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				fn(n)
				time.Sleep(15 * time.Millisecond)
			}
		}()
	}
	for w := 0; w < 4; w++ {
		loop(func(n int) {
			slug := fmt.Sprintf("outage-%s-w%d-%d", name, w, n)
			o := post(client, base+"/v1/cities", token, map[string]any{"slug": slug,
				"name": map[string]any{"en": "Outage test " + slug}, "country": "ES", "section": "europe",
				"provenance": "synthetic"})
			o.slug = slug
			record(o)
		})
	}
	loop(func(n int) {
		// Anonymous and authenticated reads: the token lookup needs the database too.
		tok := ""
		if n%2 == 1 {
			tok = token
		}
		o := get(client, base+"/v1/cities?limit=5", tok)
		o.kind = "list"
		record(o)
	})
	loop(func(int) {
		o := get(client, base+"/readyz", "")
		o.kind = "readyz"
		record(o)
	})

	time.Sleep(400 * time.Millisecond) // traffic before the outage
	outageStart := time.Now()
	down, up := disrupt()
	ready := cluster.ReadyAt()
	if ready.Before(outageStart) {
		ready = up // the server did not restart (freeze)
	}
	// firstWriteAfter is when the first write acknowledged after t ended (zero if none).
	firstWriteAfter := func(t time.Time) (first time.Time) {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range outcomes {
			if o.kind == "write" && o.status == http.StatusCreated && o.end.After(t) &&
				(first.IsZero() || o.end.Before(first)) {
				first = o.end
			}
		}
		return first
	}
	for wait := time.Now().Add(maxRecovery + 5*time.Second); time.Now().Before(wait); time.Sleep(10 * time.Millisecond) {
		if !firstWriteAfter(up).IsZero() {
			break
		}
	}
	time.Sleep(400 * time.Millisecond) // traffic after the recovery
	close(stop)
	wg.Wait()

	// Recovery is asserted from pg_ctl's return; it is also reported from the moment the
	// server logged that it was ready, which pg_ctl notices only at its next poll.
	recovered := firstWriteAfter(ready)
	if afterCtl := firstWriteAfter(up); afterCtl.IsZero() {
		t.Errorf("%s: no write acknowledged within %s of PostgreSQL's return", name, maxRecovery+5*time.Second)
		recovered = time.Now()
	} else if d := afterCtl.Sub(up); d > maxRecovery {
		t.Errorf("%s: first acknowledged write %s after pg_ctl returned, want under %s", name, d, maxRecovery)
	}

	// The outage as clients saw it: from the first request that failed to the first write
	// acknowledged after PostgreSQL's return.
	firstFailure := recovered
	for _, o := range outcomes {
		if !o.start.Before(outageStart) && o.status != http.StatusOK && o.status != http.StatusCreated &&
			o.start.Before(firstFailure) {
			firstFailure = o.start
		}
	}

	// Every response of the phase: 2xx, or a 503 problem with Retry-After; within the deadline.
	var slowest time.Duration
	during := map[string]map[int]int{}
	for _, o := range outcomes {
		if d := o.end.Sub(o.start); d > slowest {
			slowest = d
		}
		checkOutcome(t, name, o)
		if !o.start.Before(firstFailure) && o.start.Before(recovered) {
			if during[o.kind] == nil {
				during[o.kind] = map[int]int{}
			}
			during[o.kind][o.status]++
		}
		if o.kind == "readyz" && !down.IsZero() && o.start.After(down) && o.end.Before(ready) {
			if o.status != http.StatusServiceUnavailable {
				t.Errorf("%s: /readyz answered %d while PostgreSQL was down", name, o.status)
			}
		}
	}
	// Writes carry a token, so the outage reached them first in the token lookup: that must be a
	// 503 (checkOutcome already refuses a 401), and the phase must have seen it at all.
	if during["write"][http.StatusServiceUnavailable] == 0 {
		t.Errorf("%s: no authenticated write saw the outage", name)
	}
	var acked int
	for _, o := range outcomes {
		if o.kind == "write" && o.status == http.StatusCreated {
			acked++
		}
	}
	t.Logf("%-17s disruption took %-6s clients saw errors for %-6s first 201 %-5s after pg_ctl (or the thaw) returned, %-5s after the server was ready | during the outage: writes %s, lists %s, readyz %s | phase: %d requests, %d writes acknowledged, slowest %s",
		name, up.Sub(outageStart).Round(time.Millisecond), recovered.Sub(firstFailure).Round(time.Millisecond),
		firstWriteAfter(up).Sub(up).Round(time.Millisecond), recovered.Sub(ready).Round(time.Millisecond),
		statusCounts(during["write"]), statusCounts(during["list"]), statusCounts(during["readyz"]),
		len(outcomes), acked, slowest.Round(time.Millisecond))
	return outcomes
}

// checkOutcome fails the test for a hang, a dropped connection, or any answer other than a 2xx
// or a well-formed 503 problem with Retry-After and no driver text.
func checkOutcome(t *testing.T, phase string, o outcome) {
	t.Helper()
	what := fmt.Sprintf("%s: %s %s", phase, o.kind, o.slug)
	var ne net.Error
	switch {
	case o.err != nil && errors.As(o.err, &ne) && ne.Timeout():
		t.Errorf("%s hung: no answer within %s (request deadline %s): %v", what, o.end.Sub(o.start), outageRequestTimeout, o.err)
		return
	case o.err != nil:
		t.Errorf("%s: %v", what, o.err)
		return
	case o.end.Sub(o.start) > outageRequestTimeout+time.Second:
		t.Errorf("%s took %s, beyond the request deadline %s", what, o.end.Sub(o.start), outageRequestTimeout)
	}
	if o.header.Get("X-Request-Id") == "" {
		t.Errorf("%s: %d without X-Request-Id", what, o.status)
	}
	if o.status >= 200 && o.status < 300 {
		if o.kind == "write" && o.status != http.StatusCreated {
			t.Errorf("%s: %d, want 201", what, o.status)
		}
		return
	}
	if o.status != http.StatusServiceUnavailable {
		t.Errorf("%s: %d, want 2xx or 503: %s", what, o.status, o.body)
		return
	}
	if ct := o.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: 503 with Content-Type %q", what, ct)
	}
	if o.header.Get("Retry-After") == "" {
		t.Errorf("%s: 503 without Retry-After", what)
	}
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(o.body, &p); err != nil || p.Status != 503 || p.Title == "" {
		t.Errorf("%s: 503 body is not a problem document: %s", what, o.body)
	}
	low := strings.ToLower(string(o.body))
	for _, s := range []string{"pq:", "sql", "select", "insert", "dial tcp", "connection refused", "eof", "goroutine", ".go:"} {
		if strings.Contains(low, s) {
			t.Errorf("%s: 503 body leaks %q: %s", what, s, o.body)
		}
	}
}

// checkWritesInDatabase compares the acknowledged writes with the database: each one is there
// exactly once, nothing is there that was not attempted, and each city has exactly one create
// in the audit trail and each create in the trail a city (they share a transaction).
func checkWritesInDatabase(t *testing.T, db *postgres.DB, all []outcome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var rows []struct {
		Slug   string `db:"slug"`
		Cities int    `db:"cities"`
		Audits int    `db:"audits"`
	}
	err := db.SQL().SelectContext(ctx, &rows, `
		WITH c AS (SELECT slug, count(*) AS n FROM cities GROUP BY slug),
		     a AS (SELECT resource_id AS slug, count(*) AS n FROM audit_log
		           WHERE resource = 'city' AND action = 'create' GROUP BY resource_id)
		SELECT coalesce(c.slug, a.slug) AS slug, coalesce(c.n, 0) AS cities, coalesce(a.n, 0) AS audits
		FROM c FULL JOIN a ON a.slug = c.slug`)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	inDB := map[string]int{}
	for _, r := range rows {
		inDB[r.Slug] = r.Cities
		if r.Cities != 1 || r.Audits != 1 {
			t.Errorf("city %s: %d rows and %d create audit rows, want 1 and 1", r.Slug, r.Cities, r.Audits)
		}
	}
	attempted := map[string]int{}
	acked, ambiguous := 0, 0
	for _, o := range all {
		if o.kind != "write" {
			continue
		}
		attempted[o.slug] = o.status
		switch {
		case o.status == http.StatusCreated:
			acked++
			if inDB[o.slug] != 1 {
				t.Errorf("acknowledged city %s is in the database %d times", o.slug, inDB[o.slug])
			}
		case inDB[o.slug] > 0:
			ambiguous++ // committed, but the answer was lost with the connection: allowed
		}
	}
	for slug := range inDB {
		if _, ok := attempted[slug]; !ok {
			t.Errorf("city %s is in the database but was never written", slug)
		}
	}
	t.Logf("database after all outages: %d cities, %d writes attempted, %d acknowledged, %d answered 503 but committed",
		len(inDB), len(attempted), acked, ambiguous)
}

func post(client *http.Client, url, token string, body any) outcome {
	b, _ := json.Marshal(body)
	r, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	o := send(client, r)
	o.kind = "write"
	return o
}

func get(client *http.Client, url, token string) outcome {
	r, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return send(client, r)
}

func send(client *http.Client, r *http.Request) outcome {
	o := outcome{start: time.Now()}
	res, err := client.Do(r)
	if err == nil {
		o.status, o.header = res.StatusCode, res.Header
		o.body, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	o.err, o.end = err, time.Now()
	return o
}

// statusCounts formats counts by status as "201×12 503×40".
func statusCounts(m map[int]int) string {
	if len(m) == 0 {
		return "none"
	}
	var codes []int
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", c, m[c]))
	}
	return strings.Join(parts, " ")
}

// tailWriter keeps the last lines the service logged, to show when the test fails.
type tailWriter struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (w *tailWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, strings.TrimSpace(string(b)))
	if len(w.lines) > w.max {
		w.lines = w.lines[len(w.lines)-w.max:]
	}
	return len(b), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.lines, "\n")
}
