package httpx

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// BudgetAuthFailures is the per-address budget of failed authentications.
const BudgetAuthFailures = "auth-failures"

// bucket is a token bucket: capacity tokens, refilled evenly over one minute.
type bucket struct {
	tokens float64
	last   time.Time
}

// RateLimiter keeps one bucket per client and budget, and counts each client's requests in flight.
// Clients are authenticated tokens or addresses, so the number of buckets is bounded by the
// tokens that exist and the addresses that connect, never by what a header says. It lives in
// the instance's memory: behind several instances the budgets are per instance.
type RateLimiter struct {
	mu       sync.Mutex
	budgets  map[string]int // per minute
	buckets  map[string]*bucket
	inFlight map[string]int
	maxConc  int
	now      func() time.Time
	sweptAt  time.Time
}

// NewRateLimiter returns a limiter with the given budgets (per minute) and in-flight bound.
func NewRateLimiter(budgets map[string]int, concurrent int) *RateLimiter {
	return &RateLimiter{
		budgets: budgets, buckets: map[string]*bucket{}, inFlight: map[string]int{}, maxConc: concurrent, now: time.Now,
	}
}

// Take removes n tokens from the client's budget if it has them. It returns whether it did,
// the tokens left and the seconds until the bucket is full (or, when empty, until the next token).
func (rl *RateLimiter) Take(client string, budget string, n float64) (ok bool, remaining int, reset int) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b, limit := rl.refill(client, budget)
	if b.tokens >= n {
		b.tokens -= n
		ok = true
	}
	rate := limit / 60 // tokens per second
	if rate <= 0 {
		return ok, 0, 60 // a budget of zero: nothing, ever
	}
	if b.tokens < 1 {
		reset = int(math.Ceil((1 - b.tokens) / rate))
	} else {
		reset = int(math.Ceil((limit - b.tokens) / rate))
	}
	return ok, int(b.tokens), reset
}

// refill returns the client's bucket for a budget, topped up for the time since its last use.
// The caller holds rl.mu.
func (rl *RateLimiter) refill(client string, budget string) (*bucket, float64) {
	limit := float64(rl.budgets[budget])
	now := rl.now()
	rl.sweep(now)
	key := string(budget) + "|" + client
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
func (rl *RateLimiter) sweep(now time.Time) {
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

// Acquire counts a request in flight; false when the client already has too many.
func (rl *RateLimiter) Acquire(client string) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if rl.inFlight[client] >= rl.maxConc {
		return false
	}
	rl.inFlight[client]++
	return true
}

// Release ends a request that Acquire counted.
func (rl *RateLimiter) Release(client string) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if rl.inFlight[client]--; rl.inFlight[client] <= 0 {
		delete(rl.inFlight, client)
	}
}

// ClientIP is the address the connection comes from. Forwarded headers are not trusted.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// PolicyHeader is the RateLimit-Policy header of a budget (IETF httpapi draft).
func (rl *RateLimiter) PolicyHeader(budget string) string {
	return fmt.Sprintf("%q;q=%d;w=60", budget, rl.budgets[budget])
}

// AuthFailed spends one unit of an address's auth-failures budget and reports whether the
// address still had one: when it had none, the failure is answered 429 instead of 401.
func (rl *RateLimiter) AuthFailed(ip string) bool {
	ok, _, _ := rl.Take("ip:"+ip, BudgetAuthFailures, 1)
	return ok
}

// Spend takes one unit of the client's budget and writes the RateLimit-Policy and RateLimit
// headers of what is left into h. It reports whether the client had the unit and, when it did
// not, the seconds until it will.
func (rl *RateLimiter) Spend(h http.Header, client, budget string) (ok bool, reset int) {
	ok, remaining, reset := rl.Take(client, budget, 1)
	h.Set("RateLimit-Policy", rl.PolicyHeader(budget))
	h.Set("RateLimit", fmt.Sprintf("%q;r=%d;t=%d", budget, remaining, reset))
	return ok, reset
}

// ByAddress spends the reads budget of the caller's address on requests that reach no
// operation (unknown routes, the docs), which the chain does not see.
func (rl *RateLimiter) ByAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, reset := rl.Spend(w.Header(), "ip:"+ClientIP(r), "reads"); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(reset))
			WriteProblem(w, http.StatusTooManyRequests, fmt.Sprintf("The reads budget of this client is spent; retry in %d s.", reset))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// MaxInFlight is the bound on each client's requests in flight.
func (rl *RateLimiter) MaxInFlight() int { return rl.maxConc }

// Size reports how many buckets and clients in flight the limiter holds (for tests and metrics).
func (rl *RateLimiter) Size() (buckets, inFlight int) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return len(rl.buckets), len(rl.inFlight)
}
