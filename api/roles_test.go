package api_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

type rolePage struct {
	Items      []domain.BodyRole `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

// bodiesFixture makes cities, an organisation and three UCLG bodies.
func bodiesFixture(t *testing.T, h *harness) {
	t.Helper()
	h.city("bilbao", "ES", "europe")
	h.city("dakar", "SN", "africa")
	h.organisation("un-habitat", "un_agency", domain.Text{EN: "UN-Habitat"}, "UN-Habitat")
	if _, err := h.db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES
		('digital-cities', '{"en": "Community of Practice on Digital Cities"}', 'community_of_practice'),
		('committee-on-culture', '{"en": "Committee on Culture"}', 'committee'),
		('policy-council', '{"en": "Policy Council"}', 'policy_council')`); err != nil {
		t.Fatal(err)
	}
}

func TestBodyRoleWrites(t *testing.T) {
	h := newHarness(t)
	bodiesFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	editor, _ := h.token(domain.RoleEditor, "bilbao")

	chair := map[string]any{"body": "digital-cities", "city": "bilbao", "role": "chair",
		"representative": map[string]any{"en": "Juan Mari Aburto, Mayor of Bilbao"},
		"source":         "UCLG Community of Practice on Digital Cities, report 2019–2020"}
	h.do(req{method: "POST", path: "/v1/roles", body: chair}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/roles", token: editor, body: chair}).expect(t, 403)

	// Create: 201 with Location and ETag; term dates not given are unknown, not invented.
	key := map[string]string{"Idempotency-Key": "bilbao-chair"}
	r := h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair, header: key}).expect(t, 201)
	var role domain.BodyRole
	r.JSON(t, &role)
	path := fmt.Sprintf("/v1/roles/%d", role.ID)
	if r.Header.Get("Location") != path || r.Header.Get("ETag") != `"v1-en"` || role.TermStart != domain.UnknownDate() ||
		role.TermEnd != domain.UnknownDate() || role.Representative == nil || role.Provenance != "reported" || role.Organisation != nil {
		t.Fatalf("created %s %s: %+v", r.Header.Get("Location"), r.Header.Get("ETag"), role)
	}
	if !strings.Contains(string(r.Body), `"term_start":{"value":null,"precision":"unknown"}`) {
		t.Fatalf("an unknown term start is not shown as such: %s", r.Body)
	}
	replay := h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair, header: key}).expect(t, 201)
	if replay.Header.Get("Idempotent-Replayed") != "true" || string(replay.Body) != string(r.Body) {
		t.Fatalf("replay: %q %s", replay.Header.Get("Idempotent-Replayed"), replay.Body)
	}
	// The same holder in the same role of the same body from the same start is a conflict.
	h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair}).expect(t, 409)
	if n := h.auditCount("body_role", fmt.Sprint(role.ID), "create"); n != 1 {
		t.Fatalf("%d create audit rows, want 1", n)
	}

	// The chair role makes the body's chair city, and changes its ETag.
	var c domain.Community
	cr := h.do(req{method: "GET", path: "/v1/communities/digital-cities"}).expect(t, 200)
	cr.JSON(t, &c)
	if c.ChairCity == nil || *c.ChairCity != "bilbao" || c.Kind != "community_of_practice" {
		t.Fatalf("community %+v", c)
	}

	// Refused inputs, each named.
	bad := func(body map[string]any, at string) {
		t.Helper()
		h.do(req{method: "POST", path: "/v1/roles", token: sec, body: body}).expect(t, 422).errorAt(t, at)
	}
	bad(map[string]any{"body": "nowhere", "city": "bilbao", "role": "member"}, "body.body")
	bad(map[string]any{"body": "digital-cities", "city": "atlantis", "role": "member"}, "body.city")
	bad(map[string]any{"body": "digital-cities", "organisation": "nobody", "role": "member"}, "body.organisation")
	bad(map[string]any{"body": "digital-cities", "role": "member"}, "body.city")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "organisation": "un-habitat", "role": "member"}, "body.city")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "emperor"}, "body.role")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "member",
		"term_start": map[string]any{"value": "2021", "precision": "year"}, "term_end": map[string]any{"value": "2020-Q4", "precision": "quarter"}}, "body.term_end")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "member",
		"term_start": map[string]any{"value": "2019-02-30", "precision": "day"}}, "body.term_start.value")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "member",
		"term_start": map[string]any{"value": "2019", "precision": "unknown"}}, "body.term_start.value")
	// Years run from 1900 to 2199: the year 0 is no date PostgreSQL can make, and a role
	// dated so would break every read of the bodies.
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "member",
		"term_start": map[string]any{"value": "0000", "precision": "year"}}, "body.term_start.value")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "member",
		"term_end": map[string]any{"value": "0000-02", "precision": "month"}}, "body.term_end.value")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "member",
		"term_end": map[string]any{"value": "2200-Q1", "precision": "quarter"}}, "body.term_end.value")
	bad(map[string]any{"body": "digital-cities", "city": "dakar", "role": "member",
		"term_start": map[string]any{"value": "1899-12-31", "precision": "day"}}, "body.term_start.value")
	for _, path := range []string{"/v1/communities", "/v1/communities/digital-cities", "/v1/roles?current=true"} {
		h.do(req{method: "GET", path: path}).expect(t, 200)
	}

	// PUT: 428, 412, 403 for editors, then a new version; dates as precise as known.
	put := map[string]any{"body": "digital-cities", "city": "bilbao", "role": "chair",
		"term_start": map[string]any{"value": "2019", "precision": "year"}, "source": "UCLG"}
	h.do(req{method: "PUT", path: path, token: sec, body: put}).expect(t, 428)
	h.do(req{method: "PUT", path: path, token: sec, body: put, header: map[string]string{"If-Match": `"v2"`}}).expect(t, 412)
	h.do(req{method: "PUT", path: path, token: editor, body: put, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 403)
	r = h.do(req{method: "PUT", path: path, token: sec, body: put, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200)
	role = domain.BodyRole{}
	r.JSON(t, &role)
	if r.Header.Get("ETag") != `"v2-en"` || role.TermStart.Value == nil || *role.TermStart.Value != "2019" || role.Representative != nil {
		t.Fatalf("after PUT (%s): %+v", r.Header.Get("ETag"), role)
	}
	h.do(req{method: "PUT", path: "/v1/roles/999999", token: sec, body: put, header: map[string]string{"If-Match": "*"}}).expect(t, 404)
	if n := h.auditCount("body_role", fmt.Sprint(role.ID), "update"); n != 1 {
		t.Fatalf("%d update audit rows, want 1", n)
	}
	if nm := h.do(req{method: "GET", path: path, header: map[string]string{"If-None-Match": `"v2-en"`}}); nm.Status != 304 {
		t.Fatalf("If-None-Match: %d", nm.Status)
	}

	// A chair whose term has ended is no longer the chair city; the community's ETag changes.
	put["term_end"] = map[string]any{"value": "2020", "precision": "year"}
	h.do(req{method: "PUT", path: path, token: sec, body: put, header: map[string]string{"If-Match": `"v2"`}}).expect(t, 200)
	cr2 := h.do(req{method: "GET", path: "/v1/communities/digital-cities"}).expect(t, 200)
	cr2.JSON(t, &c)
	if c.ChairCity != nil || cr2.Header.Get("ETag") == cr.Header.Get("ETag") {
		t.Fatalf("after the chair's term ended: chair %v, ETag %s (was %s)", c.ChairCity, cr2.Header.Get("ETag"), cr.Header.Get("ETag"))
	}
	// A sample chair is no chair city either: chair_city says only what reported data says.
	put["term_end"] = map[string]any{"value": nil, "precision": "unknown"}
	put["provenance"] = "sample"
	h.do(req{method: "PUT", path: path, token: sec, body: put, header: map[string]string{"If-Match": `"v3"`}}).expect(t, 200)
	h.do(req{method: "GET", path: "/v1/communities/digital-cities"}).expect(t, 200).JSON(t, &c)
	if c.ChairCity != nil || c.MembersByProvenance.Sample != 1 {
		t.Fatalf("with a sample chair: chair %v, members %+v", c.ChairCity, c.MembersByProvenance)
	}

	// DELETE: 428, 412, 403, then 204 and a tombstone; the city it named can then be deleted.
	h.do(req{method: "DELETE", path: path, token: sec}).expect(t, 428)
	h.do(req{method: "DELETE", path: path, token: sec, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 412)
	h.do(req{method: "DELETE", path: path, token: editor, header: map[string]string{"If-Match": `"v4"`}}).expect(t, 403)
	h.do(req{method: "DELETE", path: "/v1/cities/bilbao", token: sec, header: map[string]string{"If-Match": "*"}}).expect(t, 409)
	h.do(req{method: "DELETE", path: path, token: sec, header: map[string]string{"If-Match": `"v4"`}}).expect(t, 204)
	h.do(req{method: "GET", path: path}).expect(t, 404)
	if n := h.auditCount("body_role", fmt.Sprint(role.ID), "delete"); n != 1 {
		t.Fatalf("%d delete audit rows, want 1", n)
	}
	var last int
	if err := h.db.SQL().Get(&last, `SELECT last_version FROM tombstones WHERE resource = 'body_role' AND resource_id = $1`, fmt.Sprint(role.ID)); err != nil || last != 4 {
		t.Fatalf("tombstone version %d (%v), want 4", last, err)
	}
	h.do(req{method: "DELETE", path: "/v1/cities/bilbao", token: sec, header: map[string]string{"If-Match": "*"}}).expect(t, 204)
}

func TestListBodyRolesFiltersAndPaging(t *testing.T) {
	h := newHarness(t)
	bodiesFixture(t, h)
	year := func(y int) domain.DateWithPrecision {
		v := fmt.Sprint(y)
		return domain.DateWithPrecision{Value: &v, Precision: "year"}
	}
	now := time.Now().Year()
	ids := map[string]int64{}
	for name, f := range map[string]domain.BodyRoleFields{
		"bilbao-chair":        {Body: "digital-cities", City: ptr("bilbao"), Role: "chair"},
		"bilbao-co-president": {Body: "policy-council", City: ptr("bilbao"), Role: "co_president"},
		"bilbao-vice-chair":   {Body: "committee-on-culture", City: ptr("bilbao"), Role: "vice_chair", TermStart: year(2019)},
		"dakar-former-member": {Body: "committee-on-culture", City: ptr("dakar"), Role: "member", TermStart: year(2016), TermEnd: year(2018)},
		"dakar-future-member": {Body: "digital-cities", City: ptr("dakar"), Role: "member", TermStart: year(now + 1)},
		"un-habitat-member":   {Body: "policy-council", Organisation: ptr("un-habitat"), Role: "member", TermEnd: year(now)},
	} {
		r, err := h.db.CreateBodyRole(fixtureCtx(), fixtureCaller, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ids[name] = r.ID
	}
	names := map[int64]string{}
	for n, id := range ids {
		names[id] = n
	}
	list := func(q string) string {
		t.Helper()
		var p rolePage
		h.do(req{method: "GET", path: "/v1/roles?" + q}).expect(t, 200).JSON(t, &p)
		var s []string
		for _, r := range p.Items {
			s = append(s, names[r.ID])
		}
		return strings.Join(s, ",")
	}
	// Fixtures were created in map order: a list is in id order.
	byID := func(want ...string) string {
		slices.SortFunc(want, func(a, b string) int { return cmp.Compare(ids[a], ids[b]) })
		return strings.Join(want, ",")
	}
	head := h.headCursor()
	for q, want := range map[string]string{
		"body=committee-on-culture":      byID("bilbao-vice-chair", "dakar-former-member"),
		"city=bilbao":                    byID("bilbao-chair", "bilbao-co-president", "bilbao-vice-chair"),
		"organisation=un-habitat":        byID("un-habitat-member"),
		"role=member":                    byID("dakar-former-member", "dakar-future-member", "un-habitat-member"),
		"current=true":                   byID("bilbao-chair", "bilbao-co-president", "bilbao-vice-chair", "un-habitat-member"),
		"current=false":                  byID("dakar-former-member", "dakar-future-member"),
		"city=dakar&current=true":        "",
		"body=digital-cities&role=chair": byID("bilbao-chair"),
		"updated_since=" + head:          "",
		"updated_since=2000-01-01T00:00:00Z": byID("bilbao-chair", "bilbao-co-president", "bilbao-vice-chair", "dakar-former-member",
			"dakar-future-member", "un-habitat-member"),
	} {
		if got := list(q); got != want {
			t.Errorf("?%s: %q, want %q", q, got, want)
		}
	}
	// A filter naming something that does not exist is a 422 naming it.
	h.do(req{method: "GET", path: "/v1/roles?body=nowhere"}).expect(t, 422).errorAt(t, "query.body")
	h.do(req{method: "GET", path: "/v1/roles?city=atlantis"}).expect(t, 422).errorAt(t, "query.city")
	h.do(req{method: "GET", path: "/v1/roles?organisation=nobody"}).expect(t, 422).errorAt(t, "query.organisation")
	h.do(req{method: "GET", path: "/v1/roles?role=emperor"}).expect(t, 422).errorAt(t, "query.role")
	h.do(req{method: "GET", path: "/v1/roles?current=maybe"}).expect(t, 422).errorAt(t, "query.current")

	// Paging across pages until next_cursor is null.
	var seen []int64
	path := "/v1/roles?limit=4"
	for pages := 0; path != ""; pages++ {
		if pages > 2 {
			t.Fatal("paging does not end")
		}
		r := h.do(req{method: "GET", path: path}).expect(t, 200)
		var p rolePage
		r.JSON(t, &p)
		for _, x := range p.Items {
			seen = append(seen, x.ID)
		}
		path = ""
		if p.NextCursor != nil {
			if !strings.Contains(r.Header.Get("Link"), `rel="next"`) {
				t.Fatalf("no Link: %q", r.Header.Get("Link"))
			}
			path = "/v1/roles?limit=4&cursor=" + *p.NextCursor
		}
	}
	if len(seen) != 6 {
		t.Fatalf("pages gave %d roles, want 6: %v", len(seen), seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("pages are not in id order: %v", seen)
		}
	}
}

// TestOneChairAtATime: a body has one chair at a time. A second chair whose term overlaps the
// current one's (unknown starts and ends are open-ended) is a 409 naming the chair, on create
// and on update, and of many concurrent creates of chairs exactly one succeeds.
func TestOneChairAtATime(t *testing.T) {
	h := newHarness(t)
	bodiesFixture(t, h)
	h.city("malaga", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	year := func(y string) map[string]any { return map[string]any{"value": y, "precision": "year"} }
	chair := func(city string, extra map[string]any) map[string]any {
		b := map[string]any{"body": "digital-cities", "role": "chair", "city": city, "provenance": "reported", "source": "x"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	var bilbao domain.BodyRole
	h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair("bilbao", nil)}).expect(t, 201).JSON(t, &bilbao)

	conflict := func(r *response) {
		t.Helper()
		r.expect(t, 409)
		if !strings.Contains(string(r.Body), "city bilbao chairs digital-cities") {
			t.Fatalf("the conflict does not name the chair: %s", r.Body)
		}
	}
	conflict(h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair("malaga", nil)}))
	conflict(h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair("malaga", map[string]any{"term_start": year("2030")})}))
	conflict(h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair("malaga", map[string]any{"term_end": year("1990")})}))
	var c domain.Community
	h.do(req{method: "GET", path: "/v1/communities/digital-cities"}).expect(t, 200).JSON(t, &c)
	if c.ChairCity == nil || *c.ChairCity != "bilbao" {
		t.Fatalf("chair city %v, want bilbao", c.ChairCity)
	}
	// Other roles, and chairs of other bodies, are not affected.
	h.do(req{method: "POST", path: "/v1/roles", token: sec, body: map[string]any{"body": "digital-cities", "role": "co_chair", "city": "malaga"}}).expect(t, 201)
	h.do(req{method: "POST", path: "/v1/roles", token: sec, body: map[string]any{"body": "committee-on-culture", "role": "chair", "city": "malaga"}}).expect(t, 201)

	// Once Bilbao's term ends in 2020, a chair from 2020 (a handover during the year) or later is
	// no overlap; one from 2019 is.
	path := fmt.Sprintf("/v1/roles/%d", bilbao.ID)
	h.do(req{method: "PUT", path: path, token: sec, header: map[string]string{"If-Match": "*"},
		body: chair("bilbao", map[string]any{"term_start": year("2015"), "term_end": year("2020")})}).expect(t, 200)
	conflict(h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair("malaga", map[string]any{"term_start": year("2019")})}))
	var malaga domain.BodyRole
	h.do(req{method: "POST", path: "/v1/roles", token: sec, body: chair("malaga", map[string]any{"term_start": year("2020")})}).expect(t, 201).JSON(t, &malaga)
	// Updates are held to the same rule: neither chair may stretch its term over the other's.
	conflict(h.do(req{method: "PUT", path: fmt.Sprintf("/v1/roles/%d", malaga.ID), token: sec, header: map[string]string{"If-Match": "*"},
		body: chair("malaga", map[string]any{"term_start": map[string]any{"value": "2019-06", "precision": "month"}})}))
	r := h.do(req{method: "PUT", path: path, token: sec, header: map[string]string{"If-Match": "*"},
		body: chair("bilbao", map[string]any{"term_start": year("2015")})}).expect(t, 409)
	if !strings.Contains(string(r.Body), "city malaga chairs digital-cities") {
		t.Fatalf("the conflict does not name the chair: %s", r.Body)
	}
	// A role updated in place does not overlap itself.
	h.do(req{method: "PUT", path: path, token: sec, header: map[string]string{"If-Match": "*"},
		body: chair("bilbao", map[string]any{"term_start": year("2015"), "term_end": year("2019"), "source": "y"})}).expect(t, 200)

	// Concurrent creates of chairs of a body without one: exactly one succeeds, round after round.
	for round := range 4 {
		const n = 8
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				city := []string{"bilbao", "dakar"}[i%2]
				statuses[i] = h.do(req{method: "POST", path: "/v1/roles", token: sec, body: map[string]any{
					"body": "policy-council", "role": "chair", "city": city, "term_start": year(fmt.Sprint(2000 + i))}}).Status
			}()
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			switch s {
			case 201:
				created++
			case 409:
			default:
				t.Fatalf("round %d: statuses %v", round, statuses)
			}
		}
		if created != 1 {
			t.Fatalf("round %d: %d concurrent chairs created (statuses %v), want 1", round, created, statuses)
		}
		if _, err := h.db.SQL().Exec(`DELETE FROM body_roles WHERE body = 'policy-council'`); err != nil {
			t.Fatal(err)
		}
	}
}
