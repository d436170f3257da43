package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func TestMapError(t *testing.T) {
	for _, c := range []struct {
		err  error
		code string
	}{
		{sql.ErrNoRows, domain.ENOTFOUND},
		{&pq.Error{Code: "23505"}, domain.ECONFLICT},
		{&pq.Error{Code: "23503"}, domain.ECONFLICT},
		{&pq.Error{Code: "23514", Constraint: "cities_population_check"}, domain.EINVALID},
		{&pq.Error{Code: "23514"}, domain.EINVALID},
		{&pq.Error{Code: "22008", Message: "date field value out of range: 0-01-01"}, domain.EINVALID},
		{&pq.Error{Code: "22P02", Message: "invalid input syntax for type bigint"}, domain.EINVALID},
		{&pq.Error{Code: "22003", Message: "value out of range for type integer"}, domain.EINVALID},
		{&pq.Error{Code: "40P01", Message: "deadlock detected"}, domain.EUNAVAILABLE},
		{&pq.Error{Code: "40001", Message: "could not serialize access"}, domain.EUNAVAILABLE},
		{&pq.Error{Code: "54000", Message: "index row size 8024 exceeds btree version 4 maximum 2704"}, domain.EINVALID},
		{&pq.Error{Code: "57014"}, domain.EUNAVAILABLE}, // statement timeout
		{&pq.Error{Code: "57P01"}, domain.EUNAVAILABLE}, // admin shutdown
		{&pq.Error{Code: "57P03"}, domain.EUNAVAILABLE}, // cannot connect now
		{&pq.Error{Code: "08006"}, domain.EUNAVAILABLE},
		{&pq.Error{Code: "53300"}, domain.EUNAVAILABLE}, // too many connections
		{driver.ErrBadConn, domain.EUNAVAILABLE},
		{io.ErrUnexpectedEOF, domain.EUNAVAILABLE},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), domain.EUNAVAILABLE},
		{context.DeadlineExceeded, domain.EUNAVAILABLE},
		{&pq.Error{Code: "42P01", Message: "relation \"x\" does not exist"}, domain.EINTERNAL},
		{errors.New("something else"), domain.EINTERNAL},
	} {
		err := mapError(c.err)
		if got := domain.ErrorCode(err); got != c.code {
			t.Errorf("%v: %s, want %s", c.err, got, c.code)
		}
		if msg := domain.ErrorMessage(err); strings.Contains(msg, "relation") || strings.Contains(msg, "pq:") || strings.Contains(msg, "btree") ||
			strings.Contains(msg, "()") || strings.Contains(msg, "out of range:") || strings.Contains(msg, "deadlock") {
			t.Errorf("%v: client message %q leaks driver text", c.err, msg)
		}
	}
}
