package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/seed"
)

// listKeys lists the key field of every item of a list (all pages), as text.
func (h *harness) listKeys(t *testing.T, path, token, key string) []string {
	t.Helper()
	var out []string
	for path != "" {
		var p struct {
			Items      []map[string]any `json:"items"`
			NextCursor *string          `json:"next_cursor"`
		}
		h.do(req{method: "GET", path: path, token: token}).expect(t, 200).JSON(t, &p)
		for _, it := range p.Items {
			out = append(out, fmt.Sprint(it[key]))
		}
		path = ""
		if p.NextCursor != nil {
			t.Fatalf("a list of the sample data has more than one page of 500")
		}
	}
	return out
}

// withQuery adds a query parameter to a path.
func withQuery(path, param, value string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + param + "=" + url.QueryEscape(value)
}

// TestUpdatedSinceSeesALateCommit is the case that motivated counting changes by transaction:
// a write whose transaction began before a client's sync and committed after it. Its row's
// updated_at (the transaction's start) is before the sync, so "updated_at >= T" missed it
// forever; updated_since=T must list it.
func TestUpdatedSinceSeesALateCommit(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	h.sampleHorizon()

	// Transaction A writes a city and its audit row as the store does, and stays open.
	a, err := h.db.SQL().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Rollback()
	if _, err := a.Exec(`INSERT INTO cities (slug, name, country, section, provenance) VALUES ('late', '{"en": "Late"}', 'ES', 'europe', 'sample')`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Exec(`INSERT INTO audit_log (actor, action, resource, resource_id, after)
		SELECT 'secretariat:test', 'create', 'city', slug, to_jsonb(c) FROM cities c WHERE slug = 'late'`); err != nil {
		t.Fatal(err)
	}
	// The client syncs while A runs: a sample of the horizon is taken (as the server does every
	// 30 seconds) and the client's time T is after it.
	h.sampleHorizon()
	var T time.Time
	if err := h.db.SQL().Get(&T, `SELECT clock_timestamp()`); err != nil {
		t.Fatal(err)
	}
	if got := h.listKeys(t, "/v1/cities", "", "slug"); slices.Contains(got, "late") {
		t.Fatalf("a read at T saw the uncommitted city: %v", got)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	var updatedAt time.Time
	if err := h.db.SQL().Get(&updatedAt, `SELECT updated_at FROM cities WHERE slug = 'late'`); err != nil {
		t.Fatal(err)
	}
	if !updatedAt.Before(T) {
		t.Fatalf("the late city's updated_at %v is not before T %v: the test does not test what it says", updatedAt, T)
	}
	got := h.listKeys(t, withQuery("/v1/cities", "updated_since", T.UTC().Format(time.RFC3339Nano)), "", "slug")
	if !slices.Contains(got, "late") {
		t.Errorf("updated_since=T after a transaction that began before T and committed after it: %v, want late among them", got)
	}
	if slices.Contains(got, "bilbao") {
		t.Errorf("updated_since=T lists bilbao, changed and committed before the sample before T: %v", got)
	}
}

// TestUpdatedSinceForms: a time or a change-feed cursor; a time older than every sample is a
// full resync (bulk-loaded rows included); anything else is a 422 naming the parameter.
func TestUpdatedSinceForms(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	// A city loaded without the audit trail (as bulk data is): never counts as changed.
	if _, err := h.db.SQL().Exec(`INSERT INTO cities (slug, name, country, section, provenance)
		VALUES ('bulk', '{"en": "Bulk"}', 'ZZ', 'europe', 'synthetic')`); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Minute) // before the first sample of this database
	first := h.sampleHorizon()
	head := h.headCursor()
	h.city("dakar", "SN", "africa")

	for since, want := range map[string]string{
		before.UTC().Format(time.RFC3339):                   "bilbao,bulk,dakar", // no sample that old: everything
		"1900-01-01T00:00:00Z":                              "bilbao,bulk,dakar",
		"0001-01-01T00:00:00Z":                              "bilbao,bulk,dakar",
		first.UTC().Format(time.RFC3339Nano):                "dakar",
		first.Format("2006-01-02T15:04:05.999999999-07:00"): "dakar",
		head:                                "dakar",
		domain.ChangeCursor{Tx: 1}.Encode(): "bilbao,dakar", // every change the audit trail knows
	} {
		got := strings.Join(h.listKeys(t, withQuery("/v1/cities", "updated_since", since), "", "slug"), ",")
		// A time may list a few changes before it too (a transaction running at the sample, of
		// any database of the server): only the exact forms are compared exactly.
		if got != want && !(since == first.UTC().Format(time.RFC3339Nano) && strings.Contains(got, want)) {
			t.Errorf("updated_since=%s: %s, want %s", since, got, want)
		}
	}
	for _, bad := range []string{
		"yesterday", "2025-01-20", "2025-13-01T00:00:00Z", "2025-01-20T09:00:00", "12345",
		domain.Cursor{Sort: "slug", Value: "bilbao", ID: "bilbao"}.Encode(), // a list's cursor, not the feed's
		domain.ChangeCursor{Tx: 0}.Encode(),
		"eyJ0IjoieCJ9", // {"t":"x"}
		strings.Repeat("a", 201),
	} {
		r := h.do(req{method: "GET", path: withQuery("/v1/cities", "updated_since", bad)}).expect(t, 422)
		r.errorAt(t, "query.updated_since")
	}
}

// TestUpdatedSinceOnEveryCollection: each list takes updated_since and lists exactly the items
// a change made after a cursor touched (and, from a time, at least those), on the sample data.
func TestUpdatedSinceOnEveryCollection(t *testing.T) {
	h := newHarness(t)
	if _, err := seed.Run(fixtureCtx(), h.db); err != nil {
		t.Fatal(err)
	}
	secretariat, _ := h.token(domain.RoleSecretariat)
	ctx, db, caller := fixtureCtx(), h.db, fixtureCaller
	any := domain.IfMatch{Any: true}
	fail := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var firstObservation, firstRole, firstCommitment int64
	fail(t, db.SQL().Get(&firstObservation, `SELECT min(id) FROM observations`))
	fail(t, db.SQL().Get(&firstRole, `SELECT min(id) FROM body_roles`))
	fail(t, db.SQL().Get(&firstCommitment, `SELECT min(id) FROM commitments`))
	var participant string // a city of the 2019 edition
	fail(t, db.SQL().Get(&participant, `SELECT min(city) FROM study_cities WHERE edition = 2019`))
	var adoption domain.AdoptionKey
	fail(t, db.SQL().QueryRow(`SELECT trend, city, year FROM trend_adoptions ORDER BY 1, 2, 3 LIMIT 1`).Scan(&adoption.Trend, &adoption.City, &adoption.Year))

	touchCity := func(slug string) {
		_, err := db.UpdateCity(ctx, caller, slug, any, func(c *domain.City) (domain.CityFields, error) {
			f := c.Fields()
			f.Website = ptr("https://example.org/" + slug)
			return f, nil
		})
		fail(t, err)
	}
	for _, c := range []struct {
		name, path, key, token string
		change                 func(t *testing.T) string // changes one item through the store; its key
	}{
		{"cities", "/v1/cities", "slug", "", func(t *testing.T) string { touchCity("bilbao"); return "bilbao" }},
		{"organisations", "/v1/organisations", "slug", "", func(t *testing.T) string {
			_, err := db.UpdateOrganisation(ctx, caller, "wego", any, func(o *domain.Organisation) (domain.OrganisationFields, error) { return o.Fields(), nil })
			fail(t, err)
			return "wego"
		}},
		{"roles", "/v1/roles", "id", "", func(t *testing.T) string {
			r, err := db.GetBodyRole(ctx, firstRole)
			fail(t, err)
			_, err = db.UpdateBodyRole(ctx, caller, firstRole, any, r.BodyRoleFields)
			fail(t, err)
			return fmt.Sprint(firstRole)
		}},
		{"studies", "/v1/studies", "edition", "", func(t *testing.T) string {
			s, err := db.GetStudy(ctx, 2017)
			fail(t, err)
			_, err = db.UpdateStudy(ctx, caller, 2017, any, s.StudyFields)
			fail(t, err)
			return "2017"
		}},
		{"study cities", "/v1/studies/2019/cities", "city", "", func(t *testing.T) string {
			_, _, err := db.AddStudyCity(ctx, caller, 2019, "bilbao", "reported")
			fail(t, err)
			return "bilbao"
		}},
		{"study cities, a city renamed", "/v1/studies/2019/cities", "city", "", func(t *testing.T) string {
			touchCity(participant) // the participation shows the city's name and country
			return participant
		}},
		{"datasets", "/v1/datasets", "slug", "", func(t *testing.T) string {
			_, err := db.PublishRelease(ctx, caller, "community-cities", "Again", testFileWriter)
			fail(t, err)
			return "community-cities"
		}},
		{"frameworks", "/v1/frameworks", "slug", "", func(t *testing.T) string {
			_, err := db.CreateFramework(ctx, caller, domain.FrameworkCreate{Slug: "fw-new", Name: domain.Text{EN: "New"},
				Dimensions: []domain.Dimension{{Slug: "d", Name: domain.Text{EN: "D"}}}})
			fail(t, err)
			return "fw-new"
		}},
		{"indicators", "/v1/indicators", "slug", "", func(t *testing.T) string {
			_, err := db.RetireIndicator(ctx, caller, "u4ssc-open-data-number", any)
			fail(t, err)
			return "u4ssc-open-data-number"
		}},
		{"trends", "/v1/trends", "slug", "", func(t *testing.T) string {
			tr, err := db.GetTrend(ctx, adoption.Trend)
			fail(t, err)
			_, err = db.UpdateTrend(ctx, caller, adoption.Trend, any, tr.TrendFields)
			fail(t, err)
			return adoption.Trend
		}},
		{"trend adoption", "/v1/trends/" + adoption.Trend + "/adoption?history=true", "city", "", func(t *testing.T) string {
			_, err := db.SetAdoptionVerification(ctx, caller, adoption, any, "verified")
			fail(t, err)
			return adoption.City
		}},
		{"city trends", "/v1/cities/" + adoption.City + "/trends?history=true", "trend", "", func(t *testing.T) string {
			a, err := db.GetAdoption(ctx, adoption)
			fail(t, err)
			_, err = db.UpdateAdoption(ctx, caller, adoption, any, a.Fields())
			fail(t, err)
			return adoption.Trend
		}},
		{"observations", "/v1/observations?limit=500", "id", "", func(t *testing.T) string {
			_, err := db.SetVerification(ctx, caller, firstObservation, any, "verified")
			fail(t, err)
			return fmt.Sprint(firstObservation)
		}},
		{"events", "/v1/events", "slug", "", func(t *testing.T) string {
			return touchEvent(t, h, "bilbao")
		}},
		{"city events", "/v1/cities/bilbao/events", "slug", "", func(t *testing.T) string {
			return touchEvent(t, h, "bilbao")
		}},
		{"reports", "/v1/reports", "id", secretariat, func(t *testing.T) string {
			r, err := db.CreateReport(ctx, caller, postgres.ReportCreate{Body: domain.CommunityOfPractice,
				Period: domain.ReportPeriod{Start: "2021-01-01", End: "2022-12-31"}, Content: domain.ReportContent{Title: domain.Text{EN: "Next"}}})
			fail(t, err)
			return fmt.Sprint(r.ID)
		}},
		{"commitments", "/v1/commitments", "id", "", func(t *testing.T) string {
			cm, err := db.GetCommitment(ctx, firstCommitment)
			fail(t, err)
			_, err = db.UpdateCommitment(ctx, caller, firstCommitment, any, cm.CommitmentFields)
			fail(t, err)
			return fmt.Sprint(firstCommitment)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			since := h.sampleHorizon()
			head := h.headCursor()
			want := c.change(t)
			if all := h.listKeys(t, c.path, c.token, c.key); len(all) < 2 || !slices.Contains(all, want) {
				t.Fatalf("%s lists %v: the sample data and the change should give it two items at least, %s among them", c.path, all, want)
			}
			if got := h.listKeys(t, withQuery(c.path, "updated_since", head), c.token, c.key); !slices.Equal(got, []string{want}) {
				t.Errorf("updated since a cursor: %v, want [%s]", got, want)
			}
			if got := h.listKeys(t, withQuery(c.path, "updated_since", since.Format(time.RFC3339Nano)), c.token, c.key); !slices.Contains(got, want) {
				t.Errorf("updated since a time: %v, want %s among them", got, want)
			}
			h.do(req{method: "GET", path: withQuery(c.path, "updated_since", "last week"), token: c.token}).expect(t, 422).errorAt(t, "query.updated_since")
		})
	}
}

// touchEvent changes, without changing anything, an event that city takes part in; its slug.
func touchEvent(t *testing.T, h *harness, city string) string {
	t.Helper()
	var slug string
	if err := h.db.SQL().Get(&slug, `SELECT min(event) FROM event_cities WHERE city = $1`, city); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.UpdateEvent(fixtureCtx(), fixtureCaller, slug, domain.IfMatch{Any: true}, func(e *domain.Event) (domain.EventFields, error) {
		return e.Fields(), nil
	}); err != nil {
		t.Fatal(err)
	}
	return slug
}
