package api_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/seed"
)

// parseFeed reads a feed back with an iCalendar parser independent of the one that wrote it,
// and checks what RFC 5545 asks of every line: CRLF endings and at most 75 octets.
func parseFeed(t *testing.T, r *response) (*goical.Calendar, map[string]goical.Event) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if !bytes.HasSuffix(r.Body, []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("the feed does not end with END:VCALENDAR and CRLF: %q", r.Body)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(r.Body), "\r\n"), "\r\n") {
		if len(line) > 75 || strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d is not folded or ends badly (%d octets): %q", i+1, len(line), line)
		}
	}
	cal, err := goical.NewDecoder(bytes.NewReader(r.Body)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, r.Body)
	}
	events := map[string]goical.Event{}
	for _, e := range cal.Events() {
		uid, err := e.Props.Text(goical.PropUID)
		if err != nil {
			t.Fatal(err)
		}
		events[uid] = e
	}
	return cal, events
}

func text(t *testing.T, e goical.Event, prop string) string {
	t.Helper()
	v, err := e.Props.Text(prop)
	if err != nil {
		t.Fatalf("%s: %v", prop, err)
	}
	return v
}

func day(t *testing.T, e goical.Event, prop string) string {
	t.Helper()
	p := e.Props.Get(prop)
	if p == nil || p.Params.Get(goical.ParamValue) != "DATE" {
		t.Fatalf("%s is not an all-day date: %+v", prop, p)
	}
	d, err := p.DateTime(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return d.Format(time.DateOnly)
}

// TestCalendarURLsComeFromConfiguration: the events' URLs in a feed start with PUBLIC_BASE_URL
// whatever Host and X-Forwarded-Proto a client sends, so that no client can put its own host
// into a feed that caches keep; the feed then varies with neither.
func TestCalendarURLsComeFromConfiguration(t *testing.T) {
	h := newHarnessConfig(t, config.Config{Limits: generousLimits, PublicBaseURL: "https://api.digitalcities.example/base"})
	h.event("panel", domain.EventFields{Start: date("2020-03-04", "day")})
	var bodies []string
	for _, spoof := range []map[string]string{nil, {"Host": "evil.example"}, {"Host": "evil.example", "X-Forwarded-Proto": "http"}} {
		hr, err := http.NewRequest("GET", h.srv.URL+"/v1/events.ics", nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range spoof {
			if k == "Host" {
				hr.Host = v
			} else {
				hr.Header.Set(k, v)
			}
		}
		res, err := h.srv.Client().Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if vary := res.Header.Get("Vary"); res.StatusCode != 200 || strings.Contains(vary, "Forwarded") || strings.Contains(vary, "Host") {
			t.Fatalf("%v: %d, Vary %q: %s", spoof, res.StatusCode, res.Header.Get("Vary"), b)
		}
		_, events := parseFeed(t, &response{Status: res.StatusCode, Header: res.Header, Body: b})
		u := events["panel@events.digitalcities.uclg.org"].Props.Get(goical.PropURL)
		if u == nil || u.Value != "https://api.digitalcities.example/base/v1/events/panel" {
			t.Fatalf("%v: URL %+v", spoof, u)
		}
		bodies = append(bodies, string(b))
	}
	if bodies[0] != bodies[1] || bodies[0] != bodies[2] {
		t.Fatal("the feed differs with the Host header")
	}
}

func TestEventsCalendar(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	if _, err := h.db.SQL().Exec(`INSERT INTO organisations (slug, name, kind) VALUES ('uraia', '{"en": "Uraía Platform"}', 'platform'),
		('wego', '{"en": "WeGO"}', 'city_network')`); err != nil {
		t.Fatal(err)
	}
	sec, _ := h.token(domain.RoleSecretariat)
	nasty := "Cities, data; \"open\" government\\ \r\nDay 2: Málaga — ciudades ☀ " + strings.Repeat("long ", 20)
	h.event("panel", domain.EventFields{Title: domain.Text{EN: nasty, ES: "Panel; ciudades, datos"}, Type: "panel",
		Description: &domain.Text{EN: "First line\nsecond, line; end"}, Start: date("2020-03-04", "day"), Status: "scheduled",
		Location: domain.EventLocation{City: ptr("bilbao"), Online: true}, Partners: []domain.EventPartner{{Organisation: "uraia", Role: "organiser"}}})
	h.event("congress", domain.EventFields{Type: "congress", Start: date("2019-11-11", "day"), End: ptr("2019-11-15"), Status: "completed",
		Location: domain.EventLocation{Place: &domain.Text{EN: "Durban"}, Country: ptr("ZA")}})
	h.event("cancelled", domain.EventFields{Start: date("2021-05-01", "day"), Status: "cancelled", Partners: []domain.EventPartner{{Organisation: "wego", Role: "partner"}}})
	h.event("tentative", domain.EventFields{Start: date("2021-06-01", "day"), Status: "tbc", Cities: []domain.EventCity{{City: "bilbao", Role: "speaker"}}})
	h.event("postponed", domain.EventFields{Start: date("2021-07-01", "day"), Status: "postponed"})
	// Left out: no known day.
	h.event("month-only", domain.EventFields{Start: date("2021-09", "month"), Status: "scheduled"})
	h.event("year-only", domain.EventFields{Start: date("2020", "year"), Status: "tbc", Partners: []domain.EventPartner{{Organisation: "uraia", Role: "partner"}}})
	h.event("undated", domain.EventFields{Start: date("", "unknown"), Status: "tbc", Cities: []domain.EventCity{{City: "bilbao", Role: "host"}}})

	r := h.do(req{method: "GET", path: "/v1/events.ics"}).expect(t, 200)
	cal, events := parseFeed(t, r)
	uid := func(slug string) string { return slug + "@events.digitalcities.uclg.org" }
	if len(events) != 5 {
		t.Fatalf("%d events in the feed, want 5: %v", len(events), events)
	}
	for _, left := range []string{"month-only", "year-only", "undated"} {
		if _, ok := events[uid(left)]; ok {
			t.Errorf("%s has no known day but is in the feed", left)
		}
	}
	desc, err := cal.Props.Text("X-WR-CALDESC")
	if err != nil || !strings.Contains(desc, "left out") {
		t.Errorf("X-WR-CALDESC does not say which events are left out: %q %v", desc, err)
	}

	p := events[uid("panel")]
	if got := text(t, p, goical.PropSummary); got != strings.ReplaceAll(nasty, "\r\n", "\n") {
		t.Errorf("SUMMARY read back as %q", got)
	}
	if got := text(t, p, goical.PropDescription); got != "First line\nsecond, line; end" {
		t.Errorf("DESCRIPTION read back as %q", got)
	}
	if got := text(t, p, goical.PropLocation); got != "Bilbao, ES / Online" {
		t.Errorf("LOCATION %q", got)
	}
	if day(t, p, goical.PropDateTimeStart) != "2020-03-04" || day(t, p, goical.PropDateTimeEnd) != "2020-03-05" {
		t.Errorf("panel: DTSTART %s DTEND %s", day(t, p, goical.PropDateTimeStart), day(t, p, goical.PropDateTimeEnd))
	}
	if u := p.Props.Get(goical.PropURL); u == nil || !strings.HasSuffix(u.Value, "/v1/events/panel") || !strings.HasPrefix(u.Value, "http://") {
		t.Errorf("URL %+v", u)
	}
	if s := p.Props.Get(goical.PropSequence); s == nil || s.Value != "1" {
		t.Errorf("SEQUENCE %+v", s)
	}
	c := events[uid("congress")]
	if day(t, c, goical.PropDateTimeStart) != "2019-11-11" || day(t, c, goical.PropDateTimeEnd) != "2019-11-16" {
		t.Errorf("congress: DTEND must be the day after its last day")
	}
	if got := text(t, c, goical.PropLocation); got != "Durban, ZA" {
		t.Errorf("congress LOCATION %q", got)
	}
	for slug, want := range map[string]goical.EventStatus{"panel": goical.EventConfirmed, "congress": goical.EventConfirmed,
		"cancelled": goical.EventCancelled, "tentative": goical.EventTentative, "postponed": goical.EventTentative} {
		e := events[uid(slug)]
		if got, err := e.Status(); err != nil || got != want {
			t.Errorf("%s: STATUS %s (%v), want %s", slug, got, err, want)
		}
	}
	stamp, err := p.Props.DateTime(goical.PropDateTimeStamp, time.UTC)
	if err != nil || stamp.IsZero() {
		t.Errorf("DTSTAMP %v %v", stamp, err)
	}

	// Spanish where translated, English otherwise, each text saying which (TestEventsCalendarInEachLanguage has more).
	_, es := parseFeed(t, h.do(req{method: "GET", path: "/v1/events.ics?lang=es"}).expect(t, 200))
	if got := text(t, es[uid("panel")], goical.PropSummary); got != "Panel; ciudades, datos" {
		t.Errorf("Spanish SUMMARY %q", got)
	}
	if got := text(t, es[uid("congress")], goical.PropSummary); got != "Event congress" {
		t.Errorf("untranslated SUMMARY %q", got)
	}

	// ETag and 304; any change to an event in the feed changes it.
	tag := r.Header.Get("ETag")
	if !strings.HasPrefix(tag, `"ics-`) || !strings.HasSuffix(tag, `-en"`) || r.Header.Get("Content-Language") != "en" {
		t.Fatalf("feed ETag %q", tag)
	}
	nm := h.do(req{method: "GET", path: "/v1/events.ics", header: map[string]string{"If-None-Match": tag}})
	if nm.Status != 304 || nm.Header.Get("ETag") != tag || len(nm.Body) != 0 {
		t.Fatalf("If-None-Match: %d %q", nm.Status, nm.Header.Get("ETag"))
	}
	if again := h.do(req{method: "GET", path: "/v1/events.ics"}).expect(t, 200); again.Header.Get("ETag") != tag {
		t.Fatal("the feed's ETag changes with nothing changed")
	}
	h.do(req{method: "PATCH", path: "/v1/events/congress", token: sec, body: `{"title": {"fr": "Congrès"}}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}).expect(t, 200)
	r2 := h.do(req{method: "GET", path: "/v1/events.ics", header: map[string]string{"If-None-Match": tag}}).expect(t, 200)
	if r2.Header.Get("ETag") == tag {
		t.Fatal("the feed's ETag did not change with an event")
	}
	_, after := parseFeed(t, r2)
	if s := after[uid("congress")].Props.Get(goical.PropSequence); s == nil || s.Value != "2" {
		t.Errorf("SEQUENCE after a change: %+v", s)
	}
	// An event that gains a day joins the feed.
	h.do(req{method: "PATCH", path: "/v1/events/month-only", token: sec, body: `{"start": {"value": "2021-09-20", "precision": "day"}}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}).expect(t, 200)
	if _, now := parseFeed(t, h.do(req{method: "GET", path: "/v1/events.ics"}).expect(t, 200)); len(now) != 6 {
		t.Errorf("%d events after one got its day, want 6", len(now))
	}

	// Per city: where it takes place or takes part; per organisation: any role.
	_, bilbao := parseFeed(t, h.do(req{method: "GET", path: "/v1/cities/bilbao/events.ics"}).expect(t, 200))
	if len(bilbao) != 2 || bilbao[uid("panel")].Props == nil || bilbao[uid("tentative")].Props == nil {
		t.Errorf("Bilbao's feed: %v", bilbao)
	}
	_, uraia := parseFeed(t, h.do(req{method: "GET", path: "/v1/organisations/uraia/events.ics"}).expect(t, 200))
	if len(uraia) != 1 || uraia[uid("panel")].Props == nil {
		t.Errorf("Uraía's feed: %v", uraia)
	}
	h.do(req{method: "GET", path: "/v1/cities/atlantis/events.ics"}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/organisations/nobody/events.ics"}).expect(t, 404)
	h.do(req{method: "GET", path: "/v1/events.ics?lang=de"}).expect(t, 422)
	if head := h.do(req{method: "HEAD", path: "/v1/events.ics"}); head.Status != 200 || len(head.Body) != 0 {
		t.Errorf("HEAD: %d with %d bytes", head.Status, len(head.Body))
	}
}

// TestSeededEventsCalendar: of the events the report names, only the 6th UCLG Congress has a
// known day; the others (the panel, Málaga's event to be confirmed, the learning events of 2020)
// are listed by the API but left out of the feed.
func TestSeededEventsCalendar(t *testing.T) {
	h := newHarness(t)
	if _, err := seed.Run(fixtureCtx(), h.db); err != nil {
		t.Fatal(err)
	}
	_, events := parseFeed(t, h.do(req{method: "GET", path: "/v1/events.ics"}).expect(t, 200))
	congress, ok := events["6th-uclg-congress@events.digitalcities.uclg.org"]
	if len(events) != 1 || !ok {
		t.Fatalf("seeded feed: %v", events)
	}
	if day(t, congress, goical.PropDateTimeStart) != "2019-11-11" || day(t, congress, goical.PropDateTimeEnd) != "2019-11-16" ||
		text(t, congress, goical.PropLocation) != "Durban, ZA" {
		t.Errorf("the Congress in the feed: %+v", congress.Props)
	}
	want := "congress-panel-urban-innovation-listen-citizens,6th-uclg-congress,learning-events-2020,uraia-annual-event-malaga"
	if got := eventSlugs(t, h, "/v1/events"); got != want {
		t.Errorf("seeded events in order: %s, want %s", got, want)
	}
	if got := eventSlugs(t, h, "/v1/events?partner=uraia&include_undated=true&from=2020-01-01&to=2020-12-31"); got != "learning-events-2020,uraia-annual-event-malaga" {
		t.Errorf("Uraía's events of 2020 and to be confirmed: %s", got)
	}
}
