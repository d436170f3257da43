package api_test

import (
	"io"
	"net/url"
	"strings"
	"testing"
)

// FuzzListQueries sends arbitrary query strings to the lists and the export, whose filters are
// parsed by Huma and by our filter code: every answer is 2xx or a problem 4xx, never a 5xx.
func FuzzListQueries(f *testing.F) {
	for _, q := range []string{"country=ES&sort=-name&limit=3", "q=M%C3%A1laga", "cop_member=true&updated_since=2020-01-01T00:00:00Z",
		"cursor=eyJzIjoic2x1ZyJ9", "city=alpha,beta&latest=true&from=2018&to=2019", "framework=fw&dimension=a",
		"status=A,E&verification=verified", "format=ndjson&edition=2019", "limit=500&cursor=%00", "sort=population;--",
		"kind=platform&q=ura%C3%ADa", "body=digital-cities&role=chair&current=true", "organisation=wego&current=false",
		"from=2020-01-01&to=2020-12-31&include_undated=true&upcoming=false&type=panel&partner=wego"} {
		for _, p := range []string{"/v1/cities", "/v1/observations", "/v1/indicators", "/v1/observations/export", "/v1/compare",
			"/v1/organisations", "/v1/roles", "/v1/events", "/v1/events.ics", "/v1/trends"} {
			f.Add(p, q)
		}
	}
	h := newHarness(f)
	studyFixture(f, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	client := h.srv.Client()
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		if !strings.HasPrefix(path, "/v1/") || strings.ContainsAny(path, "?#% \x00") {
			return
		}
		u := h.srv.URL + path + "?" + url.Values(parse(rawQuery)).Encode()
		res, err := client.Get(u)
		if err != nil {
			return // not a request the client can send
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("%s: %d %s", u, res.StatusCode, body)
		}
		if res.StatusCode >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s: %d without a problem document", u, res.StatusCode)
		}
	})
}

// parse reads a query string leniently, keeping what url.ParseQuery manages to read.
func parse(raw string) map[string][]string {
	v, _ := url.ParseQuery(raw)
	return v
}
