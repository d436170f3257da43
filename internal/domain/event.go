package domain

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// EventTypes are the kinds of collaboration event.
var EventTypes = []string{"learning_event", "panel", "congress", "congress_session", "annual_event", "webinar",
	"workshop", "meeting", "other"}

// EventStatuses are the states of an event: to be confirmed, scheduled, postponed, moved online,
// cancelled, completed.
var EventStatuses = []string{"tbc", "scheduled", "postponed", "moved_online", "cancelled", "completed"}

// PartnerRoles are the roles an organisation may have in an event.
var PartnerRoles = []string{"organiser", "co_organiser", "partner", "host", "sponsor"}

// EventCityRoles are the roles a city may have in an event.
var EventCityRoles = []string{"organiser", "speaker", "participant", "host"}

// Limits on the lists an event holds.
const (
	MaxEventPartners = 50
	MaxEventCities   = 200
	MaxEventOutcomes = 50
	MaxEventLinks    = 20
)

// Event is a collaboration event: a learning event, a panel, a congress or one of its sessions,
// an annual event, a webinar. Its start is known only as precisely as its source gives it.
type Event struct {
	Slug          string            `json:"slug" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Stable identifier, lowercase words joined by hyphens." example:"uraia-annual-event-malaga"`
	Title         Text              `json:"title" doc:"The event's title in UCLG's languages."`
	Type          string            `json:"type" enum:"learning_event,panel,congress,congress_session,annual_event,webinar,workshop,meeting,other" doc:"The kind of event." example:"annual_event"`
	Description   *Text             `json:"description,omitempty" doc:"What the event is about; absent when not described."`
	Parent        *string           `json:"parent" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Slug of the event this one is part of (a congress session's congress)." example:"6th-uclg-congress"`
	Location      EventLocation     `json:"location" doc:"Where the event takes place: online, and/or a place (a city of ours, or a place name with its country)."`
	Start         DateWithPrecision `json:"start" doc:"When the event starts, as precisely as it is known: a day, a month, a quarter, a year, or unknown (to be confirmed)."`
	End           *string           `json:"end" format:"date" doc:"The last day of an event that lasts several days; null otherwise." example:"2019-11-15"`
	StartEarliest *string           `json:"start_earliest" format:"date" doc:"The earliest day the event could start, derived from start (a start of 2020 could be 2020-01-01); null when the date is unknown. Lists are ordered by it." example:"2019-11-11"`
	StartLatest   *string           `json:"start_latest" format:"date" doc:"The latest day the event could start, derived from start (a start of 2020 could be 2020-12-31); null when the date is unknown." example:"2019-11-11"`
	Status        string            `json:"status" enum:"tbc,scheduled,postponed,moved_online,cancelled,completed" doc:"tbc: to be confirmed." example:"tbc"`
	Partners      []EventPartner    `json:"partners" maxItems:"50" nullable:"false" doc:"Partner organisations and their roles, in the order given."`
	Cities        []EventCity       `json:"cities" maxItems:"200" nullable:"false" doc:"Participating cities and their roles, in the order given."`
	Outcomes      Texts             `json:"outcomes" maxItems:"50" nullable:"false" doc:"What came out of the event."`
	Links         EventLinks        `json:"links" maxItems:"20" nullable:"false" doc:"Pages about the event (programme, recordings, reports)."`
	Provenance    string            `json:"provenance" enum:"reported,sample,synthetic" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." example:"reported"`
	Version       int               `json:"version" minimum:"1" maximum:"2147483647" doc:"Incremented on every change; the ETag is derived from it." example:"1"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

// Fields returns the client-writable part of the event. The country of a location in one of our
// cities is left out: it is the city's, taken again from the city when the fields are written,
// so that a merge patch that moves the event to another city does not keep the old country.
func (e *Event) Fields() EventFields {
	loc := e.Location
	if loc.City != nil {
		loc.Country = nil
	}
	return EventFields{Title: e.Title, Type: e.Type, Description: e.Description, Parent: e.Parent,
		Location: loc, Start: e.Start, End: e.End, Status: e.Status, Partners: e.Partners,
		Cities: e.Cities, Outcomes: e.Outcomes, Links: e.Links, Provenance: e.Provenance}
}

// EventFields are the fields of an event that clients write. PUT replaces them all; PATCH merges
// into them.
type EventFields struct {
	Title       Text              `json:"title" doc:"The event's title in UCLG's languages."`
	Type        string            `json:"type" enum:"learning_event,panel,congress,congress_session,annual_event,webinar,workshop,meeting,other" doc:"The kind of event." example:"annual_event"`
	Description *Text             `json:"description,omitempty" doc:"What the event is about; leave it out when not described (in a merge patch, null removes it)."`
	Parent      *string           `json:"parent,omitempty" nullable:"true" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Slug of the event this one is part of (a congress session's congress); an event cannot be its own ancestor." example:"6th-uclg-congress"`
	Location    EventLocation     `json:"location,omitempty" doc:"Where the event takes place: online, and/or a place (a city of ours, or a place name with its country)."`
	Start       DateWithPrecision `json:"start" doc:"When the event starts, as precisely as it is known: a day, a month, a quarter, a year, or unknown (to be confirmed)."`
	End         *string           `json:"end,omitempty" nullable:"true" format:"date" doc:"The last day of an event that lasts several days; only with a start known to the day, and not before it; of a year from 1900 to 2199." example:"2019-11-15"`
	Status      string            `json:"status" enum:"tbc,scheduled,postponed,moved_online,cancelled,completed" doc:"tbc: to be confirmed; moved_online needs location.online." example:"tbc"`
	Partners    []EventPartner    `json:"partners,omitempty" maxItems:"50" nullable:"false" doc:"Partner organisations and their roles, in the order given."`
	Cities      []EventCity       `json:"cities,omitempty" maxItems:"200" nullable:"false" doc:"Participating cities and their roles, in the order given."`
	Outcomes    Texts             `json:"outcomes,omitempty" maxItems:"50" nullable:"false" doc:"What came out of the event."`
	Links       EventLinks        `json:"links,omitempty" maxItems:"20" nullable:"false" doc:"Pages about the event (programme, recordings, reports)."`
	Provenance  string            `json:"provenance,omitempty" enum:"reported,sample,synthetic" default:"reported" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." example:"reported"`
}

// EventLocation is where an event takes place. City names one of our cities; Place and Country
// name a place that is not one (a congress venue's city, Málaga). Online may go with a place (a
// hybrid event) or stand alone.
type EventLocation struct {
	Online  bool    `json:"online" required:"false" doc:"Whether the event is (also) held online." example:"false"`
	City    *string `json:"city" required:"false" nullable:"true" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Slug of the city where it takes place, when it is one of ours." example:"bilbao"`
	Place   *Text   `json:"place,omitempty" doc:"The place's name, for a place that is not one of our cities (or a venue in one); absent when none (in a merge patch, null removes it)."`
	Country *string `json:"country" required:"false" nullable:"true" maxLength:"2" pattern:"^[A-Z]{2}$" doc:"ISO 3166-1 alpha-2 code of the place's country; for a city of ours, its country." example:"ES"`
}

// EventPartner is an organisation's role in an event.
type EventPartner struct {
	Organisation string `json:"organisation" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The organisation's slug." example:"uraia"`
	Role         string `json:"role" enum:"organiser,co_organiser,partner,host,sponsor" example:"organiser"`
}

// EventCity is a city's role in an event.
type EventCity struct {
	City string `json:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The city's slug." example:"bilbao"`
	Role string `json:"role" enum:"organiser,speaker,participant,host" example:"organiser"`
}

// EventLink is a page about an event.
type EventLink struct {
	URL   string `json:"url" format:"uri" maxLength:"500" doc:"An absolute http or https URL." example:"https://www.uclg.org"`
	Title Text   `json:"title" doc:"What the page is."`
}

// Texts is a list of texts stored as jsonb.
type Texts []Text

// Value stores the texts as a jsonb array.
func (t Texts) Value() (driver.Value, error) {
	if t == nil {
		t = Texts{}
	}
	return json.Marshal(t)
}

// Scan reads the texts from jsonb.
func (t *Texts) Scan(src any) error { return scanJSON(src, t) }

// EventLinks are an event's links stored as jsonb.
type EventLinks []EventLink

// Value stores the links as a jsonb array.
func (l EventLinks) Value() (driver.Value, error) {
	if l == nil {
		l = EventLinks{}
	}
	return json.Marshal(l)
}

// Scan reads the links from jsonb.
func (l *EventLinks) Scan(src any) error { return scanJSON(src, l) }

// Validate checks the rules that span fields or that the schema cannot express, and fills the
// defaults (provenance reported, empty lists). References to other resources (parent,
// organisations, cities) are checked by the store.
func (f *EventFields) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	f.Partners = nonNil(f.Partners)
	f.Cities = nonNil(f.Cities)
	if f.Outcomes == nil {
		f.Outcomes = Texts{}
	}
	if f.Links == nil {
		f.Links = EventLinks{}
	}
	if err := f.Title.Validate("title"); err != nil {
		return err
	}
	if !slices.Contains(EventTypes, f.Type) {
		return Invalid("type", "unknown event type %q", f.Type)
	}
	if !slices.Contains(EventStatuses, f.Status) {
		return Invalid("status", "unknown status %q", f.Status)
	}
	if f.Description != nil {
		if err := f.Description.Validate("description"); err != nil {
			return err
		}
	}
	if f.Parent != nil && !ValidSlug(*f.Parent) {
		return Invalid("parent", "must be an event's slug")
	}
	if err := f.Location.validate(); err != nil {
		return err
	}
	if f.Status == "moved_online" && !f.Location.Online {
		return Invalid("location.online", "an event moved online is online: set location.online to true")
	}
	if err := f.Start.Validate("start"); err != nil {
		return err
	}
	if f.End != nil {
		end, err := ParseDay("end", *f.End)
		if err != nil {
			return err
		}
		first, _, _ := f.Start.Days()
		switch {
		case f.Start.Precision != "day":
			return Invalid("end", "an end day needs a start known to the day")
		case end.Before(first):
			return Invalid("end", "the event cannot end before it starts")
		}
	}
	if err := f.validateLists(); err != nil {
		return err
	}
	if !slices.Contains(Provenances, f.Provenance) {
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	}
	return nil
}

func (l EventLocation) validate() error {
	if l.City != nil && !ValidSlug(*l.City) {
		return Invalid("location.city", "must be a city's slug")
	}
	if l.Place != nil {
		if err := l.Place.Validate("location.place"); err != nil {
			return err
		}
	}
	if l.Country != nil && !countryRE.MatchString(*l.Country) {
		return Invalid("location.country", "must be an ISO 3166-1 alpha-2 code in capitals, such as ES")
	}
	if l.Place != nil && l.City == nil && l.Country == nil {
		return Invalid("location.country", "a place that is not one of our cities needs its country")
	}
	return nil
}

func (f *EventFields) validateLists() error {
	if len(f.Partners) > MaxEventPartners {
		return Invalid("partners", "at most %d partners", MaxEventPartners)
	}
	seen := map[EventPartner]bool{}
	for i, p := range f.Partners {
		field := fmt.Sprintf("partners[%d]", i)
		switch {
		case !ValidSlug(p.Organisation):
			return Invalid(field+".organisation", "must be an organisation's slug")
		case !slices.Contains(PartnerRoles, p.Role):
			return Invalid(field+".role", "unknown role %q", p.Role)
		case seen[p]:
			return Invalid(field, "%s is listed twice as %s", p.Organisation, p.Role)
		}
		seen[p] = true
	}
	if len(f.Cities) > MaxEventCities {
		return Invalid("cities", "at most %d cities", MaxEventCities)
	}
	seenCity := map[EventCity]bool{}
	for i, c := range f.Cities {
		field := fmt.Sprintf("cities[%d]", i)
		switch {
		case !ValidSlug(c.City):
			return Invalid(field+".city", "must be a city's slug")
		case !slices.Contains(EventCityRoles, c.Role):
			return Invalid(field+".role", "unknown role %q", c.Role)
		case seenCity[c]:
			return Invalid(field, "%s is listed twice as %s", c.City, c.Role)
		}
		seenCity[c] = true
	}
	if len(f.Outcomes) > MaxEventOutcomes {
		return Invalid("outcomes", "at most %d outcomes", MaxEventOutcomes)
	}
	for i, o := range f.Outcomes {
		if err := o.Validate(fmt.Sprintf("outcomes[%d]", i)); err != nil {
			return err
		}
	}
	if len(f.Links) > MaxEventLinks {
		return Invalid("links", "at most %d links", MaxEventLinks)
	}
	for i, l := range f.Links {
		if !validWebURL(l.URL) {
			return Invalid(fmt.Sprintf("links[%d].url", i), "must be an absolute http or https URL")
		}
		if err := l.Title.Validate(fmt.Sprintf("links[%d].title", i)); err != nil {
			return err
		}
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// DayKnown reports whether the event's start is known to the day (calendar feeds hold only such
// events).
func (e *Event) DayKnown() bool { return e.Start.Precision == "day" && e.Start.Value != nil }

// EventFilter selects events for a list or a calendar feed. Lists are ordered by the earliest
// day an event could start (unknown dates last), then the more precise date first, then slug.
type EventFilter struct {
	Type            string     // "" for any
	Status          string     // "" for any
	Partner         string     // an organisation's slug, "" for any
	City            string     // a city's slug (where it takes place, or a participant), "" for any
	Parent          string     // the parent event's slug, "" for any
	From            *time.Time // events that could be on this day or later
	To              *time.Time // events that could start on this day or earlier
	Undated         bool       // with From or To: also events whose date is unknown
	Upcoming        *bool      // true: not over, not cancelled or completed; false: the others
	Today           time.Time  // the day upcoming is judged against
	DayKnown        bool       // only events whose start is known to the day (calendar feeds)
	Query           string     // accent- and case-insensitive substring of the title in any language
	MissingLanguage string     // a language ("fr", "es"): only those with a text that lacks it, "" for any
	UpdatedSince    *SyncPoint // only events changed from this point on (updated_since)
	Limit           int        // page size, already clamped; 0 for no limit (feeds)
	After           *Cursor    // keyset position, nil for the first page
}

// EventSort is the one order of event lists, as cursors name it.
const EventSort = "start"
