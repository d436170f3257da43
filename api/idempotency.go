package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/auth"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// maxIdempotentBody bounds what is read of a body only to compare it with a stored request's:
// the largest body any POST accepts (imports).
const maxIdempotentBody = MaxImportBytes

// replayedHeaders are the response headers kept with an idempotency key and replayed.
var replayedHeaders = []string{"Content-Type", "Location", "ETag", "Content-Language"}

// idempotency implements Idempotency-Key for POSTs: a retry with the same key and body replays
// the first response, the same key with another body is 422, and a retry while the first is
// still running is 409. The key is claimed by the store inside the write's transaction; the
// request is hashed as the handler reads it, so that no body is ever held in memory, and the
// hash is stored with the response.
func idempotency(db *postgres.DB, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get("Idempotency-Key")
			if r.Method != http.MethodPost || key == "" {
				next.ServeHTTP(w, r)
				return
			}
			if len(key) > 255 {
				writeProblem(w, http.StatusUnprocessableEntity, "Idempotency-Key must be 1 to 255 characters.")
				return
			}
			claim := &domain.IdempotencyClaim{Client: clientKey(r), Key: key}
			h := sha256.New()
			_, _ = io.WriteString(h, r.Method+" "+r.URL.RequestURI()+"\n"+r.Header.Get("Content-Type")+"\n") // a hash.Hash never fails

			stored, err := db.LookupIdempotencyKey(r.Context(), claim.Client, key)
			switch {
			case err != nil:
				w.Header().Set("Retry-After", retryAfterUnavailable)
				writeProblem(w, http.StatusServiceUnavailable, "The database is unavailable.")
				return
			case stored != nil && !stored.Completed:
				w.Header().Set("Retry-After", "1")
				writeProblem(w, http.StatusConflict, "A request with this Idempotency-Key is still being processed; retry later.")
				return
			case stored != nil:
				// Only a live token may have its answer replayed: a revoked one gets 401 as anywhere else.
				if secret, ok := auth.BearerSecret(r.Header.Get("Authorization")); r.Header.Get("Authorization") != "" {
					if _, err := db.Authenticate(r.Context(), auth.Hash(secret)); !ok || err != nil {
						w.Header().Set("WWW-Authenticate", `Bearer realm="digitalcities"`)
						writeProblem(w, http.StatusUnauthorized, "The bearer token is unknown or revoked.")
						return
					}
				}
				// Compare the retry with the first request: hash its body as it streams by.
				_, err := io.Copy(h, http.MaxBytesReader(w, r.Body, maxIdempotentBody))
				if err != nil {
					writeProblem(w, http.StatusBadRequest, "The request body could not be read.")
					return
				}
				if !bytes.Equal(stored.RequestHash, h.Sum(nil)) {
					writeProblem(w, http.StatusUnprocessableEntity,
						"This Idempotency-Key was already used with another request; use a new key.")
					return
				}
				if secretBearing(r) {
					writeProblem(w, http.StatusConflict, "This token was already created with this Idempotency-Key; "+
						"its secret was shown only once. List the tokens to find it, or revoke it and create another.")
					return
				}
				for _, name := range replayedHeaders {
					if v := stored.Header.Get(name); v != "" {
						w.Header().Set(name, v)
					}
				}
				w.Header().Set("Idempotent-Replayed", "true")
				w.WriteHeader(stored.Status)
				_, _ = w.Write(stored.Body) // #nosec G705 -- replays this server's own stored response, with its own Content-Type
				return
			}

			body := r.Body
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(body, h), body}
			rec := &capturingWriter{statusRecorder: statusRecorder{ResponseWriter: w}}
			next.ServeHTTP(rec, r.WithContext(withClaim(r.Context(), claim)))
			if rec.status < 200 || rec.status > 299 {
				return // the write rolled back and released the key
			}
			_, _ = io.Copy(h, io.LimitReader(r.Body, maxIdempotentBody)) // what the handler left unread
			header := http.Header{}
			for _, name := range replayedHeaders {
				if v := w.Header().Get(name); v != "" {
					header.Set(name, v)
				}
			}
			// The client may have gone; the response must still be kept for its retry. A key left
			// incomplete answers 409 until it expires, so a failed store is tried again briefly.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
			defer cancel()
			sum := h.Sum(nil)
			for attempt, wait := 1, 200*time.Millisecond; ; attempt, wait = attempt+1, wait*4 {
				body := rec.body.Bytes()
				if secretBearing(r) {
					body = nil // secrets are never stored: a retry learns the token exists, not its secret
				}
				err := db.CompleteIdempotencyKey(ctx, claim.Client, key, sum, rec.status, header, body)
				if err == nil {
					break
				}
				if attempt == 3 {
					log.Error("idempotency: response not stored", "error", err.Error(), "request_id", w.Header().Get("X-Request-Id"))
					break
				}
				time.Sleep(wait)
			}
		})
	}
}

// secretBearing reports whether a POST's response carries a secret (a new token's), which must
// not be kept with its idempotency key.
func secretBearing(r *http.Request) bool {
	return r.URL.Path == "/v1/tokens"
}

// capturingWriter copies the response it passes through, for storing with the key.
type capturingWriter struct {
	statusRecorder
	body bytes.Buffer
}

func (c *capturingWriter) Write(b []byte) (int, error) {
	c.body.Write(b)
	return c.statusRecorder.Write(b)
}
