package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TrendListInput is list-trends' input.
type TrendListInput struct {
	Category            string `query:"category" enum:"ai_analytics,open_data_platforms,digital_participation,digital_twins,iot,blockchain,chatbots,digital_identity,cloud,other" example:"digital_participation"`
	Framework           string `query:"framework" maxLength:"100" doc:"Only trends serving a dimension of this framework." example:"uclg-smart-governance-2019"`
	Dimension           string `query:"dimension" maxLength:"100" doc:"Only trends serving this dimension (needs framework)." example:"participation"`
	Q                   string `query:"q" maxLength:"100" doc:"Search in the name, in any language, ignoring case and accents (participacion finds Participación)." example:"participation"`
	MissingTranslations string `query:"missing_translations" enum:"fr,es" doc:"Only the trends whose name or description has no version in this language: the translations still to do (a blank version counts as missing; English is always present). GET /v1/translations counts them." example:"es"`
	SyncParams
	PageParams
}

// TrendPathInput names a trend.
type TrendPathInput struct {
	Slug string `path:"slug" maxLength:"100" doc:"The trend's slug." example:"digital-participation"`
}

// TrendGetInput is get-trend's input.
type TrendGetInput struct {
	TrendPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// TrendOutput is one trend with its ETag.
type TrendOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Trend
}

// TrendCreateBody is the body of create-trend.
type TrendCreateBody struct {
	Slug string `json:"slug" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Stable identifier: lowercase words joined by hyphens (not ranking)." example:"digital-participation"`
	domain.TrendFields
}

// TrendCreateInput is create-trend's input.
type TrendCreateInput struct {
	Body TrendCreateBody
}

// TrendCreatedOutput is a created trend with its ETag and Location.
type TrendCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Trend
}

// TrendPutInput is update-trend's input: the whole writable representation.
type TrendPutInput struct {
	TrendPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the trend as you read it (required)." example:"\"v1\""`
	Body    domain.TrendFields
}

// TrendDeleteInput is delete-trend's input.
type TrendDeleteInput struct {
	TrendPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the trend as you read it (required)." example:"\"v1\""`
}

func (h *handlers) listTrends(ctx context.Context, in *TrendListInput) (*ListOutput[domain.Trend], error) {
	if in.Dimension != "" && in.Framework == "" {
		return nil, domain.Invalid("query.dimension", "needs framework: dimension slugs are unique within a framework")
	}
	after, err := domain.DecodeCursor(in.Cursor, "slug")
	if err != nil {
		return nil, err
	}
	f := domain.TrendFilter{Category: in.Category, Framework: in.Framework, Dimension: in.Dimension, Query: in.Q,
		MissingLanguage: in.MissingTranslations, Limit: in.Limit}
	if after != nil {
		f.After = after.ID
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	trends, more, err := h.db.ListTrends(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(trends) == 0 && in.Cursor == "" && in.Framework != "" {
		if err := h.db.CheckTrendReferences(ctx, in.Framework, in.Dimension); err != nil {
			return nil, err
		}
	}
	next := ""
	if more {
		next = domain.Cursor{Sort: "slug", ID: trends[len(trends)-1].Slug}.Encode()
	}
	return newPage(&in.PageParams, trends, next), nil
}

func (h *handlers) getTrend(ctx context.Context, in *TrendGetInput) (*TrendOutput, error) {
	t, err := h.db.GetTrend(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	tag := etag(t.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &TrendOutput{ETag: tag, Body: t}, nil
}

func (h *handlers) createTrend(ctx context.Context, in *TrendCreateInput) (*TrendCreatedOutput, error) {
	t, err := h.db.CreateTrend(ctx, callerOf(ctx), in.Body.Slug, in.Body.TrendFields)
	if err != nil {
		return nil, err
	}
	return &TrendCreatedOutput{ETag: etag(t.Version), Location: "/v1/trends/" + t.Slug, Body: t}, nil
}

func (h *handlers) updateTrend(ctx context.Context, in *TrendPutInput) (*TrendOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	t, err := h.db.UpdateTrend(ctx, callerOf(ctx), in.Slug, ifMatch, in.Body)
	if err != nil {
		return nil, err
	}
	return &TrendOutput{ETag: etag(t.Version), Body: t}, nil
}

func (h *handlers) deleteTrend(ctx context.Context, in *TrendDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteTrend(ctx, callerOf(ctx), in.Slug, ifMatch)
}
