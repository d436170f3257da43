package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// calendarType is the media type of the event feeds (RFC 5545).
const calendarType = "text/calendar; charset=utf-8"

// calendarUIDDomain makes an event's UID (its slug @ this domain) unique and stable across
// hosts: calendar applications recognise an event by it when the feed is fetched again.
const calendarUIDDomain = "events.digitalcities.uclg.org"

// calendarRefresh is how often calendar applications are asked to fetch a feed again.
const calendarRefresh = "PT12H"

// calendarNote says, in every feed and in its language, which events it leaves out and how
// statuses are shown.
var calendarNote = domain.Text{
	EN: "Collaboration events of the UCLG Community of Practice on Digital Cities. " +
		"Only events whose start day is known are in this calendar: events dated only to a month, a quarter or a year, " +
		"or whose date is to be confirmed, are left out until their day is known (the API lists them all at /v1/events). " +
		"Cancelled events stay, marked cancelled; events to be confirmed or postponed are marked tentative.",
	FR: "Événements de collaboration de la Communauté de pratique des villes numériques de CGLU. " +
		"Seuls les événements dont le jour de début est connu figurent dans ce calendrier : ceux qui ne sont datés qu'au mois, " +
		"au trimestre ou à l'année, ou dont la date reste à confirmer, en sont exclus jusqu'à ce que leur jour soit connu " +
		"(l'API les liste tous sous /v1/events). Les événements annulés restent, marqués comme annulés ; " +
		"ceux à confirmer ou reportés sont marqués comme provisoires.",
	ES: "Eventos de colaboración de la Comunidad de Práctica de Ciudades Digitales de CGLU. " +
		"Solo figuran en este calendario los eventos cuyo día de inicio se conoce: los que solo están fechados por mes, " +
		"trimestre o año, o cuya fecha está por confirmar, quedan fuera hasta que se conozca su día " +
		"(la API los lista todos en /v1/events). Los eventos cancelados se mantienen, marcados como cancelados; " +
		"los que están por confirmar o aplazados se marcan como provisionales.",
}

// calendarOnline is the word for an event that takes place online, in each language.
var calendarOnline = domain.Text{EN: "Online", FR: "En ligne", ES: "En línea"}

// CalendarParams are the parameters of every event feed (the language is chosen as for every
// operation, by lang or Accept-Language).
type CalendarParams struct {
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"The feed's ETag you hold (each language's feed has its own); 304 when it is still current." example:"\"ics-3f2a9c1d0b7e4a55-en\""`
}

// CalendarInput is list-events-calendar's input.
type CalendarInput struct {
	CalendarParams
}

// CityCalendarInput is get-city-events-calendar's input.
type CityCalendarInput struct {
	CityPathInput
	CalendarParams
}

// OrganisationCalendarInput is get-organisation-events-calendar's input.
type OrganisationCalendarInput struct {
	Slug string `path:"slug" maxLength:"100" doc:"The organisation's slug." example:"uclg"`
	CalendarParams
}

// calendarResponses documents a feed's body, which Huma cannot see in a stream. New values at
// each call: two APIs must never share them.
func calendarResponses() map[string]*huma.Response {
	return map[string]*huma.Response{
		"200": {
			Description: "An iCalendar (RFC 5545) feed: one all-day VEVENT per event whose start day is known.",
			Headers: map[string]*huma.Param{
				"ETag": {Description: "A digest of the feed, and its language.", Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(100)}},
				"Content-Language": {Description: "The feed's language: en, fr or es (each text's LANGUAGE parameter says where it is English for want of a translation).",
					Schema: &huma.Schema{Type: huma.TypeString, Enum: []any{"en", "fr", "es"}}},
				"Vary": {Description: "Accept-Language: the feed's language depends on it.",
					Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(100), Pattern: `^[A-Za-z-]+(, *[A-Za-z-]+)*$`}},
			},
			Content: map[string]*huma.MediaType{
				"text/calendar": {Schema: &huma.Schema{Description: "iCalendar text, CRLF line endings, lines folded at 75 octets."}},
			},
		},
	}
}

// calendarOp documents the iCalendar body of a feed, which depends on the language.
func calendarOp(o huma.Operation) huma.Operation {
	o.Responses = calendarResponses()
	markLanguageDependent(&o) // its texts are in the language asked: Content-Language, Vary and ETags follow
	return o
}

func (h *handlers) eventsCalendar(ctx context.Context, in *CalendarInput) (*huma.StreamResponse, error) {
	return h.calendar(ctx, &in.CalendarParams, domain.EventFilter{}, domain.Text{
		EN: "UCLG Digital Cities: events", FR: "CGLU Villes numériques : événements", ES: "CGLU Ciudades Digitales: eventos"})
}

func (h *handlers) cityEventsCalendar(ctx context.Context, in *CityCalendarInput) (*huma.StreamResponse, error) {
	c, err := h.db.GetCity(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	name := func(lang string) string { n, _ := c.Name.In(lang); return n }
	return h.calendar(ctx, &in.CalendarParams, domain.EventFilter{City: c.Slug}, domain.Text{
		EN: "UCLG Digital Cities: events of " + name("en"), FR: "CGLU Villes numériques : événements de " + name("fr"),
		ES: "CGLU Ciudades Digitales: eventos de " + name("es")})
}

func (h *handlers) organisationEventsCalendar(ctx context.Context, in *OrganisationCalendarInput) (*huma.StreamResponse, error) {
	o, err := h.db.GetOrganisation(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	name := func(lang string) string { n, _ := o.Name.In(lang); return n }
	return h.calendar(ctx, &in.CalendarParams, domain.EventFilter{Partner: o.Slug}, domain.Text{
		EN: "UCLG Digital Cities: events with " + name("en"), FR: "CGLU Villes numériques : événements avec " + name("fr"),
		ES: "CGLU Ciudades Digitales: eventos con " + name("es")})
}

// calendar answers a feed of the events f selects whose start day is known, in the request's
// language (English when every language is asked for: a feed is written in one), with an ETag
// that is a digest of the feed itself (so it changes whenever anything in it does), and 304 when
// If-None-Match holds it.
func (h *handlers) calendar(ctx context.Context, p *CalendarParams, f domain.EventFilter, name domain.Text) (*huma.StreamResponse, error) {
	f.DayKnown = true
	events, _, err := h.db.ListEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	var slugs []string
	for _, e := range events {
		if e.Location.City != nil {
			slugs = append(slugs, *e.Location.City)
		}
	}
	cityNames, err := h.db.CityNames(ctx, slugs)
	if err != nil {
		return nil, err
	}
	lang := singleLanguage(languageOf(ctx))
	body, err := writeCalendar(events, cityNames, h.publicBase, lang, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	tag := `"ics-` + hex.EncodeToString(sum[:8]) + `"`
	if notModified(p.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", calendarType)
		hc.SetHeader("Content-Language", lang) // the ETag then names the language (language.go)
		hc.SetHeader("ETag", tag)
		hc.SetStatus(http.StatusOK)
		_, _ = hc.BodyWriter().Write(body) // a client gone away is nothing to report
	}}, nil
}

// inLanguage is the LANGUAGE parameter (RFC 5545, 3.2.10) of a text property: the language
// its value is really in.
func inLanguage(lang string) ics.PropertyParameter {
	return &ics.KeyValues{Key: string(ics.ParameterLanguage), Value: []string{lang}}
}

// writeCalendar writes events as an iCalendar feed in lang: the calendar's name and note, and
// each event's SUMMARY, DESCRIPTION and LOCATION, in lang where translated, else in English,
// each with the LANGUAGE it is in. Each event's URL is base (PUBLIC_BASE_URL, never a request's
// Host header, so that no client can put its own host in a cached feed) followed by the event's
// path. Escaping of texts (commas, semicolons, backslashes, newlines) and folding of long lines
// are the library's; line endings are CRLF.
func writeCalendar(events []domain.Event, cityNames map[string]domain.Text, base, lang string, name domain.Text) ([]byte, error) {
	cal := ics.NewCalendar()
	cal.SetProductId("-//UCLG Community of Practice on Digital Cities//Digital Cities API//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	calName, nameLang := name.In(lang)
	cal.SetName(calName, inLanguage(nameLang))
	cal.SetXWRCalName(calName, inLanguage(nameLang))
	note, noteLang := calendarNote.In(lang)
	cal.SetDescription(note, inLanguage(noteLang))
	cal.SetXWRCalDesc(note, inLanguage(noteLang))
	cal.SetRefreshInterval(calendarRefresh) // written with VALUE=DURATION
	cal.SetXPublishedTTL(calendarRefresh)
	for i := range events {
		e := &events[i]
		first, _, ok := e.Start.Days()
		if !ok || !e.DayKnown() {
			continue // the store selected events known to the day; never guess one
		}
		last := first
		if e.End != nil {
			if end, err := time.Parse(time.DateOnly, *e.End); err == nil {
				last = end
			}
		}
		ev := cal.AddEvent(e.Slug + "@" + calendarUIDDomain)
		ev.SetDtStampTime(e.UpdatedAt)
		ev.SetCreatedTime(e.CreatedAt)
		ev.SetModifiedAt(e.UpdatedAt)
		ev.SetSequence(e.Version)
		ev.SetAllDayStartAt(first)
		ev.SetAllDayEndAt(last.AddDate(0, 0, 1)) // DTEND of an all-day event is the day after its last
		summary, used := e.Title.In(lang)
		ev.SetSummary(plainText(summary), inLanguage(used))
		if e.Description != nil {
			d, used := e.Description.In(lang)
			ev.SetDescription(plainText(d), inLanguage(used))
		}
		if loc, used := locationText(e.Location, cityNames, lang); loc != "" {
			ev.SetLocation(plainText(loc), inLanguage(used))
		}
		ev.SetURL(base + eventPath(e.Slug))
		ev.SetStatus(calendarStatus(e.Status))
		ev.AddCategory(e.Type)
		ev.SetTimeTransparency(ics.TransparencyTransparent)
	}
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// calendarStatus maps an event's status to iCalendar's: cancelled is CANCELLED, to be confirmed
// and postponed are TENTATIVE, the others (scheduled, moved online, completed) CONFIRMED.
func calendarStatus(status string) ics.ObjectStatus {
	switch status {
	case "cancelled":
		return ics.ObjectStatusCancelled
	case "tbc", "postponed":
		return ics.ObjectStatusTentative
	}
	return ics.ObjectStatusConfirmed
}

// locationText is an event's location for people, and the language it is written in: the
// place or the city's name, with the country's code, and "Online" when it is (also) online. The
// whole location is in one language: where the name has no translation in lang, it is in
// English, "Online" too.
func locationText(l domain.EventLocation, cityNames map[string]domain.Text, lang string) (text, used string) {
	var parts []string
	used = lang
	name := func(t domain.Text) {
		var s string
		s, used = t.In(lang)
		parts = append(parts, s)
	}
	switch {
	case l.Place != nil:
		name(*l.Place)
	case l.City != nil:
		if n, ok := cityNames[*l.City]; ok {
			name(n)
		}
	}
	if l.Country != nil {
		parts = append(parts, *l.Country)
	}
	place := strings.Join(parts, ", ")
	online, _ := calendarOnline.In(used)
	switch {
	case l.Online && place != "":
		return place + " / " + online, used
	case l.Online:
		return online, used
	}
	return place, used
}

// plainText turns CRLF and CR line breaks into LF, the line break that iCalendar text escapes
// (as \n); a bare CR would otherwise end up raw in the feed.
func plainText(s string) string {
	return strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
}
