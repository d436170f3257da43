package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// mirror is a consumer's copy of the public data, kept by applying the change feed.
type mirror struct {
	cursor string
	items  map[string]any // resource/id → data
}

// pull applies one page of the feed and reports whether the feed was caught up.
func (m *mirror) pull(t *testing.T, h *harness) bool {
	t.Helper()
	path := "/v1/changes?limit=50"
	if m.cursor != "" {
		path += "&since=" + url.QueryEscape(m.cursor)
	}
	var page struct {
		Items []struct {
			ID         int64           `json:"id"`
			Resource   string          `json:"resource"`
			ResourceID string          `json:"resource_id"`
			Action     string          `json:"action"`
			Href       string          `json:"href"`
			Data       json.RawMessage `json:"data"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
		CaughtUp   bool   `json:"caught_up"`
	}
	h.do(req{method: http.MethodGet, path: path}).expect(t, http.StatusOK).JSON(t, &page)
	for _, c := range page.Items {
		key := c.Resource + "/" + c.ResourceID
		if c.Action == "delete" {
			if string(c.Data) != "null" {
				t.Fatalf("a delete carries data: %s", c.Data)
			}
			delete(m.items, key)
			continue
		}
		var v any
		if err := json.Unmarshal(c.Data, &v); err != nil {
			t.Fatal(err)
		}
		m.items[key] = v
	}
	if page.NextCursor == "" {
		t.Fatal("a feed page without next_cursor")
	}
	m.cursor = page.NextCursor
	return page.CaughtUp
}

// TestChangeFeedKeepsAMirrorIdentical: writers create, change and delete cities and
// organisations while a transaction now and then holds the feed's horizon back; a consumer
// applies the feed all along. When the writers stop and the feed is drained, the copy is the
// source, deletes included.
func TestChangeFeedKeepsAMirrorIdentical(t *testing.T) {
	h := newHarness(t)
	secretariat, _ := h.token("secretariat")
	m := &mirror{items: map[string]any{}}

	stop := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for time.Now().Before(stop) {
				n := r.IntN(8)
				switch r.IntN(2) {
				case 0:
					writeCity(h, secretariat, fmt.Sprintf("city-%d", n), r)
				case 1:
					writeOrganisation(h, secretariat, fmt.Sprintf("org-%d", n), r)
				}
			}
		}()
	}
	// A late writer: its transaction takes its id first and commits last, after writers that
	// began later, as a long import does. A feed that read past its id before it committed would
	// skip its change for ever, and the copy would keep an old population. It writes as the store
	// does: the row, then the audit row with the city as the API shows it.
	h.city("late-city", "ES", "europe")
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; time.Now().Before(stop); i++ {
			if err := lateCityWrite(h, 5000+i); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for time.Now().Before(stop) {
		m.pull(t, h)
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()

	// Drain. The horizon is the whole server's, so another test's long transaction may hold
	// the last changes back for a while.
	source := func() map[string]any {
		s := map[string]any{}
		for _, list := range []struct{ path, resource, key string }{
			{"/v1/cities?limit=500&lang=all", "city", "slug"}, {"/v1/organisations?limit=500&lang=all", "organisation", "slug"}} {
			var page struct{ Items []map[string]any }
			h.do(req{method: http.MethodGet, path: list.path}).expect(t, http.StatusOK).JSON(t, &page)
			for _, it := range page.Items {
				s[list.resource+"/"+it[list.key].(string)] = any(it)
			}
		}
		return s
	}
	want := source()
	deadline := time.Now().Add(2 * time.Minute)
	for !reflect.DeepEqual(m.items, want) {
		if time.Now().After(deadline) {
			for k, v := range want {
				if !reflect.DeepEqual(m.items[k], v) {
					t.Errorf("%s: mirror %v, source %v", k, m.items[k], v)
				}
			}
			for k := range m.items {
				if _, ok := want[k]; !ok {
					t.Errorf("%s: in the mirror, gone from the source", k)
				}
			}
			t.Fatalf("the mirror (%d items) never became the source (%d items)", len(m.items), len(want))
		}
		if m.pull(t, h) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if len(want) == 0 {
		t.Fatal("the writers wrote nothing")
	}
}

// writeCity creates, changes or deletes a city, whichever its state allows; a lost race (404,
// 409, 412) is part of the test's weather.
func writeCity(h *harness, token, slug string, r *rand.Rand) {
	res := h.do(req{method: http.MethodGet, path: "/v1/cities/" + slug})
	if res.Status == http.StatusNotFound {
		h.do(req{method: http.MethodPost, path: "/v1/cities", token: token, body: map[string]any{
			"slug": slug, "name": map[string]string{"en": "City " + slug}, "country": "ES", "section": "europe", "provenance": "sample"}})
		return
	}
	etag := res.Header.Get("ETag")
	if r.IntN(4) == 0 {
		h.do(req{method: http.MethodDelete, path: "/v1/cities/" + slug, token: token, header: map[string]string{"If-Match": etag}})
		return
	}
	h.do(req{method: http.MethodPatch, path: "/v1/cities/" + slug, token: token,
		header: map[string]string{"If-Match": etag, "Content-Type": "application/merge-patch+json"},
		body:   map[string]any{"population": 1000 + r.IntN(1_000_000), "population_year": 2020}})
}

// writeOrganisation does to an organisation what writeCity does to a city.
func writeOrganisation(h *harness, token, slug string, r *rand.Rand) {
	res := h.do(req{method: http.MethodGet, path: "/v1/organisations/" + slug})
	if res.Status == http.StatusNotFound {
		h.do(req{method: http.MethodPost, path: "/v1/organisations", token: token, body: map[string]any{
			"slug": slug, "name": map[string]string{"en": "Organisation " + slug}, "kind": "other"}})
		return
	}
	etag := res.Header.Get("ETag")
	if r.IntN(4) == 0 {
		h.do(req{method: http.MethodDelete, path: "/v1/organisations/" + slug, token: token, header: map[string]string{"If-Match": etag}})
		return
	}
	h.do(req{method: http.MethodPatch, path: "/v1/organisations/" + slug, token: token,
		header: map[string]string{"If-Match": etag, "Content-Type": "application/merge-patch+json"},
		body:   map[string]any{"name": map[string]string{"en": fmt.Sprintf("Organisation %s v%d", slug, r.IntN(1000))}}})
}

// lateCityWrite changes late-city's population in a transaction that takes its id, waits while
// others write and commit, and only then writes and commits.
func lateCityWrite(h *harness, population int) error {
	var city map[string]any
	res := h.do(req{method: http.MethodGet, path: "/v1/cities/late-city?lang=all"})
	if err := json.Unmarshal(res.Body, &city); err != nil {
		return err
	}
	ctx := context.Background()
	tx, err := h.db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_current_xact_id()`); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	var version int
	var updated time.Time
	if err := tx.QueryRowContext(ctx, `UPDATE cities SET population = $1, population_year = 2020,
		version = version + 1, updated_at = now() WHERE slug = 'late-city' RETURNING version, updated_at`,
		population).Scan(&version, &updated); err != nil {
		return err
	}
	city["population"], city["population_year"], city["version"] = population, 2020, version
	city["updated_at"] = updated.UTC()
	after, err := json.Marshal(city)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor, action, resource, resource_id, after)
		VALUES ('test:late', 'update', 'city', 'late-city', $1)`, after); err != nil {
		return err
	}
	return tx.Commit()
}

// TestChangeFeedShowsReportsAsThePublicSeesThem: a published report's return reasons (which may
// quote an unpublished version) and the writer's transitions never reach the feed, and its drafts
// never appear at all.
func TestChangeFeedShowsReportsAsThePublicSeesThem(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('digital-cities', '{"en": "Digital Cities"}', 'community_of_practice')`); err != nil {
		t.Fatal(err)
	}
	r, err := h.db.CreateReport(ctx, fixtureCaller, postgres.ReportCreate{Body: "digital-cities",
		Period: domain.ReportPeriod{Start: "2019-01-01", End: "2020-12-31"}, Content: domain.ReportContent{Title: domain.Text{EN: "Report"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range [][2]string{{"submitted", ""}, {"draft", "SECRET-REASON quoting the draft"}, {"submitted", ""}, {"published", ""}} {
		if _, err := h.db.TransitionReport(ctx, fixtureCaller, r.ID, domain.MatchAny, step[0], step[1]); err != nil {
			t.Fatal(err)
		}
	}
	m := &mirror{items: map[string]any{}}
	deadline := time.Now().Add(2 * time.Minute)
	for m.items["report/"+itoa(r.ID)] == nil && time.Now().Before(deadline) {
		if m.pull(t, h) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	b, _ := json.Marshal(m.items)
	if m.items["report/"+itoa(r.ID)] == nil || strings.Contains(string(b), "SECRET-REASON") || strings.Contains(string(b), `"draft"],`) {
		t.Fatalf("the feed's report: %s", b)
	}
	var public map[string]any
	h.do(req{method: http.MethodGet, path: "/v1/reports/" + itoa(r.ID) + "?lang=all"}).expect(t, http.StatusOK).JSON(t, &public)
	if !reflect.DeepEqual(m.items["report/"+itoa(r.ID)], public) {
		t.Fatalf("the feed's report differs from the public one:\nfeed   %v\npublic %v", m.items["report/"+itoa(r.ID)], public)
	}
}
