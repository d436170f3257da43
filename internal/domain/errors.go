package domain

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status in api/errors.go.
const (
	EINVALID              = "invalid"               // the input breaks a rule (422)
	ENOTFOUND             = "not_found"             // no such resource (404)
	ECONFLICT             = "conflict"              // the resource already exists or a retry is still running (409)
	EINPROGRESS           = "in_progress"           // the same idempotent request is still running (409 + Retry-After)
	EUNAUTHORIZED         = "unauthorized"          // no valid credentials (401)
	EFORBIDDEN            = "forbidden"             // valid credentials, not allowed (403)
	EPRECONDITION         = "precondition_failed"   // If-Match names a stale version (412)
	EPRECONDITIONREQUIRED = "precondition_required" // a write without If-Match (428)
	ENOTACCEPTABLE        = "not_acceptable"        // no representation matches Accept (406)
	ETOOLARGE             = "too_large"             // the request is larger than allowed (413)
	ERANGE                = "range_not_satisfiable" // a Range request outside the file (416)
	ETOOMANY              = "too_many_requests"     // the client holds its share of a limited resource (429 + Retry-After)
	EUNAVAILABLE          = "unavailable"           // the database cannot be reached right now (503)
	EINTERNAL             = "internal"              // a bug or an unexpected failure (500)
)

// Error is an error with a code, a message safe to show to clients and, for EINVALID, the
// name of the offending field (for example "population" or "country"); the HTTP layer turns it
// into where the client sent it ("body.population" for a write, "query.country" for a read).
type Error struct {
	Code    string
	Message string
	Field   string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error that names the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...), Field: field}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other error
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err; internal errors get a generic text so
// that no driver or SQL detail ever reaches a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "An internal error occurred."
}
