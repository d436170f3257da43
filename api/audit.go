package api

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// AuditListInput filters the audit trail.
type AuditListInput struct {
	Resource   string `query:"resource" enum:"body_role,city,commitment,dataset,event,framework,indicator,observation,organisation,release,report,study,study_city,subscription,token,trend,trend_adoption" doc:"Only entries about this kind of resource." example:"city"`
	ResourceID string `query:"resource_id" maxLength:"200" doc:"Only entries about this resource (with resource)." example:"bilbao"`
	PageParams
}

func (h *handlers) listAudit(ctx context.Context, in *AuditListInput) (*ListOutput[domain.AuditEntry], error) {
	f := domain.AuditFilter{Resource: in.Resource, ResourceID: in.ResourceID, Limit: in.Limit}
	var err error
	if f.BeforeID, err = descIDCursor(in.Cursor); err != nil {
		return nil, err
	}
	entries, more, err := h.db.ListAudit(ctx, actorOf(ctx), f)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = domain.Cursor{Sort: "-id", ID: strconv.FormatInt(entries[len(entries)-1].ID, 10)}.Encode()
	}
	return newPage(&in.PageParams, entries, next), nil
}
