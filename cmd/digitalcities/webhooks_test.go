package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
	"github.com/uclg-digital-cities/digitalcities/internal/webhook"
)

// dedupingReceiver is a webhook endpoint as the README tells receivers to write one: it
// verifies each delivery and handles each event id once. One city's delivery it holds until
// the test lets it go, to be cut short by a shutdown.
type dedupingReceiver struct {
	t       *testing.T
	secret  func() string
	hold    string        // the city whose first delivery is held
	held    chan struct{} // closed when that delivery arrives
	mu      sync.Mutex
	total   int
	handled map[string]string // event id → city
	times   map[string]int    // city → deliveries received
}

func (r *dedupingReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := webhook.Verify(r.secret(), req.Header, body, time.Now()); err != nil {
		r.t.Errorf("a delivery that does not verify: %v", err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev webhook.ChangeEvent
	_ = json.Unmarshal(body, &ev)
	r.mu.Lock()
	r.total++
	_, seen := r.handled[ev.ID]
	r.handled[ev.ID] = ev.Data.ResourceID
	r.times[ev.Data.ResourceID]++
	r.mu.Unlock()
	if ev.Data.ResourceID == r.hold && !seen && r.held != nil {
		close(r.held)
		<-req.Context().Done() // never answers: the sender gives up when it stops
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cities returns the cities of the events handled, and how many deliveries came in all.
func (r *dedupingReceiver) cities() (map[string]int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, c := range r.handled {
		out[c]++
	}
	return out, r.total
}

// serveOnce runs `digitalcities serve` on a free port until stop is called.
func serveOnce(t *testing.T, e func(string) string) (base string, stop func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--port", strconv.Itoa(port)}, e, io.Discard, io.Discard)
	}()
	base = fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			break
		}
		if i == 200 {
			t.Fatalf("serve did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve returned %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return base, stop
}

// TestWebhooksSurviveARestart: a subscription made on one run of the server gets, from the
// next run on the same database, every change made while no server ran, and the delivery that
// a shutdown cut short; a receiver that handles each event id once handles every change
// exactly once.
func TestWebhooksSurviveARestart(t *testing.T) {
	_, dbURL := testdb.Create(t)
	e := env(map[string]string{"DATABASE_URL": dbURL, "WEBHOOK_ALLOW_PRIVATE": "true", "WEBHOOK_POLL_INTERVAL": "30ms",
		"WEBHOOK_RETRY_SCHEDULE": "50ms"})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"token", "create", "--role", "subscriber", "--name", "Portal"}, e, &out, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	token := lines[len(lines)-1]

	var secret string
	rcv := &dedupingReceiver{t: t, secret: func() string { return secret }, hold: "held", held: make(chan struct{}),
		handled: map[string]string{}, times: map[string]int{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()

	base, stop := serveOnce(t, e)
	body := `{"url": "` + srv.URL + `/hooks", "resources": ["city"]}`
	hr, _ := http.NewRequest(http.MethodPost, base+"/v1/subscriptions", strings.NewReader(body))
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Secret string `json:"secret"`
	}
	_ = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", res.StatusCode)
	}
	secret = created.Secret

	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	writer := domain.Caller{Actor: &domain.Actor{Name: "test", Role: domain.RoleSecretariat}}
	newCity := func(slug string) {
		if _, err := db.CreateCity(ctx, writer, slug, domain.CityFields{Name: domain.Text{EN: slug}, Country: "ES",
			Section: "europe", Provenance: "sample"}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"before-1", "before-2", "held"}
	for _, c := range want {
		newCity(c)
	}
	select {
	case <-rcv.held:
	case <-time.After(20 * time.Second):
		t.Fatal("the held delivery never came")
	}
	stop() // while the held delivery waits for its answer

	for i := 1; i <= 5; i++ {
		c := fmt.Sprintf("during-%d", i)
		newCity(c)
		want = append(want, c)
	}
	time.Sleep(200 * time.Millisecond)
	if got, _ := rcv.cities(); len(got) != 3 {
		t.Fatalf("deliveries while no server ran: %v", got)
	}

	serveOnce(t, e)
	newCity("after")
	want = append(want, "after")
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, total := rcv.cities()
		if len(got) == len(want) {
			for _, c := range want {
				if got[c] != 1 {
					t.Fatalf("%s handled %d times: %v", c, got[c], got)
				}
			}
			rcv.mu.Lock()
			heldTimes := rcv.times["held"]
			rcv.mu.Unlock()
			if total < len(want) || heldTimes < 2 {
				t.Fatalf("%d deliveries for %d changes; the one cut short by the shutdown came %d times", total, len(want), heldTimes)
			}
			t.Logf("%d changes, %d deliveries (the held one twice: at least once)", len(want), total)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart the receiver handled %v, want %v", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
