package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
)

// Budget names, as they appear in the RateLimit-Policy header.
const (
	budgetReads     = "reads"
	budgetWrites    = "writes"
	budgetExports   = "exports"
	budgetAuthFails = "auth-failures"
)

// bucket is a token bucket: capacity tokens, refilled evenly over one minute.
type bucket struct {
	tokens float64
	last   time.Time
}

// rateLimiter keeps one bucket per client and budget, and counts each client's requests in flight.
// It lives in the instance's memory: behind several instances the budgets are per instance.
type rateLimiter struct {
	mu       sync.Mutex
	budgets  map[string]int // per minute
	buckets  map[string]*bucket
	inFlight map[string]int
	maxConc  int
	now      func() time.Time
	sweptAt  time.Time
}

func newRateLimiter(l config.Limits) *rateLimiter {
	return &rateLimiter{
		budgets: map[string]int{budgetReads: l.ReadsPerMinute, budgetWrites: l.WritesPerMinute,
			budgetExports: l.ExportsPerMinute, budgetAuthFails: l.AuthFailPerMinute},
		buckets: map[string]*bucket{}, inFlight: map[string]int{}, maxConc: l.Concurrent, now: time.Now,
	}
}

// take removes n tokens from the client's budget if it has them. It returns whether it did,
// the tokens left and the seconds until the bucket is full (or, when empty, until the next token).
func (rl *rateLimiter) take(client, budget string, n float64) (ok bool, remaining int, reset int) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b, limit := rl.refill(client, budget)
	if b.tokens >= n {
		b.tokens -= n
		ok = true
	}
	rate := limit / 60 // tokens per second
	if b.tokens < 1 {
		reset = int(math.Ceil((1 - b.tokens) / rate))
	} else {
		reset = int(math.Ceil((limit - b.tokens) / rate))
	}
	return ok, int(b.tokens), reset
}

// refill returns the client's bucket for a budget, topped up for the time since its last use.
// The caller holds rl.mu.
func (rl *rateLimiter) refill(client, budget string) (*bucket, float64) {
	limit := float64(rl.budgets[budget])
	now := rl.now()
	rl.sweep(now)
	key := budget + "|" + client
	b := rl.buckets[key]
	if b == nil {
		b = &bucket{tokens: limit, last: now}
		rl.buckets[key] = b
	}
	b.tokens = math.Min(limit, b.tokens+now.Sub(b.last).Seconds()*limit/60)
	b.last = now
	return b, limit
}

// sweep forgets full buckets now and then so that memory stays bounded by active clients.
func (rl *rateLimiter) sweep(now time.Time) {
	if now.Sub(rl.sweptAt) < time.Minute {
		return
	}
	rl.sweptAt = now
	for k, b := range rl.buckets {
		if now.Sub(b.last) > time.Minute {
			delete(rl.buckets, k)
		}
	}
}

// acquire counts a request in flight; false when the client already has too many.
func (rl *rateLimiter) acquire(client string) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if rl.inFlight[client] >= rl.maxConc {
		return false
	}
	rl.inFlight[client]++
	return true
}

func (rl *rateLimiter) release(client string) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if rl.inFlight[client]--; rl.inFlight[client] <= 0 {
		delete(rl.inFlight, client)
	}
}

// clientKey identifies the caller: its token (hashed) when it sends one, else its address.
func clientKey(r *http.Request) string {
	if a := r.Header.Get("Authorization"); a != "" {
		h := sha256.Sum256([]byte(a))
		return "t:" + hex.EncodeToString(h[:12])
	}
	return "ip:" + clientIP(r)
}

// clientIP is the address the connection comes from. Forwarded headers are not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// budgetFor picks the budget a request spends.
func budgetFor(r *http.Request) string {
	switch {
	case strings.HasSuffix(r.URL.Path, "/export"):
		return budgetExports
	case r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions:
		return budgetReads
	default:
		return budgetWrites
	}
}

// setHeaders writes the RateLimit-Policy and RateLimit headers (IETF httpapi draft).
func (rl *rateLimiter) setHeaders(h http.Header, budget string, remaining, reset int) {
	h.Set("RateLimit-Policy", fmt.Sprintf("%q;q=%d;w=60", budget, rl.budgets[budget]))
	h.Set("RateLimit", fmt.Sprintf("%q;r=%d;t=%d", budget, remaining, reset))
}

// middleware spends one token of the request's budget and bounds the client's requests in flight.
func (rl *rateLimiter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientKey(r)
		budget := budgetFor(r)
		ok, remaining, reset := rl.take(client, budget, 1)
		rl.setHeaders(w.Header(), budget, remaining, reset)
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(reset))
			writeProblem(w, http.StatusTooManyRequests,
				fmt.Sprintf("The %s budget of this client is spent; retry in %d s.", budget, reset))
			return
		}
		if !rl.acquire(client) {
			w.Header().Set("Retry-After", "1")
			writeProblem(w, http.StatusTooManyRequests,
				fmt.Sprintf("This client already has %d requests in flight; wait for one to finish.", rl.maxConc))
			return
		}
		defer rl.release(client)
		next.ServeHTTP(w, r)
	})
}

// allowAuthAttempt reports whether the client's address may try a token: failures spend the
// separate auth-failures budget, keyed by address so that rotating tokens does not help.
func (rl *rateLimiter) allowAuthAttempt(r *http.Request) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b, _ := rl.refill("ip:"+clientIP(r), budgetAuthFails)
	return b.tokens >= 1
}

// authFailed spends one token of the client's auth-failures budget.
func (rl *rateLimiter) authFailed(r *http.Request) {
	rl.take("ip:"+clientIP(r), budgetAuthFails, 1)
}
