package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ErrNotPublic is the error of a connection refused because its address is not public.
var ErrNotPublic = errors.New("webhook: the address is not public")

// nonPublic are the ranges, beyond those netip classifies (loopback, private, link-local,
// multicast, unspecified), that are not the public internet: a delivery must never reach the
// server's own network through them.
var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",          // "this network"
		"100.64.0.0/10",      // carrier-grade NAT
		"192.0.0.0/24",       // IETF protocol assignments
		"192.0.2.0/24",       // documentation
		"198.18.0.0/15",      // benchmarking
		"198.51.100.0/24",    // documentation
		"203.0.113.0/24",     // documentation
		"240.0.0.0/4",        // reserved, and the broadcast address
		"100::/64",           // discard-only
		"2001:db8::/32",      // documentation
		"fec0::/10",          // site-local (deprecated)
		"2001::/23",          // IETF protocol assignments (Teredo and others)
		"::/96",              // IPv4-compatible (deprecated)
		"64:ff9b:1::/48",     // local-use NAT64
		"ff00::/8",           // multicast (also netip's)
		"169.254.169.254/32", // cloud metadata (also link-local)
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// IsPublic reports whether an address is on the public internet: not loopback, private,
// link-local, multicast, unspecified, or any other special-purpose range. An IPv4 address in
// IPv6 form, NAT64 or 6to4 is judged by the IPv4 address it carries.
func IsPublic(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is6() {
		b := a.As16()
		switch {
		case netip.MustParsePrefix("64:ff9b::/96").Contains(a): // NAT64
			return IsPublic(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		case netip.MustParsePrefix("2002::/16").Contains(a): // 6to4
			return IsPublic(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// refusePrivate is the dialer's Control: it runs after the name was resolved, on the very
// address about to be connected to, so that no name (nor a DNS answer that changes between
// two look-ups) can lead a delivery into a private network.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !IsPublic(ap.Addr()) {
		return ErrNotPublic
	}
	return nil
}

// CheckTarget judges a subscription's URL when it is created or changed: its form
// (domain.ParseWebhookURL), and, unless private targets are allowed, that a literal address
// is public. A host name is judged at each connection instead, on the address it resolves to.
func CheckTarget(rawURL string, allowPrivate bool) error {
	u, err := domain.ParseWebhookURL(rawURL)
	if err != nil {
		return err
	}
	if allowPrivate {
		return nil
	}
	if a, err := netip.ParseAddr(u.Hostname()); err == nil && !IsPublic(a) {
		return domain.Invalid("url", "%s is not a public address: deliveries go only to the public internet", u.Hostname())
	}
	return nil
}

// NewClient returns the HTTP client that sends deliveries: it answers within timeout or fails,
// follows no redirect (a 3xx is a failed attempt), uses no proxy, and, unless allowPrivate,
// connects only to public addresses.
func NewClient(timeout time.Duration, allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would connect for us, to an address we never judged
		DialContext:           dialer.DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   min(timeout, 10*time.Second),
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: transport, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// describe says in a few words why an attempt failed, without the server's internals (no
// addresses, no error texts of the libraries): what the delivery log shows its owner.
func describe(err error, timeout time.Duration) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrNotPublic):
		return "refused: the host's address is not public (loopback, private, link-local or another reserved range)"
	case errors.As(err, &dnsErr):
		return "the host name could not be resolved"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer within " + timeout.String()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "the connection was reset"
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostnameErr):
		return "the TLS certificate was not accepted"
	}
	return "the connection failed"
}

// describeStatus says why an HTTP answer is a failed attempt.
func describeStatus(status int) string {
	if status >= 300 && status < 400 {
		return "the receiver answered " + strconv.Itoa(status) + "; redirects are not followed"
	}
	return "the receiver answered " + strconv.Itoa(status)
}
