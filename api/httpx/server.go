package httpx

import (
	"bytes"
	"context"
	"maps"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Server timeouts and sizes. Slow clients are cut: headers must arrive within
// ReadHeaderTimeout, and exports extend their own write deadline while they stream.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 2 * time.Minute // the whole request, large imports included
	WriteTimeout      = 2 * time.Minute
	IdleTimeout       = 2 * time.Minute
	MaxHeaderBytes    = 64 << 10
)

// NewHTTPServer returns the http.Server that serves handler on addr with the service's timeouts.
// Requests' contexts derive from base without its cancellation, so that a shutdown lets
// in-flight requests finish.
func NewHTTPServer(base context.Context, addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(base) },
	}
}

// DeadlineGrace is how long after its deadline a request is given to return its own error
// before ServeWithin answers for it.
const DeadlineGrace = 500 * time.Millisecond

// ServeWithin runs next on a buffered response and sends that response when next returns
// within limit; otherwise it answers 503 and leaves next to finish on its own, its response
// discarded (as http.TimeoutHandler does). A panic in next goes up to RecoverPanics.
//
// next runs on the caller's goroutine, whose stack has grown to the chain's depth already: a
// goroutine per request (as http.TimeoutHandler starts) grew a fresh stack through the whole
// chain on every request, which with its start cost a tenth of a cached read's CPU. The 503 is
// written by a timer instead, which costs nothing unless it fires. The connection stays with
// next until it returns, so that answer says Connection: close and is flushed at once, with
// its length: the client has it whole at the deadline and goes on with another connection.
func ServeWithin(w http.ResponseWriter, r *http.Request, next http.Handler, limit time.Duration) {
	buf := newBufferedResponse(w)
	timer := time.AfterFunc(limit, buf.abandon)
	next.ServeHTTP(buf, r)
	if !timer.Stop() {
		buf.mu.Lock() // the timer fired: wait until its answer is written, then leave it
		defer buf.mu.Unlock()
		return
	}
	defer buf.release()
	h := w.Header()
	clear(h)
	maps.Copy(h, buf.header)
	if buf.status == 0 {
		buf.status = http.StatusOK
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes()) // #nosec G705 -- the handler's own response, replayed as it was written; the client may be gone
}

// bufferedResponse holds a response until ServeWithin sends or drops it.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer

	w         http.ResponseWriter // the real response, reached only for read deadlines and by abandon
	mu        sync.Mutex
	abandoned bool // the deadline passed and abandon answered: the handler's response is dropped
}

// bufferedResponses are responses that were sent and can hold the next one: their header map
// and body buffer are reused (abandoned ones never come back: their handler may still write).
var bufferedResponses = sync.Pool{New: func() any { return &bufferedResponse{header: make(http.Header, 16)} }}

// newBufferedResponse is an empty buffered response for w, with a copy of w's headers.
func newBufferedResponse(w http.ResponseWriter) *bufferedResponse {
	b := bufferedResponses.Get().(*bufferedResponse)
	b.w, b.status, b.abandoned = w, 0, false
	b.body.Reset()
	clear(b.header)
	src := w.Header()
	n := 0
	for _, vs := range src {
		n += len(vs)
	}
	values := make([]string, n) // one array for all, as Header.Clone does; never reused: w's headers come to point into it
	for k, vs := range src {
		n = copy(values, vs)
		b.header[k] = values[:n:n]
		values = values[n:]
	}
	return b
}

// release returns a sent response to the pool, unless its buffer grew past what a usual answer
// needs (a big list's would otherwise stay in memory).
func (b *bufferedResponse) release() {
	if b.body.Cap() <= 1<<20 {
		b.w = nil
		bufferedResponses.Put(b)
	}
}

// abandon answers 503 for a handler that is still running at its deadline. It runs on the
// timer's goroutine while the handler, which writes only to the buffer, goes on.
func (b *bufferedResponse) abandon() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.abandoned = true
	h := b.w.Header()
	h.Set("Retry-After", RetryAfterUnavailable)
	h.Set("Connection", "close") // the handler keeps the connection until it returns
	p, _ := JSONMarshal(NewProblem(http.StatusServiceUnavailable,
		"The request could not be completed in time; the database may be unavailable."))
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(p)))
	b.w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = b.w.Write(p) // #nosec G705 -- JSON served as application/problem+json with nosniff
	_ = http.NewResponseController(b.w).Flush()
}

// SetReadDeadline keeps Huma's request body timeout working behind the buffer, and keeps an
// abandoned handler from changing the deadlines of a connection that has been answered.
func (b *bufferedResponse) SetReadDeadline(t time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.abandoned {
		return http.ErrHandlerTimeout
	}
	return http.NewResponseController(b.w).SetReadDeadline(t)
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.status == 0 && code >= 200 {
		b.status = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// RetryAfterUnavailable is the Retry-After sent with 503s: the database usually returns within seconds.
const RetryAfterUnavailable = "5"
