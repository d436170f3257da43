package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

const commitmentSelect = `SELECT c.id, c.body, c.title, c.description, c.owner, c.due_value, c.due_precision,
	c.status, c.provenance, c.version, c.created_at, c.updated_at FROM commitments c`

// commitmentRow is a commitment as stored: its due date in two columns.
type commitmentRow struct {
	ID           int64        `db:"id"`
	Body         string       `db:"body"`
	Title        domain.Text  `db:"title"`
	Description  *domain.Text `db:"description"`
	Owner        string       `db:"owner"`
	DueValue     *string      `db:"due_value"`
	DuePrecision string       `db:"due_precision"`
	Status       string       `db:"status"`
	Provenance   string       `db:"provenance"`
	Version      int          `db:"version"`
	CreatedAt    sql.NullTime `db:"created_at"`
	UpdatedAt    sql.NullTime `db:"updated_at"`
}

func (r *commitmentRow) commitment() domain.Commitment {
	return domain.Commitment{ID: r.ID, CommitmentFields: domain.CommitmentFields{Body: r.Body, Title: r.Title,
		Description: r.Description, Owner: r.Owner, Due: domain.DateWithPrecision{Value: r.DueValue, Precision: r.DuePrecision},
		Status: r.Status, Provenance: r.Provenance}, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time,
		History: []domain.CommitmentStatus{}}
}

// ListCommitments returns one page of commitments by id, and whether there is more.
func (db *DB) ListCommitments(ctx context.Context, f domain.CommitmentFilter) ([]domain.Commitment, bool, error) {
	var args queryArgs
	arg := args.add
	var where []string
	if f.Body != "" {
		where = append(where, "c.body = "+arg(f.Body))
	}
	if f.Status != "" {
		where = append(where, "c.status = "+arg(f.Status))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "commitment", "c.id::text", f.UpdatedSince))
	}
	if f.AfterID > 0 {
		where = append(where, "c.id > "+arg(f.AfterID))
	}
	var rows []commitmentRow
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &rows, commitmentSelect+whereClause(where)+" ORDER BY c.id LIMIT "+arg(f.Limit+1), args...); err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	out := make([]domain.Commitment, len(rows))
	for i := range rows {
		out[i] = rows[i].commitment()
	}
	return out, more, withHistory(ctx, db.reader(ctx), out)
}

// withHistory reads the status history of each commitment.
func withHistory(ctx context.Context, q sqlx.QueryerContext, cs []domain.Commitment) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	index := map[int64]int{}
	for i, c := range cs {
		ids[i], index[c.ID] = c.ID, i
	}
	var history []struct {
		Commitment int64 `db:"commitment"`
		domain.CommitmentStatus
	}
	if err := sqlx.SelectContext(ctx, q, &history, `SELECT commitment, status, at, note FROM commitment_statuses
		WHERE commitment = ANY($1) ORDER BY commitment, id`, pq.Array(ids)); err != nil {
		return mapError(err)
	}
	for _, h := range history {
		c := &cs[index[h.Commitment]]
		c.History = append(c.History, h.CommitmentStatus)
	}
	return nil
}

// GetCommitment returns one commitment.
func (db *DB) GetCommitment(ctx context.Context, id int64) (*domain.Commitment, error) {
	return getCommitment(ctx, db.reader(ctx), id, "")
}

func getCommitment(ctx context.Context, q sqlx.QueryerContext, id int64, lock string) (*domain.Commitment, error) {
	var row commitmentRow
	err := sqlx.GetContext(ctx, q, &row, commitmentSelect+` WHERE c.id = $1 `+lock, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no commitment %d", id)
	}
	if err != nil {
		return nil, mapError(err)
	}
	list := []domain.Commitment{row.commitment()}
	if err := withHistory(ctx, q, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// CreateCommitment records a commitment of a body, with its first status in its history.
func (db *DB) CreateCommitment(ctx context.Context, caller domain.Caller, f domain.CommitmentFields) (*domain.Commitment, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *domain.Commitment
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		if err := mayWriteBody(ctx, tx, caller.Actor, f.Body, "body.body"); err != nil {
			return err
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO commitments (body, title, description, owner, due_value, due_precision,
			status, provenance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			f.Body, f.Title, f.Description, f.Owner, f.Due.Value, f.Due.Precision, f.Status, f.Provenance); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_statuses (commitment, status, note) VALUES ($1, $2, $3)`,
			id, f.Status, f.StatusNote); err != nil {
			return err
		}
		var err error
		if out, err = getCommitment(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "commitment", strconv.FormatInt(id, 10), nil, out)
	})
	return out, err
}

// UpdateCommitment replaces a commitment's fields when ifMatch allows its version; a new status
// is added to its history with the write's status note. Its body cannot change.
func (db *DB) UpdateCommitment(ctx context.Context, caller domain.Caller, id int64, ifMatch domain.IfMatch,
	f domain.CommitmentFields) (*domain.Commitment, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *domain.Commitment
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := getCommitment(ctx, tx, id, "FOR UPDATE OF c")
		if err != nil {
			return err
		}
		if err := mayWriteBody(ctx, tx, caller.Actor, before.Body, "body"); err != nil {
			return err
		}
		if err := checkVersion(fmt.Sprintf("commitment %d", id), before.Version, ifMatch); err != nil {
			return err
		}
		if f.Body != before.Body {
			return domain.Invalid("body.body", "a commitment stays with the body that undertook it (%s)", before.Body)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE commitments SET title = $3, description = $4, owner = $5, due_value = $6,
			due_precision = $7, status = $8, provenance = $9, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, id, before.Version, f.Title, f.Description, f.Owner, f.Due.Value,
			f.Due.Precision, f.Status, f.Provenance); err != nil {
			return err
		}
		if f.Status != before.Status || f.StatusNote != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_statuses (commitment, status, note) VALUES ($1, $2, $3)`,
				id, f.Status, f.StatusNote); err != nil {
				return err
			}
		}
		if out, err = getCommitment(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "commitment", strconv.FormatInt(id, 10), before, out)
	})
	return out, err
}
