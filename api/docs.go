package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"
)

// registerDocs serves the interactive docs at /docs from assets embedded in the binary, so
// that they work with no internet access.
func registerDocs(r chi.Router, limit func(http.Handler) http.Handler) {
	ui := v5emb.NewWithConfig(swgui.Config{
		Title:       "Digital Cities API",
		SwaggerJSON: "/openapi.json",
		BasePath:    "/docs/",
		ShowTopBar:  false,
		SettingsUI:  map[string]string{"validatorUrl": "null"},
	})("Digital Cities API", "/openapi.json", "/docs/")
	// /docs is the page itself (no redirect): the page names its assets under /docs/.
	index := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/docs/"
		ui.ServeHTTP(w, r2)
	})
	r.Get("/docs", limit(index).ServeHTTP)
	r.Mount("/docs/", limit(ui))
}
