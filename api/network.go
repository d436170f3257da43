package api

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// NetworkSlugInput names a community (a UCLG body).
type NetworkSlugInput struct {
	Slug        string `path:"slug" maxLength:"100" example:"digital-cities"`
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
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
	// The member counts and the chair city are derived, so they are part of the tag:
	// "v<version>-m<reported>.<sample>.<synthetic>-c<chair city>".
	m := c.MembersByProvenance
	chair := ""
	if c.ChairCity != nil {
		chair = *c.ChairCity
	}
	tag := `"v` + strconv.Itoa(c.Version) + "-m" + strconv.Itoa(m.Reported) + "." + strconv.Itoa(m.Sample) + "." +
		strconv.Itoa(m.Synthetic) + "-c" + chair + `"`
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &CommunityOutput{ETag: tag, Body: c}, nil
}
