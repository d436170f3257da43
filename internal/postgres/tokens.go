package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// authenticateSQL finds a live token by its hash and records its use at most once a minute, so
// that authenticated reads do not each write a row.
const authenticateSQL = `
	WITH t AS (
		SELECT id, name, role, cities, last_used_at FROM api_tokens
		WHERE hash = $1 AND revoked_at IS NULL
	), used AS (
		UPDATE api_tokens SET last_used_at = now()
		FROM t WHERE api_tokens.id = t.id
		  AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute')
	)
	SELECT id, name, role, cities FROM t`

// Authenticate returns the actor of the token whose SHA-256 is hash; EUNAUTHORIZED when no
// live token has it.
func (db *DB) Authenticate(ctx context.Context, hash []byte) (*domain.Actor, error) {
	var row struct {
		ID     int64          `db:"id"`
		Name   string         `db:"name"`
		Role   string         `db:"role"`
		Cities pq.StringArray `db:"cities"`
	}
	err := db.stmts.queryRow(ctx, authenticateSQL, []any{hash}, func(r *sqlx.Rows) error { return r.StructScan(&row) })
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.EUNAUTHORIZED, "the bearer token is unknown or revoked")
	}
	if err != nil {
		return nil, mapError(err)
	}
	return &domain.Actor{TokenID: row.ID, Name: row.Name, Role: domain.Role(row.Role), Cities: row.Cities}, nil
}

type tokenRow struct {
	domain.Token
	CityList pq.StringArray `db:"cities"`
}

const tokenColumns = `id, name, role, cities, prefix, version, created_at, last_used_at, revoked_at` // #nosec G101 -- column names, not a credential

func (r *tokenRow) token() domain.Token {
	t := r.Token
	t.Cities = append([]string{}, r.CityList...)
	return t
}

// CreateToken stores a new token given the SHA-256 of its secret and the secret's visible prefix.
// An editor's cities must exist.
func (db *DB) CreateToken(ctx context.Context, caller domain.Caller, in domain.TokenCreate, prefix string, hash []byte) (*domain.Token, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var t domain.Token
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if len(in.Cities) > 0 {
			var missing []string
			if err := tx.SelectContext(ctx, &missing, `
				SELECT c FROM unnest($1::text[]) AS c
				WHERE NOT EXISTS (SELECT 1 FROM cities WHERE slug = c) ORDER BY c`, pq.Array(in.Cities)); err != nil {
				return err
			}
			if len(missing) > 0 {
				return domain.Invalid("cities", "unknown cities: %v", missing)
			}
		}
		var row tokenRow
		if err := tx.GetContext(ctx, &row, `
			INSERT INTO api_tokens (name, role, cities, prefix, hash) VALUES ($1, $2, $3, $4, $5)
			RETURNING `+tokenColumns,
			in.Name, in.Role, pq.Array(nonNilSlice(in.Cities)), prefix, hash); err != nil {
			return err
		}
		t = row.token()
		return audit(ctx, tx, caller, "create", "token", itoa(t.ID), nil, &t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ListTokens returns tokens by id, after the given id, at most limit of them (plus whether more follow).
func (db *DB) ListTokens(ctx context.Context, afterID int64, limit int) ([]domain.Token, bool, error) {
	var rows []tokenRow
	if err := db.reader(ctx).SelectContext(ctx, &rows, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit+1); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]domain.Token, len(rows))
	for i := range rows {
		out[i] = rows[i].token()
	}
	return out, more, nil
}

// GetToken returns one token.
func (db *DB) GetToken(ctx context.Context, id int64) (*domain.Token, error) {
	var row tokenRow
	err := db.reader(ctx).GetContext(ctx, &row, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no token %d", id)
	}
	if err != nil {
		return nil, mapError(err)
	}
	t := row.token()
	return &t, nil
}

// RevokeToken revokes a token when ifMatch allows its version; revoking twice is harmless and
// keeps the first time.
func (db *DB) RevokeToken(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch) (*domain.Token, error) {
	var t domain.Token
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		var before tokenRow
		err := tx.GetContext(ctx, &before, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1 FOR UPDATE`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "no token %d", id)
		}
		if err != nil {
			return err
		}
		if err := checkVersion(fmt.Sprintf("token %d", id), before.Version, ifMatch); err != nil {
			return err
		}
		if before.RevokedAt != nil {
			t = before.token() // revoking twice changes nothing: same version, no audit row
			return nil
		}
		var row tokenRow
		err = tx.GetContext(ctx, &row, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2), version = version + 1
			WHERE id = $1 AND version = $3 RETURNING `+tokenColumns, id, time.Now().UTC(), before.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EPRECONDITION, "token %d changed since it was read", id)
		}
		if err != nil {
			return err
		}
		t = row.token()
		b := before.token()
		return audit(ctx, tx, caller, "update", "token", itoa(id), &b, &t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}
