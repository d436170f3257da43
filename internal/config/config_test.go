package config_test

import (
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
)

// TestPublicBaseURL: the base of the links the service writes defaults to this machine on
// PORT, is kept without its trailing slash, and must be an absolute http(s) URL.
func TestPublicBaseURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for in, want := range map[string]string{
		"":                             "http://localhost:9090",
		"https://api.example.org":      "https://api.example.org",
		"https://api.example.org/":     "https://api.example.org",
		"http://10.0.0.5:8080/dc-api/": "http://10.0.0.5:8080/dc-api",
	} {
		c, err := config.FromEnv(env(map[string]string{"PORT": "9090", "PUBLIC_BASE_URL": in}))
		if err != nil || c.PublicBaseURL != want {
			t.Errorf("PUBLIC_BASE_URL %q: %q %v, want %q", in, c.PublicBaseURL, err, want)
		}
	}
	for _, in := range []string{"api.example.org", "/v1", "ftp://api.example.org", "https://", "https://u:p@api.example.org",
		"https://api.example.org/?x=1", "https://api.example.org/#top", "javascript:alert(1)"} {
		if _, err := config.FromEnv(env(map[string]string{"PUBLIC_BASE_URL": in})); err == nil {
			t.Errorf("PUBLIC_BASE_URL %q accepted", in)
		}
	}
}
