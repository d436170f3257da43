package api

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// NetworkSlugInput names an organisation or a community.
type NetworkSlugInput struct {
	Slug        string `path:"slug" maxLength:"100" example:"un-habitat"`
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// OrganisationsOutput lists the partner organisations.
type OrganisationsOutput struct {
	Body Page[domain.Organisation]
}

// OrganisationOutput is one organisation with its ETag.
type OrganisationOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Organisation
}

// CommunitiesOutput lists the communities.
type CommunitiesOutput struct {
	Body Page[domain.Community]
}

// CommunityOutput is one community with its ETag.
type CommunityOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Community
}

func (h *handlers) listOrganisations(ctx context.Context, _ *struct{}) (*OrganisationsOutput, error) {
	orgs, err := h.db.ListOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	return &OrganisationsOutput{Body: pageOf(orgs)}, nil
}

func (h *handlers) getOrganisation(ctx context.Context, in *NetworkSlugInput) (*OrganisationOutput, error) {
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

func (h *handlers) listCommunities(ctx context.Context, _ *struct{}) (*CommunitiesOutput, error) {
	cs, err := h.db.ListCommunities(ctx)
	if err != nil {
		return nil, err
	}
	return &CommunitiesOutput{Body: pageOf(cs)}, nil
}

func (h *handlers) getCommunity(ctx context.Context, in *NetworkSlugInput) (*CommunityOutput, error) {
	c, err := h.db.GetCommunity(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	// The member counts are derived, so they are part of the tag:
	// "v<version>-m<reported>.<sample>.<synthetic>".
	m := c.MembersByProvenance
	tag := `"v` + strconv.Itoa(c.Version) + "-m" + strconv.Itoa(m.Reported) + "." + strconv.Itoa(m.Sample) + "." +
		strconv.Itoa(m.Synthetic) + `"`
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &CommunityOutput{ETag: tag, Body: c}, nil
}
