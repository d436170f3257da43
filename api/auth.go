package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/internal/auth"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// authenticate resolves the bearer token, when there is one, into the request's actor. A
// request without a token is anonymous; a request with a bad token is refused (401), never
// treated as anonymous.
func authenticate(api huma.API, db *postgres.DB, rl *rateLimiter, log *slog.Logger) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		header := ctx.Header("Authorization")
		if header == "" || len(ctx.Operation().Security) == 1 && len(ctx.Operation().Security[0]) == 0 {
			// Anonymous, or an operation that takes no token (the probes): credentials play no part.
			next(ctx)
			return
		}
		r, _ := humachi.Unwrap(ctx)
		if !rl.allowAuthAttempt(r) {
			ctx.SetHeader("Retry-After", "60")
			_ = huma.WriteErr(api, ctx, http.StatusTooManyRequests, "Too many failed authentications from this address; retry later.")
			return
		}
		secret, ok := auth.BearerSecret(header)
		if !ok {
			rl.authFailed(r)
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="digitalcities"`)
			_ = huma.WriteErr(api, ctx, http.StatusUnauthorized, "Authorization must be 'Bearer <token>'.")
			return
		}
		actor, err := db.Authenticate(ctx.Context(), auth.Hash(secret))
		if err != nil {
			if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
				rl.authFailed(r)
			}
			writeError(api, log, ctx, err)
			return
		}
		next(huma.WithContext(ctx, withActor(ctx.Context(), actor)))
	}
}

// writeError writes a domain error from a Huma middleware, through the same mapping as handlers.
func writeError(api huma.API, log *slog.Logger, ctx huma.Context, err error) {
	p, ok := toHTTP(ctx.Context(), log, err).(*problem)
	if !ok {
		_ = huma.WriteErr(api, ctx, http.StatusInternalServerError, "")
		return
	}
	for k, vs := range p.headers {
		for _, v := range vs {
			ctx.AppendHeader(k, v)
		}
	}
	_ = huma.WriteErr(api, ctx, p.Status, p.Detail)
}

// requireRole returns EUNAUTHORIZED for anonymous callers and EFORBIDDEN for actors without one
// of the roles.
func requireRole(ctx context.Context, roles ...domain.Role) error {
	a := actorOf(ctx)
	if a == nil {
		return domain.Errorf(domain.EUNAUTHORIZED, "this operation needs a bearer token")
	}
	if !a.HasRole(roles...) {
		return domain.Errorf(domain.EFORBIDDEN, "a %s token may not do this", a.Role)
	}
	return nil
}
