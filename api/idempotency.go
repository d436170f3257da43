package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// maxIdempotentBody bounds what is read of a body only to compare it with a stored request's:
// the largest body any POST accepts (imports).
const maxIdempotentBody = MaxImportBytes

// replayedHeaders are the response headers kept with an idempotency key and replayed.
var replayedHeaders = []string{"Content-Type", "Location", "ETag", "Content-Language"}

// idempotency implements Idempotency-Key for operations whose policy declares it: a retry with
// the same key and body replays the first response, the same key with another body is 422, and
// a retry while the first is still running is 409. The key belongs to the authenticated caller
// and is claimed by the store inside the write's transaction; the request is hashed as the
// handler reads it, so that no body is ever held in memory, and the hash is stored with the
// response. A response that carries a secret is never stored.
func (c *chain) idempotency(ctx huma.Context, next func(huma.Context)) {
	key := ctx.Header("Idempotency-Key")
	p := policyOf(ctx.Operation())
	if key == "" || !p.Idempotent {
		next(ctx)
		return
	}
	r, w := humachi.Unwrap(ctx)
	if len(key) > 255 {
		c.fail(ctx, domain.Invalid("header.Idempotency-Key", "must be 1 to 255 characters"))
		return
	}
	claim := &domain.IdempotencyClaim{Client: clientOf(r), Key: key}
	h := sha256.New()
	_, _ = io.WriteString(h, r.Method+" "+r.URL.RequestURI()+"\n"+r.Header.Get("Content-Type")+"\n") // a hash.Hash never fails

	stored, err := c.db.LookupIdempotencyKey(r.Context(), claim.Client, key)
	switch {
	case err != nil:
		c.fail(ctx, err)
		return
	case stored != nil && !stored.Completed:
		c.fail(ctx, domain.Errorf(domain.EINPROGRESS, "a request with this Idempotency-Key is still being processed; retry later"))
		return
	case stored != nil:
		// Compare the retry with the first request: hash its body as it streams by.
		if _, err := io.Copy(h, http.MaxBytesReader(w, r.Body, maxIdempotentBody)); err != nil {
			c.fail(ctx, domain.Invalid("", "the request body could not be read"))
			return
		}
		if !bytes.Equal(stored.RequestHash, h.Sum(nil)) {
			c.fail(ctx, domain.Invalid("header.Idempotency-Key", "this Idempotency-Key was already used with another request; use a new key"))
			return
		}
		if p.Secret {
			c.fail(ctx, domain.Errorf(domain.ECONFLICT, "this request already succeeded with this Idempotency-Key, and "+
				"its response held a secret that is shown only once. List the resources to find it, or make another"))
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
	rec := &capturingWriter{StatusRecorder: httpx.StatusRecorder{ResponseWriter: w}}
	next(withRequest(ctx, r.WithContext(withClaim(r.Context(), claim)), rec))
	if rec.Status < 200 || rec.Status > 299 {
		return // the write rolled back and released the key
	}
	_, _ = io.Copy(h, io.LimitReader(r.Body, maxIdempotentBody)) // what the handler left unread
	header := http.Header{}
	for _, name := range replayedHeaders {
		if v := w.Header().Get(name); v != "" {
			header.Set(name, v)
		}
	}
	response := rec.body.Bytes()
	if p.Secret {
		response = nil // secrets are never stored: a retry learns the request succeeded, not the secret
	}
	c.completeKey(r.Context(), claim, h.Sum(nil), rec.Status, header, response)
}

// completeKey stores the response with its key. The client may have gone; the response must
// still be kept for its retry. A key left incomplete answers 409 until it expires, so a failed
// store is tried again briefly.
func (c *chain) completeKey(ctx context.Context, claim *domain.IdempotencyClaim, sum []byte, status int, header http.Header, body []byte) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for attempt, wait := 1, 200*time.Millisecond; ; attempt, wait = attempt+1, wait*4 {
		err := c.db.CompleteIdempotencyKey(ctx, claim.Client, claim.Key, sum, status, header, body)
		if err == nil {
			return
		}
		if attempt == 3 {
			c.log.Error("idempotency: response not stored", "error", err.Error(), "request_id", httpx.RequestIDOf(ctx))
			return
		}
		time.Sleep(wait)
	}
}

// capturingWriter copies the response it passes through, for storing with the key.
type capturingWriter struct {
	httpx.StatusRecorder
	body bytes.Buffer
}

func (c *capturingWriter) Write(b []byte) (int, error) {
	c.body.Write(b)
	return c.StatusRecorder.Write(b)
}
