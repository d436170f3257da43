package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// mapError turns driver errors into domain errors: what the client caused becomes a clear code,
// an unreachable or restarting database becomes EUNAVAILABLE, and everything else stays an
// internal error whose text is logged but never sent.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "not found")
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return domain.Errorf(domain.ECONFLICT, "a resource with this identifier already exists")
		case pe.Code == "23503":
			return domain.Errorf(domain.ECONFLICT, "the resource is referenced by other data, or refers to data that does not exist")
		case pe.Code == "22021", pe.Code == "22P05":
			return domain.Errorf(domain.EINVALID, "a text holds a character the database cannot store")
		case pe.Code == "54000": // program_limit_exceeded, such as an index entry over its size limit
			return domain.Errorf(domain.EINVALID, "a value is larger than the database can store or index")
		case pe.Code == "23514" && pe.Constraint != "":
			return domain.Errorf(domain.EINVALID, "a value breaks a rule of the data (%s)", pe.Constraint)
		case pe.Code == "23514":
			return domain.Errorf(domain.EINVALID, "a value breaks a rule of the data")
		case pe.Code == "22P02":
			return domain.Errorf(domain.EINVALID, "a value does not have the form its type needs (a number, a date or a time)")
		case pe.Code == "22003":
			return domain.Errorf(domain.EINVALID, "a number is outside the range the database can store")
		case pe.Code == "22007", pe.Code == "22008":
			return domain.Errorf(domain.EINVALID, "a date or a time is not one the database can store (such as one of the year 0)")
		case pe.Code == "40P01", pe.Code == "40001": // deadlock_detected, serialization_failure: inTx retried already
			return unavailable(err, "the write met a concurrent one on the same data and was abandoned; retry it")
		case pe.Code == "57014":
			return unavailable(err, "the database took too long to answer")
		case pe.Code.Class() == "08", pe.Code.Class() == "53", pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03":
			return unavailable(err, "the database is unavailable")
		}
		return err
	}
	if isConnectionError(err) {
		return unavailable(err, "the database is unavailable")
	}
	return err
}

// unavailableError is EUNAVAILABLE that keeps the driver error for logs.
type unavailableError struct {
	public *domain.Error
	cause  error
}

func (e *unavailableError) Error() string   { return e.public.Error() + ": " + e.cause.Error() }
func (e *unavailableError) Unwrap() []error { return []error{e.public, e.cause} }

func unavailable(cause error, msg string) error {
	return &unavailableError{public: &domain.Error{Code: domain.EUNAVAILABLE, Message: msg}, cause: cause}
}

func isConnectionError(err error) bool {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, sql.ErrConnDone),
		errors.As(err, &ne), errors.As(err, &oe):
		return true
	}
	msg := err.Error()
	// "sql: database/statement is closed": the pool was closed during shutdown while requests were still in flight.
	return strings.Contains(msg, "database is closed") || strings.Contains(msg, "statement is closed") || strings.Contains(msg, "connection refused") || strings.Contains(msg, "bad connection") ||
		strings.Contains(msg, "server closed the connection")
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation (23505).
func isUniqueViolation(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "23505"
}

// nonNilSlice returns s, or an empty slice for nil, so that JSON shows [] rather than null.
func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// checkVersion is the If-Match check made on the row read FOR UPDATE: EPRECONDITION when the
// client's precondition does not allow the current version. The UPDATE or DELETE that follows
// repeats the check in its WHERE with the locked row's version.
func checkVersion(what string, current int, ifMatch domain.IfMatch) error {
	if !ifMatch.Allows(current) {
		return domain.Errorf(domain.EPRECONDITION,
			"%s is at version %d, which If-Match does not name: read it again and reapply your change", what, current)
	}
	return nil
}
