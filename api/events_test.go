package api_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

type eventPage struct {
	Items      []domain.Event `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

// event creates an event fixture in the store.
func (h *harness) event(slug string, f domain.EventFields) *domain.Event {
	h.t.Helper()
	if f.Title.EN == "" {
		f.Title = domain.Text{EN: "Event " + slug}
	}
	if f.Type == "" {
		f.Type = "webinar"
	}
	if f.Status == "" {
		f.Status = "scheduled"
	}
	e, err := h.db.CreateEvent(fixtureCtx(), fixtureCaller, slug, f)
	if err != nil {
		h.t.Fatalf("fixture event %s: %v", slug, err)
	}
	return e
}

func date(value, precision string) domain.DateWithPrecision {
	if precision == "unknown" {
		return domain.DateWithPrecision{Precision: precision}
	}
	return domain.DateWithPrecision{Value: &value, Precision: precision}
}

// eventSlugs lists the slugs of one page of events.
func eventSlugs(t *testing.T, h *harness, path string) string {
	t.Helper()
	var p eventPage
	h.do(req{method: "GET", path: path}).expect(t, 200).JSON(t, &p)
	var s []string
	for _, e := range p.Items {
		s = append(s, e.Slug)
	}
	return strings.Join(s, ",")
}

func TestEventCRUD(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	h.city("dakar", "SN", "africa")
	if _, err := h.db.SQL().Exec(`INSERT INTO organisations (slug, name, kind) VALUES ('uraia', '{"en": "Uraía Platform"}', 'platform')`); err != nil {
		t.Fatal(err)
	}
	sec, _ := h.token(domain.RoleSecretariat)
	editor, _ := h.token(domain.RoleEditor, "bilbao")
	body := map[string]any{"slug": "annual-event", "title": map[string]any{"en": "Trends in Municipal Innovation"},
		"type": "annual_event", "start": map[string]any{"value": nil, "precision": "unknown"}, "status": "tbc",
		"location": map[string]any{"place": map[string]any{"en": "Málaga"}, "country": "ES"},
		"partners": []any{map[string]any{"organisation": "uraia", "role": "organiser"}},
		"cities":   []any{map[string]any{"city": "bilbao", "role": "organiser"}}}

	h.do(req{method: "POST", path: "/v1/events", body: body}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/events", body: body, token: editor}).expect(t, 403)

	key := map[string]string{"Idempotency-Key": "create-annual-event"}
	r := h.do(req{method: "POST", path: "/v1/events", body: body, token: sec, header: key}).expect(t, 201)
	if r.Header.Get("Location") != "/v1/events/annual-event" || r.Header.Get("ETag") != `"v1-en"` {
		t.Fatalf("created: Location %q ETag %q", r.Header.Get("Location"), r.Header.Get("ETag"))
	}
	var e domain.Event
	r.JSON(t, &e)
	if e.Start.Precision != "unknown" || e.StartEarliest != nil || len(e.Partners) != 1 || e.Cities[0].City != "bilbao" ||
		e.Location.Place.EN != "Málaga" || *e.Location.Country != "ES" || e.Provenance != "reported" {
		t.Fatalf("created %+v", e)
	}
	replay := h.do(req{method: "POST", path: "/v1/events", body: body, token: sec, header: key}).expect(t, 201)
	if replay.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("a retry with the same Idempotency-Key was not replayed")
	}
	h.do(req{method: "POST", path: "/v1/events", body: body, token: sec}).expect(t, 409)

	h.do(req{method: "GET", path: "/v1/events/annual-event"}).expect(t, 200)
	if nm := h.do(req{method: "GET", path: "/v1/events/annual-event", header: map[string]string{"If-None-Match": `"v1-en"`}}); nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}
	h.do(req{method: "GET", path: "/v1/events/nothing"}).expect(t, 404)

	// PUT: If-Match required and checked.
	put := map[string]any{"title": map[string]any{"en": "Trends in Municipal Innovation to achieve the SDGs"}, "type": "annual_event",
		"start": map[string]any{"value": "2020-10-21", "precision": "day"}, "end": "2020-10-23", "status": "scheduled",
		"location": map[string]any{"city": "bilbao"}}
	h.do(req{method: "PUT", path: "/v1/events/annual-event", body: put, token: sec}).expect(t, 428)
	h.do(req{method: "PUT", path: "/v1/events/annual-event", body: put, token: sec, header: map[string]string{"If-Match": `"v9"`}}).expect(t, 412)
	h.do(req{method: "PUT", path: "/v1/events/annual-event", body: put, token: editor, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 403)
	r = h.do(req{method: "PUT", path: "/v1/events/annual-event", body: put, token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200)
	e = domain.Event{}
	r.JSON(t, &e)
	if r.Header.Get("ETag") != `"v2-en"` || *e.Location.Country != "ES" || e.Location.Place != nil || len(e.Partners) != 0 ||
		*e.StartEarliest != "2020-10-21" || *e.End != "2020-10-23" {
		t.Fatalf("replaced (%s): %+v", r.Header.Get("ETag"), e)
	}

	// PATCH: texts merge (read back in every language), the location moves to another of our
	// cities and takes its country.
	merge := map[string]string{"If-Match": `"v2"`, "Content-Type": "application/merge-patch+json"}
	r = h.do(req{method: "PATCH", path: "/v1/events/annual-event?lang=all", token: sec, header: merge,
		body: `{"title": {"es": "Tendencias"}, "location": {"city": "dakar", "online": true}, "status": "moved_online", "description": {"en": "Moved"}}`}).expect(t, 200)
	e = domain.Event{}
	r.JSON(t, &e)
	if e.Title.ES != "Tendencias" || e.Title.EN != "Trends in Municipal Innovation to achieve the SDGs" || *e.Location.City != "dakar" ||
		*e.Location.Country != "SN" || !e.Location.Online || e.Status != "moved_online" || e.Version != 3 {
		t.Fatalf("patched: %+v", e)
	}
	merge["If-Match"] = `"v3"`
	r = h.do(req{method: "PATCH", path: "/v1/events/annual-event", token: sec, header: merge, body: `{"description": null}`}).expect(t, 200)
	e = domain.Event{}
	r.JSON(t, &e)
	if e.Description != nil {
		t.Fatalf("description not removed: %+v", e.Description)
	}
	// A stale patch changes nothing.
	h.do(req{method: "PATCH", path: "/v1/events/annual-event", token: sec, header: merge, body: `{"status": "cancelled"}`}).expect(t, 412)

	// DELETE leaves a tombstone: the slug created again continues the versions.
	h.do(req{method: "DELETE", path: "/v1/events/annual-event", token: sec}).expect(t, 428)
	h.do(req{method: "DELETE", path: "/v1/events/annual-event", token: sec, header: map[string]string{"If-Match": `"v4"`}}).expect(t, 204)
	h.do(req{method: "GET", path: "/v1/events/annual-event"}).expect(t, 404)
	r = h.do(req{method: "POST", path: "/v1/events", body: body, token: sec}).expect(t, 201)
	if r.Header.Get("ETag") != `"v5-en"` {
		t.Fatalf("re-created event's ETag %q, want \"v5-en\"", r.Header.Get("ETag"))
	}

	// Every write is audited.
	var actions []string
	if err := h.db.SQL().Select(&actions, `SELECT action FROM audit_log WHERE resource = 'event' AND resource_id = 'annual-event' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(actions, ","); got != "create,update,update,update,delete,create" {
		t.Fatalf("audit trail %s", got)
	}
	// A city with events cannot be deleted.
	h.do(req{method: "DELETE", path: "/v1/cities/bilbao", token: sec, header: map[string]string{"If-Match": "*"}}).expect(t, 409)
}

func TestEventRulesAndReferences(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	if _, err := h.db.SQL().Exec(`INSERT INTO organisations (slug, name, kind) VALUES ('wego', '{"en": "WeGO"}', 'city_network')`); err != nil {
		t.Fatal(err)
	}
	h.event("congress", domain.EventFields{Type: "congress", Start: date("2019-11-11", "day"), End: ptr("2019-11-15")})
	h.event("session", domain.EventFields{Type: "congress_session", Parent: ptr("congress"), Start: date("2019-11", "month")})
	h.event("talk", domain.EventFields{Type: "panel", Parent: ptr("session"), Start: date("2019-11", "month")})

	base := func(extra map[string]any) map[string]any {
		b := map[string]any{"slug": "new", "title": map[string]any{"en": "New"}, "type": "webinar",
			"start": map[string]any{"value": "2021", "precision": "year"}, "status": "scheduled"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	for _, c := range []struct {
		extra map[string]any
		at    string
	}{
		{map[string]any{"partners": []any{map[string]any{"organisation": "wego", "role": "partner"}, map[string]any{"organisation": "nobody", "role": "host"}}}, "body.partners[1].organisation"},
		{map[string]any{"partners": []any{map[string]any{"organisation": "wego", "role": "host"}, map[string]any{"organisation": "wego", "role": "host"}}}, "body.partners[1]"},
		{map[string]any{"cities": []any{map[string]any{"city": "atlantis", "role": "speaker"}}}, "body.cities[0].city"},
		{map[string]any{"parent": "nothing"}, "body.parent"},
		{map[string]any{"parent": "new"}, "body.parent"},
		{map[string]any{"location": map[string]any{"city": "atlantis"}}, "body.location.city"},
		{map[string]any{"location": map[string]any{"city": "bilbao", "country": "FR"}}, "body.location.country"},
		{map[string]any{"location": map[string]any{"place": map[string]any{"en": "Somewhere"}}}, "body.location.country"},
		{map[string]any{"end": "2021-03-02"}, "body.end"},
		{map[string]any{"start": map[string]any{"value": "2021-03-02", "precision": "day"}, "end": "2021-03-01"}, "body.end"},
		{map[string]any{"start": map[string]any{"value": "2021-02-30", "precision": "day"}}, "body.start.value"},
		{map[string]any{"start": map[string]any{"value": "2021", "precision": "unknown"}}, "body.start.value"},
		// Dates run from 1900 to 2199: year 0 is no date PostgreSQL can make, and an end in 9999
		// would be written as the year 10000 in calendar feeds.
		{map[string]any{"start": map[string]any{"value": "0000", "precision": "year"}}, "body.start.value"},
		{map[string]any{"start": map[string]any{"value": "0000-01-01", "precision": "day"}}, "body.start.value"},
		{map[string]any{"start": map[string]any{"value": "1899-Q4", "precision": "quarter"}}, "body.start.value"},
		{map[string]any{"start": map[string]any{"value": "2200-01", "precision": "month"}}, "body.start.value"},
		{map[string]any{"start": map[string]any{"value": "2021-03-02", "precision": "day"}, "end": "9999-12-31"}, "body.end"},
		{map[string]any{"start": map[string]any{"value": "2021-03-02", "precision": "day"}, "end": "2200-01-01"}, "body.end"},
		{map[string]any{"status": "moved_online"}, "body.location.online"},
		{map[string]any{"links": []any{map[string]any{"url": "ftp://example.org", "title": map[string]any{"en": "x"}}}}, "body.links[0].url"},
	} {
		r := h.do(req{method: "POST", path: "/v1/events", body: base(c.extra), token: sec})
		if r.Status != 422 {
			t.Errorf("%v: %d %s", c.extra, r.Status, r.Body)
			continue
		}
		r.errorAt(t, c.at)
	}
	h.do(req{method: "POST", path: "/v1/events", body: base(map[string]any{"status": "moved_online",
		"location": map[string]any{"online": true}}), token: sec}).expect(t, 201)
	// The first and the last days of the range are dates.
	h.do(req{method: "POST", path: "/v1/events", body: base(map[string]any{"slug": "edges",
		"start": map[string]any{"value": "1900-01-01", "precision": "day"}, "end": "2199-12-31"}), token: sec}).expect(t, 201)
	h.do(req{method: "GET", path: "/v1/events.ics"}).expect(t, 200)

	// No cycles: the congress cannot become part of its own session or of a session's talk.
	for _, parent := range []string{"session", "talk", "congress"} {
		r := h.do(req{method: "PATCH", path: "/v1/events/congress", token: sec, body: `{"parent": "` + parent + `"}`,
			header: map[string]string{"If-Match": "*", "Content-Type": "application/merge-patch+json"}}).expect(t, 422)
		r.errorAt(t, "body.parent")
	}
	// Moving the talk directly under the congress is no cycle.
	h.do(req{method: "PATCH", path: "/v1/events/talk", token: sec, body: `{"parent": "congress"}`,
		header: map[string]string{"If-Match": "*", "Content-Type": "application/merge-patch+json"}}).expect(t, 200)
	// An event that others are part of cannot be deleted.
	h.do(req{method: "DELETE", path: "/v1/events/congress", token: sec, header: map[string]string{"If-Match": "*"}}).expect(t, 409)
	h.do(req{method: "DELETE", path: "/v1/events/talk", token: sec, header: map[string]string{"If-Match": "*"}}).expect(t, 204)
}

// eventWorld is a set of events of every precision, for the filters and the order.
func eventWorld(t *testing.T) *harness {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	h.city("dakar", "SN", "africa")
	if _, err := h.db.SQL().Exec(`INSERT INTO organisations (slug, name, kind) VALUES
		('uraia', '{"en": "Uraía"}', 'platform'), ('wego', '{"en": "WeGO"}', 'city_network')`); err != nil {
		t.Fatal(err)
	}
	uraia := []domain.EventPartner{{Organisation: "uraia", Role: "organiser"}}
	h.event("y-2019", domain.EventFields{Start: date("2019", "year"), Status: "completed", Type: "learning_event"})
	// Created out of order, so that the order comes from the dates and not from insertion.
	h.event("y-2020", domain.EventFields{Start: date("2020", "year"), Status: "tbc", Partners: uraia})
	h.event("q-2020", domain.EventFields{Start: date("2020-Q1", "quarter"), Type: "panel"})
	h.event("m-2020", domain.EventFields{Start: date("2020-01", "month"), Cities: []domain.EventCity{{City: "dakar", Role: "speaker"}}})
	h.event("d-2020-01-01", domain.EventFields{Start: date("2020-01-01", "day"), Location: domain.EventLocation{City: ptr("bilbao")}})
	h.event("d-2020-06-15", domain.EventFields{Start: date("2020-06-15", "day"), End: ptr("2020-06-17"), Parent: ptr("y-2020"),
		Partners: []domain.EventPartner{{Organisation: "wego", Role: "host"}}})
	h.event("future", domain.EventFields{Start: date("2199-01-01", "day")})
	h.event("future-cancelled", domain.EventFields{Start: date("2199-02", "month"), Status: "cancelled"})
	h.event("unk-b", domain.EventFields{Start: date("", "unknown"), Status: "tbc", Partners: uraia})
	h.event("unk-a", domain.EventFields{Start: date("", "unknown"), Status: "postponed"})
	return h
}

const eventOrder = "y-2019,d-2020-01-01,m-2020,q-2020,y-2020,d-2020-06-15,future,future-cancelled,unk-a,unk-b"

func TestListEventsOrderAndFilters(t *testing.T) {
	h := eventWorld(t)
	head := h.headCursor()
	cases := map[string]string{
		"": eventOrder,
		// Date ranges: possible days overlap the range; unknown dates only when asked.
		"from=2020-06-01&to=2020-06-30":                      "y-2020,d-2020-06-15",
		"from=2020-06-01&to=2020-06-30&include_undated=true": "y-2020,d-2020-06-15,unk-a,unk-b",
		"from=2020-06-17":                                    "y-2020,d-2020-06-15,future,future-cancelled",
		"from=2020-06-18&to=2020-12-31":                      "y-2020",
		"from=2020-02-01&to=2020-02-29":                      "q-2020,y-2020",
		"to=2019-12-31":                                      "y-2019",
		"to=2019-12-31&include_undated=true":                 "y-2019,unk-a,unk-b",
		"from=2020-01-31&to=2020-01-31":                      "m-2020,q-2020,y-2020",
		"include_undated=true":                               eventOrder,
		// Upcoming: not over, not cancelled or completed; unknown dates are upcoming.
		"upcoming=true":                        "future,unk-a,unk-b",
		"upcoming=false":                       "y-2019,d-2020-01-01,m-2020,q-2020,y-2020,d-2020-06-15,future-cancelled",
		"type=panel":                           "q-2020",
		"type=learning_event&status=completed": "y-2019",
		"status=tbc":                           "y-2020,unk-b",
		"partner=uraia":                        "y-2020,unk-b",
		"partner=wego":                         "d-2020-06-15",
		"city=bilbao":                          "d-2020-01-01",
		"city=dakar":                           "m-2020",
		"parent=y-2020":                        "d-2020-06-15",
		"updated_since=2000-01-01T00:00:00Z&type=panel": "q-2020",
		"updated_since=" + head:                         "",
		"type=congress":                                 "",
	}
	for q, want := range cases {
		if got := eventSlugs(t, h, "/v1/events?"+q); got != want {
			t.Errorf("%s: got %s, want %s", q, got, want)
		}
	}
	for q, at := range map[string]string{
		"partner=nobody":                "query.partner",
		"city=atlantis":                 "query.city",
		"parent=nothing":                "query.parent",
		"type=party":                    "query.type",
		"from=2020-13-01":               "query.from",
		"from=2020-06-01&to=2020-05-01": "query.to",
		"upcoming=yes":                  "query.upcoming",
		"cursor=eyJzIjoic2x1ZyJ9":       "query.cursor",
		// Cursors made by hand whose day PostgreSQL cannot read, or that no event can have.
		"cursor=" + domain.Cursor{Sort: domain.EventSort, Value: "0000-01-01/0", ID: "x"}.Encode(): "query.cursor",
		"cursor=" + domain.Cursor{Sort: domain.EventSort, Value: "9999-12-31/0", ID: "x"}.Encode(): "query.cursor",
		"from=0000-01-01": "query.from",
		"to=0000-12-31":   "query.to",
	} {
		r := h.do(req{method: "GET", path: "/v1/events?" + q}).expect(t, 422)
		r.errorAt(t, at)
	}

	// The city's own list: where it takes place or takes part; 404 for a city that does not exist.
	if got := eventSlugs(t, h, "/v1/cities/dakar/events"); got != "m-2020" {
		t.Errorf("dakar's events: %s", got)
	}
	if got := eventSlugs(t, h, "/v1/cities/bilbao/events?upcoming=true"); got != "" {
		t.Errorf("bilbao's upcoming events: %s", got)
	}
	h.do(req{method: "GET", path: "/v1/cities/atlantis/events"}).expect(t, 404)
}

func TestListEventsPagesThroughMixedPrecision(t *testing.T) {
	h := eventWorld(t)
	for _, limit := range []string{"1", "2", "3"} {
		var all []string
		path := "/v1/events?limit=" + limit
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			var p eventPage
			r := h.do(req{method: "GET", path: path}).expect(t, 200)
			r.JSON(t, &p)
			for _, e := range p.Items {
				all = append(all, e.Slug)
			}
			if p.NextCursor == nil {
				if r.Header.Get("Link") != "" {
					t.Fatal("Link on the last page")
				}
				break
			}
			if !strings.Contains(r.Header.Get("Link"), `rel="next"`) {
				t.Fatalf("no Link header: %q", r.Header.Get("Link"))
			}
			path = "/v1/events?limit=" + limit + "&cursor=" + *p.NextCursor
		}
		if got := strings.Join(all, ","); got != eventOrder {
			t.Errorf("limit %s: pages gave %s, want %s", limit, got, eventOrder)
		}
	}
	// Filters keep their order across pages.
	var p eventPage
	h.do(req{method: "GET", path: "/v1/events?status=tbc&limit=1"}).expect(t, 200).JSON(t, &p)
	if len(p.Items) != 1 || p.Items[0].Slug != "y-2020" || p.NextCursor == nil {
		t.Fatalf("first page: %+v", p)
	}
	if got := eventSlugs(t, h, "/v1/events?status=tbc&limit=1&cursor="+*p.NextCursor); got != "unk-b" {
		t.Fatalf("second page: %s", got)
	}
}

// TestConcurrentParentsNeverFail makes two events each other's parent at the same moment, again
// and again. The two writes lock the events in opposite orders, and PostgreSQL aborts one of
// them as a deadlock's victim; the store runs it again, and it then finds the cycle the other
// made. Each round one write succeeds and the other is refused as a cycle (or, were it a victim
// every time, told to retry with a 503): never a 500.
func TestConcurrentParentsNeverFail(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	h.event("x", domain.EventFields{Start: date("2020", "year")})
	h.event("y", domain.EventFields{Start: date("2020", "year")})
	patch := func(slug, body string) *response {
		return h.do(req{method: "PATCH", path: "/v1/events/" + slug, token: sec, body: body,
			header: map[string]string{"If-Match": "*", "Content-Type": "application/merge-patch+json"}})
	}
	for round := 0; round < 15; round++ {
		var rx, ry *response
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); rx = patch("x", `{"parent": "y"}`) }()
		go func() { defer wg.Done(); ry = patch("y", `{"parent": "x"}`) }()
		wg.Wait()
		ok := 0
		for _, r := range []*response{rx, ry} {
			switch r.Status {
			case 200:
				ok++
			case 422, 503:
				r.expect(t, r.Status)
				if r.Status == 503 && r.Header.Get("Retry-After") == "" {
					t.Fatalf("round %d: a 503 without Retry-After: %s", round, r.Body)
				}
			default:
				t.Fatalf("round %d: %d %s", round, r.Status, r.Body)
			}
		}
		if ok > 1 {
			t.Fatalf("round %d: both events were made each other's parent", round)
		}
		patch("x", `{"parent": null}`).expect(t, 200)
		patch("y", `{"parent": null}`).expect(t, 200)
	}
}
