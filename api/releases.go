package api

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/releasefile"
)

// ReleaseListInput is list-releases' input.
type ReleaseListInput struct {
	DatasetPathInput
	PageParams
}

// ReleasePathInput names a release of a dataset.
type ReleasePathInput struct {
	DatasetPathInput
	Number int `path:"number" minimum:"1" maximum:"2147483647" doc:"The release's number." example:"1"`
}

// ReleaseOutput is one release. Releases never change: their ETag is their number's.
type ReleaseOutput struct {
	ETag         string `header:"ETag"`
	CacheControl string `header:"Cache-Control" maxLength:"100" pattern:"^[ -~]*$" doc:"public, max-age=31536000, immutable: releases never change." example:"public, max-age=31536000, immutable"`
	Link         string `header:"Link" doc:"The dataset's licence, rel=\"license\"." example:"<https://spdx.org/licenses/CC-BY-4.0>; rel=\"license\""`
	Body         *domain.Release
}

// ReleaseCreateBody is the body of create-release.
type ReleaseCreateBody struct {
	Notes string `json:"notes" required:"false" maxLength:"5000" doc:"What is new in this release, for its readers." example:"First release of the 2019 edition's observations."`
}

// ReleaseCreateInput is create-release's input.
type ReleaseCreateInput struct {
	DatasetPathInput
	Body ReleaseCreateBody
}

// ReleaseCreatedOutput is a new release with its Location.
type ReleaseCreatedOutput struct {
	Location string `header:"Location"`
	Link     string `header:"Link" doc:"The dataset's licence, rel=\"license\"." example:"<https://spdx.org/licenses/CC-BY-4.0>; rel=\"license\""`
	Body     *domain.Release
}

// LatestReleaseOutput redirects to the newest release.
type LatestReleaseOutput struct {
	Location     string `header:"Location" doc:"The newest release." example:"/v1/datasets/smart-governance-2019/releases/3"`
	CacheControl string `header:"Cache-Control" maxLength:"100" pattern:"^[ -~]*$" doc:"no-cache: the newest release changes when one is published." example:"no-cache"`
}

// releaseCache is the Cache-Control of what never changes.
const releaseCache = "public, max-age=31536000, immutable"

func (h *handlers) listReleases(ctx context.Context, in *ReleaseListInput) (*ListOutput[domain.Release], error) {
	before, err := descIDCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	rs, more, err := h.db.ListReleases(ctx, in.Slug, int(before), in.Limit)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = domain.Cursor{Sort: "-id", ID: strconv.Itoa(rs[len(rs)-1].Number)}.Encode()
	}
	return newPage(&in.PageParams, rs, next), nil
}

// ReleaseGetInput is get-release's input.
type ReleaseGetInput struct {
	ReleasePathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"The ETag you hold; 304 when it matches (releases never change)." example:"\"r1\""`
}

func (h *handlers) getRelease(ctx context.Context, in *ReleaseGetInput) (*ReleaseOutput, error) {
	r, err := h.db.GetRelease(ctx, in.Slug, in.Number)
	if err != nil {
		return nil, err
	}
	tag := `"r` + strconv.Itoa(r.Number) + `"`
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &ReleaseOutput{ETag: tag, CacheControl: releaseCache, Link: licenseLink(r.Metadata.License), Body: r}, nil
}

func (h *handlers) getLatestRelease(ctx context.Context, in *DatasetPathInput) (*LatestReleaseOutput, error) {
	d, err := h.db.GetDataset(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	if d.LatestRelease == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "dataset %q has no release yet", in.Slug)
	}
	return &LatestReleaseOutput{Location: "/v1/datasets/" + d.Slug + "/releases/" + strconv.Itoa(*d.LatestRelease) + languageQuery(ctx),
		CacheControl: "no-cache"}, nil
}

func (h *handlers) createRelease(ctx context.Context, in *ReleaseCreateInput) (*ReleaseCreatedOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, longRunningMax)
	defer cancel()
	r, err := h.db.PublishRelease(ctx, callerOf(ctx), in.Slug, in.Body.Notes, releasefile.WriteRelease)
	if err != nil {
		return nil, err
	}
	return &ReleaseCreatedOutput{Location: "/v1/datasets/" + r.Dataset + "/releases/" + strconv.Itoa(r.Number), Link: licenseLink(r.Metadata.License), Body: r}, nil
}
