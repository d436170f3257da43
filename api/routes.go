package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// Security requirements: anonymous or with a token, and token required.
var (
	optionalAuth = []map[string][]string{{}, {"bearer": {}}}
	anonymous    = []map[string][]string{{}}
	requiredAuth = []map[string][]string{{"bearer": {}}}
)

// Documented error statuses per kind of operation (every operation may also answer 429 and 5xx).
var (
	readErrors  = []int{http.StatusUnauthorized, http.StatusUnprocessableEntity}
	getErrors   = []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity}
	writeErrors = []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity}
	createErrs  = append(writeErrors, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	changeErrs  = append(writeErrors, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed,
		http.StatusPreconditionRequired, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	alwaysErrors = []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}
)

// registerRoutes is the one place where every operation of the API is registered.
func registerRoutes(api huma.API, h *handlers) {
	// Health
	register(api, h, op("get-livez", http.MethodGet, "/livez", "Liveness probe", "health", nil, nil), h.livez)
	register(api, h, op("get-readyz", http.MethodGet, "/readyz", "Readiness probe (database reachable)", "health", nil, nil), h.readyz)

	// Cities
	register(api, h, op("list-cities", http.MethodGet, "/v1/cities", "List cities", "cities", optionalAuth, readErrors), h.listCities)
	register(api, h, op("get-city", http.MethodGet, "/v1/cities/{slug}", "Get a city", "cities", optionalAuth, getErrors), h.getCity)
	register(api, h, withStatus(op("create-city", http.MethodPost, "/v1/cities", "Create a city (secretariat)", "cities", requiredAuth, createErrs), http.StatusCreated), h.createCity)
	register(api, h, op("update-city", http.MethodPut, "/v1/cities/{slug}", "Replace a city (secretariat, or an editor of the city)", "cities", requiredAuth, changeErrs), h.updateCity)
	register(api, h, op("patch-city", http.MethodPatch, "/v1/cities/{slug}", "Change some fields of a city (JSON merge patch; secretariat, or an editor of the city)", "cities", requiredAuth, changeErrs), h.patchCity)
	register(api, h, withStatus(op("delete-city", http.MethodDelete, "/v1/cities/{slug}", "Delete a city (secretariat)", "cities", requiredAuth, changeErrs), http.StatusNoContent), h.deleteCity)

	// The Community and its partners
	register(api, h, op("list-communities", http.MethodGet, "/v1/communities", "List UCLG communities", "network", optionalAuth, readErrors), h.listCommunities)
	register(api, h, op("get-community", http.MethodGet, "/v1/communities/{slug}", "Get a community", "network", optionalAuth, getErrors), h.getCommunity)
	register(api, h, op("list-organisations", http.MethodGet, "/v1/organisations", "List partner organisations", "network", optionalAuth, readErrors), h.listOrganisations)
	register(api, h, op("get-organisation", http.MethodGet, "/v1/organisations/{slug}", "Get a partner organisation", "network", optionalAuth, getErrors), h.getOrganisation)

	// Study editions
	register(api, h, op("list-studies", http.MethodGet, "/v1/studies", "List the Smart Cities Study's editions", "studies", optionalAuth, readErrors), h.listStudies)
	register(api, h, op("get-study", http.MethodGet, "/v1/studies/{edition}", "Get a study edition", "studies", optionalAuth, getErrors), h.getStudy)
	register(api, h, withStatus(op("create-study", http.MethodPost, "/v1/studies", "Create a study edition (secretariat)", "studies", requiredAuth, createErrs), http.StatusCreated), h.createStudy)
	register(api, h, op("update-study", http.MethodPut, "/v1/studies/{edition}", "Replace a study edition (secretariat)", "studies", requiredAuth, changeErrs), h.updateStudy)
	register(api, h, op("list-study-cities", http.MethodGet, "/v1/studies/{edition}/cities", "List an edition's participating cities", "studies", optionalAuth, getErrors), h.listStudyCities)
	register(api, h, op("add-study-city", http.MethodPut, "/v1/studies/{edition}/cities/{city}", "Add a city to an edition (secretariat); 201 when new, 200 when it was there", "studies", requiredAuth, append(writeErrors, http.StatusNotFound)), h.addStudyCity)
	register(api, h, withStatus(op("remove-study-city", http.MethodDelete, "/v1/studies/{edition}/cities/{city}", "Remove a city from an edition (secretariat)", "studies", requiredAuth, append(writeErrors, http.StatusNotFound)), http.StatusNoContent), h.removeStudyCity)

	// Frameworks and indicators
	register(api, h, op("list-frameworks", http.MethodGet, "/v1/frameworks", "List indicator frameworks with their dimension trees", "indicators", optionalAuth, readErrors), h.listFrameworks)
	register(api, h, op("get-framework", http.MethodGet, "/v1/frameworks/{slug}", "Get a framework with its dimension tree", "indicators", optionalAuth, getErrors), h.getFramework)
	register(api, h, withStatus(op("create-framework", http.MethodPost, "/v1/frameworks", "Create a framework with its dimensions (secretariat)", "indicators", requiredAuth, createErrs), http.StatusCreated), h.createFramework)
	register(api, h, op("list-indicators", http.MethodGet, "/v1/indicators", "List indicators", "indicators", optionalAuth, readErrors), h.listIndicators)
	register(api, h, op("get-indicator", http.MethodGet, "/v1/indicators/{slug}", "Get an indicator", "indicators", optionalAuth, getErrors), h.getIndicator)
	register(api, h, withStatus(op("create-indicator", http.MethodPost, "/v1/indicators", "Create an indicator (secretariat)", "indicators", requiredAuth, createErrs), http.StatusCreated), h.createIndicator)
	register(api, h, op("update-indicator", http.MethodPut, "/v1/indicators/{slug}", "Replace an indicator (secretariat)", "indicators", requiredAuth, changeErrs), h.updateIndicator)
	register(api, h, op("retire-indicator", http.MethodDelete, "/v1/indicators/{slug}", "Retire an indicator (secretariat): it stays readable and keeps its observations", "indicators", requiredAuth, changeErrs), h.retireIndicator)
	register(api, h, op("get-indicator-ranking", http.MethodGet, "/v1/indicators/{slug}/ranking", "Rank cities by an indicator, best first by its direction", "analysis", optionalAuth, getErrors), h.getRanking)

	// Observations
	register(api, h, op("list-observations", http.MethodGet, "/v1/observations", "List observations", "observations", optionalAuth, readErrors), h.listObservations)
	register(api, h, exportOp(op("export-observations", http.MethodGet, "/v1/observations/export", "Export observations as CSV, NDJSON or JSON, streamed with no row cap", "observations", optionalAuth, append(readErrors, http.StatusNotAcceptable))), h.exportObservations)
	register(api, h, importOp(op("import-observations", http.MethodPost, "/v1/observations/import", "Import observations from CSV (secretariat, or editors for their cities)", "observations", requiredAuth, append(createErrs, http.StatusRequestEntityTooLarge))), h.importObservations)
	register(api, h, op("get-observation", http.MethodGet, "/v1/observations/{id}", "Get an observation", "observations", optionalAuth, getErrors), h.getObservation)
	register(api, h, withStatus(op("create-observation", http.MethodPost, "/v1/observations", "Create an observation (secretariat, or an editor of the city)", "observations", requiredAuth, createErrs), http.StatusCreated), h.createObservation)
	register(api, h, op("update-observation", http.MethodPut, "/v1/observations/{id}", "Replace an observation's value and notes (secretariat, or an editor of the city)", "observations", requiredAuth, changeErrs), h.updateObservation)
	register(api, h, op("patch-observation", http.MethodPatch, "/v1/observations/{id}", "Change some fields of an observation (JSON merge patch)", "observations", requiredAuth, changeErrs), h.patchObservation)
	register(api, h, withStatus(op("delete-observation", http.MethodDelete, "/v1/observations/{id}", "Delete an observation (its history stays)", "observations", requiredAuth, changeErrs), http.StatusNoContent), h.deleteObservation)
	register(api, h, op("verify-observation", http.MethodPut, "/v1/observations/{id}/verification", "Set an observation's verification (secretariat)", "observations", requiredAuth, changeErrs), h.verifyObservation)
	register(api, h, op("list-observation-revisions", http.MethodGet, "/v1/observations/{id}/revisions", "List an observation's previous values, newest first", "observations", optionalAuth, getErrors), h.listRevisions)

	// Analysis
	register(api, h, op("get-city-scorecard", http.MethodGet, "/v1/cities/{slug}/scorecard", "A city's scorecard: its observations aggregated per dimension", "analysis", optionalAuth, getErrors), h.getScorecard)
	register(api, h, op("compare-cities", http.MethodGet, "/v1/compare", "Compare two to five cities side by side", "analysis", optionalAuth, readErrors), h.compareCities)

	// Tokens
	register(api, h, op("list-tokens", http.MethodGet, "/v1/tokens", "List API tokens (admin)", "tokens", requiredAuth, append(readErrors, http.StatusForbidden)), h.listTokens)
	register(api, h, withStatus(op("create-token", http.MethodPost, "/v1/tokens", "Create an API token (admin); the secret is shown once", "tokens", requiredAuth, createErrs), http.StatusCreated), h.createToken)
	register(api, h, op("get-token", http.MethodGet, "/v1/tokens/{id}", "Get an API token (admin)", "tokens", requiredAuth, append(getErrors, http.StatusForbidden)), h.getToken)
	register(api, h, op("revoke-token", http.MethodDelete, "/v1/tokens/{id}", "Revoke an API token (admin)", "tokens", requiredAuth, append(changeErrs, http.StatusForbidden)), h.revokeToken)

	// Audit
	register(api, h, op("list-audit-entries", http.MethodGet, "/v1/audit", "List the audit trail, newest first (secretariat, admin)", "audit", requiredAuth, append(readErrors, http.StatusForbidden)), h.listAudit)

	refineSchemas(api)
	finishContract(api.OpenAPI())
}

// exportOp documents the streamed formats of an export and gives it the exports' budget.
func exportOp(o huma.Operation) huma.Operation {
	o.Responses = exportResponses
	return o
}

// importOp documents the streamed CSV body of an import and its larger size limit.
func importOp(o huma.Operation) huma.Operation {
	o.RequestBody = importRequestBody
	return o
}

// refineSchemas documents the JSON types of observation values, which Go's any cannot express.
func refineSchemas(api huma.API) {
	value := func() *huma.Schema {
		return &huma.Schema{
			Description: "Typed by the indicator's value_type: a number (numeric, percentage, count), a boolean, " +
				"or a string (an ordinal level's code, or text); null when status is M or NR.",
			// Written as an extension so that Huma's own validation leaves the value to the domain's
			// rules (which know the indicator) and only the document shows the JSON types.
			Extensions: map[string]any{"type": []string{"number", "boolean", "string", "null"},
				"maxLength": 5000, "pattern": safeText},
		}
	}
	for _, name := range []string{"Observation", "ObservationFields", "ObservationPatch", "RankingEntry", "ComparedValue"} {
		if s := api.OpenAPI().Components.Schemas.Map()[name]; s != nil && s.Properties["value"] != nil {
			s.Properties["value"] = value()
		}
	}
}

// op describes an operation; errors are its own error statuses, to which the ones every
// operation may answer are added.
func op(id, method, path, summary, tag string, security []map[string][]string, errors []int) huma.Operation {
	errs := append(append([]int{}, errors...), alwaysErrors...)
	description, ok := descriptions[id]
	if !ok {
		panic("api: operation " + id + " has no description in descriptions.go")
	}
	if security == nil {
		security = anonymous
	}
	return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Description: description,
		Tags: []string{tag}, Security: security, Errors: errs}
}

func withStatus(o huma.Operation, status int) huma.Operation {
	o.DefaultStatus = status
	return o
}

// register adds an operation whose handler returns domain errors, mapping them to HTTP problems.
func register[I, O any](api huma.API, h *handlers, o huma.Operation, handler func(context.Context, *I) (*O, error)) {
	huma.Register(api, o, func(ctx context.Context, in *I) (*O, error) {
		out, err := handler(ctx, in)
		if err != nil {
			return nil, toHTTP(ctx, h.log, err)
		}
		return out, nil
	})
}
