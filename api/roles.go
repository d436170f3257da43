package api

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// BodyRoleListInput are the filters and paging of list-body-roles. The body filter's field is
// BodySlug because Huma reads a field named Body as the request body.
type BodyRoleListInput struct {
	BodySlug     string `query:"body" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Only roles in this UCLG body (a slug of /v1/communities)." example:"digital-cities"`
	City         string `query:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Only roles held by this city." example:"bilbao"`
	Organisation string `query:"organisation" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Only roles held by this organisation." example:"un-habitat"`
	Role         string `query:"role" enum:"chair,co_chair,president,co_president,vice_chair,vice_president,member" doc:"Only this role." example:"chair"`
	Current      string `query:"current" enum:"true,false" doc:"true: only terms held today (begun, or of unknown start, and not ended, or of unknown end); false: only the others." example:"true"`
	SyncParams
	PageParams
}

// BodyRolePathInput names one role.
type BodyRolePathInput struct {
	ID int64 `path:"id" minimum:"1" maximum:"9007199254740991" doc:"The role's identifier." example:"1"`
}

// BodyRoleGetInput is get-body-role's input.
type BodyRoleGetInput struct {
	BodyRolePathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// BodyRoleOutput is one role with its ETag.
type BodyRoleOutput struct {
	ETag string `header:"ETag"`
	Body *domain.BodyRole
}

// BodyRoleCreateInput is create-body-role's input.
type BodyRoleCreateInput struct {
	Body domain.BodyRoleFields
}

// BodyRoleCreatedOutput is a created role with its ETag and Location.
type BodyRoleCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.BodyRole
}

// BodyRolePutInput is update-body-role's input: the whole writable representation.
type BodyRolePutInput struct {
	BodyRolePathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the role as you read it (required)." example:"\"v1\""`
	Body    domain.BodyRoleFields
}

// BodyRoleDeleteInput is delete-body-role's input.
type BodyRoleDeleteInput struct {
	BodyRolePathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the role as you read it (required)." example:"\"v1\""`
}

// bodyRolePath is a role's URL path.
func bodyRolePath(id int64) string { return "/v1/roles/" + strconv.FormatInt(id, 10) }

func (h *handlers) listBodyRoles(ctx context.Context, in *BodyRoleListInput) (*ListOutput[domain.BodyRole], error) {
	f := domain.BodyRoleFilter{Body: in.BodySlug, City: in.City, Organisation: in.Organisation, Role: in.Role, Limit: in.Limit}
	var err error
	if f.AfterID, err = idCursor(in.Cursor); err != nil {
		return nil, err
	}
	if in.Current != "" {
		current := in.Current == "true"
		f.Current = &current
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	roles, more, err := h.db.ListBodyRoles(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(roles) == 0 && in.Cursor == "" {
		// Nothing found: say so if a filter names something that does not exist.
		if err := h.db.CheckBodyRoleReferences(ctx, f); err != nil {
			return nil, err
		}
	}
	next := ""
	if more {
		next = newIDCursor(roles[len(roles)-1].ID)
	}
	return newPage(&in.PageParams, roles, next), nil
}

func (h *handlers) getBodyRole(ctx context.Context, in *BodyRoleGetInput) (*BodyRoleOutput, error) {
	r, err := h.db.GetBodyRole(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	tag := etag(r.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &BodyRoleOutput{ETag: tag, Body: r}, nil
}

func (h *handlers) createBodyRole(ctx context.Context, in *BodyRoleCreateInput) (*BodyRoleCreatedOutput, error) {
	r, err := h.db.CreateBodyRole(ctx, callerOf(ctx), in.Body)
	if err != nil {
		return nil, err
	}
	return &BodyRoleCreatedOutput{ETag: etag(r.Version), Location: bodyRolePath(r.ID), Body: r}, nil
}

func (h *handlers) updateBodyRole(ctx context.Context, in *BodyRolePutInput) (*BodyRoleOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	r, err := h.db.UpdateBodyRole(ctx, callerOf(ctx), in.ID, ifMatch, in.Body)
	if err != nil {
		return nil, err
	}
	return &BodyRoleOutput{ETag: etag(r.Version), Body: r}, nil
}

func (h *handlers) deleteBodyRole(ctx context.Context, in *BodyRoleDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteBodyRole(ctx, callerOf(ctx), in.ID, ifMatch)
}
