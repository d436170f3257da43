package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/catalog"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// DatasetListInput is list-datasets' input.
type DatasetListInput struct {
	Resource            string `query:"resource" enum:"observations,cities,indicators,trend_adoption,events" doc:"Only datasets that publish this kind of record." example:"observations"`
	License             string `query:"license" maxLength:"100" pattern:"^[A-Za-z0-9.+-]+$" doc:"Only datasets under this licence (SPDX id)." example:"CC-BY-4.0"`
	Released            string `query:"released" enum:"true,false" doc:"true: only datasets released at least once; false: only those never released." example:"true"`
	MissingTranslations string `query:"missing_translations" enum:"fr,es" doc:"Only the datasets whose title or description has no version in this language: the translations still to do (a blank version counts as missing; English is always present). GET /v1/translations counts them." example:"fr"`
	SyncParams
	PageParams
}

// DatasetPathInput names a dataset.
type DatasetPathInput struct {
	Slug string `path:"slug" maxLength:"100" doc:"The dataset's slug." example:"smart-governance-2019"`
}

// DatasetOutput is one dataset with its ETag and licence link.
type DatasetOutput struct {
	ETag string `header:"ETag"`
	Link string `header:"Link" doc:"The dataset's licence, rel=\"license\"." example:"<https://spdx.org/licenses/CC-BY-4.0>; rel=\"license\""`
	Body *domain.Dataset
}

// DatasetCreateBody is the body of create-dataset.
type DatasetCreateBody struct {
	Slug string `json:"slug" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Stable identifier: lowercase words joined by hyphens (not catalog)." example:"smart-governance-2019"`
	domain.DatasetFields
}

// DatasetCreateInput is create-dataset's input.
type DatasetCreateInput struct {
	Body DatasetCreateBody
}

// DatasetCreatedOutput is a created dataset with its ETag, Location and licence link.
type DatasetCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Link     string `header:"Link" doc:"The dataset's licence, rel=\"license\"." example:"<https://spdx.org/licenses/CC-BY-4.0>; rel=\"license\""`
	Body     *domain.Dataset
}

// DatasetPutInput is update-dataset's input: the whole writable representation.
type DatasetPutInput struct {
	DatasetPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the dataset as you read it (required)." example:"\"v1\""`
	Body    domain.DatasetFields
}

// DatasetDeleteInput is delete-dataset's input.
type DatasetDeleteInput struct {
	DatasetPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the dataset as you read it (required)." example:"\"v1\""`
}

// licenseLink is the Link header value that names a licence, by its SPDX id.
func licenseLink(spdx string) string {
	return "<" + catalog.LicenseURL(spdx) + `>; rel="license"`
}

func (h *handlers) listDatasets(ctx context.Context, in *DatasetListInput) (*ListOutput[domain.Dataset], error) {
	after, err := domain.DecodeCursor(in.Cursor, "slug")
	if err != nil {
		return nil, err
	}
	f := domain.DatasetFilter{Resource: in.Resource, License: in.License, MissingLanguage: in.MissingTranslations, Limit: in.Limit}
	if in.Released != "" {
		released := in.Released == "true"
		f.Released = &released
	}
	if after != nil {
		f.After = after.ID
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	ds, more, err := h.db.ListDatasets(ctx, f)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = domain.Cursor{Sort: "slug", ID: ds[len(ds)-1].Slug}.Encode()
	}
	return newPage(&in.PageParams, ds, next), nil
}

func (h *handlers) createDataset(ctx context.Context, in *DatasetCreateInput) (*DatasetCreatedOutput, error) {
	d, err := h.db.CreateDataset(ctx, callerOf(ctx), in.Body.Slug, in.Body.DatasetFields)
	if err != nil {
		return nil, err
	}
	return &DatasetCreatedOutput{ETag: etag(d.Version), Location: "/v1/datasets/" + d.Slug, Link: licenseLink(d.License), Body: d}, nil
}

func (h *handlers) updateDataset(ctx context.Context, in *DatasetPutInput) (*DatasetOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	d, err := h.db.UpdateDataset(ctx, callerOf(ctx), in.Slug, ifMatch, in.Body)
	if err != nil {
		return nil, err
	}
	return &DatasetOutput{ETag: etag(d.Version), Link: licenseLink(d.License), Body: d}, nil
}

func (h *handlers) deleteDataset(ctx context.Context, in *DatasetDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteDataset(ctx, callerOf(ctx), in.Slug, ifMatch)
}
