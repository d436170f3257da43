package api_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
	"github.com/uclg-digital-cities/digitalcities/migrations"
)

// serveStore is an API instance on the given store, as `digitalcities serve` builds it.
func serveStore(t *testing.T, db *postgres.DB, cfg config.Config) *harness {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	handler, _ := api.New(api.Deps{DB: db, Config: cfg, Logger: log})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, db: db}
}

// withParams returns a postgres:// URL with query parameters added (lib/pq sends unknown ones
// as session settings).
func withParams(t *testing.T, raw string, kv ...string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// backend is one server process of the test's database, as pg_stat_activity shows it.
type backend struct {
	app, query string
	changed    time.Time // state_change: when it last began or ended a statement
}

// activity snapshots the backends of database name, by pid, through a connection of its own.
func activity(t *testing.T, probe *sql.DB, name string) map[int]backend {
	t.Helper()
	rows, err := probe.Query(`SELECT pid, application_name, coalesce(query, ''), coalesce(state_change, 'epoch')
		FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]backend{}
	for rows.Next() {
		var pid int
		var b backend
		if err := rows.Scan(&pid, &b.app, &b.query, &b.changed); err != nil {
			t.Fatal(err)
		}
		out[pid] = b
	}
	return out
}

// busy lists, per application name, the statements that backends of before's database ran
// since the before snapshot (the last one of each backend).
func busy(t *testing.T, probe *sql.DB, name string, before map[int]backend) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for pid, b := range activity(t, probe, name) {
		if old, ok := before[pid]; !ok || b.changed.After(old.changed) {
			out[b.app] = append(out[b.app], strings.Join(strings.Fields(b.query), " "))
		}
	}
	return out
}

// TestReadPool points DATABASE_READ_URL at the same database through another connection string
// (application_name=reads, and read-only sessions, as a replica's are) and checks, in
// pg_stat_activity, which pool each request used: anonymous reads and exports only the read
// pool, writes (and the reads a write makes) only the primary. /readyz checks both pools.
func TestReadPool(t *testing.T) {
	ctx := context.Background()
	name, dbURL := testdb.Create(t)
	readURL := withParams(t, dbURL, "application_name", "reads", "default_transaction_read_only", "on")
	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 4, ReadURL: readURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Prepare(ctx); err != nil {
		t.Fatalf("prepare on both pools: %v", err)
	}
	if !db.HasReadPool() {
		t.Fatal("ReadURL given, but no read pool")
	}
	var app, ro string
	if err := db.ReadSQL().QueryRowContext(ctx, `SELECT current_setting('application_name'), current_setting('default_transaction_read_only')`).Scan(&app, &ro); err != nil || app != "reads" || ro != "on" {
		t.Fatalf("read pool session: application_name %q, read only %q (%v)", app, ro, err)
	}
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"DATABASE_URL": dbURL, "DATABASE_READ_URL": readURL}[k]
	})
	if err != nil || cfg.DatabaseReadURL != readURL {
		t.Fatalf("DATABASE_READ_URL read as %q (%v)", cfg.DatabaseReadURL, err)
	}
	cfg.Limits = generousLimits
	h := serveStore(t, db, cfg)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	if _, err := db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('digital-cities', '{"en": "Digital Cities"}', 'community_of_practice')`); err != nil {
		t.Fatal(err)
	}

	probe, err := sql.Open("postgres", withParams(t, dbURL, "application_name", "probe"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = probe.Close() })

	// Each request, and which pools it may and must use.
	cases := []struct {
		r            req
		status       int
		reads, writs bool // whether the read pool, the primary ran a statement
		readQuery    string
	}{
		{req{method: "GET", path: "/v1/cities?section=europe"}, 200, true, false, "FROM cities"},
		{req{method: "GET", path: "/v1/cities/bilbao"}, 200, true, false, "FROM cities WHERE slug = $1"},
		{req{method: "HEAD", path: "/v1/cities/bilbao"}, 200, true, false, "FROM cities WHERE slug = $1"},
		{req{method: "GET", path: "/v1/observations?city=bilbao"}, 200, true, false, "FROM indicators"}, // an empty page checks its filters
		{req{method: "GET", path: "/v1/observations/export?format=csv"}, 200, true, false, ""},
		{req{method: "GET", path: "/v1/cities/bilbao/scorecard?framework=none"}, 422, true, false, "FROM frameworks"},
		// A token is always checked on the primary (a revocation counts at once); the read
		// itself still goes to the read pool.
		{req{method: "GET", path: "/v1/audit", token: sec}, 200, true, true, "audit_log"},
		{req{method: "PATCH", path: "/v1/cities/bilbao", token: sec, body: `{"population": 345000}`,
			header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}, 200, false, true, ""},
		{req{method: "PATCH", path: "/v1/cities/bilbao", token: sec, body: `{"population": 1}`,
			header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}, 412, false, true, ""},
		{req{method: "POST", path: "/v1/cities", token: sec, body: `{"slug":"porto","name":{"en":"Porto"},"country":"PT","section":"europe"}`,
			header: map[string]string{"Idempotency-Key": "k1"}}, 201, false, true, ""},
		{req{method: "POST", path: "/v1/cities", token: sec, body: `{"slug":"porto","name":{"en":"Porto"},"country":"PT","section":"europe"}`,
			header: map[string]string{"Idempotency-Key": "k1"}}, 201, false, true, ""},
		// A draft pre-filled from the data reads events, studies and commitments before its
		// transaction: a write's reads, on the primary too.
		{req{method: "POST", path: "/v1/reports", token: sec, body: map[string]any{"body": "digital-cities",
			"period": map[string]any{"start": "2021-01-01", "end": "2021-12-31"}, "title": map[string]any{"en": "Work in 2021"},
			"prefill": map[string]any{}}}, 201, false, true, ""},
	}
	for _, c := range cases {
		before := activity(t, probe, name)
		res := h.do(c.r)
		if res.Status != c.status {
			t.Fatalf("%s %s: %d, want %d: %s", c.r.method, c.r.path, res.Status, c.status, res.Body)
		}
		ran := busy(t, probe, name, before)
		if got := len(ran["reads"]) > 0; got != c.reads {
			t.Errorf("%s %s: read pool ran statements %v, want %v: %q", c.r.method, c.r.path, got, c.reads, ran["reads"])
		}
		if got := len(ran["digitalcities"]) > 0; got != c.writs {
			t.Errorf("%s %s: primary ran statements %v, want %v: %q", c.r.method, c.r.path, got, c.writs, ran["digitalcities"])
		}
		if c.readQuery != "" && !strings.Contains(strings.Join(ran["reads"], "\n"), c.readQuery) {
			t.Errorf("%s %s: the read pool's last statements %q do not hold %q", c.r.method, c.r.path, ran["reads"], c.readQuery)
		}
	}
	// A read after the writes sees them (here the "replica" is the primary itself: no lag).
	h.do(req{method: "GET", path: "/v1/cities/porto"}).expect(t, 200)

	// /readyz asks both pools: a read pool that cannot connect makes the instance unready, even
	// though the primary answers and writes still work.
	h.do(req{method: "GET", path: "/readyz"}).expect(t, 200)
	otherName, otherURL := testdb.Create(t)
	broken, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 2, ReadURL: otherURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = broken.Close() })
	if err := broken.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	b := serveStore(t, broken, config.Config{Limits: generousLimits})
	b.do(req{method: "GET", path: "/readyz"}).expect(t, 200)
	if _, err := probe.Exec(`DROP DATABASE ` + otherName + ` WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	b.do(req{method: "GET", path: "/readyz"}).expect(t, 503)
	b.do(req{method: "POST", path: "/v1/cities", token: sec, body: `{"slug":"braga","name":{"en":"Braga"},"country":"PT","section":"europe"}`}).expect(t, 201)
}

// TestTwoInstances runs two API instances, each with its own pools, against one database at
// once, as two machines behind a load balancer: both migrate an empty database together, then
// tokens, Idempotency-Keys and ETags made on one hold on the other. Rate budgets are per
// instance (README, Scaling out): a client gets each instance's budget.
func TestTwoInstances(t *testing.T) {
	ctx := context.Background()
	name, dbURL := testdb.Create(t)
	probe, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = probe.Close() })
	// Start from an empty database, as a first deployment does.
	if _, err := probe.Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}

	// Both instances start at the same moment and migrate: goose's PostgreSQL session lock lets
	// one apply the migrations while the other waits, then finds nothing to do.
	stores := make([]*postgres.DB, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 4})
			if err != nil {
				errs[i] = err
				return
			}
			stores[i] = db
			<-start
			if errs[i] = db.Migrate(ctx); errs[i] == nil {
				errs[i] = db.Prepare(ctx)
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, db := range stores {
		if db != nil {
			t.Cleanup(func() { _ = db.Close() })
		}
		if errs[i] != nil {
			t.Fatalf("instance %d: migrate: %v", i+1, errs[i])
		}
	}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var applied, distinct int
	if err := probe.QueryRow(`SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != len(files) || distinct != len(files) {
		t.Fatalf("%d migrations recorded (%d distinct) in %s, want each of %d once", applied, distinct, name, len(files))
	}

	// Rate budgets live in each instance's memory: two exports a minute here, per instance.
	limits := generousLimits
	limits.ExportsPerMinute = 2
	a := serveStore(t, stores[0], config.Config{Limits: limits})
	b := serveStore(t, stores[1], config.Config{Limits: limits})
	admin, _ := a.token(domain.RoleAdmin)

	// A token created through one instance works on the other at once; revoked on the other,
	// it stops working on the first at once.
	var tok struct {
		ID      int64  `json:"id"`
		Secret  string `json:"secret"`
		Version int    `json:"version"`
	}
	a.do(req{method: "POST", path: "/v1/tokens", token: admin, body: map[string]any{"name": "Study team", "role": "secretariat"}}).expect(t, 201).JSON(t, &tok)
	sec := tok.Secret
	city := func(slug string) string {
		return fmt.Sprintf(`{"slug":%q,"name":{"en":%q},"country":"PT","section":"europe"}`, slug, strings.ToUpper(slug[:1])+slug[1:])
	}
	b.do(req{method: "POST", path: "/v1/cities", token: sec, body: city("porto")}).expect(t, 201)

	// The same Idempotency-Key sent to one instance, then the other, replays the first answer.
	post := func(h *harness, key, body string) *response {
		return h.do(req{method: "POST", path: "/v1/cities", token: sec, body: body, header: map[string]string{"Idempotency-Key": key}})
	}
	first := post(a, "create-braga", city("braga")).expect(t, 201)
	again := post(b, "create-braga", city("braga")).expect(t, 201)
	if string(again.Body) != string(first.Body) || again.Header.Get("ETag") != first.Header.Get("ETag") ||
		again.Header.Get("Location") != first.Header.Get("Location") || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay on the other instance: %v %s\nfirst: %v %s", again.Header, again.Body, first.Header, first.Body)
	}
	post(b, "create-braga", city("faro")).expect(t, 422) // the key names another request on every instance

	// The same key sent to both at once: one city, one audit row; each answer is the created
	// city (first or replayed) or 409 while the other runs.
	for round := range 5 {
		slug := fmt.Sprintf("coimbra%d", round)
		key := "concurrent-" + slug
		var answers [2]*response
		var wg sync.WaitGroup
		for i, h := range []*harness{a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); answers[i] = post(h, key, city(slug)) }()
		}
		wg.Wait()
		created := 0
		for _, r := range answers {
			switch r.Status {
			case 201:
				created++
			case 409:
				r.expect(t, 409)
			default:
				t.Fatalf("concurrent create with one key: %d %s", r.Status, r.Body)
			}
		}
		var rows, audits int
		if err := probe.QueryRow(`SELECT (SELECT count(*) FROM cities WHERE slug = $1), (SELECT count(*) FROM audit_log WHERE resource = 'city' AND resource_id = $1)`, slug).Scan(&rows, &audits); err != nil {
			t.Fatal(err)
		}
		if created == 0 || rows != 1 || audits != 1 {
			t.Fatalf("one key on two instances at once: %d answered 201, %d cities, %d audit rows", created, rows, audits)
		}
	}

	// An ETag read on one instance is honoured by the other: a write through b moves the
	// version, and a stale If-Match through a is refused.
	read := a.do(req{method: "GET", path: "/v1/cities/porto"}).expect(t, 200)
	etag := read.Header.Get("ETag")
	patch := func(h *harness, match, body string) *response {
		return h.do(req{method: "PATCH", path: "/v1/cities/porto", token: sec, body: body,
			header: map[string]string{"If-Match": match, "Content-Type": "application/merge-patch+json"}})
	}
	changed := patch(b, etag, `{"population": 231800}`).expect(t, 200)
	patch(a, etag, `{"population": 1}`).expect(t, 412)
	newTag := changed.Header.Get("ETag")
	if newTag == "" || newTag == etag {
		t.Fatalf("ETag after the change: %q (was %q)", newTag, etag)
	}
	a.do(req{method: "GET", path: "/v1/cities/porto", header: map[string]string{"If-None-Match": newTag}}).expect(t, 304)
	patch(a, newTag, `{"population": 231900}`).expect(t, 200)

	// Revoked through b, the token is refused by a at once (tokens are checked on the primary).
	b.do(req{method: "DELETE", path: "/v1/tokens/" + itoa(tok.ID), token: admin,
		header: map[string]string{"If-Match": fmt.Sprintf(`"v%d"`, tok.Version)}}).expect(t, 200)
	a.do(req{method: "POST", path: "/v1/cities", token: sec, body: city("evora")}).expect(t, 401)

	// Rate budgets are per instance: the same client gets two exports a minute from each.
	export := func(h *harness) int {
		return h.do(req{method: "GET", path: "/v1/observations/export?format=csv"}).Status
	}
	for _, h := range []*harness{a, b} {
		if s1, s2, s3 := export(h), export(h), export(h); s1 != 200 || s2 != 200 || s3 != 429 {
			t.Fatalf("three exports on one instance with a budget of two: %d %d %d", s1, s2, s3)
		}
	}
}
