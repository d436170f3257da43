// Package config reads the service's settings from the environment.
package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the service, with its default.
type Config struct {
	DatabaseURL string // DATABASE_URL
	// DatabaseReadURL, when set, is a read replica (or any other connection to the same data):
	// read-only requests, exports included, read through it; every write, and every read of a
	// request that writes, stays on DatabaseURL.
	DatabaseReadURL  string        // DATABASE_READ_URL (none)
	Port             int           // PORT (8080)
	DBMaxConns       int           // DB_MAX_CONNS (12)
	StatementTimeout time.Duration // DB_STATEMENT_TIMEOUT (15s)
	RequestTimeout   time.Duration // REQUEST_TIMEOUT (20s): the deadline of one ordinary request
	LogLevel         string        // LOG_LEVEL (info): debug, info, warn, error
	// PublicBaseURL is where clients reach the API, without a trailing slash: the links the
	// service writes into its responses (the events' URLs in calendar feeds) start with it,
	// never with the Host header of a request, which any client may set.
	PublicBaseURL string // PUBLIC_BASE_URL (http://localhost:<PORT>)
	Limits        Limits
	Webhooks      Webhooks
}

// Webhooks are the settings of webhook deliveries. A zero value means the default, so that a
// Config built in code (tests) gets the same behaviour as one read from the environment.
type Webhooks struct {
	// AllowPrivate lets subscriptions deliver to loopback, private, link-local and other
	// non-public addresses: for local development and tests only, never in production, where it
	// would let any subscriber make the server call its own network.
	AllowPrivate bool          // WEBHOOK_ALLOW_PRIVATE (false)
	PollInterval time.Duration // WEBHOOK_POLL_INTERVAL (2s): how often the feed and the due deliveries are read
	Timeout      time.Duration // WEBHOOK_TIMEOUT (10s): how long a receiver has to answer
	// Retries are the waits before the second, third, … attempt of a delivery; the last one
	// repeats. Each wait is varied by up to a fifth (jitter).
	Retries     []time.Duration // WEBHOOK_RETRY_SCHEDULE (10s,30s,1m,5m,15m,30m,1h)
	MaxAttempts int             // WEBHOOK_MAX_ATTEMPTS (8): failed attempts before a delivery is given up and its subscription paused
	MaxFailing  time.Duration   // WEBHOOK_MAX_FAILING (24h): how long a delivery may keep failing before it is given up all the same
}

// DefaultRetries is the default WEBHOOK_RETRY_SCHEDULE.
var DefaultRetries = []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour}

// WithDefaults returns the settings with every zero value replaced by its default.
func (w Webhooks) WithDefaults() Webhooks {
	if w.PollInterval <= 0 {
		w.PollInterval = 2 * time.Second
	}
	if w.Timeout <= 0 {
		w.Timeout = 10 * time.Second
	}
	if len(w.Retries) == 0 {
		w.Retries = DefaultRetries
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 8
	}
	if w.MaxFailing <= 0 {
		w.MaxFailing = 24 * time.Hour
	}
	return w
}

// Limits are the per-client rate limits, per minute, and the per-client concurrency bound.
type Limits struct {
	ReadsPerMinute    int // RATE_READS_PER_MINUTE (600)
	WritesPerMinute   int // RATE_WRITES_PER_MINUTE (120)
	ExportsPerMinute  int // RATE_EXPORTS_PER_MINUTE (20)
	ImportsPerMinute  int // RATE_IMPORTS_PER_MINUTE (10)
	AuthFailPerMinute int // RATE_AUTH_FAILURES_PER_MINUTE (10)
	Concurrent        int // MAX_CONCURRENT_PER_CLIENT (8, below the pool size)
}

// DefaultDatabaseURL is the local PostgreSQL that `make run` finds or starts.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/digitalcities?sslmode=disable"

// DefaultPublicBaseURL is PUBLIC_BASE_URL when it is not set: the service on this machine.
func DefaultPublicBaseURL(port int) string { return "http://localhost:" + strconv.Itoa(port) }

// FromEnv reads the configuration; getenv is os.Getenv in production and a map in tests.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{DatabaseURL: getenv("DATABASE_URL"), DatabaseReadURL: getenv("DATABASE_READ_URL"), LogLevel: getenv("LOG_LEVEL")}
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	ints := []struct {
		name string
		dst  *int
		def  int
	}{
		{"PORT", &c.Port, 8080},
		{"DB_MAX_CONNS", &c.DBMaxConns, 12},
		{"RATE_READS_PER_MINUTE", &c.Limits.ReadsPerMinute, 600},
		{"RATE_WRITES_PER_MINUTE", &c.Limits.WritesPerMinute, 120},
		{"RATE_EXPORTS_PER_MINUTE", &c.Limits.ExportsPerMinute, 20},
		{"RATE_IMPORTS_PER_MINUTE", &c.Limits.ImportsPerMinute, 10},
		{"RATE_AUTH_FAILURES_PER_MINUTE", &c.Limits.AuthFailPerMinute, 10},
		{"MAX_CONCURRENT_PER_CLIENT", &c.Limits.Concurrent, 8},
		{"WEBHOOK_MAX_ATTEMPTS", &c.Webhooks.MaxAttempts, 8},
	}
	for _, v := range ints {
		*v.dst = v.def
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s must be a positive whole number, not %q", v.name, s)
			}
			*v.dst = n
		}
	}
	durations := []struct {
		name string
		dst  *time.Duration
		def  time.Duration
	}{
		{"DB_STATEMENT_TIMEOUT", &c.StatementTimeout, 15 * time.Second},
		{"REQUEST_TIMEOUT", &c.RequestTimeout, 20 * time.Second},
		{"WEBHOOK_POLL_INTERVAL", &c.Webhooks.PollInterval, 2 * time.Second},
		{"WEBHOOK_TIMEOUT", &c.Webhooks.Timeout, 10 * time.Second},
		{"WEBHOOK_MAX_FAILING", &c.Webhooks.MaxFailing, 24 * time.Hour},
	}
	for _, v := range durations {
		*v.dst = v.def
		if s := getenv(v.name); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("%s must be a positive duration such as 15s, not %q", v.name, s)
			}
			*v.dst = d
		}
	}
	if err := readWebhooks(getenv, &c.Webhooks); err != nil {
		return c, err
	}
	c.PublicBaseURL = DefaultPublicBaseURL(c.Port)
	if s := getenv("PUBLIC_BASE_URL"); s != "" {
		base, err := ParsePublicBaseURL(s)
		if err != nil {
			return c, err
		}
		c.PublicBaseURL = base
	}
	return c, nil
}

// ParsePublicBaseURL checks a PUBLIC_BASE_URL — an absolute http or https URL, with a path or
// not, without credentials, query or fragment — and returns it without a trailing slash.
func ParsePublicBaseURL(s string) (string, error) {
	bad := fmt.Errorf("PUBLIC_BASE_URL must be an absolute http or https URL without query or fragment, such as https://api.example.org, not %q", s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") || u.Opaque != "" {
		return "", bad
	}
	return strings.TrimRight(s, "/"), nil
}

// readWebhooks reads WEBHOOK_ALLOW_PRIVATE and WEBHOOK_RETRY_SCHEDULE.
func readWebhooks(getenv func(string) string, w *Webhooks) error {
	if s := getenv("WEBHOOK_ALLOW_PRIVATE"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("WEBHOOK_ALLOW_PRIVATE must be true or false, not %q", s)
		}
		w.AllowPrivate = b
	}
	w.Retries = DefaultRetries
	if s := getenv("WEBHOOK_RETRY_SCHEDULE"); s != "" {
		w.Retries = nil
		for _, part := range strings.Split(s, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(part))
			if err != nil || d <= 0 {
				return fmt.Errorf("WEBHOOK_RETRY_SCHEDULE must be positive durations separated by commas, such as 10s,30s,1m, not %q", s)
			}
			w.Retries = append(w.Retries, d)
		}
	}
	return nil
}
