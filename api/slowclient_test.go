package api_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// serveReal serves the real handler with the service's own http.Server on a loopback port and
// returns its address.
func serveReal(t *testing.T) string {
	addr, _ := serveRealWithDB(t)
	return addr
}

// serveRealWithDB is serveReal that also gives the store behind the server, for fixtures.
func serveRealWithDB(t *testing.T) (string, *harness) {
	t.Helper()
	db, _ := testdb.New(t)
	handler, _ := api.New(api.Deps{DB: db, Logger: slog.New(slog.DiscardHandler),
		Config: config.Config{Limits: generousLimits, RequestTimeout: 20 * time.Second}}) // the default
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httpx.NewHTTPServer(context.Background(), ln.Addr().String(), handler)
	go srv.Serve(ln) //nolint:errcheck // ErrServerClosed at the end of the test
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), &harness{t: t, db: db}
}

// TestSlowClientIsCut sends request headers one byte a second, as a slowloris client does, and
// checks that the server drops the connection once ReadHeaderTimeout has passed, while other
// clients are served meanwhile.
func TestSlowClientIsCut(t *testing.T) {
	t.Parallel()
	addr := serveReal(t)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	// The server cuts the connection by closing it: our reads then end (EOF or reset), and our
	// writes fail. Whichever comes first is when we were cut.
	cut := make(chan time.Time, 2)
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(conn)
		got <- b
		cut <- time.Now()
	}()
	go func() {
		request := "GET /v1/cities HTTP/1.1\r\nHost: slow.example\r\nUser-Agent: slowloris\r\nX-Padding: " +
			strings.Repeat("a", 60) + "\r\n\r\n"
		for i := 0; i < len(request); i++ {
			if _, err := conn.Write([]byte{request[i]}); err != nil {
				cut <- time.Now()
				return
			}
			time.Sleep(time.Second)
		}
	}()

	// A normal request while the slow one trickles in is served at once.
	time.Sleep(1500 * time.Millisecond)
	client := &http.Client{Timeout: 3 * time.Second}
	began := time.Now()
	res, err := client.Get("http://" + addr + "/v1/cities")
	if err != nil {
		t.Fatalf("a normal request during the slow one: %v", err)
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("a normal request during the slow one: %d", res.StatusCode)
	}
	served := time.Since(began)

	select {
	case at := <-cut:
		took := at.Sub(start)
		t.Logf("slow client cut after %s (ReadHeaderTimeout %s); a normal request meanwhile took %s",
			took.Round(time.Millisecond), httpx.ReadHeaderTimeout, served.Round(time.Millisecond))
		if took > 8*time.Second || took > httpx.ReadHeaderTimeout+time.Second+500*time.Millisecond {
			t.Fatalf("slow client cut after %s, want about ReadHeaderTimeout (%s)", took, httpx.ReadHeaderTimeout)
		}
		if took < httpx.ReadHeaderTimeout-time.Second {
			t.Fatalf("slow client cut after %s, before ReadHeaderTimeout (%s): by what?", took, httpx.ReadHeaderTimeout)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("slow client still connected after 10s")
	}
	conn.Close()
	b := <-got
	if strings.HasPrefix(string(b), "HTTP/1.1 2") {
		t.Fatalf("the slow client was served: %q", b)
	}
	status, _, _ := strings.Cut(string(b), "\r\n")
	if status == "" {
		status = "nothing, the connection was closed"
	}
	t.Logf("the slow client received: %s", status)
}

// TestHeaderSizeIsCapped sends 100 KiB of request headers, above MaxHeaderBytes: the server
// answers 431 without reading them all.
func TestHeaderSizeIsCapped(t *testing.T) {
	t.Parallel()
	addr := serveReal(t)
	if httpx.MaxHeaderBytes >= 100<<10 {
		t.Fatalf("MaxHeaderBytes is %d: this test needs it under 100 KiB", httpx.MaxHeaderBytes)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second)) //nolint:errcheck
	var b strings.Builder
	b.WriteString("GET /v1/cities HTTP/1.1\r\nHost: big.example\r\n")
	for i := 0; b.Len() < 100<<10; i++ {
		b.WriteString("X-Big-" + itoa(int64(i)) + ": " + strings.Repeat("b", 1000) + "\r\n")
	}
	b.WriteString("\r\n")
	go conn.Write([]byte(b.String())) //nolint:errcheck // the server may stop reading early
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("no answer to 100 KiB of headers within 5s")
		}
		t.Fatalf("reading the answer to 100 KiB of headers: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KiB of headers: %d, want 431", res.StatusCode)
	}

	// Headers under the cap are fine.
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/v1/cities", nil)
	req.Header.Set("X-Medium", strings.Repeat("m", 16<<10))
	res2, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusOK {
		t.Fatalf("16 KiB of headers: %d, want 200", res2.StatusCode)
	}
}

// TestSlowBodyIsCut sends a request body one byte a second: Huma's body read timeout (5 s) ends
// it with a 408, well before the request deadline, and the connection is not held for the
// server's ReadTimeout. A caller refused before its body is read (here, anonymous) is answered
// at once and the connection closed, without waiting for the body.
func TestSlowBodyIsCut(t *testing.T) {
	t.Parallel()
	addr, h := serveRealWithDB(t)
	token, _ := h.token(domain.RoleSecretariat)
	for _, c := range []struct {
		auth   string
		status int
		within time.Duration
	}{{"Authorization: Bearer " + token + "\r\n", http.StatusRequestTimeout, 8 * time.Second}, {"", http.StatusUnauthorized, time.Second}} {
		status, took := slowBody(t, addr, c.auth)
		t.Logf("slow body answered %d after %s", status, took.Round(time.Millisecond))
		if status != c.status || took > c.within {
			t.Fatalf("slow body (%q): %d after %s, want %d within %s", c.auth, status, took, c.status, c.within)
		}
	}
}

// slowBody sends a JSON body one byte a second and returns the answer's status and delay.
func slowBody(t *testing.T, addr, authHeader string) (int, time.Duration) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"slug":"slow","name":{"en":"Slow"},"country":"ES","section":"europe"}`
	start := time.Now()
	if _, err := io.WriteString(conn, "POST /v1/cities HTTP/1.1\r\nHost: slow.example\r\nContent-Type: application/json\r\n"+
		authHeader+"Content-Length: "+itoa(int64(len(body)))+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	go func() {
		for i := 0; i < len(body); i++ {
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				return
			}
			time.Sleep(time.Second)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(12 * time.Second)) //nolint:errcheck
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a slow body: %v", err)
	}
	res.Body.Close()
	return res.StatusCode, time.Since(start)
}
