package httpx

import (
	"bytes"
	"context"
	"maps"
	"net"
	"net/http"
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
// discarded (as http.TimeoutHandler does). A panic in next is raised again here, where
// RecoverPanics sees it.
func ServeWithin(w http.ResponseWriter, r *http.Request, next http.Handler, limit time.Duration) {
	buf := &bufferedResponse{w: w, header: w.Header().Clone()}
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		next.ServeHTTP(buf, r)
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case p := <-done:
		if p != nil {
			panic(p)
		}
		h := w.Header()
		clear(h)
		maps.Copy(h, buf.header)
		if buf.status == 0 {
			buf.status = http.StatusOK
		}
		w.WriteHeader(buf.status)
		_, _ = w.Write(buf.body.Bytes()) // #nosec G705 -- the handler's own response, replayed as it was written; the client may be gone
	case <-timer.C:
		buf.mu.Lock()
		buf.abandoned = true
		buf.mu.Unlock()
		w.Header().Set("Retry-After", RetryAfterUnavailable)
		WriteProblem(w, http.StatusServiceUnavailable, "The request could not be completed in time; the database may be unavailable.")
	}
}

// bufferedResponse holds a response until ServeWithin sends or drops it.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer

	w         http.ResponseWriter // the real response, reached only for read deadlines
	mu        sync.Mutex
	abandoned bool // ServeWithin answered without the handler: w may serve the next request
}

// SetReadDeadline keeps Huma's request body timeout working behind the buffer, and keeps an
// abandoned handler from changing the deadlines of the connection's next request.
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
