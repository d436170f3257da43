// Package api is the HTTP layer of the Digital Cities API: Huma operations on a chi router,
// one file per resource, every route registered in routes.go and every error mapped to HTTP
// in errors.go.
package api

import (
	"cmp"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"log/slog"
	"maps"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// Version is the API's version as published in the contract.
const Version = "1.0.0"

// Deps are what the HTTP layer needs from the rest of the service.
type Deps struct {
	DB     *postgres.DB
	Logger *slog.Logger
	Config config.Config
}

// New returns the service's HTTP handler and its Huma API (whose OpenAPI document is the contract).
func New(d Deps) (http.Handler, huma.API) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	router := chi.NewMux()
	l := d.Config.Limits
	limiter := httpx.NewRateLimiter(map[string]int{string(BudgetReads): l.ReadsPerMinute, string(BudgetWrites): l.WritesPerMinute,
		string(BudgetExports): l.ExportsPerMinute, string(BudgetImports): l.ImportsPerMinute,
		httpx.BudgetAuthFailures: l.AuthFailPerMinute}, l.Concurrent)
	// What every request gets, operation or not. Everything that depends on the operation
	// (credentials, authorization, deadlines, budgets, idempotency) is the chain's.
	router.Use(
		httpx.RequestID,
		httpx.AccessLog(d.Logger),
		httpx.RecoverPanics(d.Logger),
		httpx.CORS,
		httpx.CacheControl,
		httpx.Options(router),
		httpx.HeadAsGet,
	)
	router.NotFound(limiter.ByAddress(http.HandlerFunc(notFound)).ServeHTTP)
	router.MethodNotAllowed(limiter.ByAddress(httpx.MethodNotAllowed(router, writeRouterProblem)).ServeHTTP)

	api := humachi.New(router, humaConfig())
	(&chain{api: api, db: d.DB, limiter: limiter, log: d.Logger, timeout: d.Config.RequestTimeout}).install()
	publicBase := d.Config.PublicBaseURL
	if publicBase == "" {
		publicBase = config.DefaultPublicBaseURL(cmp.Or(d.Config.Port, 8080))
	}
	h := &handlers{db: d.DB, log: d.Logger, publicBase: publicBase, exports: newExportSlots(maxExports(d.Config)),
		uploads: newSlots("import upload(s)", maxUploads, 1), imports: make(chan struct{}, maxImports(d.Config)),
		webhooks: d.Config.Webhooks}
	registerRoutes(api, h)
	registerDocs(router, limiter.ByAddress)
	return router, api
}

// handlers holds what every operation needs.
type handlers struct {
	db         *postgres.DB
	log        *slog.Logger
	publicBase string        // PUBLIC_BASE_URL, the start of the links responses carry
	exports    *slots        // bounds the exports streaming at once, in all and per client
	uploads    *slots        // bounds the imports being received and spooled, in all and one per client
	imports    chan struct{} // one token per import writing to the database

	// webhooks say what subscriptions may deliver to (WEBHOOK_ALLOW_PRIVATE).
	webhooks config.Webhooks
}

// maxExports is how many exports may stream at once: a third of the pool, at least two.
func maxExports(c config.Config) int {
	return max(2, c.DBMaxConns/3)
}

// maxUploads is how many imports may be received and spooled at once (each spools at most
// MaxImportBytes to a temporary file); each client may send one at a time.
const maxUploads = 8

// maxImports is how many imports may write to the database at once: a quarter of the pool, at least one.
func maxImports(c config.Config) int {
	return max(1, c.DBMaxConns/4)
}

func humaConfig() huma.Config {
	cfg := huma.DefaultConfig("Digital Cities API", Version)
	cfg.CreateHooks = nil // no $schema field and no describedBy link on every response
	cfg.DocsPath = ""     // /docs is served from embedded assets, see docs.go
	cfg.Info.Description = apiDescription
	// No info.license: nobody has chosen a licence for the data or the code yet, and the contract
	// must not claim one. Published datasets will carry their own licences, one per dataset.
	cfg.Info.Contact = &huma.Contact{Name: "UCLG Community of Practice on Digital Cities"}
	cfg.Servers = []*huma.Server{{URL: "/", Description: "The server that serves this document (production, staging or local)",
		Extensions: map[string]any{"x-internal": false}}}
	// DefaultConfig hands out Huma's package-level map of formats: add to a copy, never to it.
	cfg.Formats = maps.Clone(cfg.Formats)
	for _, ct := range []string{"application/json", "json", "application/merge-patch+json"} {
		cfg.Formats[ct] = localizedJSON // texts in the language asked for (language.go)
	}
	cfg.Transformers = append(cfg.Transformers, localize)
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "dcapi_…", // #nosec G101 -- the documented token format, not a token
			Description: "An API token created by an admin (`digitalcities token create` or `POST /v1/tokens`)."},
	}
	cfg.Tags = []*huma.Tag{
		{Name: "cities", Description: "Local governments and their membership of the Community of Practice."},
		{Name: "network", Description: "UCLG bodies (the Community of Practice on Digital Cities and others), the roles cities and organisations hold in them, and the organisations the Community works with."},
		{Name: "studies", Description: "Editions of the Smart Cities Study and their participating cities."},
		{Name: "indicators", Description: "Indicator frameworks, their dimension trees and indicators."},
		{Name: "observations", Description: "Per-city values of indicators, with flags, notes, verification and history; bulk import and streaming export."},
		{Name: "trends", Description: "Smart-governance technology trends and each city's adoption of them, year by year."},
		{Name: "events", Description: "Collaboration events (learning events, panels, congress sessions, annual events, webinars) and their iCalendar feeds."},
		{Name: "analysis", Description: "Scorecards, rankings and comparisons computed from observations, and the trend ranking computed from adoption records."},
		{Name: "reports", Description: "Progress reports to the UCLG World Secretariat, their workflow and frozen versions, and the commitments they follow up."},
		{Name: "open-data", Description: "Published datasets, their immutable releases in CSV, NDJSON, JSON, XLSX and Parquet, and the catalogs harvesters read (DCAT-AP, Project Open Data, Frictionless, CSV on the Web, schema.org)."},
		{Name: "changes", Description: "The change feed of the public data, and webhook subscriptions driven by it."},
		{Name: "tokens", Description: "API tokens (admins only)."},
		{Name: "audit", Description: "The audit trail of every write (secretariat and admins)."},
		{Name: "health", Description: "Liveness and readiness probes."},
	}
	return cfg
}
