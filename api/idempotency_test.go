package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func TestIdempotentCreates(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	body := `{"slug":"porto","name":{"en":"Porto"},"country":"PT","section":"europe"}`
	post := func(key, body string) *response {
		return h.do(req{method: "POST", path: "/v1/cities", token: sec, body: body, header: map[string]string{"Idempotency-Key": key}})
	}
	first := post("key-1", body).expect(t, 201)
	again := post("key-1", body)
	if again.Status != 201 || string(again.Body) != string(first.Body) || again.Header.Get("Location") != first.Header.Get("Location") ||
		again.Header.Get("ETag") != first.Header.Get("ETag") || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %v %s", again.Status, again.Header, again.Body)
	}
	post("key-1", strings.Replace(body, "Porto", "Oporto", 1)).expect(t, 422)
	// Without a key, a second create is a conflict; a new key is a new request.
	post("key-2", body).expect(t, 409)
	post(strings.Repeat("k", 256), body).expect(t, 422)

	// Keys belong to their client: another token's same key is another request.
	other, _ := h.token(domain.RoleSecretariat)
	h.do(req{method: "POST", path: "/v1/cities", token: other, body: strings.Replace(body, "porto", "braga", 1),
		header: map[string]string{"Idempotency-Key": "key-1"}}).expect(t, 201)

	// A failed create does not burn its key.
	post("key-3", `{"slug":"bad slug"}`).expect(t, 422)
	post("key-3", strings.Replace(body, "porto", "coimbra", 1)).expect(t, 201)

	// A revoked token's answers are not replayed.
	tok, id := h.token(domain.RoleSecretariat)
	h.do(req{method: "POST", path: "/v1/cities", token: tok, body: strings.Replace(body, "porto", "faro", 1),
		header: map[string]string{"Idempotency-Key": "rk"}}).expect(t, 201)
	if _, err := h.db.RevokeToken(fixtureCtx(), fixtureCaller, id, domain.MatchAny); err != nil {
		t.Fatal(err)
	}
	h.do(req{method: "POST", path: "/v1/cities", token: tok, body: strings.Replace(body, "porto", "faro", 1),
		header: map[string]string{"Idempotency-Key": "rk"}}).expect(t, 401)

	// An expired key can be used again.
	if _, err := h.db.SQL().Exec(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'key-2'`); err != nil {
		t.Fatal(err)
	}
	post("key-2", strings.Replace(body, "porto", "evora", 1)).expect(t, 201)
}

// TestIdempotencyUnderConcurrency sends 50 requests with one key at once: exactly one city
// is created, and every answer is the first response replayed or a 409 while it runs.
func TestIdempotencyUnderConcurrency(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	body := `{"slug":"lisbon","name":{"en":"Lisbon"},"country":"PT","section":"europe"}`
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.do(req{method: "POST", path: "/v1/cities", token: sec, body: body, header: map[string]string{"Idempotency-Key": "same-key"}})
			statuses[i] = r.Status
			if r.Status == http.StatusConflict && r.Header.Get("Retry-After") == "" {
				t.Errorf("409 without Retry-After")
			}
		}()
	}
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[201] < 1 || counts[201]+counts[409] != 50 {
		t.Fatalf("statuses %v: want only 201 (first or replayed) and 409", counts)
	}
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM cities WHERE slug = 'lisbon'`); err != nil || n != 1 {
		t.Fatalf("%d cities created (%v)", n, err)
	}
	var audits int
	if err := h.db.SQL().Get(&audits, `SELECT count(*) FROM audit_log WHERE resource = 'city' AND resource_id = 'lisbon'`); err != nil || audits != 1 {
		t.Fatalf("%d audit rows (%v)", audits, err)
	}
	t.Logf("50 concurrent requests with one key: %v", counts)
}

func TestIdempotentImportAndTokenCreate(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	admin, _ := h.token(domain.RoleAdmin)
	csv := "city,indicator,year,value,status\nalpha,num,2019,1,A\n"
	imp := func() *response {
		return h.do(req{method: "POST", path: "/v1/observations/import", token: sec, body: csv,
			header: map[string]string{"Content-Type": "text/csv", "Idempotency-Key": "import-1"}})
	}
	a, b := imp().expect(t, 200), imp().expect(t, 200)
	if string(a.Body) != string(b.Body) || !strings.Contains(string(b.Body), `"created":1`) {
		t.Fatalf("import replay: %s vs %s", a.Body, b.Body)
	}
	tok := func() *response {
		return h.do(req{method: "POST", path: "/v1/tokens", token: admin, body: `{"name":"n","role":"secretariat"}`,
			header: map[string]string{"Idempotency-Key": "tok-1"}})
	}
	// A new token's secret is shown once: a retry learns that the token exists (409), and the
	// secret is never stored with the key.
	tok().expect(t, 201)
	tok().expect(t, 409)
	var stored int
	if err := h.db.SQL().Get(&stored, `SELECT count(*) FROM idempotency_keys WHERE body::text LIKE '%dcapi_%'`); err != nil || stored != 0 {
		t.Fatalf("%d stored responses hold a secret (%v)", stored, err)
	}
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM api_tokens WHERE name = 'n'`); err != nil || n != 1 {
		t.Fatalf("%d tokens (%v)", n, err)
	}
	_ = fmt.Sprint
}
