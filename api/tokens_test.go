package api_test

import (
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func TestTokensLifecycle(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	admin, _ := h.token(domain.RoleAdmin)
	sec, _ := h.token(domain.RoleSecretariat)

	h.do(req{method: "POST", path: "/v1/tokens", body: map[string]any{"name": "x", "role": "editor", "cities": []string{"bilbao"}}, token: sec}).expect(t, 403)
	h.do(req{method: "GET", path: "/v1/tokens"}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/tokens", body: map[string]any{"name": "x", "role": "editor"}, token: admin}).expect(t, 422).errorAt(t, "body.cities")
	h.do(req{method: "POST", path: "/v1/tokens", body: map[string]any{"name": "x", "role": "editor", "cities": []string{"atlantis"}}, token: admin}).expect(t, 422).errorAt(t, "body.cities")
	h.do(req{method: "POST", path: "/v1/tokens", body: map[string]any{"name": "x", "role": "root"}, token: admin}).expect(t, 422).errorAt(t, "body.role")
	h.do(req{method: "POST", path: "/v1/tokens", body: map[string]any{"name": "x", "role": "secretariat", "cities": []string{"bilbao"}}, token: admin}).expect(t, 422).errorAt(t, "body.cities")

	r := h.do(req{method: "POST", path: "/v1/tokens", body: map[string]any{"name": "Bilbao editor", "role": "editor", "cities": []string{"bilbao"}}, token: admin}).expect(t, 201)
	var created struct {
		ID     int64    `json:"id"`
		Secret string   `json:"secret"`
		Prefix string   `json:"prefix"`
		Cities []string `json:"cities"`
	}
	r.JSON(t, &created)
	if !strings.HasPrefix(created.Secret, "dcapi_") || !strings.HasPrefix(created.Secret, created.Prefix) || len(created.Secret) < 40 {
		t.Fatalf("secret %q prefix %q", created.Secret, created.Prefix)
	}
	if r.Header.Get("Location") == "" {
		t.Fatal("no Location")
	}

	// The new token writes its city; the secret never appears again.
	h.do(req{method: "PATCH", path: "/v1/cities/bilbao", token: created.Secret, body: `{"population": 1}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}).expect(t, 200)
	list := h.do(req{method: "GET", path: "/v1/tokens?limit=2", token: admin}).expect(t, 200)
	if strings.Contains(string(list.Body), created.Secret) || strings.Contains(string(list.Body), `"secret"`) {
		t.Fatal("the secret is listed")
	}
	var page struct {
		Items      []domain.Token `json:"items"`
		NextCursor *string        `json:"next_cursor"`
	}
	list.JSON(t, &page)
	if len(page.Items) != 2 || page.NextCursor == nil {
		t.Fatalf("first page of 3 tokens: %s", list.Body)
	}
	h.do(req{method: "GET", path: "/v1/tokens?limit=2&cursor=" + *page.NextCursor, token: admin}).expect(t, 200).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != created.ID || page.Items[0].LastUsedAt == nil {
		t.Fatalf("second page: %+v", page.Items)
	}

	path := "/v1/tokens/" + itoa(created.ID)
	h.do(req{method: "DELETE", path: path, token: admin}).expect(t, 428)
	h.do(req{method: "DELETE", path: path, token: admin, header: map[string]string{"If-Match": `"v9"`}}).expect(t, 412)
	h.do(req{method: "DELETE", path: path, token: admin, header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200)
	h.do(req{method: "GET", path: "/v1/cities/bilbao", token: created.Secret}).expect(t, 401)
	var tk domain.Token
	h.do(req{method: "GET", path: path, token: admin}).expect(t, 200).JSON(t, &tk)
	if tk.RevokedAt == nil {
		t.Fatal("not revoked")
	}
	// Revoking it again changes nothing: the same version, the same time, no audit row.
	var audits, after int
	if err := h.db.SQL().Get(&audits, `SELECT count(*) FROM audit_log WHERE resource = 'token'`); err != nil {
		t.Fatal(err)
	}
	again := h.do(req{method: "DELETE", path: path, token: admin, header: map[string]string{"If-Match": "*"}}).expect(t, 200)
	var tk2 domain.Token
	again.JSON(t, &tk2)
	if err := h.db.SQL().Get(&after, `SELECT count(*) FROM audit_log WHERE resource = 'token'`); err != nil {
		t.Fatal(err)
	}
	if tk2.Version != tk.Version || !tk2.RevokedAt.Equal(*tk.RevokedAt) || after != audits {
		t.Fatalf("a second revoke changed the token: %+v → %+v, audit rows %d → %d", tk, tk2, audits, after)
	}
	h.do(req{method: "GET", path: "/v1/tokens/999999", token: admin}).expect(t, 404)
}

func TestAuditTrail(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	ed, _ := h.token(domain.RoleEditor, "bilbao")
	h.do(req{method: "PATCH", path: "/v1/cities/bilbao", token: ed, body: `{"population": 345000}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json", "X-Request-Id": "req-audit-1"}}).expect(t, 200)
	// A refused write leaves no audit row.
	h.do(req{method: "PATCH", path: "/v1/cities/bilbao", token: ed, body: `{"population": 1}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}).expect(t, 412)

	h.do(req{method: "GET", path: "/v1/audit", token: ed}).expect(t, 403)
	h.do(req{method: "GET", path: "/v1/audit"}).expect(t, 401)
	var page struct {
		Items []domain.AuditEntry `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/audit?resource=city&resource_id=bilbao", token: sec}).expect(t, 200).JSON(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("want create and update entries, got %d", len(page.Items))
	}
	up := page.Items[0]
	if up.Action != "update" || !strings.HasPrefix(up.Actor, "editor:") || up.RequestID == nil || *up.RequestID != "req-audit-1" {
		t.Fatalf("update entry %+v", up)
	}
	if !strings.Contains(string(up.Before), `"population":null`) || !strings.Contains(string(up.After), `"population":345000`) {
		t.Fatalf("before %s after %s", up.Before, up.After)
	}
	if page.Items[1].Action != "create" || string(page.Items[1].Before) != "null" && page.Items[1].Before != nil {
		t.Fatalf("create entry %+v", page.Items[1])
	}
	h.do(req{method: "GET", path: "/v1/audit?resource=planet", token: sec}).expect(t, 422)
}

// TestAuditTokenEntriesAdminsOnly reads the audit trail as the secretariat and as an admin:
// entries about tokens (names, roles, city scopes, secret prefixes) are the admins' alone.
func TestAuditTokenEntriesAdminsOnly(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	admin, _ := h.token(domain.RoleAdmin)
	var created domain.Token
	h.do(req{method: "POST", path: "/v1/tokens", token: admin,
		body: map[string]any{"name": "Ane's laptop", "role": "editor", "cities": []string{"bilbao"}}}).expect(t, 201).JSON(t, &created)
	h.do(req{method: "DELETE", path: "/v1/tokens/" + itoa(created.ID), token: admin,
		header: map[string]string{"If-Match": `"v1"`}}).expect(t, 200)

	type auditPage struct {
		Items []domain.AuditEntry `json:"items"`
	}
	tokenEntries := func(token, query string) (int, string) {
		t.Helper()
		r := h.do(req{method: "GET", path: "/v1/audit?limit=500" + query, token: token}).expect(t, 200)
		var p auditPage
		r.JSON(t, &p)
		n := 0
		for _, e := range p.Items {
			if e.Resource == "token" {
				n++
			}
		}
		return n, string(r.Body)
	}
	for _, q := range []string{"", "&resource=token", "&resource=token&resource_id=" + itoa(created.ID)} {
		n, body := tokenEntries(sec, q)
		if n != 0 || strings.Contains(body, "Ane's laptop") || strings.Contains(body, created.Prefix) {
			t.Fatalf("the secretariat reads %d token entries with ?%s: %s", n, q, body)
		}
	}
	// Two fixture tokens, the created one and its revocation.
	if n, _ := tokenEntries(admin, "&resource=token"); n != 4 {
		t.Fatalf("an admin reads %d token entries, want 4", n)
	}
	if n, body := tokenEntries(admin, "&resource=token&resource_id="+itoa(created.ID)); n != 2 || !strings.Contains(body, created.Prefix) {
		t.Fatalf("an admin reads %d entries of token %d: %s", n, created.ID, body)
	}
	// The secretariat still reads the rest of the trail.
	if n, body := tokenEntries(sec, "&resource=city"); n != 0 || !strings.Contains(body, `"resource":"city"`) {
		t.Fatalf("the secretariat's city entries: %s", body)
	}
}
