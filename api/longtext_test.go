package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// multibyte returns n distinct-looking characters of width 3 bytes (CJK) or 4 bytes (CJK
// extension B) in UTF-8. They are varied on purpose: PostgreSQL compresses a repetitive index
// entry below its size limit, so only varied text shows what a real long name does.
func multibyte(n int, width int) string {
	var b strings.Builder
	base, span := rune(0x4E00), 20000 // CJK unified ideographs, 3 bytes each
	if width == 4 {
		base, span = 0x20000, 40000 // CJK extension B, 4 bytes each
	}
	for i := 0; i < n; i++ {
		b.WriteRune(base + rune((i*7919)%span))
	}
	return b.String()
}

// TestLongMultibyteTexts sends the longest texts the contract allows (2000 characters), in
// characters of three and four bytes, through every write that stores texts for people and
// through the reads that sort or search them: no valid input may give a 500.
func TestLongMultibyteTexts(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	admin, _ := h.token(domain.RoleAdmin)
	texts := []string{
		strings.Repeat("語", 1000),
		multibyte(1000, 3),
		multibyte(2000, 3),
		multibyte(1000, 4),
		multibyte(2000, 4),
	}
	text := func(s string) map[string]any { return map[string]any{"en": s, "fr": s, "es": s} }
	merge := map[string]string{"Content-Type": "application/merge-patch+json"}

	t.Run("cities", func(t *testing.T) {
		for i, s := range texts {
			slug := fmt.Sprintf("long-%d", i)
			r := h.do(req{method: "POST", path: "/v1/cities", token: sec,
				body: map[string]any{"slug": slug, "name": text(s), "country": "JP", "section": "asia_pacific"}}).expect(t, 201)
			var c domain.City
			r.JSON(t, &c)
			if c.Name.EN != s {
				t.Fatalf("city %d: the name did not round-trip", i)
			}
			// A patch to another long name, and a search for its first 100 characters.
			mark := fmt.Sprintf("City %d ", i)
			other := mark + string([]rune(multibyte(2000, 4))[len(mark):])
			h.do(req{method: "PATCH", path: "/v1/cities/" + slug, token: sec, body: map[string]any{"name": text(other)},
				header: map[string]string{"If-Match": r.Header.Get("ETag"), "Content-Type": merge["Content-Type"]}}).expect(t, 200)
			var p cityPage
			q := string([]rune(other)[:100])
			h.do(req{method: "GET", path: "/v1/cities?q=" + url.QueryEscape(q)}).expect(t, 200).JSON(t, &p)
			if len(p.Items) != 1 || p.Items[0].Slug != slug {
				t.Fatalf("city %d: a search for the patched name found %d cities", i, len(p.Items))
			}
		}
		// Cities sorted by their long names page through with cursors the API accepts.
		for _, sort := range []string{"name", "-name"} {
			if got := walk(t, h, "limit=1&sort="+sort, nil); len(got) != len(texts)+4 {
				t.Fatalf("sort %s: walked %d cities, want %d", sort, len(got), len(texts)+4)
			}
		}
	})

	t.Run("indicators", func(t *testing.T) {
		for i, s := range []string{texts[2], texts[4]} {
			slug := fmt.Sprintf("long-%d", i)
			body := map[string]any{"slug": slug, "framework": "fw", "dimension": "b", "code": fmt.Sprintf("long-%d-%s", i, multibyte(40, 4)),
				"name": text(s), "description": text(s), "methodology": text(s), "value_type": "text"}
			r := h.do(req{method: "POST", path: "/v1/indicators", token: sec, body: body}).expect(t, 201)
			delete(body, "slug")
			body["name"] = text(multibyte(2000, 4))
			h.do(req{method: "PUT", path: "/v1/indicators/" + slug, token: sec, body: body,
				header: map[string]string{"If-Match": r.Header.Get("ETag")}}).expect(t, 200)
		}
		h.do(req{method: "GET", path: "/v1/indicators?framework=fw"}).expect(t, 200)
	})

	t.Run("studies", func(t *testing.T) {
		for i, s := range []string{texts[2], texts[4]} {
			edition := 2030 + i
			body := map[string]any{"edition": edition, "title": text(s), "focus": text(s), "conclusions": text(s),
				"status": "published", "schedule": []any{map[string]any{"when": map[string]any{"value": "2030-01", "precision": "month"}, "milestone": text(s)}}}
			r := h.do(req{method: "POST", path: "/v1/studies", token: sec, body: body}).expect(t, 201)
			delete(body, "edition")
			body["focus"] = text(multibyte(2000, 4))
			h.do(req{method: "PUT", path: fmt.Sprintf("/v1/studies/%d", edition), token: sec, body: body,
				header: map[string]string{"If-Match": r.Header.Get("ETag")}}).expect(t, 200)
		}
		h.do(req{method: "GET", path: "/v1/studies"}).expect(t, 200)
	})

	t.Run("frameworks, observations and tokens", func(t *testing.T) {
		s := texts[4]
		h.do(req{method: "POST", path: "/v1/frameworks", token: sec, body: map[string]any{"slug": "long", "name": text(s),
			"description": text(s), "dimensions": []any{map[string]any{"slug": "d", "name": text(s)}}}}).expect(t, 201)
		value := multibyte(5000, 4)
		body := obsBody("alpha", "txt", value, "A")
		body["footnote"] = s
		body["source"] = multibyte(500, 4)
		r := h.do(req{method: "POST", path: "/v1/observations", token: sec, body: body}).expect(t, 201)
		var o domain.Observation
		r.JSON(t, &o)
		if o.Value != value {
			t.Fatal("the long text value did not round-trip")
		}
		h.do(req{method: "PATCH", path: fmt.Sprintf("/v1/observations/%d", o.ID), token: sec, body: `{"footnote": "` + multibyte(2000, 3) + `"}`,
			header: map[string]string{"If-Match": `"v1"`, "Content-Type": merge["Content-Type"]}}).expect(t, 200)
		h.do(req{method: "GET", path: "/v1/observations?city=alpha"}).expect(t, 200)
		name := multibyte(200, 4)
		if utf8.RuneCountInString(name) != 200 {
			t.Fatal("bad fixture")
		}
		h.do(req{method: "POST", path: "/v1/tokens", token: admin, body: map[string]any{"name": name, "role": "secretariat"}}).expect(t, 201)
	})
}
