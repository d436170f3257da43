package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// OrganisationListInput are the filters and paging of list-organisations.
type OrganisationListInput struct {
	Kind                string `query:"kind" enum:"un_agency,city_network,platform,industry_alliance,uclg_body,fund,foundation,other" doc:"Only organisations of this kind." example:"platform"`
	Q                   string `query:"q" maxLength:"100" doc:"Search in the name, in any language, and the acronym, ignoring case and accents (uraia finds Uraía)." example:"uraia"`
	MissingTranslations string `query:"missing_translations" enum:"fr,es" doc:"Only the organisations whose name has no version in this language: the translations still to do (a blank version counts as missing; English is always present). GET /v1/translations counts them." example:"es"`
	SyncParams
	PageParams
}

// OrganisationPathInput names one organisation.
type OrganisationPathInput struct {
	Slug string `path:"slug" maxLength:"100" doc:"The organisation's slug." example:"uraia"`
}

// OrganisationGetInput is get-organisation's input.
type OrganisationGetInput struct {
	OrganisationPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// OrganisationOutput is one organisation with its ETag.
type OrganisationOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Organisation
}

// OrganisationCreateBody is the body of create-organisation.
type OrganisationCreateBody struct {
	Slug string `json:"slug" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Stable identifier: lowercase words joined by hyphens." example:"uraia"`
	domain.OrganisationFields
}

// OrganisationCreateInput is create-organisation's input.
type OrganisationCreateInput struct {
	Body OrganisationCreateBody
}

// OrganisationCreatedOutput is a created organisation with its ETag and Location.
type OrganisationCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Organisation
}

// OrganisationPutInput is update-organisation's input: the whole writable representation.
type OrganisationPutInput struct {
	OrganisationPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the organisation as you read it (required)." example:"\"v1\""`
	Body    domain.OrganisationFields
}

// OrganisationPatchInput is patch-organisation's input: a JSON merge patch (RFC 7396) of the
// writable fields.
type OrganisationPatchInput struct {
	OrganisationPathInput
	IfMatch string            `header:"If-Match" maxLength:"200" doc:"The ETag of the organisation as you read it (required)." example:"\"v1\""`
	Body    OrganisationPatch `contentType:"application/merge-patch+json"`
	RawBody []byte
}

// OrganisationPatch lists the fields a merge patch may set; null clears a nullable field, and
// a relations list replaces the whole list (RFC 7396 replaces arrays).
type OrganisationPatch struct {
	Name       *TextPatch        `json:"name,omitempty"`
	Acronym    *string           `json:"acronym,omitempty" minLength:"1" maxLength:"50" nullable:"true" example:"FMDV"`
	Kind       *string           `json:"kind,omitempty" enum:"un_agency,city_network,platform,industry_alliance,uclg_body,fund,foundation,other" example:"fund"`
	Website    *string           `json:"website,omitempty" format:"uri" maxLength:"500" nullable:"true" example:"https://www.fmdv.net"`
	Relations  []domain.Relation `json:"relations,omitempty" maxItems:"50" doc:"The new list of relations, replacing the old one."`
	Provenance *string           `json:"provenance,omitempty" enum:"reported,sample,synthetic" example:"reported"`
}

// OrganisationDeleteInput is delete-organisation's input.
type OrganisationDeleteInput struct {
	OrganisationPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the organisation as you read it (required)." example:"\"v1\""`
}

func (h *handlers) listOrganisations(ctx context.Context, in *OrganisationListInput) (*ListOutput[domain.Organisation], error) {
	after, err := domain.DecodeCursor(in.Cursor, "slug")
	if err != nil {
		return nil, err
	}
	f := domain.OrganisationFilter{Kind: in.Kind, Query: in.Q, MissingLanguage: in.MissingTranslations, Limit: in.Limit}
	if after != nil {
		f.After = after.ID
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	orgs, more, err := h.db.ListOrganisations(ctx, f)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = domain.Cursor{Sort: "slug", ID: orgs[len(orgs)-1].Slug}.Encode()
	}
	return newPage(&in.PageParams, orgs, next), nil
}

func (h *handlers) getOrganisation(ctx context.Context, in *OrganisationGetInput) (*OrganisationOutput, error) {
	o, err := h.db.GetOrganisation(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	tag := etag(o.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &OrganisationOutput{ETag: tag, Body: o}, nil
}

func (h *handlers) createOrganisation(ctx context.Context, in *OrganisationCreateInput) (*OrganisationCreatedOutput, error) {
	o, err := h.db.CreateOrganisation(ctx, callerOf(ctx), in.Body.Slug, in.Body.OrganisationFields)
	if err != nil {
		return nil, err
	}
	return &OrganisationCreatedOutput{ETag: etag(o.Version), Location: "/v1/organisations/" + o.Slug, Body: o}, nil
}

func (h *handlers) updateOrganisation(ctx context.Context, in *OrganisationPutInput) (*OrganisationOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	o, err := h.db.UpdateOrganisation(ctx, callerOf(ctx), in.Slug, ifMatch, func(*domain.Organisation) (domain.OrganisationFields, error) {
		return in.Body, nil
	})
	if err != nil {
		return nil, err
	}
	return &OrganisationOutput{ETag: etag(o.Version), Body: o}, nil
}

func (h *handlers) patchOrganisation(ctx context.Context, in *OrganisationPatchInput) (*OrganisationOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	o, err := h.db.UpdateOrganisation(ctx, callerOf(ctx), in.Slug, ifMatch, func(current *domain.Organisation) (domain.OrganisationFields, error) {
		var f domain.OrganisationFields
		return f, mergePatch(current.Fields(), in.RawBody, &f)
	})
	if err != nil {
		return nil, err
	}
	return &OrganisationOutput{ETag: etag(o.Version), Body: o}, nil
}

func (h *handlers) deleteOrganisation(ctx context.Context, in *OrganisationDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteOrganisation(ctx, callerOf(ctx), in.Slug, ifMatch)
}
