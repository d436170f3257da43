package api

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// AdoptionListParams are the filters of the adoption lists (a trend's cities, a city's trends).
type AdoptionListParams struct {
	Year       int    `query:"year" minimum:"1990" maximum:"2100" doc:"The state as of this year: each city's latest record of this year or before (with history=true, every record up to this year). Default: the latest record." example:"2019"`
	History    bool   `query:"history" doc:"List every year's record instead of the latest of each trend and city." example:"true"`
	Stage      string `query:"stage" enum:"none,exploring,pilot,implementing,scaled,discontinued" doc:"Only records at this stage (without history: cities whose latest record is at this stage)." example:"pilot"`
	Provenance string `query:"provenance" enum:"reported,sample,synthetic" doc:"Only real (reported), sample or synthetic records." example:"sample"`
	SyncParams
	PageParams
}

// filter turns the parameters into a store filter, decoding the cursor.
func (p *AdoptionListParams) filter() (domain.AdoptionFilter, error) {
	f := domain.AdoptionFilter{Stage: p.Stage, AsOf: p.Year, History: p.History, Provenance: p.Provenance, Limit: p.Limit}
	c, err := domain.DecodeCursor(p.Cursor, adoptionSort(p.History))
	if err != nil || c == nil {
		return f, err
	}
	k, err := parseAdoptionKey(c.ID)
	if err != nil {
		return f, domain.Invalid("query.cursor", "not a cursor issued by this API")
	}
	f.After = &k
	return f, nil
}

// adoptionSort names the order of an adoption list, which its cursors carry.
func adoptionSort(history bool) string {
	if history {
		return "adoption-history"
	}
	return "adoption-latest"
}

// parseAdoptionKey reads a key written by AdoptionKey.String: trend/city/year.
func parseAdoptionKey(s string) (domain.AdoptionKey, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return domain.AdoptionKey{}, fmt.Errorf("bad adoption key %q", s)
	}
	y, err := strconv.Atoi(parts[2])
	if err != nil {
		return domain.AdoptionKey{}, err
	}
	return domain.AdoptionKey{Trend: parts[0], City: parts[1], Year: y}, nil
}

// TrendAdoptionListInput is list-trend-adoption's input.
type TrendAdoptionListInput struct {
	TrendPathInput
	Section string `query:"section" enum:"africa,asia_pacific,eurasia,europe,middle_east_west_asia,latin_america,north_america" doc:"Only cities of this UCLG section." example:"europe"`
	AdoptionListParams
}

// CityTrendListInput is list-city-trends' input.
type CityTrendListInput struct {
	CityPathInput
	AdoptionListParams
}

// AdoptionPathInput names one adoption record: a city, a trend and a year.
type AdoptionPathInput struct {
	Slug  string `path:"slug" maxLength:"100" doc:"The city's slug." example:"bilbao"`
	Trend string `path:"trend" maxLength:"100" doc:"The trend's slug." example:"digital-participation"`
	Year  int    `path:"year" minimum:"1990" maximum:"2100" doc:"The year the adoption was assessed." example:"2019"`
}

func (p *AdoptionPathInput) key() domain.AdoptionKey {
	return domain.AdoptionKey{Trend: p.Trend, City: p.Slug, Year: p.Year}
}

// AdoptionGetInput is get-trend-adoption's input.
type AdoptionGetInput struct {
	AdoptionPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// AdoptionOutput is one adoption record with its ETag.
type AdoptionOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Adoption
}

// AdoptionCreateBody is the body of create-trend-adoption.
type AdoptionCreateBody struct {
	Trend string `json:"trend" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The trend's slug." example:"digital-participation"`
	Year  int    `json:"year" minimum:"1990" maximum:"2100" doc:"The year the adoption was assessed." example:"2019"`
	domain.AdoptionFields
}

// AdoptionCreateInput is create-trend-adoption's input.
type AdoptionCreateInput struct {
	CityPathInput
	Body AdoptionCreateBody
}

// AdoptionCreatedOutput is a created adoption record with its ETag and Location.
type AdoptionCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Adoption
}

// AdoptionPutInput is update-trend-adoption's input.
type AdoptionPutInput struct {
	AdoptionPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the record as you read it (required)." example:"\"v1\""`
	Body    domain.AdoptionFields
}

// AdoptionDeleteInput is delete-trend-adoption's input.
type AdoptionDeleteInput struct {
	AdoptionPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the record as you read it (required)." example:"\"v1\""`
}

// AdoptionVerifyInput is verify-trend-adoption's input.
type AdoptionVerifyInput struct {
	AdoptionPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the record as you read it (required)." example:"\"v1\""`
	Body    struct {
		Verification string `json:"verification" enum:"self_reported,verified,rejected"`
	}
}

// adoptionPath is an adoption record's URL path.
func adoptionPath(a *domain.Adoption) string {
	return "/v1/cities/" + a.City + "/trends/" + a.Trend + "/" + strconv.Itoa(a.Year)
}

func (h *handlers) listTrendAdoption(ctx context.Context, in *TrendAdoptionListInput) (*ListOutput[domain.Adoption], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	f.Trend, f.Section = in.Slug, in.Section
	return h.listAdoptions(ctx, &in.AdoptionListParams, f, func() error { _, err := h.db.GetTrend(ctx, in.Slug); return err })
}

func (h *handlers) listCityTrends(ctx context.Context, in *CityTrendListInput) (*ListOutput[domain.Adoption], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	f.City = in.Slug
	return h.listAdoptions(ctx, &in.AdoptionListParams, f, func() error { _, err := h.db.GetCity(ctx, in.Slug); return err })
}

// listAdoptions runs an adoption list; when the first page is empty, exists says whether the
// trend or city of the path exists (404 when it does not).
func (h *handlers) listAdoptions(ctx context.Context, p *AdoptionListParams, f domain.AdoptionFilter,
	exists func() error) (*ListOutput[domain.Adoption], error) {
	items, more, err := h.db.ListAdoptions(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 && p.Cursor == "" {
		if err := exists(); err != nil {
			return nil, err
		}
	}
	next := ""
	if more {
		last := items[len(items)-1]
		k := domain.AdoptionKey{Trend: last.Trend, City: last.City, Year: last.Year}
		next = domain.Cursor{Sort: adoptionSort(f.History), ID: k.String()}.Encode()
	}
	return newPage(&p.PageParams, items, next), nil
}

func (h *handlers) getTrendAdoption(ctx context.Context, in *AdoptionGetInput) (*AdoptionOutput, error) {
	a, err := h.db.GetAdoption(ctx, in.key())
	if err != nil {
		return nil, err
	}
	tag := etag(a.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &AdoptionOutput{ETag: tag, Body: a}, nil
}

func (h *handlers) createTrendAdoption(ctx context.Context, in *AdoptionCreateInput) (*AdoptionCreatedOutput, error) {
	k := domain.AdoptionKey{Trend: in.Body.Trend, City: in.Slug, Year: in.Body.Year}
	a, err := h.db.CreateAdoption(ctx, callerOf(ctx), k, in.Body.AdoptionFields)
	if err != nil {
		return nil, err
	}
	return &AdoptionCreatedOutput{ETag: etag(a.Version), Location: adoptionPath(a), Body: a}, nil
}

func (h *handlers) updateTrendAdoption(ctx context.Context, in *AdoptionPutInput) (*AdoptionOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	a, err := h.db.UpdateAdoption(ctx, callerOf(ctx), in.key(), ifMatch, in.Body)
	if err != nil {
		return nil, err
	}
	return &AdoptionOutput{ETag: etag(a.Version), Body: a}, nil
}

func (h *handlers) deleteTrendAdoption(ctx context.Context, in *AdoptionDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteAdoption(ctx, callerOf(ctx), in.key(), ifMatch)
}

func (h *handlers) verifyTrendAdoption(ctx context.Context, in *AdoptionVerifyInput) (*AdoptionOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	a, err := h.db.SetAdoptionVerification(ctx, callerOf(ctx), in.key(), ifMatch, in.Body.Verification)
	if err != nil {
		return nil, err
	}
	return &AdoptionOutput{ETag: etag(a.Version), Body: a}, nil
}
