package api

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// CommitmentListInput is list-commitments' input.
type CommitmentListInput struct {
	BodySlug string `query:"body" maxLength:"100" doc:"Only commitments of this UCLG body." example:"digital-cities"`
	Status   string `query:"status" enum:"open,in_progress,done,dropped" doc:"Only commitments in this status." example:"open"`
	SyncParams
	PageParams
}

// CommitmentPathInput names a commitment.
type CommitmentPathInput struct {
	ID int64 `path:"id" minimum:"1" maximum:"9007199254740991" doc:"The commitment's id." example:"1"`
}

// CommitmentGetInput is get-commitment's input.
type CommitmentGetInput struct {
	CommitmentPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// CommitmentOutput is a commitment with its ETag.
type CommitmentOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Commitment
}

// CommitmentCreateInput is create-commitment's input.
type CommitmentCreateInput struct {
	Body domain.CommitmentFields
}

// CommitmentCreatedOutput is a created commitment with its ETag and Location.
type CommitmentCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Commitment
}

// CommitmentPutInput is update-commitment's input.
type CommitmentPutInput struct {
	CommitmentPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the commitment as you read it (required)." example:"\"v1\""`
	Body    domain.CommitmentFields
}

func (h *handlers) listCommitments(ctx context.Context, in *CommitmentListInput) (*ListOutput[domain.Commitment], error) {
	after, err := idCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	f := domain.CommitmentFilter{Body: in.BodySlug, Status: in.Status, AfterID: after, Limit: in.Limit}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	cs, more, err := h.db.ListCommitments(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 && in.Cursor == "" && in.BodySlug != "" {
		if _, err := h.db.GetCommunity(ctx, in.BodySlug); domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.Invalid("query.body", "no UCLG body %q", in.BodySlug)
		}
	}
	next := ""
	if more {
		next = newIDCursor(cs[len(cs)-1].ID)
	}
	return newPage(&in.PageParams, cs, next), nil
}

func (h *handlers) getCommitment(ctx context.Context, in *CommitmentGetInput) (*CommitmentOutput, error) {
	c, err := h.db.GetCommitment(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	tag := etag(c.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &CommitmentOutput{ETag: tag, Body: c}, nil
}

func (h *handlers) createCommitment(ctx context.Context, in *CommitmentCreateInput) (*CommitmentCreatedOutput, error) {
	c, err := h.db.CreateCommitment(ctx, callerOf(ctx), in.Body)
	if err != nil {
		return nil, err
	}
	return &CommitmentCreatedOutput{ETag: etag(c.Version), Location: "/v1/commitments/" + strconv.FormatInt(c.ID, 10), Body: c}, nil
}

func (h *handlers) updateCommitment(ctx context.Context, in *CommitmentPutInput) (*CommitmentOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	c, err := h.db.UpdateCommitment(ctx, callerOf(ctx), in.ID, ifMatch, in.Body)
	if err != nil {
		return nil, err
	}
	return &CommitmentOutput{ETag: etag(c.Version), Body: c}, nil
}
