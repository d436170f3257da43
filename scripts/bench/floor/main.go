// Command floor is the benchmark floor of `make bench` (scripts/bench.sh): the fewest layers
// that can serve the API's hottest reads — net/http, database/sql and lib/pq, nothing else of
// ours — running the API store's own SQL (sql.go) through a pool of the API's size with prepared
// statements, and answering the same JSON and CSV. The API with all its middleware is measured
// against it: what the floor does not pay for (routing, validation, the policy chain, rate limits,
// logging) is the API's overhead.
//
// It serves, on $FLOOR_ADDR (default 127.0.0.1:18081), against $DATABASE_URL:
//
//	GET /v1/cities/{slug}            one city (ETag, If-None-Match → 304)
//	GET /v1/observations             a page by id (city, indicator, framework, dimension, edition,
//	                                 from, to, status, verification, provenance, updated_since,
//	                                 limit, cursor), with next_cursor as the API writes it
//	GET /v1/observations/export      the same filters, streamed as CSV (format=csv) or NDJSON
//
// and prints, for the benchmark's pgbench and psql runs, the same SQL with a request's values
// written in:
//
//	floor sql city SLUG      GetCity's statement
//	floor sql page QUERY     a page's statement for a query string such as city=x&limit=50
//	floor sql export QUERY   an export's statement, on one line (for psql's \copy)
//
// It is a measuring instrument, not a server to deploy: it checks parameters only as far as
// turning them into SQL arguments needs.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "sql" {
		if err := printSQL(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(2)
		}
		return
	}
	if err := serve(); err != nil {
		log.Fatal("floor: ", err)
	}
}

// filter holds the filters of a page, as the API reads them from the query string.
type filter struct {
	cities, indicators       []string
	framework, dimension     string
	edition, from, to        *int
	status                   []string
	verification, provenance string
	updatedSince             *time.Time
	afterID                  int64
	limit                    int
}

// domain is the filter as the store takes it, one row more than the page (to tell whether a
// next page exists), or every row for an export; since is updated_since as the store resolved it.
func (f *filter) domain(export bool, since *domain.SyncPoint) domain.ObservationFilter {
	d := domain.ObservationFilter{Cities: f.cities, Indicators: f.indicators, Framework: f.framework,
		Dimension: f.dimension, Edition: f.edition, From: f.from, To: f.to, Status: f.status,
		Verification: f.verification, Provenance: f.provenance, UpdatedSince: since,
		AfterID: f.afterID, Limit: f.limit + 1}
	if export {
		d.AfterID, d.Limit = 0, 0
	}
	return d
}

// query is the store's SQL for the filter, decided with the database as the store decides it.
func (s *server) query(ctx context.Context, f *filter, export bool) (string, []any, error) {
	return pageSQL(ctx, s.sqlx, f, export)
}

// pageSQL is the store's SQL for the filter, decided with q: updated_since resolved to the
// transaction its changes start from, then the page's or export's query.
func pageSQL(ctx context.Context, q sqlx.QueryerContext, f *filter, export bool) (string, []any, error) {
	var since *domain.SyncPoint
	if f.updatedSince != nil {
		var err error
		if since, err = postgres.SyncPointAt(ctx, q, *f.updatedSince); err != nil {
			return "", nil, err
		}
	}
	return postgres.ObservationPageSQL(ctx, q, f.domain(export, since))
}

// parseFilter reads the API's filter parameters from a query string.
func parseFilter(q url.Values) (*filter, error) {
	f := &filter{limit: 50}
	list := func(k string) []string {
		if v := q.Get(k); v != "" {
			return strings.Split(v, ",")
		}
		return nil
	}
	num := func(k string) (*int, error) {
		v := q.Get(k)
		if v == "" {
			return nil, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("%s: not a whole number", k)
		}
		return &n, nil
	}
	f.cities, f.indicators, f.status = list("city"), list("indicator"), list("status")
	f.framework, f.dimension = q.Get("framework"), q.Get("dimension")
	f.verification, f.provenance = q.Get("verification"), q.Get("provenance")
	var err error
	if f.edition, err = num("edition"); err != nil {
		return nil, err
	}
	if f.from, err = num("from"); err != nil {
		return nil, err
	}
	if f.to, err = num("to"); err != nil {
		return nil, err
	}
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, errors.New("updated_since: not an RFC 3339 time")
		}
		f.updatedSince = &t
	}
	if v := q.Get("limit"); v != "" {
		if f.limit, err = strconv.Atoi(v); err != nil || f.limit < 1 || f.limit > 500 {
			return nil, errors.New("limit: 1 to 500")
		}
	}
	if v := q.Get("cursor"); v != "" {
		if f.afterID, err = decodeCursor(v); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// The API's id cursor: base64url (unpadded) of {"s":"id","v":"","id":"<id>"}.
type cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v"`
	ID    string `json:"id"`
}

func encodeCursor(id int64) string {
	b, _ := json.Marshal(cursor{Sort: "id", ID: strconv.FormatInt(id, 10)})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Sort != "id" {
		return 0, errors.New("cursor: not an id cursor")
	}
	return strconv.ParseInt(c.ID, 10, 64)
}

// text is a text in UCLG's languages, as stored; the floor answers its English, as the API does
// when no language is asked for.
type text struct {
	EN string `json:"en"`
	FR string `json:"fr,omitempty"`
	ES string `json:"es,omitempty"`
}

type city struct {
	Slug             string    `json:"slug"`
	Name             string    `json:"name"` // in English, as the API answers without a language
	Country          string    `json:"country"`
	Section          string    `json:"section"`
	MetropolisMember *bool     `json:"metropolis_member"`
	Population       *int64    `json:"population"`
	PopulationYear   *int      `json:"population_year"`
	Latitude         *float64  `json:"latitude"`
	Longitude        *float64  `json:"longitude"`
	Website          *string   `json:"website"`
	OpenDataPortal   *string   `json:"open_data_portal"`
	CopMember        bool      `json:"cop_member"`
	CopRole          *string   `json:"cop_role"`
	Provenance       string    `json:"provenance"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

type observation struct {
	ID           int64     `json:"id"`
	Indicator    string    `json:"indicator"`
	City         string    `json:"city"`
	Year         int       `json:"year"`
	Edition      *int      `json:"edition"`
	Value        any       `json:"value"`
	Status       string    `json:"status"`
	Quality      *string   `json:"quality"`
	Source       *string   `json:"source"`
	Footnote     *string   `json:"footnote"`
	Provenance   string    `json:"provenance"`
	ValueType    string    `json:"value_type"`
	Verification string    `json:"verification"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	number       *float64
	boolean      *bool
	text         *string
}

// scan reads a row of observationsSQL and types its value as the API does.
func (o *observation) scan(rows *sql.Rows) error {
	*o = observation{}
	err := rows.Scan(&o.ID, &o.Indicator, &o.City, &o.Year, &o.Edition, &o.number, &o.boolean, &o.text, &o.Status,
		&o.Quality, &o.Source, &o.Footnote, &o.Verification, &o.Provenance, &o.Version, &o.CreatedAt, &o.UpdatedAt,
		&o.ValueType)
	switch {
	case o.ValueType == "boolean" && o.boolean != nil:
		o.Value = *o.boolean
	case (o.ValueType == "ordinal" || o.ValueType == "text") && o.text != nil:
		o.Value = *o.text
	case o.ValueType != "boolean" && o.ValueType != "ordinal" && o.ValueType != "text" && o.number != nil:
		o.Value = *o.number
	}
	return err
}

type server struct {
	city *sql.Stmt
	db   *sql.DB
	sqlx *sqlx.DB // the same pool, for the store's query builder

	mu    sync.Mutex
	pages map[string]*sql.Stmt // the pages' prepared statements, by SQL, as the store keeps them
}

// page runs a page's SQL as the store does: prepared, once per text, unless the store runs it
// unprepared (postgres.PreparesPage).
func (s *server) page(ctx context.Context, f *filter, query string, args []any) (*sql.Rows, error) {
	if !postgres.PreparesPage(f.domain(false, nil)) {
		return s.db.QueryContext(ctx, query, args...) // #nosec G701 -- the store's SQL: request values are placeholder arguments
	}
	s.mu.Lock()
	st := s.pages[query]
	s.mu.Unlock()
	if st == nil {
		prepared, err := s.db.PrepareContext(ctx, query) // #nosec G701 -- the store's SQL: request values are placeholder arguments
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		if st = s.pages[query]; st == nil {
			s.pages[query], st = prepared, prepared
		} else {
			_ = prepared.Close()
		}
		s.mu.Unlock()
	}
	return st.QueryContext(ctx, args...)
}

func serve() error {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		return errors.New("DATABASE_URL is not set")
	}
	// The API's session settings (internal/postgres.Open) and pool size (DB_MAX_CONNS, 12).
	u, err := url.Parse(dsn)
	if err != nil {
		return errors.New("DATABASE_URL is not a URL")
	}
	q := u.Query()
	q.Set("statement_timeout", "15000")
	q.Set("timezone", "UTC")
	q.Set("application_name", "bench-floor")
	q.Set("random_page_cost", "1.1")
	u.RawQuery = q.Encode()
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	conns := 12
	if v := os.Getenv("DB_MAX_CONNS"); v != "" {
		if conns, err = strconv.Atoi(v); err != nil || conns < 1 {
			return errors.New("DB_MAX_CONNS must be a positive whole number")
		}
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := &server{db: db, sqlx: sqlx.NewDb(db, "postgres"), pages: make(map[string]*sql.Stmt)}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{{&s.city, citySQL}} {
		if *p.stmt, err = db.PrepareContext(ctx, p.sql); err != nil {
			return err
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/cities/{slug}", s.getCity)
	mux.HandleFunc("GET /v1/observations", s.listObservations)
	mux.HandleFunc("GET /v1/observations/export", s.exportObservations)
	addr := os.Getenv("FLOOR_ADDR")
	if addr == "" {
		addr = "127.0.0.1:18081"
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// fail answers 503 and logs why, unless the client went away (wrk closes its connections
// mid-request when its time is up).
func fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	if r.Context().Err() == nil {
		log.Printf("floor: %s: %v", what, err)
	}
	http.Error(w, "database error", http.StatusServiceUnavailable)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	b = append(b, '\n') // as the API writes it (json.Encoder), so that both send the same bytes
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client may be gone
}

func (s *server) getCity(w http.ResponseWriter, r *http.Request) {
	var c city
	var name []byte
	err := s.city.QueryRowContext(r.Context(), r.PathValue("slug")).Scan(&c.Slug, &name, &c.Country, &c.Section,
		&c.MetropolisMember, &c.Population, &c.PopulationYear, &c.Latitude, &c.Longitude, &c.Website,
		&c.OpenDataPortal, &c.CopMember, &c.CopRole, &c.Provenance, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		http.NotFound(w, r)
		return
	}
	if err == nil {
		var t text
		err = json.Unmarshal(name, &t)
		c.Name = t.EN
	}
	if err != nil {
		fail(w, r, "city", err)
		return
	}
	etag := `"v` + strconv.Itoa(c.Version) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, &c)
}

type page struct {
	Items      []observation `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

func (s *server) listObservations(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	query, args, err := s.query(r.Context(), f, false)
	if err != nil {
		fail(w, r, "page", err)
		return
	}
	rows, err := s.page(r.Context(), f, query, args)
	if err != nil {
		fail(w, r, "page", err)
		return
	}
	defer rows.Close()
	p := page{Items: make([]observation, 0, f.limit+1)}
	for rows.Next() {
		var o observation
		if err := o.scan(rows); err != nil {
			fail(w, r, "page", err)
			return
		}
		p.Items = append(p.Items, o)
	}
	if err := rows.Err(); err != nil {
		fail(w, r, "page", err)
		return
	}
	if len(p.Items) > f.limit {
		p.Items = p.Items[:f.limit]
		next := encodeCursor(p.Items[f.limit-1].ID)
		p.NextCursor = &next
		q := r.URL.Query()
		q.Set("cursor", next)
		w.Header().Set("Link", "</v1/observations?"+q.Encode()+`>; rel="next"`)
	}
	writeJSON(w, http.StatusOK, &p)
}

var exportColumns = []string{"id", "indicator", "city", "year", "edition", "value", "status", "quality", "source",
	"footnote", "provenance", "value_type", "verification", "version", "created_at", "updated_at"}

// neutralise is the API's CSV cell rule (internal/domain/csvcell.go): a text that a spreadsheet
// would run as a formula gets one more ' in front.
func neutralise(s string) string {
	t := strings.TrimLeft(s, "'")
	if t != "" && strings.IndexByte("=+-@\t\r", t[0]) >= 0 {
		return "'" + s
	}
	return s
}

func (s *server) exportObservations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "ndjson" {
		http.Error(w, "format: csv or ndjson", http.StatusBadRequest)
		return
	}
	f, err := parseFilter(q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	query, args, err := s.query(r.Context(), f, true)
	if err != nil {
		fail(w, r, "export", err)
		return
	}
	rows, err := s.db.QueryContext(r.Context(), query, args...) // #nosec G701 -- the store's SQL: request values are placeholder arguments
	if err != nil {
		fail(w, r, "export", err)
		return
	}
	defer rows.Close()
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/x-ndjson")
	}
	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if format == "csv" {
		_ = cw.Write(exportColumns) // errors surface at flush
	}
	rec := make([]string, len(exportColumns))
	opt := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	n := 0
	var o observation
	for rows.Next() {
		if err := o.scan(rows); err != nil {
			panic(http.ErrAbortHandler) // never let a truncated file pass for a whole one
		}
		if format == "ndjson" {
			if err := enc.Encode(&o); err != nil {
				return
			}
		} else {
			rec[0], rec[1], rec[2], rec[3] = strconv.FormatInt(o.ID, 10), o.Indicator, o.City, strconv.Itoa(o.Year)
			rec[4] = ""
			if o.Edition != nil {
				rec[4] = strconv.Itoa(*o.Edition)
			}
			switch v := o.Value.(type) {
			case float64:
				rec[5] = strconv.FormatFloat(v, 'f', -1, 64)
			case bool:
				rec[5] = strconv.FormatBool(v)
			case string:
				rec[5] = neutralise(v)
			default:
				rec[5] = ""
			}
			rec[6], rec[7], rec[8], rec[9] = o.Status, opt(o.Quality), neutralise(opt(o.Source)), neutralise(opt(o.Footnote))
			rec[10], rec[11], rec[12] = o.Provenance, o.ValueType, o.Verification
			rec[13] = strconv.Itoa(o.Version)
			rec[14], rec[15] = o.CreatedAt.UTC().Format(time.RFC3339Nano), o.UpdatedAt.UTC().Format(time.RFC3339Nano)
			_ = cw.Write(rec) // errors surface at flush
		}
		if n++; n%5000 == 0 { // the API's flushEvery
			cw.Flush()
			if err := bw.Flush(); err != nil {
				return // the client is gone
			}
			_ = rc.Flush()
		}
	}
	if rows.Err() != nil {
		panic(http.ErrAbortHandler)
	}
	cw.Flush()
	_ = bw.Flush() // the client may be gone
}

// printSQL prints a statement with a request's values written in as literals, for pgbench
// scripts (which cannot pass NULL or arrays as variables) and psql's \copy. Pages and exports
// are the store's SQL, decided with the database at DATABASE_URL.
func printSQL(args []string) error {
	if len(args) != 2 {
		return errors.New("usage: floor sql city SLUG | floor sql page QUERY | floor sql export QUERY")
	}
	switch args[0] {
	case "city":
		fmt.Println(bind(citySQL, []string{literal(args[1])}) + ";")
		return nil
	case "page", "export":
		q, err := url.ParseQuery(args[1])
		if err != nil {
			return err
		}
		f, err := parseFilter(q)
		if err != nil {
			return err
		}
		db, err := sqlx.Open("postgres", os.Getenv("DATABASE_URL"))
		if err != nil {
			return err
		}
		defer db.Close()
		query, qargs, err := pageSQL(context.Background(), db, f, args[0] == "export")
		if err != nil {
			return err
		}
		lits := make([]string, len(qargs))
		for i, a := range qargs {
			if lits[i], err = sqlLiteral(a); err != nil {
				return err
			}
		}
		out := bind(query, lits)
		if args[0] == "page" {
			fmt.Println(out + ";")
		} else {
			fmt.Println(strings.Join(strings.Fields(out), " "))
		}
		return nil
	}
	return fmt.Errorf("unknown statement %q", args[0])
}

// sqlLiteral writes an argument of the store's SQL as a literal.
func sqlLiteral(a any) (string, error) {
	switch v := a.(type) {
	case nil:
		return "NULL", nil
	case string:
		return literal(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case time.Time:
		return literal(v.Format(time.RFC3339Nano)) + "::timestamptz", nil
	case driver.Valuer: // text arrays
		val, err := v.Value()
		if err != nil {
			return "", err
		}
		s, ok := val.(string)
		if !ok {
			return "", fmt.Errorf("argument %T", a)
		}
		return literal(s) + "::text[]", nil
	}
	return "", fmt.Errorf("argument of type %T", a)
}

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// bind replaces $1 … $n with the literals, from the highest number down so that $1 never eats
// the start of $12.
func bind(query string, lits []string) string {
	for i := len(lits); i >= 1; i-- {
		query = strings.ReplaceAll(query, "$"+strconv.Itoa(i), "("+lits[i-1]+")")
	}
	return query
}
