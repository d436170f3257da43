package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
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
	domain.EUNAVAILABLE:          http.StatusServiceUnavailable,
	domain.EINTERNAL:             http.StatusInternalServerError,
}

// retryAfterUnavailable is the Retry-After sent with 503s: the database usually returns within seconds.
const retryAfterUnavailable = "5"

// problem is an RFC 9457 problem with the extra headers it needs (Retry-After, WWW-Authenticate).
type problem struct {
	*huma.ErrorModel
	headers http.Header
}

// GetHeaders lets Huma add the problem's headers to the response.
func (p *problem) GetHeaders() http.Header { return p.headers }

// toHTTP converts an error returned by the domain or the store into an HTTP problem. Internal
// errors are logged with their cause and answered with a generic text.
func toHTTP(ctx context.Context, log *slog.Logger, err error) error {
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
	if status >= 500 {
		log.ErrorContext(ctx, "request failed", "error", err.Error(), "code", code,
			"request_id", domain.RequestIDFromContext(ctx))
	}
	model := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: domain.ErrorMessage(err)}
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		model.Errors = []*huma.ErrorDetail{{Message: de.Message, Location: de.Field}}
	}
	p := &problem{ErrorModel: model, headers: http.Header{}}
	switch code {
	case domain.EUNAVAILABLE:
		p.headers.Set("Retry-After", retryAfterUnavailable)
	case domain.EINPROGRESS:
		p.headers.Set("Retry-After", "1")
	case domain.EUNAUTHORIZED:
		p.headers.Set("WWW-Authenticate", `Bearer realm="digitalcities"`)
	}
	return p
}

// installErrorModel makes every error Huma writes itself (validation, body size, content type)
// a problem document, and makes sure that no 5xx ever carries the text of its cause.
func installErrorModel(log *slog.Logger) {
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		model := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: msg}
		if status >= 500 {
			var causes []string
			for _, e := range errs {
				if e != nil {
					causes = append(causes, e.Error())
				}
			}
			if ctx != nil {
				log.Error("request failed", "status", status, "error", msg, "causes", strings.Join(causes, "; "),
					"request_id", ctx.Header("X-Request-Id"))
			}
			if status == http.StatusInternalServerError {
				model.Detail = "An internal error occurred."
			}
			return model // never the causes: they may hold driver or SQL text
		}
		for _, e := range errs {
			if e == nil {
				continue
			}
			var d huma.ErrorDetailer
			if errors.As(e, &d) {
				model.Errors = append(model.Errors, d.ErrorDetail())
			} else {
				model.Errors = append(model.Errors, &huma.ErrorDetail{Message: e.Error()})
			}
		}
		return model
	}
}

// writeProblem writes a problem document outside Huma (router fallbacks, middleware).
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	b, _ := jsonMarshal(&huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: detail})
	_, _ = w.Write(b) // the client may be gone
}

// notFound answers unknown routes.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, http.StatusNotFound, "No resource at "+r.URL.Path+". The contract is at /openapi.json.")
}
