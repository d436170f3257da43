package postgres

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ListAudit returns audit entries newest first, optionally for one resource.
func (db *DB) ListAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEntry, bool, error) {
	var rows []domain.AuditEntry
	err := db.db.SelectContext(ctx, &rows, `
		SELECT id, at, token_id, actor, action, resource, resource_id,
		       coalesce(before, 'null') AS before, coalesce(after, 'null') AS after, request_id
		FROM audit_log
		WHERE ($1 = '' OR resource = $1)
		  AND ($2 = '' OR resource_id = $2)
		  AND ($3 = 0 OR id < $3)
		ORDER BY id DESC
		LIMIT $4`, f.Resource, f.ResourceID, f.BeforeID, f.Limit+1)
	if err != nil {
		return nil, false, mapError(err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	return rows, more, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
