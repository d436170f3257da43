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
	r.Get("/docs", limit(http.RedirectHandler("/docs/", http.StatusMovedPermanently)).ServeHTTP)
	r.Mount("/docs/", limit(ui))
}
