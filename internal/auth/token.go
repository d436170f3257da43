// Package auth makes and recognises API token secrets. Secrets are random, carry a recognisable
// prefix (so that secret scanners and people can tell what they are) and are stored only as
// SHA-256 hashes.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// SecretPrefix starts every token secret.
const SecretPrefix = "dcapi_"

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a new random secret (32 bytes of entropy), the short prefix shown in token
// lists, and the hash to store.
func NewSecret() (secret, prefix string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	secret = SecretPrefix + strings.ToLower(encoding.EncodeToString(b))
	return secret, secret[:len(SecretPrefix)+6], Hash(secret)
}

// Hash returns the SHA-256 of a secret, the only form in which secrets are stored.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// BearerSecret extracts the secret from an Authorization header value; ok is false when the
// header is absent or not a bearer token.
func BearerSecret(header string) (secret string, ok bool) {
	scheme, value, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	value = strings.TrimSpace(value)
	return value, value != ""
}

// secretLength is the length of every secret NewSecret makes: the prefix and 32 bytes in base32.
var secretLength = len(SecretPrefix) + encoding.EncodedLen(32)

// WellFormed reports whether a secret has the shape of one that NewSecret makes, so that
// garbage is refused without a database look-up.
func WellFormed(secret string) bool {
	if len(secret) != secretLength || !strings.HasPrefix(secret, SecretPrefix) {
		return false
	}
	for _, r := range secret[len(SecretPrefix):] {
		if (r < 'a' || r > 'z') && (r < '2' || r > '7') {
			return false
		}
	}
	return true
}
