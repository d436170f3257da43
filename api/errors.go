package api

import (
	"context"
	"errors"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// statusByCode is the one map from domain error codes to HTTP statuses.
var statusByCode = map[string]int{
	domain.EINVALID:              http.StatusUnprocessableEntity,
	domain.ENOTFOUND:             http.StatusNotFound,
	domain.ECONFLICT:             http.StatusConflict,
	domain.EINPROGRESS:           http.StatusConflict,
	domain.EUNAUTHORIZED:         http.StatusUnauthorized,
	domain.EFORBIDDEN:            http.StatusForbidden,
	domain.EPRECONDITION:         http.StatusPreconditionFailed,
	domain.EPRECONDITIONREQUIRED: http.StatusPreconditionRequired,
	domain.ENOTACCEPTABLE:        http.StatusNotAcceptable,
	domain.ETOOLARGE:             http.StatusRequestEntityTooLarge,
	domain.ERANGE:                http.StatusRequestedRangeNotSatisfiable,
	domain.ETOOMANY:              http.StatusTooManyRequests,
	domain.EUNAVAILABLE:          http.StatusServiceUnavailable,
	domain.EINTERNAL:             http.StatusInternalServerError,
}

// problem is a Problem with the extra headers it needs (Retry-After, WWW-Authenticate).
type problem struct {
	*httpx.Problem
	headers http.Header
}

// GetHeaders lets Huma add the problem's headers to the response.
func (p *problem) GetHeaders() http.Header { return p.headers }

// toHTTP converts an error returned by the domain or the store into an HTTP problem. Internal
// errors are logged with their cause and answered with a generic text.
func toHTTP(ctx context.Context, log *slog.Logger, err error, method string) error {
	if err == nil {
		return nil
	}
	var se huma.StatusError
	if errors.As(err, &se) {
		return err // already an HTTP error (304, or one built by the HTTP layer)
	}
	code := domain.ErrorCode(err)
	status := statusByCode[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	switch {
	case status >= 500 && errors.Is(ctx.Err(), context.Canceled):
		// The client went away and the work was cancelled: nothing failed on our side.
		log.InfoContext(ctx, "request cancelled by the client", "error", err.Error(), "request_id", httpx.RequestIDOf(ctx))
	case status >= 500:
		log.ErrorContext(ctx, "request failed", "error", err.Error(), "code", code, "request_id", httpx.RequestIDOf(ctx))
	}
	model := httpx.NewProblem(status, domain.ErrorMessage(err))
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		model.Errors = []*httpx.ProblemDetail{{Message: de.Message, Location: location(method, de.Field)}}
	}
	p := &problem{Problem: model, headers: http.Header{}}
	var extra interface{ Headers() http.Header } // headers an error carries for its answer (416's Content-Range)
	if errors.As(err, &extra) {
		maps.Copy(p.headers, extra.Headers())
	}
	switch code {
	case domain.EUNAVAILABLE:
		p.headers.Set("Retry-After", httpx.RetryAfterUnavailable)
	case domain.EINPROGRESS, domain.ETOOMANY:
		p.headers.Set("Retry-After", "1")
	case domain.EUNAUTHORIZED:
		p.headers.Set("WWW-Authenticate", `Bearer realm="digitalcities"`)
	}
	return p
}

// location turns the field a domain error names into where the client sent it: a query
// parameter of a read (query.country), a field of a write's body (body.population). Fields that
// the HTTP layer located itself (body, body.row[3].value, query.x, path.x, header.x) are kept.
func location(method, field string) string {
	for _, p := range []string{"body.", "query.", "path.", "header."} {
		if strings.HasPrefix(field, p) {
			return field
		}
	}
	switch {
	case field == "body":
		return field
	case method == http.MethodGet || method == http.MethodHead:
		return "query." + field
	default:
		return "body." + field
	}
}

// init makes every error Huma writes itself (validation, body size, content type) a Problem,
// and makes sure that no 5xx ever carries the text of its cause. Huma keeps these hooks in
// package variables and documents error responses with the type NewError returns, so they are
// set once, here, before any API exists; they hold no state, and the logger of a request
// comes from its context.
func init() {
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return problemFrom(status, msg, errs)
	}
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		if status >= 500 && ctx != nil {
			var causes []string
			for _, e := range errs {
				if e != nil {
					causes = append(causes, e.Error())
				}
			}
			httpx.LoggerOf(ctx.Context()).Error("request failed", "status", status, "error", msg,
				"causes", strings.Join(causes, "; "), "request_id", ctx.Header("X-Request-Id"))
		}
		return problemFrom(status, msg, errs)
	}
}

// problemFrom builds the Problem for an error Huma raises. A 5xx never carries its causes,
// which may hold driver or SQL text, and a 500 says nothing but that it happened.
func problemFrom(status int, msg string, errs []error) *httpx.Problem {
	p := httpx.NewProblem(status, msg)
	if status >= 500 {
		if status == http.StatusInternalServerError {
			p.Detail = "An internal error occurred."
		}
		return p
	}
	for _, e := range errs {
		if e == nil {
			continue
		}
		var d huma.ErrorDetailer
		if errors.As(e, &d) {
			ed := d.ErrorDetail()
			msg, loc := clientWords(ed.Message, ed.Location)
			p.Errors = append(p.Errors, &httpx.ProblemDetail{Message: msg, Location: loc, Value: ed.Value})
		} else {
			msg, loc := clientWords(e.Error(), "")
			p.Errors = append(p.Errors, &httpx.ProblemDetail{Message: msg, Location: loc})
		}
	}
	return p
}

// goDecodeError is Go's JSON decoder's message for a value of the wrong type, which names Go
// types and struct fields that mean nothing to a client.
var goDecodeError = regexp.MustCompile(`^json: cannot unmarshal (.+?) into Go (?:struct field \S*?\.(\S+)|value) of type (\S+)`)

// clientWords rewrites a decoder's message in the contract's terms: "expected an integer" at
// body.year rather than "cannot unmarshal number 2.023e3 into Go struct field
// AdoptionCreateBody.year of type int".
func clientWords(msg, location string) (string, string) {
	m := goDecodeError.FindStringSubmatch(msg)
	if m == nil {
		return msg, location
	}
	want := map[string]string{"int": "an integer", "int64": "an integer", "int32": "an integer", "float64": "a number",
		"bool": "a boolean", "string": "a string"}[strings.TrimPrefix(m[3], "*")]
	if want == "" {
		want = "a value of another type"
	}
	got := m[1] // "number 2.023e3", "string", "object", ...
	if m[2] != "" && (location == "" || location == "body") {
		location = "body." + m[2]
	}
	return "expected " + want + ", got " + strings.Replace(got, "number ", "the number ", 1), location
}

// notFound answers unknown routes.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeRouterProblem(w, r, httpx.NewProblem(http.StatusNotFound, "No resource at "+r.URL.Path+". The contract is at /openapi.json."))
}

// writeRouterProblem writes a problem of the router (no operation: 404, 405) in the language
// asked, like every problem.
func writeRouterProblem(w http.ResponseWriter, r *http.Request, p *httpx.Problem) {
	lang, _ := pickLanguage(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
	translateProblem(p, lang)
	w.Header().Set("Content-Language", singleLanguage(lang))
	w.Header().Add("Vary", "Accept-Language")
	httpx.WriteProblemDocument(w, p)
}
