package postgres

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ListAudit returns the audit entries the actor may read, newest first, optionally for one
// resource. The secretariat and admins read the trail; only admins read the entries about
// tokens, whose images hold token names, roles, city scopes and secret prefixes.
func (db *DB) ListAudit(ctx context.Context, actor *domain.Actor, f domain.AuditFilter) ([]domain.AuditEntry, bool, error) {
	if !actor.HasRole(domain.RoleSecretariat, domain.RoleAdmin) {
		return nil, false, domain.Errorf(domain.EFORBIDDEN, "only the secretariat and admins read the audit trail")
	}
	var rows []domain.AuditEntry
	err := db.reader(ctx).SelectContext(ctx, &rows, `
		SELECT id, at, token_id, actor, action, resource, resource_id,
		       coalesce(before, 'null') AS before, coalesce(after, 'null') AS after, request_id
		FROM audit_log
		WHERE ($1 = '' OR resource = $1)
		  AND ($2 = '' OR resource_id = $2)
		  AND ($3 = 0 OR id < $3)
		  AND (resource <> 'token' OR $5)
		ORDER BY id DESC
		LIMIT $4`, f.Resource, f.ResourceID, f.BeforeID, f.Limit+1, actor.HasRole(domain.RoleAdmin))
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
