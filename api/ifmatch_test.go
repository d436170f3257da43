package api_test

import (
	"strconv"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestIfMatchWithSeveralTags: If-Match may list several ETags (RFC 9110 13.1.1); a write goes
// on when any of them is the current one, wherever the current one stands in the list, and is
// 412 when none is. A weak tag never matches a write.
func TestIfMatchWithSeveralTags(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	admin, _ := h.token(domain.RoleAdmin)
	_, victim := h.token(domain.RoleEditor, "alpha")
	obs := "/v1/observations/" + strconv.FormatInt(h.observe("alpha", "num", 2019, 5.0, "A"), 10)
	merge := "application/merge-patch+json"
	cases := []struct {
		name, method, path, contentType, token string
		body                                   any
	}{
		{"patch-city", "PATCH", "/v1/cities/alpha", merge, sec, `{"population": 1000}`},
		{"update-observation", "PUT", obs, "", sec, map[string]any{"indicator": "num", "city": "alpha", "year": 2019,
			"edition": 2019, "value": 3, "status": "A"}},
		{"patch-observation", "PATCH", obs, merge, sec, `{"value": 4}`},
		{"verify-observation", "PUT", obs + "/verification", "", sec, map[string]any{"verification": "verified"}},
		{"revoke-token", "DELETE", "/v1/tokens/" + strconv.FormatInt(victim, 10), "", admin, nil},
		{"delete-observation", "DELETE", obs, "", sec, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			read := c.path
			if c.name == "verify-observation" {
				read = obs // the verification is a part of the observation, which has the ETag
			}
			tag := h.do(req{method: "GET", path: read, token: c.token}).Header.Get("ETag")
			if tag == "" {
				t.Fatalf("no ETag on %s", c.path)
			}
			call := func(ifMatch string) *response {
				header := map[string]string{"If-Match": ifMatch}
				if c.contentType != "" {
					header["Content-Type"] = c.contentType
				}
				return h.do(req{method: c.method, path: c.path, token: c.token, body: c.body, header: header})
			}
			call(`"v98", "v99"`).expect(t, 412)
			call(`W/`+tag+`, "v99"`).expect(t, 412) // weak tags never match a write
			if r := call(`"v99", ` + tag + `, "v98"`); r.Status/100 != 2 {
				t.Fatalf("the current tag second in the list: %d %s", r.Status, r.Body)
			}
		})
	}
}
