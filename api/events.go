package api

import (
	"context"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// EventFilterParams are the filters that every list of events takes.
type EventFilterParams struct {
	Type    string    `query:"type" enum:"learning_event,panel,congress,congress_session,annual_event,webinar,workshop,meeting,other" doc:"Only events of this type." example:"learning_event"`
	Status  string    `query:"status" enum:"tbc,scheduled,postponed,moved_online,cancelled,completed" doc:"Only events in this state." example:"tbc"`
	Partner string    `query:"partner" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Only events with this partner organisation (any role), by slug; an organisation that does not exist is a 422." example:"uraia"`
	Parent  string    `query:"parent" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Only the events that are part of this event (a congress's sessions), by slug; an event that does not exist is a 422." example:"6th-uclg-congress"`
	From    time.Time `query:"from" timeFormat:"2006-01-02" doc:"Only events that could still be on this day or later: the last day they could be on (their end, else the latest day their start could be: 2020 could be 2020-12-31) is on or after it. An event whose date is unknown is left out unless include_undated=true." example:"2020-01-01"`
	To      time.Time `query:"to" timeFormat:"2006-01-02" doc:"Only events that could have started by this day: the earliest day their start could be (2020 could be 2020-01-01) is on or before it. An event whose date is unknown is left out unless include_undated=true." example:"2020-12-31"`
	// IncludeUndated is a string so that only true and false are accepted.
	IncludeUndated      string `query:"include_undated" enum:"true,false" default:"false" doc:"With from or to: also list the events whose date is unknown (to be confirmed), which could fall in any range. Without from and to, every event is listed anyway." example:"true"`
	Upcoming            string `query:"upcoming" enum:"true,false" doc:"true: only events not over yet (their last possible day is today, UTC, or later, or their date is unknown) that are neither cancelled nor completed. false: only the others." example:"true"`
	Q                   string `query:"q" maxLength:"100" doc:"Search in the title, in any language, ignoring case and accents (malaga finds Málaga)." example:"malaga"`
	MissingTranslations string `query:"missing_translations" enum:"fr,es" doc:"Only the events with a text (title, description, place, outcomes, link titles) that has no version in this language: the translations still to do (a blank version counts as missing; English is always present). GET /v1/translations counts them." example:"fr"`
	SyncParams
}

// EventListInput is list-events' input.
type EventListInput struct {
	EventFilterParams
	City string `query:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Only events in this city (location.city) or with it among their cities (any role), by slug; a city that does not exist is a 422." example:"bilbao"`
	PageParams
}

// CityEventListInput is list-city-events' input: the city's events, with the same filters.
type CityEventListInput struct {
	CityPathInput
	EventFilterParams
	PageParams
}

// EventPathInput names one event.
type EventPathInput struct {
	Slug string `path:"slug" maxLength:"100" doc:"The event's slug." example:"uraia-annual-event-malaga"`
}

// EventGetInput is get-event's input.
type EventGetInput struct {
	EventPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// EventOutput is one event with its ETag.
type EventOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Event
}

// EventCreateBody is the body of create-event.
type EventCreateBody struct {
	Slug string `json:"slug" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Stable identifier: lowercase words joined by hyphens." example:"uraia-annual-event-malaga"`
	domain.EventFields
}

// EventCreateInput is create-event's input.
type EventCreateInput struct {
	Body EventCreateBody
}

// EventCreatedOutput is a created event with its ETag and Location.
type EventCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Event
}

// EventPutInput is update-event's input: the whole writable representation.
type EventPutInput struct {
	EventPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the event as you read it (required)." example:"\"v1\""`
	Body    domain.EventFields
}

// EventPatchInput is patch-event's input: a JSON merge patch (RFC 7396) of the writable fields.
type EventPatchInput struct {
	EventPathInput
	IfMatch string     `header:"If-Match" maxLength:"200" doc:"The ETag of the event as you read it (required)." example:"\"v1\""`
	Body    EventPatch `contentType:"application/merge-patch+json"`
	RawBody []byte
}

// EventPatch lists the fields a merge patch may set; null clears a nullable field. Lists
// (partners, cities, outcomes, links) are replaced whole, as RFC 7396 says.
type EventPatch struct {
	Title       *TextPatch                `json:"title,omitempty"`
	Type        *string                   `json:"type,omitempty" enum:"learning_event,panel,congress,congress_session,annual_event,webinar,workshop,meeting,other"`
	Description *TextPatch                `json:"description,omitempty" doc:"Merged per language; null removes the description."`
	Parent      *string                   `json:"parent,omitempty" nullable:"true" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Location    *EventLocationPatch       `json:"location,omitempty"`
	Start       *domain.DateWithPrecision `json:"start,omitempty" doc:"The whole start: value and precision."`
	End         *string                   `json:"end,omitempty" nullable:"true" format:"date"`
	Status      *string                   `json:"status,omitempty" enum:"tbc,scheduled,postponed,moved_online,cancelled,completed"`
	Partners    []domain.EventPartner     `json:"partners,omitempty" maxItems:"50" nullable:"false"`
	Cities      []domain.EventCity        `json:"cities,omitempty" maxItems:"200" nullable:"false"`
	Outcomes    []domain.Text             `json:"outcomes,omitempty" maxItems:"50" nullable:"false"`
	Links       []domain.EventLink        `json:"links,omitempty" maxItems:"20" nullable:"false"`
	Provenance  *string                   `json:"provenance,omitempty" enum:"reported,sample,synthetic"`
}

// EventLocationPatch merges into an event's location.
type EventLocationPatch struct {
	Online  *bool      `json:"online,omitempty" example:"true"`
	City    *string    `json:"city,omitempty" nullable:"true" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"A city of ours; its country replaces the location's." example:"bilbao"`
	Place   *TextPatch `json:"place,omitempty" doc:"Merged per language; null removes the place."`
	Country *string    `json:"country,omitempty" nullable:"true" maxLength:"2" pattern:"^[A-Z]{2}$" example:"ES"`
}

// EventDeleteInput is delete-event's input.
type EventDeleteInput struct {
	EventPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the event as you read it (required)." example:"\"v1\""`
}

// filter turns the query into the store's filter.
func (p *EventFilterParams) filter(pp *PageParams) (domain.EventFilter, error) {
	after, err := domain.DecodeCursor(pp.Cursor, domain.EventSort)
	if err != nil {
		return domain.EventFilter{}, err
	}
	f := domain.EventFilter{Type: p.Type, Status: p.Status, Partner: p.Partner, Parent: p.Parent,
		Undated: p.IncludeUndated == "true", Today: today(), Query: p.Q, MissingLanguage: p.MissingTranslations,
		Limit: pp.Limit, After: after}
	if !p.From.IsZero() {
		f.From = &p.From
	}
	if !p.To.IsZero() {
		f.To = &p.To
	}
	// The year 0 reads as a day here but is none in PostgreSQL's calendar (which has no year 0).
	if f.From != nil && f.From.Year() < 1 {
		return f, domain.Invalid("from", "the year 0 does not exist: give a day of year 1 or later")
	}
	if f.To != nil && f.To.Year() < 1 {
		return f, domain.Invalid("to", "the year 0 does not exist: give a day of year 1 or later")
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return f, domain.Invalid("to", "must not be before from")
	}
	if p.Upcoming != "" {
		b := p.Upcoming == "true"
		f.Upcoming = &b
	}
	return f, nil
}

// today is the day, in UTC, against which upcoming judges events.
func today() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (h *handlers) listEvents(ctx context.Context, in *EventListInput) (*ListOutput[domain.Event], error) {
	f, err := in.filter(&in.PageParams)
	if err != nil {
		return nil, err
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	f.City = in.City
	return h.eventPage(ctx, f, &in.PageParams)
}

func (h *handlers) listCityEvents(ctx context.Context, in *CityEventListInput) (*ListOutput[domain.Event], error) {
	f, err := in.filter(&in.PageParams)
	if err != nil {
		return nil, err
	}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	if _, err := h.db.GetCity(ctx, in.Slug); err != nil {
		return nil, err
	}
	f.City = in.Slug
	return h.eventPage(ctx, f, &in.PageParams)
}

// eventPage lists a page of events; an empty first page says which filter names nothing.
func (h *handlers) eventPage(ctx context.Context, f domain.EventFilter, pp *PageParams) (*ListOutput[domain.Event], error) {
	events, next, err := h.db.ListEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 && pp.Cursor == "" {
		if err := h.db.CheckEventReferences(ctx, f); err != nil {
			return nil, err
		}
	}
	return newPage(pp, events, nextCursor(next)), nil
}

func (h *handlers) getEvent(ctx context.Context, in *EventGetInput) (*EventOutput, error) {
	e, err := h.db.GetEvent(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	tag := etag(e.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &EventOutput{ETag: tag, Body: e}, nil
}

func (h *handlers) createEvent(ctx context.Context, in *EventCreateInput) (*EventCreatedOutput, error) {
	e, err := h.db.CreateEvent(ctx, callerOf(ctx), in.Body.Slug, in.Body.EventFields)
	if err != nil {
		return nil, err
	}
	return &EventCreatedOutput{ETag: etag(e.Version), Location: eventPath(e.Slug), Body: e}, nil
}

func (h *handlers) updateEvent(ctx context.Context, in *EventPutInput) (*EventOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	e, err := h.db.UpdateEvent(ctx, callerOf(ctx), in.Slug, ifMatch, func(*domain.Event) (domain.EventFields, error) {
		return in.Body, nil
	})
	if err != nil {
		return nil, err
	}
	return &EventOutput{ETag: etag(e.Version), Body: e}, nil
}

func (h *handlers) patchEvent(ctx context.Context, in *EventPatchInput) (*EventOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	e, err := h.db.UpdateEvent(ctx, callerOf(ctx), in.Slug, ifMatch, func(current *domain.Event) (domain.EventFields, error) {
		var f domain.EventFields
		return f, mergePatch(current.Fields(), in.RawBody, &f)
	})
	if err != nil {
		return nil, err
	}
	return &EventOutput{ETag: etag(e.Version), Body: e}, nil
}

func (h *handlers) deleteEvent(ctx context.Context, in *EventDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteEvent(ctx, callerOf(ctx), in.Slug, ifMatch)
}

// eventPath is an event's URL path.
func eventPath(slug string) string { return "/v1/events/" + slug }
