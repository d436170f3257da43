package api

import (
	"context"
	"net"
	"net/http"
	"strings"
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

// isLongRunning reports whether a request streams (exports) or loads (imports) data and so has
// its own, larger limits instead of the ordinary request deadline.
func isLongRunning(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/export") || strings.HasSuffix(r.URL.Path, "/import")
}

// requestTimeout gives every ordinary request a deadline; the store's queries and waits end
// with it, so that a request never hangs on an unreachable database.
func requestTimeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if d <= 0 || isLongRunning(r) {
				next.ServeHTTP(w, r)
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
