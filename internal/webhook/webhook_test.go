package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSignAndVerify: a delivery verifies with its secret, and not with a tampered body, id or
// timestamp, another secret, or a timestamp older than the tolerance (a replay). During a
// rotation either secret verifies.
func TestSignAndVerify(t *testing.T) {
	secret, other := NewSecret(), NewSecret()
	if !strings.HasPrefix(secret, SecretPrefix) || len(secret) != len(SecretPrefix)+44 {
		t.Fatalf("secret %q", secret)
	}
	body := []byte(`{"id":"evt_1","type":"city.create"}`)
	now := time.Now()
	h := http.Header{}
	if err := SignHeaders(h, []string{secret}, "evt_1", now, body); err != nil {
		t.Fatal(err)
	}
	if err := Verify(secret, h, body, now); err != nil {
		t.Fatalf("a good delivery: %v", err)
	}
	if err := Verify(secret, h, []byte(`{"id":"evt_1","type":"city.delete"}`), now); !errors.Is(err, ErrSignature) {
		t.Fatalf("a tampered body: %v", err)
	}
	if err := Verify(other, h, body, now); !errors.Is(err, ErrSignature) {
		t.Fatalf("another secret: %v", err)
	}
	if err := Verify(secret, h, body, now.Add(Tolerance+time.Minute)); !errors.Is(err, ErrTimestamp) {
		t.Fatalf("a replay after the tolerance: %v", err)
	}
	tampered := h.Clone()
	tampered.Set(HeaderID, "evt_2")
	if err := Verify(secret, tampered, body, now); !errors.Is(err, ErrSignature) {
		t.Fatalf("another id: %v", err)
	}
	tampered = h.Clone()
	tampered.Set(HeaderTimestamp, "1")
	if err := Verify(secret, tampered, body, time.Unix(1, 0)); !errors.Is(err, ErrSignature) {
		t.Fatalf("another timestamp: %v", err)
	}
	if err := Verify(secret, http.Header{}, body, now); !errors.Is(err, ErrMissingHeaders) {
		t.Fatalf("no headers: %v", err)
	}
	both := http.Header{}
	if err := SignHeaders(both, []string{other, secret}, "evt_1", now, body); err != nil {
		t.Fatal(err)
	}
	if Verify(secret, both, body, now) != nil || Verify(other, both, body, now) != nil {
		t.Fatalf("during a rotation both secrets verify: %q", both.Get(HeaderSignature))
	}
}

// TestSignatureIsStandardWebhooks checks Sign against a signature computed apart, as the
// Standard Webhooks specification says, with Python's hmac module:
// base64(HMAC-SHA256(base64decode(secret without whsec_), id + "." + timestamp + "." + body)).
func TestSignatureIsStandardWebhooks(t *testing.T) {
	sig, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4dY5mGxzR9c=", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil || sig != "v1,N7W7JTRvAu0IKLNnkHSl9XjYkBH1cflQaQAcWir3oRs=" {
		t.Fatalf("%q %v", sig, err)
	}
}

func TestIsPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2a00:1450:4007:80e::200e": true, "93.184.216.34": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"0.0.0.0": false, "100.64.0.1": false, "224.0.0.1": false, "255.255.255.255": false, "::1": false, "::": false,
		"fe80::1": false, "fc00::1": false, "ff02::1": false, "::ffff:127.0.0.1": false, "::ffff:8.8.8.8": true,
		"64:ff9b::a00:1": false, "64:ff9b::808:808": true, "2002:a00:1::": false, "2002:808:808::": true,
	} {
		if got := IsPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("IsPublic(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestCheckTarget(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1/x", "https://[::1]/", "http://10.0.0.8:8080/", "http://169.254.169.254/latest/meta-data",
		"http://[::ffff:192.168.0.1]/", "ftp://example.org/", "https://user:pw@example.org/", "/relative", "https://example.org/#frag",
		"https://example.org/" + strings.Repeat("a", 2000)} {
		if CheckTarget(u, false) == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"https://example.org/hooks", "http://93.184.216.34:8080/x?y=1", "https://localhost/"} {
		if err := CheckTarget(u, false); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	if err := CheckTarget("http://127.0.0.1:8080/x", true); err != nil {
		t.Errorf("a private address when allowed: %v", err)
	}
}

// TestClientRefusesPrivateAddressesAtConnect: a host name that resolves to loopback passes the
// check of the URL, and is refused when the client connects; the receiver is never called.
// Redirects are not followed.
func TestClientRefusesPrivateAddressesAtConnect(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Redirect(w, r, "http://example.org/", http.StatusFound)
	}))
	defer srv.Close()
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if err := CheckTarget(byName, false); err != nil {
		t.Fatalf("a host name is judged at connect time, not before: %v", err)
	}
	_, err := NewClient(2*time.Second, false).Post(byName, "application/json", strings.NewReader("{}"))
	if !errors.Is(err, ErrNotPublic) {
		t.Fatalf("connect to localhost: %v", err)
	}
	if got := describe(err, time.Second); !strings.Contains(got, "not public") || strings.Contains(got, "127.0.0.1") {
		t.Fatalf("the log says %q", got)
	}
	if calls.Load() != 0 {
		t.Fatal("the receiver was called")
	}
	res, err := NewClient(2*time.Second, true).Post(byName, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || calls.Load() != 1 {
		t.Fatalf("redirect followed, or not answered: %d, %d calls", res.StatusCode, calls.Load())
	}
}

func TestDescribeTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("{}"))
	_, err := NewClient(100*time.Millisecond, true).Do(req)
	if got := describe(err, 100*time.Millisecond); got != "no answer within 100ms" {
		t.Fatalf("%v: %q", err, got)
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Waits: []time.Duration{10 * time.Second, 30 * time.Second, time.Hour}, Jitter: 0.2}
	for failed, base := range map[int]time.Duration{1: 10 * time.Second, 2: 30 * time.Second, 3: time.Hour, 9: time.Hour} {
		for range 20 {
			if d := b.Wait(failed); d < base*8/10 || d > base*12/10 {
				t.Fatalf("after %d failures: %s, want %s ± 20 %%", failed, d, base)
			}
		}
	}
}
