package postgres

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// InTx lets the package's external tests run a transaction as the store's writes do.
func (db *DB) InTx(ctx context.Context, caller domain.Caller, fn func(tx *sqlx.Tx) error) error {
	return db.inTx(ctx, caller, fn)
}
