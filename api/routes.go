package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// Security requirements: anonymous or with a token, and token required.
var (
	optionalAuth = []map[string][]string{{}, {"bearer": {}}}
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

	// Tokens
	register(api, h, op("list-tokens", http.MethodGet, "/v1/tokens", "List API tokens (admin)", "tokens", requiredAuth, append(readErrors, http.StatusForbidden)), h.listTokens)
	register(api, h, withStatus(op("create-token", http.MethodPost, "/v1/tokens", "Create an API token (admin); the secret is shown once", "tokens", requiredAuth, createErrs), http.StatusCreated), h.createToken)
	register(api, h, op("get-token", http.MethodGet, "/v1/tokens/{id}", "Get an API token (admin)", "tokens", requiredAuth, append(getErrors, http.StatusForbidden)), h.getToken)
	register(api, h, op("revoke-token", http.MethodDelete, "/v1/tokens/{id}", "Revoke an API token (admin)", "tokens", requiredAuth, append(getErrors, http.StatusForbidden)), h.revokeToken)

	// Audit
	register(api, h, op("list-audit-entries", http.MethodGet, "/v1/audit", "List the audit trail, newest first (secretariat, admin)", "audit", requiredAuth, append(readErrors, http.StatusForbidden)), h.listAudit)
}

// op describes an operation; errors are its own error statuses, to which the ones every
// operation may answer are added.
func op(id, method, path, summary, tag string, security []map[string][]string, errors []int) huma.Operation {
	errs := append(append([]int{}, errors...), alwaysErrors...)
	return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary,
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
