package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// IndicatorListInput filters indicators.
type IndicatorListInput struct {
	Framework           string `query:"framework" maxLength:"100" doc:"Only this framework's indicators." example:"uclg-smart-governance-2019"`
	Dimension           string `query:"dimension" maxLength:"100" doc:"Only indicators in this dimension or below it (needs framework)." example:"open-data"`
	ValueType           string `query:"value_type" enum:"numeric,percentage,count,boolean,ordinal,text" example:"percentage"`
	Status              string `query:"status" enum:"active,retired" example:"active"`
	Q                   string `query:"q" maxLength:"100" doc:"Search in the name, in any language, and the code, ignoring case and accents (participacion finds Participación)." example:"open data"`
	MissingTranslations string `query:"missing_translations" enum:"fr,es" doc:"Only the indicators with a text (name, description, methodology, ordinal level labels) that has no version in this language: the translations still to do (a blank version counts as missing; English is always present). GET /v1/translations counts them." example:"fr"`
	SyncParams
	PageParams
}

// IndicatorPathInput names an indicator.
type IndicatorPathInput struct {
	Slug string `path:"slug" maxLength:"100" example:"sg2019-participatory-budget"`
}

// IndicatorGetInput is get-indicator's input.
type IndicatorGetInput struct {
	IndicatorPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// IndicatorOutput is one indicator with its ETag.
type IndicatorOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Indicator
}

// IndicatorCreateBody is create-indicator's body.
type IndicatorCreateBody struct {
	Slug string `json:"slug" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" maxLength:"100"`
	domain.IndicatorFields
}

// IndicatorCreateInput is create-indicator's input.
type IndicatorCreateInput struct {
	Body IndicatorCreateBody
}

// IndicatorCreatedOutput is a created indicator.
type IndicatorCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Indicator
}

// IndicatorPutInput is update-indicator's input.
type IndicatorPutInput struct {
	IndicatorPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the indicator as you read it (required)." example:"\"v1\""`
	Body    domain.IndicatorFields
}

// IndicatorRetireInput is retire-indicator's input.
type IndicatorRetireInput struct {
	IndicatorPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the indicator as you read it (required)." example:"\"v1\""`
}

func (h *handlers) listIndicators(ctx context.Context, in *IndicatorListInput) (*ListOutput[domain.Indicator], error) {
	if in.Dimension != "" && in.Framework == "" {
		return nil, domain.Invalid("query.dimension", "needs framework: dimension slugs are unique within a framework")
	}
	after, err := domain.DecodeCursor(in.Cursor, "slug")
	if err != nil {
		return nil, err
	}
	f := domain.IndicatorFilter{Framework: in.Framework, Dimension: in.Dimension, ValueType: in.ValueType,
		Status: in.Status, Query: in.Q, MissingLanguage: in.MissingTranslations, Limit: in.Limit}
	if after != nil {
		f.After = after.ID
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	inds, more, err := h.db.ListIndicators(ctx, f)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = domain.Cursor{Sort: "slug", ID: inds[len(inds)-1].Slug}.Encode()
	}
	return newPage(&in.PageParams, inds, next), nil
}

func (h *handlers) getIndicator(ctx context.Context, in *IndicatorGetInput) (*IndicatorOutput, error) {
	ind, err := h.db.GetIndicator(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	tag := etag(ind.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &IndicatorOutput{ETag: tag, Body: ind}, nil
}

func (h *handlers) createIndicator(ctx context.Context, in *IndicatorCreateInput) (*IndicatorCreatedOutput, error) {
	ind, err := h.db.CreateIndicator(ctx, callerOf(ctx), in.Body.Slug, in.Body.IndicatorFields)
	if err != nil {
		return nil, err
	}
	return &IndicatorCreatedOutput{ETag: etag(ind.Version), Location: "/v1/indicators/" + ind.Slug, Body: ind}, nil
}

func (h *handlers) updateIndicator(ctx context.Context, in *IndicatorPutInput) (*IndicatorOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	ind, err := h.db.UpdateIndicator(ctx, callerOf(ctx), in.Slug, ifMatch, in.Body)
	if err != nil {
		return nil, err
	}
	return &IndicatorOutput{ETag: etag(ind.Version), Body: ind}, nil
}

func (h *handlers) retireIndicator(ctx context.Context, in *IndicatorRetireInput) (*IndicatorOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	ind, err := h.db.RetireIndicator(ctx, callerOf(ctx), in.Slug, ifMatch)
	if err != nil {
		return nil, err
	}
	return &IndicatorOutput{ETag: etag(ind.Version), Body: ind}, nil
}
