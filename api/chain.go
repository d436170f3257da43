package api

import (
	"context"
	"fmt"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/internal/auth"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// chain is the one middleware chain that enforces every operation's Policy. Huma runs it for
// each operation before it reads any parameter or body, in this order:
//
//	begin (state, read pool) → language → deadline → authenticate → authorize → rate limit →
//	known query → bad language → header lists → JSON text → idempotency → (input) → handler
//
// The deadline comes before credentials because authentication already needs the database; then
// credentials are judged before any input, and a refused caller spends no budget.
type chain struct {
	api     huma.API
	db      *postgres.DB
	limiter *httpx.RateLimiter
	log     *slog.Logger
	timeout time.Duration // the ordinary request deadline; 0 for none
}

// install adds the chain to the API's middlewares.
func (c *chain) install() {
	c.api.UseMiddleware(c.begin, c.language, c.deadline, c.authenticate, c.authorize, c.rateLimit, c.knownQuery, c.badLanguage,
		c.headerLists, c.jsonText, c.idempotency)
}

// withRequest is ctx with its request (and response writer) replaced.
func withRequest(ctx huma.Context, r *http.Request, w http.ResponseWriter) huma.Context {
	return humachi.NewContext(ctx.Operation(), r, w)
}

// fail writes a domain error from the chain, through the same mapping as handlers.
func (c *chain) fail(ctx huma.Context, err error) {
	p, ok := toHTTP(ctx.Context(), c.log, err, ctx.Method()).(*problem)
	if !ok {
		c.refuse(ctx, http.StatusInternalServerError, "")
		return
	}
	for k, vs := range p.headers {
		for _, v := range vs {
			ctx.AppendHeader(k, v)
		}
	}
	errs := make([]error, len(p.Errors))
	for i, e := range p.Errors {
		errs[i] = &huma.ErrorDetail{Message: e.Message, Location: e.Location, Value: e.Value}
	}
	c.refuse(ctx, p.Status, p.Detail, errs...)
}

// refuse answers a request that the chain does not let through. Its body, if it has one, was
// not read: the connection is closed after the answer, so that the server does not first wait
// for a body that a slow or hostile client may never finish sending.
func (c *chain) refuse(ctx huma.Context, status int, detail string, errs ...error) {
	if r, _ := humachi.Unwrap(ctx); r.ContentLength != 0 {
		ctx.SetHeader("Connection", "close")
	}
	_ = huma.WriteErr(c.api, ctx, status, detail, errs...)
}

// authenticate resolves the bearer token, when there is one, into the request's actor. A
// request without a token is anonymous; a request with a bad token is refused (401), never
// treated as anonymous. Only failures are throttled (per address): a valid token is always
// accepted, so that someone else's bad guesses from a shared address never lock it out.
func (c *chain) authenticate(ctx huma.Context, next func(huma.Context)) {
	header := ctx.Header("Authorization")
	if header == "" || policyOf(ctx.Operation()).Access == Probe {
		next(ctx) // anonymous, or a probe, where credentials play no part
		return
	}
	r, _ := humachi.Unwrap(ctx)
	secret, ok := auth.BearerSecret(header)
	var actor *domain.Actor
	var err error = domain.Errorf(domain.EUNAUTHORIZED, "Authorization must be 'Bearer <token>'")
	if ok && auth.WellFormed(secret) {
		actor, err = c.db.Authenticate(ctx.Context(), auth.Hash(secret))
	} else if ok {
		err = domain.Errorf(domain.EUNAUTHORIZED, "the bearer token is unknown or revoked")
	}
	if err == nil {
		stateOf(r.Context()).actor = actor
		next(ctx)
		return
	}
	if domain.ErrorCode(err) == domain.EUNAUTHORIZED && !c.limiter.AuthFailed(httpx.ClientIP(r)) {
		ctx.SetHeader("Retry-After", "60")
		c.refuse(ctx, http.StatusTooManyRequests, "Too many failed authentications from this address; retry later.")
		return
	}
	c.fail(ctx, err)
}

// authorize refuses a caller that the operation's policy does not admit: 401 without a token,
// 403 with a token of another role or, where the path names the city, of another city. City
// scope is checked again by the store, in SQL, also where only the data names the city.
func (c *chain) authorize(ctx huma.Context, next func(huma.Context)) {
	p, a := policyOf(ctx.Operation()), actorOf(ctx.Context())
	if err := p.allows(a); err != nil {
		c.fail(ctx, err)
		return
	}
	if err := p.allowsCity(a, ctx.Param(p.CityPath)); err != nil {
		c.fail(ctx, err)
		return
	}
	next(ctx)
}

// deadline gives every ordinary request a deadline; the store's queries and waits end with
// it, so that a request never hangs on an unreachable database. A database that stops
// answering (frozen, or cut off by the network) does not end them: lib/pq cancels a query by
// asking the server, and then waits for the server's answer. So the client is answered 503 by
// serveWithin shortly after the deadline even when the handler has not returned. Long-running
// operations (exports, imports) keep their own deadlines.
func (c *chain) deadline(ctx huma.Context, next func(huma.Context)) {
	p := policyOf(ctx.Operation())
	if p == nil { // register refuses such operations; never serve one by accident
		c.fail(ctx, fmt.Errorf("operation %s has no policy", ctx.Operation().OperationID))
		return
	}
	if p.LongRunning {
		// Its answer may come after the server's write timeout: streams move the deadline on as
		// they write, and a long write (a release) answers within longRunningMax.
		_, w := humachi.Unwrap(ctx)
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(longRunningMax))
	}
	if c.timeout <= 0 || p.LongRunning {
		next(ctx)
		return
	}
	r, w := humachi.Unwrap(ctx)
	tctx, cancel := context.WithTimeout(r.Context(), c.timeout)
	defer cancel()
	httpx.ServeWithin(w, r.WithContext(tctx), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next(withRequest(ctx, r, w))
	}), c.timeout+httpx.DeadlineGrace)
}

// begin, the chain's first step, gives the request the state that the later steps fill in
// (requestState: one new context, one copy of the request, for the whole chain), and lets the
// store answer the reads of a GET (or HEAD) operation, exports included, from its read pool
// (DATABASE_READ_URL, a replica that may lag). Every other operation writes, and all its reads,
// checks before its transaction included, go to the primary, so that no write decides on what
// a lagging replica says. Authentication and Idempotency-Keys always read the primary: a token
// revoked or created on any instance counts at once.
func (c *chain) begin(ctx huma.Context, next func(huma.Context)) {
	r, w := humachi.Unwrap(ctx)
	rctx, _ := withState(r.Context())
	if m := r.Method; m == http.MethodGet || m == http.MethodHead {
		rctx = postgres.ReadOnly(rctx)
	}
	next(withRequest(ctx, r.WithContext(rctx), w))
}

// knownQuery refuses a query parameter that the operation does not take: a typo such as
// sectoin=europe would otherwise return everything, silently unfiltered. It also refuses a
// parameter given more than once: a one-value parameter takes one, and a list takes its values
// comma-separated in one parameter (city=bilbao,dakar), never as city=bilbao&city=dakar, of
// which only the first would be read.
func (c *chain) knownQuery(ctx huma.Context, next func(huma.Context)) {
	r, _ := humachi.Unwrap(ctx)
	if r.URL.RawQuery == "" {
		next(ctx)
		return
	}
	var accepted []string
	for _, p := range ctx.Operation().Parameters {
		if p.In == "query" {
			accepted = append(accepted, p.Name)
		}
	}
	for name, values := range r.URL.Query() {
		if i := slices.IndexFunc(ctx.Operation().Parameters, func(p *huma.Param) bool { return p.In == "query" && p.Name == name }); i >= 0 {
			p := ctx.Operation().Parameters[i]
			isArray := p.Schema != nil && p.Schema.Type == huma.TypeArray
			switch {
			case len(values) <= 1, isArray && p.Explode != nil && *p.Explode:
			case isArray:
				// Huma reads the first of repeated values: the others would be dropped silently.
				c.fail(ctx, domain.Invalid("query."+name, "%s is given %d times; give its values comma-separated in one parameter (%s=%s)",
					name, len(values), name, strings.Join(values, ",")))
				return
			default:
				c.fail(ctx, domain.Invalid("query."+name, "%s is given %d times; it takes one value", name, len(values)))
				return
			}
		}
		if !slices.Contains(accepted, name) {
			slices.Sort(accepted)
			list := "this operation takes no query parameters"
			if len(accepted) > 0 {
				list = "the accepted ones are " + strings.Join(accepted, ", ")
			}
			c.fail(ctx, domain.Invalid("query."+name, "unknown query parameter %q; %s", name, list))
			return
		}
	}
	next(ctx)
}

// headerLists makes each list header one field line, as RFC 9110 reads repeated lines: an
// If-Match or If-None-Match sent on several lines is one list, which Huma would otherwise read
// only the first line of. An Idempotency-Key is one value: sent empty or twice, it is a 422.
func (c *chain) headerLists(ctx huma.Context, next func(huma.Context)) {
	r, w := humachi.Unwrap(ctx)
	for _, name := range []string{"If-Match", "If-None-Match"} {
		if vs := r.Header.Values(name); len(vs) > 1 {
			r.Header.Set(name, strings.Join(vs, ", "))
		}
	}
	if keys, ok := r.Header["Idempotency-Key"]; ok && (len(keys) != 1 || strings.TrimSpace(keys[0]) == "") {
		c.fail(ctx, domain.Invalid("header.Idempotency-Key", "send one Idempotency-Key of 1 to 255 characters"))
		return
	}
	next(withRequest(ctx, r, w))
}

// rateLimit spends one unit of the operation's budget from the caller's bucket (its token when
// authenticated, else its address) and bounds the caller's requests in flight. The in-flight
// count is released when the handler really ends, not when a deadline answered for it.
func (c *chain) rateLimit(ctx huma.Context, next func(huma.Context)) {
	r, w := humachi.Unwrap(ctx)
	client := clientOf(r)
	budget := string(policyOf(ctx.Operation()).Budget)
	if ok, reset := c.limiter.Spend(w.Header(), client, budget); !ok {
		ctx.SetHeader("Retry-After", strconv.Itoa(reset))
		c.refuse(ctx, http.StatusTooManyRequests, fmt.Sprintf("The %s budget of this client is spent; retry in %d s.", budget, reset))
		return
	}
	if !c.limiter.Acquire(client) {
		ctx.SetHeader("Retry-After", "1")
		c.refuse(ctx, http.StatusTooManyRequests, fmt.Sprintf("This client already has %d requests in flight; wait for one to finish.", c.limiter.MaxInFlight()))
		return
	}
	defer c.limiter.Release(client)
	stateOf(r.Context()).client = client
	next(ctx)
}

// clientOf identifies the caller for budgets and idempotency keys: the authenticated token
// (however its header was spelled), else the connection's address.
func clientOf(r *http.Request) string {
	if a := actorOf(r.Context()); a != nil {
		return "t:" + strconv.FormatInt(a.TokenID, 10)
	}
	return "ip:" + httpx.ClientIP(r)
}
