package config_test

import (
	"testing"
	"time"

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

// TestWebhookSettings: the webhook settings' defaults, their environment variables, and bad
// values refused at start-up.
func TestWebhookSettings(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	w := c.Webhooks
	if w.AllowPrivate || w.PollInterval != 2*time.Second || w.Timeout != 10*time.Second || w.MaxAttempts != 8 ||
		w.MaxFailing != 24*time.Hour || len(w.Retries) != 7 || w.Retries[0] != 10*time.Second || w.Retries[6] != time.Hour {
		t.Fatalf("defaults %+v", w)
	}
	if (config.Webhooks{}).WithDefaults().Timeout != 10*time.Second {
		t.Fatal("a zero Webhooks does not take the defaults")
	}
	c, err = config.FromEnv(env(map[string]string{"WEBHOOK_ALLOW_PRIVATE": "true", "WEBHOOK_POLL_INTERVAL": "50ms",
		"WEBHOOK_RETRY_SCHEDULE": "10ms, 1s", "WEBHOOK_MAX_ATTEMPTS": "3", "WEBHOOK_TIMEOUT": "1s", "WEBHOOK_MAX_FAILING": "1h"}))
	if err != nil {
		t.Fatal(err)
	}
	w = c.Webhooks
	if !w.AllowPrivate || w.PollInterval != 50*time.Millisecond || len(w.Retries) != 2 || w.Retries[1] != time.Second ||
		w.MaxAttempts != 3 || w.Timeout != time.Second || w.MaxFailing != time.Hour {
		t.Fatalf("from the environment %+v", w)
	}
	for k, v := range map[string]string{"WEBHOOK_ALLOW_PRIVATE": "maybe", "WEBHOOK_RETRY_SCHEDULE": "10s,,1m",
		"WEBHOOK_MAX_ATTEMPTS": "0", "WEBHOOK_POLL_INTERVAL": "-1s"} {
		if _, err := config.FromEnv(env(map[string]string{k: v})); err == nil {
			t.Errorf("%s=%q accepted", k, v)
		}
	}
}
