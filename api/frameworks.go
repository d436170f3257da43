package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// FrameworkListOutput lists every framework with its dimensions (there are few: no paging).
type FrameworkListOutput struct {
	Body Page[domain.Framework]
}

// FrameworkPathInput names a framework.
type FrameworkPathInput struct {
	Slug        string `path:"slug" maxLength:"100" example:"uclg-smart-governance-2019"`
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// FrameworkOutput is one framework.
type FrameworkOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Framework
}

// FrameworkCreateInput is create-framework's input.
type FrameworkCreateInput struct {
	Body domain.FrameworkCreate
}

// FrameworkCreatedOutput is a created framework.
type FrameworkCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Framework
}

func (h *handlers) listFrameworks(ctx context.Context, in *SyncParams) (*FrameworkListOutput, error) {
	since, err := h.syncPoint(ctx, *in)
	if err != nil {
		return nil, err
	}
	fs, err := h.db.ListFrameworks(ctx, since)
	if err != nil {
		return nil, err
	}
	return &FrameworkListOutput{Body: pageOf(fs)}, nil
}

func (h *handlers) getFramework(ctx context.Context, in *FrameworkPathInput) (*FrameworkOutput, error) {
	f, err := h.db.GetFramework(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	tag := etag(f.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &FrameworkOutput{ETag: tag, Body: f}, nil
}

func (h *handlers) createFramework(ctx context.Context, in *FrameworkCreateInput) (*FrameworkCreatedOutput, error) {
	f, err := h.db.CreateFramework(ctx, callerOf(ctx), in.Body)
	if err != nil {
		return nil, err
	}
	return &FrameworkCreatedOutput{ETag: etag(f.Version), Location: "/v1/frameworks/" + f.Slug, Body: f}, nil
}
