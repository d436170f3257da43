// Package webhook delivers the change feed to webhook subscriptions: it signs deliveries as
// Standard Webhooks (https://www.standardwebhooks.com) says, sends them with an HTTP client that
// reaches only public addresses, retries them with backoff, and runs the dispatcher that turns
// the feed into queued deliveries and sends them.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a new signing secret: SecretPrefix and 32 random bytes in base64.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("webhook: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// key is the HMAC key of a secret: the bytes its base64 part decodes to.
func key(secret string) ([]byte, error) {
	if !strings.HasPrefix(secret, SecretPrefix) {
		return nil, errors.New("webhook: not a signing secret")
	}
	return base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
}

// Sign returns the signature of a delivery, "v1," and the base64 of
// HMAC-SHA256(key, id + "." + timestamp + "." + body), where timestamp is in Unix seconds.
func Sign(secret, id string, timestamp time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// The headers of a delivery.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SignHeaders sets a delivery's webhook-id, webhook-timestamp and webhook-signature, with one
// signature per secret (space-separated), so that a receiver holding either the new or the old
// secret during a rotation can verify it.
func SignHeaders(h http.Header, secrets []string, id string, timestamp time.Time, body []byte) error {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		sig, err := Sign(s, id, timestamp, body)
		if err != nil {
			return err
		}
		sigs = append(sigs, sig)
	}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(timestamp.Unix(), 10))
	h.Set(HeaderSignature, strings.Join(sigs, " "))
	return nil
}

// Tolerance is how far a delivery's timestamp may be from the receiver's clock: receivers
// should refuse older (replayed) or much newer deliveries.
const Tolerance = 5 * time.Minute

// Verification errors.
var (
	ErrMissingHeaders = errors.New("webhook: webhook-id, webhook-timestamp or webhook-signature missing")
	ErrTimestamp      = errors.New("webhook: timestamp too old or too new")
	ErrSignature      = errors.New("webhook: no valid signature")
)

// Verify checks a delivery as a receiver does: its timestamp within Tolerance of now, and one
// of its v1 signatures made with secret over its id, timestamp and body. It is what the
// README's receiver does, and what the tests receive with.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > Tolerance || d < -Tolerance {
		return ErrTimestamp
	}
	want, err := Sign(secret, id, time.Unix(sec, 0), body)
	if err != nil {
		return err
	}
	for _, sig := range strings.Fields(sigs) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return ErrSignature
}
