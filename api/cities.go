package api

import (
	"context"
	"encoding/json"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// CityListInput are the filters, sort and paging of list-cities.
type CityListInput struct {
	Country             string `query:"country" maxLength:"2" pattern:"^[A-Z]{2}$" doc:"ISO 3166-1 alpha-2 country code." example:"ES"`
	Section             string `query:"section" enum:"africa,asia_pacific,eurasia,europe,middle_east_west_asia,latin_america,north_america" doc:"UCLG section." example:"europe"`
	CopMember           string `query:"cop_member" enum:"true,false" doc:"Only members (true) or non-members (false) of the Community of Practice." example:"true"`
	Q                   string `query:"q" maxLength:"100" doc:"Search in the name, in any language, ignoring case and accents (malaga finds Málaga)." example:"malaga"`
	MissingTranslations string `query:"missing_translations" enum:"fr,es" doc:"Only the cities whose name has no version in this language: the translations still to do (a blank version counts as missing; English is always present). GET /v1/translations counts them." example:"fr"`
	SyncParams
	Sort string `query:"sort" default:"slug" enum:"slug,-slug,name,-name,population,-population,updated_at,-updated_at" doc:"Order; a leading - means descending. name compares the first 200 characters of the English name. Ties are broken by slug." example:"name"`
	PageParams
}

// CityPathInput names one city.
type CityPathInput struct {
	Slug string `path:"slug" maxLength:"100" doc:"The city's slug." example:"bilbao"`
}

// CityGetInput is get-city's input.
type CityGetInput struct {
	CityPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// CityOutput is one city with its ETag.
type CityOutput struct {
	ETag string `header:"ETag"`
	Body *domain.City
}

// CityCreateBody is the body of create-city.
type CityCreateBody struct {
	Slug string `json:"slug" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Stable identifier: lowercase words joined by hyphens." example:"bilbao"`
	domain.CityFields
}

// CityCreateInput is create-city's input.
type CityCreateInput struct {
	Body CityCreateBody
}

// CityCreatedOutput is a created city with its ETag and Location.
type CityCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.City
}

// CityPutInput is update-city's input: the whole writable representation.
type CityPutInput struct {
	CityPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the city as you read it (required)." example:"\"v1\""`
	Body    domain.CityFields
}

// CityPatchInput is patch-city's input: a JSON merge patch (RFC 7396) of the writable fields.
type CityPatchInput struct {
	CityPathInput
	IfMatch string    `header:"If-Match" maxLength:"200" doc:"The ETag of the city as you read it (required)." example:"\"v1\""`
	Body    CityPatch `contentType:"application/merge-patch+json"`
	RawBody []byte
}

// CityPatch lists the fields a merge patch may set; null clears a nullable field.
type CityPatch struct {
	Name             *TextPatch `json:"name,omitempty"`
	Country          *string    `json:"country,omitempty" pattern:"^[A-Z]{2}$" maxLength:"2"`
	Section          *string    `json:"section,omitempty" enum:"africa,asia_pacific,eurasia,europe,middle_east_west_asia,latin_america,north_america"`
	MetropolisMember *bool      `json:"metropolis_member,omitempty" nullable:"true"`
	Population       *int64     `json:"population,omitempty" minimum:"0" nullable:"true" maximum:"100000000"`
	PopulationYear   *int       `json:"population_year,omitempty" minimum:"1800" maximum:"2200" nullable:"true"`
	Latitude         *float64   `json:"latitude,omitempty" minimum:"-90" maximum:"90" nullable:"true"`
	Longitude        *float64   `json:"longitude,omitempty" minimum:"-180" maximum:"180" nullable:"true"`
	Website          *string    `json:"website,omitempty" format:"uri" maxLength:"500" nullable:"true"`
	OpenDataPortal   *string    `json:"open_data_portal,omitempty" format:"uri" maxLength:"500" nullable:"true"`
	CopMember        *bool      `json:"cop_member,omitempty"`
	CopRole          *string    `json:"cop_role,omitempty" enum:"chair,vice_chair,member" nullable:"true"`
	Provenance       *string    `json:"provenance,omitempty" enum:"reported,sample,synthetic"`
}

// TextPatch merges translations into a text: a language set to null is removed (but "en" stays).
type TextPatch struct {
	EN *string `json:"en,omitempty" minLength:"1" maxLength:"2000"`
	FR *string `json:"fr,omitempty" maxLength:"2000" nullable:"true"`
	ES *string `json:"es,omitempty" maxLength:"2000" nullable:"true"`
}

// CityDeleteInput is delete-city's input.
type CityDeleteInput struct {
	CityPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the city as you read it (required)." example:"\"v1\""`
}

func (h *handlers) listCities(ctx context.Context, in *CityListInput) (*ListOutput[domain.City], error) {
	after, err := domain.DecodeCursor(in.Cursor, in.Sort)
	if err != nil {
		return nil, err
	}
	f := domain.CityFilter{Country: in.Country, Section: in.Section, Query: in.Q, MissingLanguage: in.MissingTranslations,
		Sort: in.Sort, Limit: in.Limit, After: after}
	if in.CopMember != "" {
		b := in.CopMember == "true"
		f.CopMember = &b
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	cities, next, err := h.db.ListCities(ctx, f)
	if err != nil {
		return nil, err
	}
	return newPage(&in.PageParams, cities, nextCursor(next)), nil
}

// getCity answers a conditional read from the city's version alone when the client's copy is
// current (a 304 then costs no row to read, decode and encode); a stale copy costs one more
// round trip, for the city.
func (h *handlers) getCity(ctx context.Context, in *CityGetInput) (*CityOutput, error) {
	if in.IfNoneMatch != "" {
		v, err := h.db.CityVersion(ctx, in.Slug)
		if err != nil {
			return nil, err
		}
		if tag := etag(v); notModified(in.IfNoneMatch, tag) {
			return nil, &notModifiedError{etag: tag}
		}
	}
	c, err := h.db.GetCity(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	return &CityOutput{ETag: etag(c.Version), Body: c}, nil
}

func (h *handlers) createCity(ctx context.Context, in *CityCreateInput) (*CityCreatedOutput, error) {
	c, err := h.db.CreateCity(ctx, callerOf(ctx), in.Body.Slug, in.Body.CityFields)
	if err != nil {
		return nil, err
	}
	return &CityCreatedOutput{ETag: etag(c.Version), Location: "/v1/cities/" + c.Slug, Body: c}, nil
}

func (h *handlers) updateCity(ctx context.Context, in *CityPutInput) (*CityOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	c, err := h.db.UpdateCity(ctx, callerOf(ctx), in.Slug, ifMatch, func(*domain.City) (domain.CityFields, error) {
		return in.Body, nil
	})
	if err != nil {
		return nil, err
	}
	return &CityOutput{ETag: etag(c.Version), Body: c}, nil
}

func (h *handlers) patchCity(ctx context.Context, in *CityPatchInput) (*CityOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	c, err := h.db.UpdateCity(ctx, callerOf(ctx), in.Slug, ifMatch, func(current *domain.City) (domain.CityFields, error) {
		var f domain.CityFields
		return f, mergePatch(current.Fields(), in.RawBody, &f)
	})
	if err != nil {
		return nil, err
	}
	return &CityOutput{ETag: etag(c.Version), Body: c}, nil
}

func (h *handlers) deleteCity(ctx context.Context, in *CityDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteCity(ctx, callerOf(ctx), in.Slug, ifMatch)
}

// mergePatch applies an RFC 7396 merge patch to current's JSON form and decodes the result into dst.
func mergePatch(current any, patch []byte, dst any) error {
	base, err := json.Marshal(current)
	if err != nil {
		return err
	}
	var doc, p map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return domain.Invalid("body", "the body must be a JSON object")
	}
	merged, err := json.Marshal(mergeObjects(doc, p))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(merged, dst); err != nil {
		return domain.Invalid("body", "the patched resource is not valid: %v", err)
	}
	return nil
}

func mergeObjects(doc, patch map[string]any) map[string]any {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(doc, k)
		case map[string]any:
			sub, _ := doc[k].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
			}
			doc[k] = mergeObjects(sub, pv)
		default:
			doc[k] = v
		}
	}
	return doc
}
