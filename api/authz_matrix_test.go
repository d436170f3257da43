package api_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// The authorization matrix: every operation of the OpenAPI document is called as each kind of
// caller, on objects of city A (alpha) and city B (beta), and each answer is checked against one
// policy table. A denied call must change nothing in the database; an allowed write is run on a
// fresh database so that the calls do not depend on each other.

type caller string

const (
	anonymous   caller = "anonymous"
	editorA     caller = "editor of A"
	editorB     caller = "editor of B"
	secretariat caller = "secretariat"
	admin       caller = "admin"
	revoked     caller = "revoked token"
	subscriber  caller = "subscriber"
)

var callers = []caller{anonymous, revoked, editorB, editorA, admin, secretariat, subscriber}

// roleOf is the role of each caller's token.
var roleOf = map[caller]domain.Role{editorA: domain.RoleEditor, editorB: domain.RoleEditor,
	secretariat: domain.RoleSecretariat, admin: domain.RoleAdmin, revoked: domain.RoleSecretariat, subscriber: domain.RoleSubscriber}

// owner is the caller whose token owns each target's resources of an owned operation (webhook
// subscriptions): A's the subscriber's, B's editor B's.
var owner = map[string]caller{"A": subscriber, "B": editorB}

// expectedOwned is expected for an operation with its path: on an owned resource that the path
// names, a caller who neither owns it nor sees every token's is answered 404.
func expectedOwned(p *api.Policy, c caller, target, path string) int {
	want := expected(p, c, target)
	if want == 200 && p.Owned && strings.Contains(path, "{") && owner[target] != c && c != secretariat && c != admin {
		return 404
	}
	return want
}

// expected is the status class that an operation's declared policy gives a caller on a target
// city: 200 for any 2xx, 401 or 403.
func expected(p *api.Policy, c caller, target string) int {
	switch {
	case p.Access == api.Probe:
		return 200
	case c == revoked:
		return 401
	case p.Access == api.Public:
		return 200
	case c == anonymous:
		return 401
	case !slices.Contains(p.Roles, roleOf[c]):
		return 403
	case p.CityScoped && roleOf[c] == domain.RoleEditor && !(c == editorA && target == "A" || c == editorB && target == "B"):
		return 403
	}
	return 200
}

// TestPoliciesAreDeclared: every operation of the contract carries a policy that the chain
// enforces; the matrix below reads them.
func TestPoliciesAreDeclared(t *testing.T) {
	_, doc := api.New(api.Deps{})
	for path, item := range doc.OpenAPI().Paths {
		for _, o := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if o != nil && api.PolicyOf(o) == nil {
				t.Errorf("%s (%s) has no policy", o.OperationID, path)
			}
		}
	}
}

// matrixWorld is the fixture every call runs against.
type matrixWorld struct {
	h      *harness
	tokens map[caller]string
	obs    map[string]int64 // target → an observation of that city
	victim int64            // a token to read and revoke
	role   int64            // a role in a UCLG body, to read, replace and delete
	// reports and commitments of the body chaired by each target's city
	draft, published, commitment map[string]int64
	subscription                 map[string]int64 // target → a webhook subscription of its owner
}

func newMatrixWorld(t *testing.T) *matrixWorld {
	h := newHarness(t)
	studyFixture(t, h)
	w := &matrixWorld{h: h, tokens: map[caller]string{}, obs: map[string]int64{}}
	w.tokens[editorA], _ = h.token(domain.RoleEditor, "alpha")
	var editorBID, subscriberID int64
	w.tokens[editorB], editorBID = h.token(domain.RoleEditor, "beta")
	w.tokens[secretariat], _ = h.token(domain.RoleSecretariat)
	w.tokens[admin], _ = h.token(domain.RoleAdmin)
	w.tokens[subscriber], subscriberID = h.token(domain.RoleSubscriber)
	w.subscriptionsFixture(t, map[string]int64{"A": subscriberID, "B": editorBID})
	var id int64
	w.tokens[revoked], id = h.token(domain.RoleSecretariat)
	if _, err := h.db.RevokeToken(fixtureCtx(), fixtureCaller, id, domain.MatchAny); err != nil {
		t.Fatal(err)
	}
	_, w.victim = h.token(domain.RoleSecretariat)
	if _, err := h.db.SQL().Exec(`
		INSERT INTO organisations (slug, name, kind) VALUES ('wego', '{"en": "WeGO"}', 'city_network');
		INSERT INTO organisations (slug, name, kind) VALUES ('spare', '{"en": "Spare"}', 'other');
		INSERT INTO communities (slug, name, kind) VALUES ('digital-cities', '{"en": "Digital Cities"}', 'community_of_practice')`); err != nil {
		t.Fatal(err)
	}
	chair := "alpha"
	role, err := h.db.CreateBodyRole(fixtureCtx(), fixtureCaller, domain.BodyRoleFields{Body: "digital-cities", City: &chair, Role: "chair"})
	if err != nil {
		t.Fatal(err)
	}
	w.role = role.ID
	w.reportsFixture(t)
	if _, err := h.db.CreateEvent(fixtureCtx(), fixtureCaller, "ev", domain.EventFields{Title: domain.Text{EN: "Event"},
		Type: "webinar", Start: domain.DateWithPrecision{Value: ptr("2020-05-04"), Precision: "day"}, Status: "scheduled",
		Partners: []domain.EventPartner{{Organisation: "wego", Role: "partner"}}, Cities: []domain.EventCity{{City: "alpha", Role: "speaker"}}}); err != nil {
		t.Fatal(err)
	}
	w.obs["A"] = h.observe("alpha", "num", 2019, 5.0, "A")
	w.obs["B"] = h.observe("beta", "num", 2019, 6.0, "A")
	for _, c := range []string{"alpha", "beta"} {
		if _, _, err := h.db.AddStudyCity(fixtureCtx(), fixtureCaller, 2019, c, "sample"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tr := range []string{"tm", "tm-spare"} {
		if _, err := h.db.CreateTrend(fixtureCtx(), fixtureCaller, tr, domain.TrendFields{Name: domain.Text{EN: tr},
			Description: domain.Text{EN: tr}, Category: "other"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, slug := range []string{"ds", "ds-spare"} {
		if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, slug, datasetFields("observations")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.db.PublishRelease(fixtureCtx(), fixtureCaller, "ds", "First", testFileWriter); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"alpha", "beta"} {
		if _, err := h.db.CreateAdoption(fixtureCtx(), fixtureCaller, domain.AdoptionKey{Trend: "tm", City: c, Year: 2019},
			domain.AdoptionFields{Stage: "pilot", Source: "Test"}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// reportsFixture gives each target a body its city chairs (A: digital-cities, chaired by alpha;
// B: body-b, chaired by beta), with a draft, a published report and a commitment.
func (w *matrixWorld) reportsFixture(t *testing.T) {
	ctx, db := fixtureCtx(), w.h.db
	if _, err := db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('body-b', '{"en": "Body B"}', 'committee')`); err != nil {
		t.Fatal(err)
	}
	chair := "beta"
	if _, err := db.CreateBodyRole(ctx, fixtureCaller, domain.BodyRoleFields{Body: "body-b", City: &chair, Role: "chair"}); err != nil {
		t.Fatal(err)
	}
	w.draft, w.published, w.commitment = map[string]int64{}, map[string]int64{}, map[string]int64{}
	for target, body := range map[string]string{"A": "digital-cities", "B": "body-b"} {
		period := domain.ReportPeriod{Start: "2019-01-01", End: "2020-12-31"}
		content := domain.ReportContent{Title: domain.Text{EN: "Report " + target}}
		for _, kind := range []string{"draft", "published"} {
			r, err := db.CreateReport(ctx, fixtureCaller, postgres.ReportCreate{Body: body, Period: period, Content: content})
			if err != nil {
				t.Fatal(err)
			}
			if kind == "draft" {
				w.draft[target] = r.ID
				continue
			}
			for _, to := range []string{"submitted", "published"} {
				if _, err := db.TransitionReport(ctx, fixtureCaller, r.ID, domain.MatchAny, to, ""); err != nil {
					t.Fatal(err)
				}
			}
			w.published[target] = r.ID
		}
		c, err := db.CreateCommitment(ctx, fixtureCaller, domain.CommitmentFields{Body: body, Title: domain.Text{EN: "Do " + target},
			Owner: "Someone", Due: domain.DateWithPrecision{Precision: "unknown"}, Status: "open"})
		if err != nil {
			t.Fatal(err)
		}
		w.commitment[target] = c.ID
	}
}

// subscriptionsFixture gives each target a webhook subscription of its owner's token.
func (w *matrixWorld) subscriptionsFixture(t *testing.T, ownerToken map[string]int64) {
	w.subscription = map[string]int64{}
	for target, token := range ownerToken {
		s, err := w.h.db.CreateSubscription(fixtureCtx(), domain.Caller{Actor: &domain.Actor{TokenID: token, Name: "owner", Role: roleOf[owner[target]]}},
			domain.SubscriptionFields{URL: "https://example.org/hooks/" + target, Resources: []string{"city"}}, nil, "whsec_AAAA")
		if err != nil {
			t.Fatal(err)
		}
		w.subscription[target] = s.ID
	}
}

// changesRequest builds a call of the change feed, or of a webhook subscription operation on the
// target's subscription.
func (w *matrixWorld) changesRequest(op, target string) (req, bool) {
	path := fmt.Sprintf("/v1/subscriptions/%d", w.subscription[target])
	r, ok := map[string]req{
		"list-changes":                 {method: "GET", path: "/v1/changes?resource=city"},
		"list-subscriptions":           {method: "GET", path: "/v1/subscriptions"},
		"create-subscription":          {method: "POST", path: "/v1/subscriptions", body: map[string]any{"url": "https://example.org/new/" + target, "resources": []string{"city"}}},
		"get-subscription":             {method: "GET", path: path},
		"patch-subscription":           {method: "PATCH", path: path, body: `{"description": "changed"}`, header: map[string]string{"If-Match": "*", "Content-Type": "application/merge-patch+json"}},
		"delete-subscription":          {method: "DELETE", path: path, header: map[string]string{"If-Match": "*"}},
		"create-subscription-secret":   {method: "POST", path: path + "/secret"},
		"list-subscription-deliveries": {method: "GET", path: path + "/deliveries"},
	}[op]
	return r, ok
}

// requestFor builds a call of an operation on objects of the target city.
func (w *matrixWorld) requestFor(op, target string) (req, bool) {
	if r, ok := w.changesRequest(op, target); ok {
		return r, true
	}
	city := map[string]string{"A": "alpha", "B": "beta"}[target]
	other := map[string]string{"A": "gamma", "B": "delta"}[target] // cities with no data, for deletes
	n := map[string]int{"A": 0, "B": 1}[target]
	body := map[string]string{"A": "digital-cities", "B": "body-b"}[target] // the body the target's city chairs
	obs := fmt.Sprintf("/v1/observations/%d", w.obs[target])
	role := fmt.Sprintf("/v1/roles/%d", w.role)
	anyVersion := map[string]string{"If-Match": "*"}
	merge := map[string]string{"If-Match": "*", "Content-Type": "application/merge-patch+json"}
	cityBody := map[string]any{"name": map[string]any{"en": "Renamed"}, "country": "ES", "section": "europe"}
	indicator := map[string]any{"framework": "fw", "dimension": "b", "code": "NEW-" + target, "name": map[string]any{"en": "New"},
		"value_type": "boolean", "direction": "higher_is_better"}
	withSlug := func(m map[string]any, slug string) map[string]any {
		c := map[string]any{"slug": slug}
		for k, v := range m {
			c[k] = v
		}
		return c
	}
	study := map[string]any{"title": map[string]any{"en": "Study"}, "focus": map[string]any{"en": "Focus"}, "status": "planned"}
	r, ok := map[string]req{
		"get-livez":          {method: "GET", path: "/livez"},
		"get-readyz":         {method: "GET", path: "/readyz"},
		"list-cities":        {method: "GET", path: "/v1/cities?country=ES"},
		"get-city":           {method: "GET", path: "/v1/cities/" + city},
		"get-city-scorecard": {method: "GET", path: "/v1/cities/" + city + "/scorecard?edition=2019"},
		"compare-cities":     {method: "GET", path: "/v1/compare?cities=alpha,beta&edition=2019"},
		"list-communities":   {method: "GET", path: "/v1/communities"},
		"get-community":      {method: "GET", path: "/v1/communities/digital-cities"},
		"list-organisations": {method: "GET", path: "/v1/organisations?kind=city_network"},
		"get-organisation":   {method: "GET", path: "/v1/organisations/wego"},
		"create-organisation": {method: "POST", path: "/v1/organisations", body: map[string]any{"slug": "org-" + city,
			"name": map[string]any{"en": "Org"}, "kind": "other", "relations": []any{map[string]any{"kind": "partner_of", "organisation": "wego"}}}},
		"update-organisation": {method: "PUT", path: "/v1/organisations/wego", header: anyVersion,
			body: map[string]any{"name": map[string]any{"en": "WeGO"}, "kind": "city_network"}},
		"patch-organisation":  {method: "PATCH", path: "/v1/organisations/wego", body: `{"acronym": "WeGO"}`, header: merge},
		"delete-organisation": {method: "DELETE", path: "/v1/organisations/spare", header: anyVersion},
		"list-body-roles":     {method: "GET", path: "/v1/roles?body=digital-cities&city=alpha"},
		"get-body-role":       {method: "GET", path: role},
		"create-body-role":    {method: "POST", path: "/v1/roles", body: map[string]any{"body": "digital-cities", "city": city, "role": "member"}},
		"update-body-role": {method: "PUT", path: role, header: anyVersion,
			body: map[string]any{"body": "digital-cities", "city": "alpha", "role": "chair", "source": "Renamed"}},
		"delete-body-role":           {method: "DELETE", path: role, header: anyVersion},
		"list-studies":               {method: "GET", path: "/v1/studies"},
		"get-study":                  {method: "GET", path: "/v1/studies/2019"},
		"list-study-cities":          {method: "GET", path: "/v1/studies/2019/cities"},
		"list-frameworks":            {method: "GET", path: "/v1/frameworks"},
		"get-framework":              {method: "GET", path: "/v1/frameworks/fw"},
		"list-indicators":            {method: "GET", path: "/v1/indicators?framework=fw"},
		"get-indicator":              {method: "GET", path: "/v1/indicators/num"},
		"get-indicator-ranking":      {method: "GET", path: "/v1/indicators/num/ranking"},
		"list-observations":          {method: "GET", path: "/v1/observations?city=" + city},
		"export-observations":        {method: "GET", path: "/v1/observations/export?city=" + city},
		"get-observation":            {method: "GET", path: obs},
		"list-observation-revisions": {method: "GET", path: obs + "/revisions"},
		"update-city":                {method: "PUT", path: "/v1/cities/" + city, body: cityBody, header: anyVersion},
		"patch-city":                 {method: "PATCH", path: "/v1/cities/" + city, body: `{"population": 1000}`, header: merge},
		"create-observation": {method: "POST", path: "/v1/observations",
			body: map[string]any{"indicator": "bool", "city": city, "year": 2019, "edition": 2019, "value": true, "status": "A"}},
		"update-observation": {method: "PUT", path: obs, header: anyVersion,
			body: map[string]any{"indicator": "num", "city": city, "year": 2019, "edition": 2019, "value": 3, "status": "A"}},
		"patch-observation":   {method: "PATCH", path: obs, body: `{"value": 4}`, header: merge},
		"delete-observation":  {method: "DELETE", path: obs, header: anyVersion},
		"import-observations": {method: "POST", path: "/v1/observations/import", body: "city,indicator,year,value,status\n" + city + ",pct,2019,10,A\n", header: map[string]string{"Content-Type": "text/csv"}},
		"create-city":         {method: "POST", path: "/v1/cities", body: withSlug(cityBody, "new-"+city)},
		"delete-city":         {method: "DELETE", path: "/v1/cities/" + other, header: anyVersion},
		"create-study":        {method: "POST", path: "/v1/studies", body: map[string]any{"edition": 2030 + n, "title": study["title"], "focus": study["focus"], "status": "planned"}},
		"update-study":        {method: "PUT", path: "/v1/studies/2019", body: study, header: anyVersion},
		"add-study-city":      {method: "PUT", path: "/v1/studies/2019/cities/" + other, body: map[string]any{}},
		"remove-study-city":   {method: "DELETE", path: "/v1/studies/2019/cities/" + city},
		"create-framework": {method: "POST", path: "/v1/frameworks", body: map[string]any{"slug": "fw-" + city, "name": map[string]any{"en": "F"},
			"dimensions": []any{map[string]any{"slug": "root", "name": map[string]any{"en": "Root"}}}}},
		"create-indicator":                 {method: "POST", path: "/v1/indicators", body: withSlug(indicator, "new-"+city)},
		"update-indicator":                 {method: "PUT", path: "/v1/indicators/bool", body: indicator, header: anyVersion},
		"retire-indicator":                 {method: "DELETE", path: "/v1/indicators/txt", header: anyVersion},
		"verify-observation":               {method: "PUT", path: obs + "/verification", body: map[string]any{"verification": "verified"}, header: anyVersion},
		"list-tokens":                      {method: "GET", path: "/v1/tokens"},
		"create-token":                     {method: "POST", path: "/v1/tokens", body: map[string]any{"name": "new " + city, "role": "secretariat"}},
		"get-token":                        {method: "GET", path: fmt.Sprintf("/v1/tokens/%d", w.victim)},
		"revoke-token":                     {method: "DELETE", path: fmt.Sprintf("/v1/tokens/%d", w.victim), header: anyVersion},
		"list-reports":                     {method: "GET", path: "/v1/reports"},
		"create-report":                    {method: "POST", path: "/v1/reports", body: map[string]any{"body": body, "period": map[string]any{"start": "2021-01-01", "end": "2021-12-31"}, "title": map[string]any{"en": "New"}}},
		"get-report":                       {method: "GET", path: fmt.Sprintf("/v1/reports/%d", w.published[target])},
		"update-report":                    {method: "PUT", path: fmt.Sprintf("/v1/reports/%d", w.draft[target]), header: anyVersion, body: map[string]any{"period": map[string]any{"start": "2019-01-01", "end": "2020-12-31"}, "title": map[string]any{"en": "Edited"}}},
		"delete-report":                    {method: "DELETE", path: fmt.Sprintf("/v1/reports/%d", w.draft[target]), header: anyVersion},
		"create-report-transition":         {method: "POST", path: fmt.Sprintf("/v1/reports/%d/transitions", w.draft[target]), header: anyVersion, body: map[string]any{"to": "submitted"}},
		"list-report-versions":             {method: "GET", path: fmt.Sprintf("/v1/reports/%d/versions", w.published[target])},
		"get-report-version":               {method: "GET", path: fmt.Sprintf("/v1/reports/%d/versions/1", w.published[target])},
		"compare-report-versions":          {method: "GET", path: fmt.Sprintf("/v1/reports/%d/diff?from=1&to=1", w.published[target])},
		"list-commitments":                 {method: "GET", path: "/v1/commitments?status=open"},
		"get-commitment":                   {method: "GET", path: fmt.Sprintf("/v1/commitments/%d", w.commitment[target])},
		"create-commitment":                {method: "POST", path: "/v1/commitments", body: map[string]any{"body": body, "title": map[string]any{"en": "New"}, "owner": "Someone", "due": map[string]any{"value": "2021", "precision": "year"}, "status": "open"}},
		"update-commitment":                {method: "PUT", path: fmt.Sprintf("/v1/commitments/%d", w.commitment[target]), header: anyVersion, body: map[string]any{"body": body, "title": map[string]any{"en": "Done"}, "owner": "Someone", "due": map[string]any{"value": nil, "precision": "unknown"}, "status": "done"}},
		"list-audit-entries":               {method: "GET", path: "/v1/audit"},
		"list-trends":                      {method: "GET", path: "/v1/trends"},
		"get-trend":                        {method: "GET", path: "/v1/trends/tm"},
		"get-trend-ranking":                {method: "GET", path: "/v1/trends/ranking"},
		"get-translation-status":           {method: "GET", path: "/v1/translations"},
		"create-trend":                     {method: "POST", path: "/v1/trends", body: map[string]any{"slug": "new-" + city, "name": map[string]any{"en": "T"}, "description": map[string]any{"en": "T"}, "category": "other"}},
		"update-trend":                     {method: "PUT", path: "/v1/trends/tm", body: map[string]any{"name": map[string]any{"en": "T"}, "description": map[string]any{"en": "T"}, "category": "iot"}, header: anyVersion},
		"delete-trend":                     {method: "DELETE", path: "/v1/trends/tm-spare", header: anyVersion},
		"list-trend-adoption":              {method: "GET", path: "/v1/trends/tm/adoption"},
		"list-city-trends":                 {method: "GET", path: "/v1/cities/" + city + "/trends"},
		"create-trend-adoption":            {method: "POST", path: "/v1/cities/" + city + "/trends", body: map[string]any{"trend": "tm", "year": 2021, "stage": "scaled", "source": "Test"}},
		"get-trend-adoption":               {method: "GET", path: "/v1/cities/" + city + "/trends/tm/2019"},
		"update-trend-adoption":            {method: "PUT", path: "/v1/cities/" + city + "/trends/tm/2019", body: map[string]any{"stage": "scaled", "source": "Test"}, header: anyVersion},
		"delete-trend-adoption":            {method: "DELETE", path: "/v1/cities/" + city + "/trends/tm/2019", header: anyVersion},
		"verify-trend-adoption":            {method: "PUT", path: "/v1/cities/" + city + "/trends/tm/2019/verification", body: map[string]any{"verification": "verified"}, header: anyVersion},
		"list-events":                      {method: "GET", path: "/v1/events?city=" + city},
		"get-events-calendar":              {method: "GET", path: "/v1/events.ics"},
		"get-event":                        {method: "GET", path: "/v1/events/ev"},
		"list-city-events":                 {method: "GET", path: "/v1/cities/" + city + "/events"},
		"get-city-events-calendar":         {method: "GET", path: "/v1/cities/" + city + "/events.ics"},
		"get-organisation-events-calendar": {method: "GET", path: "/v1/organisations/wego/events.ics"},
		"create-event": {method: "POST", path: "/v1/events", body: map[string]any{"slug": "new-" + city, "title": map[string]any{"en": "New"},
			"type": "meeting", "start": map[string]any{"value": nil, "precision": "unknown"}, "status": "tbc"}},
		"update-event": {method: "PUT", path: "/v1/events/ev", header: anyVersion, body: map[string]any{"title": map[string]any{"en": "Renamed"},
			"type": "webinar", "start": map[string]any{"value": "2020", "precision": "year"}, "status": "tbc"}},
		"patch-event":              {method: "PATCH", path: "/v1/events/ev", body: `{"status": "completed"}`, header: merge},
		"delete-event":             {method: "DELETE", path: "/v1/events/ev", header: anyVersion},
		"list-datasets":            {method: "GET", path: "/v1/datasets"},
		"get-dataset":              {method: "GET", path: "/v1/datasets/ds"},
		"create-dataset":           {method: "POST", path: "/v1/datasets", body: withSlug(datasetBody(), "new-"+city)},
		"update-dataset":           {method: "PUT", path: "/v1/datasets/ds", header: anyVersion, body: datasetBody()},
		"delete-dataset":           {method: "DELETE", path: "/v1/datasets/ds-spare", header: anyVersion},
		"list-releases":            {method: "GET", path: "/v1/datasets/ds/releases"},
		"create-release":           {method: "POST", path: "/v1/datasets/ds/releases", body: map[string]any{"notes": "Again"}},
		"get-latest-release":       {method: "GET", path: "/v1/datasets/ds/releases/latest"},
		"get-release":              {method: "GET", path: "/v1/datasets/ds/releases/1"},
		"get-release-file":         {method: "GET", path: "/v1/datasets/ds/releases/1/files/observations.csv"},
		"get-release-datapackage":  {method: "GET", path: "/v1/datasets/ds/releases/1/datapackage.json"},
		"get-release-csv-metadata": {method: "GET", path: "/v1/datasets/ds/releases/1/csv-metadata.json"},
		"get-catalog":              {method: "GET", path: "/v1/catalog"},
		"get-catalog-data-json":    {method: "GET", path: "/v1/catalog/data.json"},
	}[op]
	return r, ok
}

// fingerprint summarises every table a write could change (token use times excepted).
func (w *matrixWorld) fingerprint(t *testing.T) string {
	t.Helper()
	var fp string
	err := w.h.db.SQL().Get(&fp, `SELECT md5(concat_ws('|',
		(SELECT string_agg(to_jsonb(c)::text, ',' ORDER BY slug) FROM cities c),
		(SELECT string_agg(to_jsonb(o)::text, ',' ORDER BY id) FROM observations o),
		(SELECT string_agg(to_jsonb(i)::text, ',' ORDER BY slug) FROM indicators i),
		(SELECT string_agg(to_jsonb(f)::text, ',' ORDER BY slug) FROM frameworks f),
		(SELECT string_agg(to_jsonb(d)::text, ',' ORDER BY framework, slug) FROM dimensions d),
		(SELECT string_agg(to_jsonb(s)::text, ',' ORDER BY edition) FROM studies s),
		(SELECT string_agg(to_jsonb(s)::text, ',' ORDER BY edition, city) FROM study_cities s),
		(SELECT string_agg(to_jsonb(x)::text, ',' ORDER BY slug) FROM trends x),
		(SELECT string_agg(to_jsonb(a)::text, ',' ORDER BY trend, city, year) FROM trend_adoptions a),
		(SELECT string_agg(to_jsonb(o)::text, ',' ORDER BY slug) FROM organisations o),
		(SELECT string_agg(to_jsonb(r)::text, ',' ORDER BY organisation, kind, related) FROM organisation_relations r),
		(SELECT string_agg(to_jsonb(c)::text, ',' ORDER BY slug) FROM communities c),
		(SELECT string_agg(to_jsonb(r)::text, ',' ORDER BY id) FROM body_roles r),
		(SELECT string_agg(to_jsonb(e)::text, ',' ORDER BY slug) FROM events e),
		(SELECT string_agg(to_jsonb(p)::text, ',' ORDER BY event, position) FROM event_partners p),
		(SELECT string_agg(to_jsonb(c)::text, ',' ORDER BY event, position) FROM event_cities c),
		(SELECT string_agg(to_jsonb(r)::text, ',' ORDER BY id) FROM reports r),
		(SELECT count(*) FROM report_versions), (SELECT count(*) FROM report_transitions),
		(SELECT string_agg(to_jsonb(c)::text, ',' ORDER BY id) FROM commitments c),
		(SELECT count(*) FROM commitment_statuses),
		(SELECT string_agg(concat_ws(':', id, name, role, cities, revoked_at), ',' ORDER BY id) FROM api_tokens),
		(SELECT string_agg(to_jsonb(d)::text, ',' ORDER BY slug) FROM datasets d),
		(SELECT count(*) FROM releases), (SELECT count(*) FROM release_files), (SELECT count(*) FROM release_file_chunks),
		(SELECT count(*) FROM audit_log), (SELECT count(*) FROM idempotency_keys),
		(SELECT string_agg(to_jsonb(s)::text, ',' ORDER BY id) FROM webhook_subscriptions s),
		(SELECT count(*) FROM webhook_deliveries)))`)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func (w *matrixWorld) call(r req, c caller) *response {
	if c != anonymous {
		r.token = w.tokens[c]
	}
	return w.h.do(r)
}

// checkCall makes one call and checks its answer against the policy, and that a denied call
// changed nothing.
func checkCall(t *testing.T, w *matrixWorld, op, target string, c caller, r req, want int) {
	t.Helper()
	before := w.fingerprint(t)
	res := w.call(r, c)
	if got := statusClass(res.Status); got != want {
		t.Errorf("%s on %s as %s: %d, want %d: %.200s", op, target, c, res.Status, want, res.Body)
		return
	}
	if want == 200 {
		return
	}
	if after := w.fingerprint(t); after != before {
		t.Errorf("%s on %s as %s was denied (%d) but changed the database", op, target, c, res.Status)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("%s as %s: a denial that is not a problem document", op, c)
	}
}

func statusClass(s int) int {
	if s >= 200 && s < 300 {
		return 200
	}
	return s
}

func TestAuthorizationMatrix(t *testing.T) {
	_, doc := api.New(api.Deps{})
	type opRef struct {
		id, method, path string
		op               *huma.Operation
	}
	var ops []opRef
	for path, item := range doc.OpenAPI().Paths {
		for method, o := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put,
			"PATCH": item.Patch, "DELETE": item.Delete} {
			if o != nil {
				ops = append(ops, opRef{o.OperationID, method, path, o})
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })

	shared := newMatrixWorld(t)
	checked, fresh := 0, 0
	for _, o := range ops {
		pol := api.PolicyOf(o.op)
		if pol == nil {
			t.Errorf("%s (%s %s) declares no policy", o.id, o.method, o.path)
			continue
		}
		for _, target := range []string{"A", "B"} {
			r, ok := shared.requestFor(o.id, target)
			if !ok {
				t.Errorf("%s has no request in the matrix", o.id)
				break
			}
			if r.method != o.method {
				t.Fatalf("%s: matrix request is %s, the contract says %s", o.id, r.method, o.method)
			}
			for _, c := range callers {
				want := expectedOwned(pol, c, target, o.path)
				if want == 200 && r.method != "GET" && target == "B" && (c == secretariat || c == admin) {
					// The secretariat and admins act on every city and every owner alike: their
					// allowed write is proven on target A's fresh world; B would repeat it.
					continue
				}
				if want == 200 && r.method != "GET" {
					// An allowed write gets a database of its own, freed when its subtest ends.
					t.Run(fmt.Sprintf("%s/%s/%s", o.id, target, c), func(t *testing.T) {
						t.Parallel() // its own database: the fresh worlds are built side by side
						w := newMatrixWorld(t)
						r, _ := w.requestFor(o.id, target)
						checkCall(t, w, o.id, target, c, r, want)
					})
					fresh++
				} else {
					checkCall(t, shared, o.id, target, c, r, want)
				}
				checked++
			}
		}
	}
	t.Logf("authorization matrix: %d operations, %d calls checked, %d allowed writes on fresh databases", len(ops), checked, fresh)
}
