package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/webhook"
)

// fastWebhooks deliver to this machine and retry within milliseconds.
var fastWebhooks = config.Webhooks{AllowPrivate: true, PollInterval: 20 * time.Millisecond, Timeout: 2 * time.Second,
	Retries: []time.Duration{30 * time.Millisecond}, MaxAttempts: 8}

// newWebhookHarness is a harness whose subscriptions may deliver to this machine (or not).
func newWebhookHarness(t *testing.T, w config.Webhooks) *harness {
	return newHarnessConfig(t, config.Config{Limits: generousLimits, Webhooks: w})
}

// startDispatcher runs a webhook dispatcher on the harness's database until the test ends, or
// until the returned stop is called (which waits for it to end).
func startDispatcher(t *testing.T, h *harness, w config.Webhooks) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	go func() { defer close(done); webhook.NewDispatcher(h.db, w, log).Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
	event  webhook.ChangeEvent
}

// receiver is a webhook endpoint: it keeps every request and answers what status says for the
// n-th request (from 0) of an event id.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	seen   map[string]int
	status func(id string, n int) int
}

func newReceiver(t *testing.T, status func(id string, n int) int) *receiver {
	r := &receiver{seen: map[string]int{}, status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		var ev webhook.ChangeEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Errorf("a delivery that is not an event: %s", b)
		}
		r.mu.Lock()
		id := req.Header.Get(webhook.HeaderID)
		n := r.seen[id]
		r.seen[id]++
		r.got = append(r.got, received{header: req.Header.Clone(), body: b, event: ev})
		r.mu.Unlock()
		code := http.StatusNoContent
		if r.status != nil {
			code = r.status(id, n)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// requests returns a copy of what the receiver got so far.
func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received{}, r.got...)
}

func (r *receiver) count() int { return len(r.requests()) }

// waitLong polls cond for up to twenty seconds (deliveries go through the feed's horizon and
// the dispatcher's polls).
func waitLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 20 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// subscribe creates a subscription and returns its id and secret.
func subscribe(t *testing.T, h *harness, token string, body map[string]any) (int64, string) {
	t.Helper()
	var s struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	res := h.do(req{method: http.MethodPost, path: "/v1/subscriptions", token: token, body: body}).expect(t, http.StatusCreated)
	res.JSON(t, &s)
	if res.Header.Get("Location") != fmt.Sprintf("/v1/subscriptions/%d", s.ID) || res.Header.Get("ETag") != `"v1"` {
		t.Fatalf("Location %q, ETag %q", res.Header.Get("Location"), res.Header.Get("ETag"))
	}
	return s.ID, s.Secret
}

// deliveryLog reads a subscription's delivery log.
func deliveryLog(t *testing.T, h *harness, token string, id int64) []domain.Delivery {
	t.Helper()
	var page struct{ Items []domain.Delivery }
	h.do(req{method: http.MethodGet, path: fmt.Sprintf("/v1/subscriptions/%d/deliveries", id), token: token}).expect(t, http.StatusOK).JSON(t, &page)
	return page.Items
}

// TestWebhookDeliveriesAreSigned: a receiver verifying Standard Webhooks signatures with the
// secret shown at creation accepts every delivery, which come in the feed's order with the
// change as the feed shows it; a tampered body or an old timestamp is refused. Changes of
// resources not subscribed to are not sent.
func TestWebhookDeliveriesAreSigned(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	token, _ := h.token(domain.RoleSubscriber)
	rcv := newReceiver(t, nil)
	_, secret := subscribe(t, h, token, map[string]any{"url": rcv.srv.URL + "/hooks", "resources": []string{"city"}})
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	startDispatcher(t, h, fastWebhooks)
	h.city("porto", "PT", "europe")
	if _, err := h.db.SQL().Exec(`INSERT INTO organisations (slug, name, kind) VALUES ('wego', '{"en": "WeGO"}', 'city_network')`); err != nil {
		t.Fatal(err)
	}
	h.city("lisbon", "PT", "europe")
	waitLong(t, "two deliveries", func() bool { return rcv.count() >= 2 })
	time.Sleep(100 * time.Millisecond)
	got := rcv.requests()
	if len(got) != 2 {
		t.Fatalf("%d deliveries, want 2", len(got))
	}
	for i, slug := range []string{"porto", "lisbon"} {
		r := got[i]
		if err := webhook.Verify(secret, r.header, r.body, time.Now()); err != nil {
			t.Fatalf("delivery %d does not verify: %v", i, err)
		}
		ev := r.event
		if ev.ID != r.header.Get(webhook.HeaderID) || ev.ID != fmt.Sprintf("evt_%d", ev.Data.ID) || ev.Type != "city.create" ||
			ev.Data.ResourceID != slug || ev.Data.Href != "/v1/cities/"+slug || !strings.Contains(string(ev.Data.Data), `"slug": "`+slug+`"`) &&
			!strings.Contains(string(ev.Data.Data), `"slug":"`+slug+`"`) {
			t.Fatalf("delivery %d: %s", i, r.body)
		}
		if r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
		}
	}
	r := got[0]
	tampered := []byte(strings.Replace(string(r.body), "porto", "p0rto", 1))
	if err := webhook.Verify(secret, r.header, tampered, time.Now()); !errors.Is(err, webhook.ErrSignature) {
		t.Fatalf("a tampered body: %v", err)
	}
	if err := webhook.Verify(secret, r.header, r.body, time.Now().Add(6*time.Minute)); !errors.Is(err, webhook.ErrTimestamp) {
		t.Fatalf("a delivery replayed 6 minutes later: %v", err)
	}
}

// TestWebhookRetriesKeepTheEventID: a receiver that answers 500 twice and then 200 gets three
// attempts with the same webhook-id, and the delivery log shows them.
func TestWebhookRetriesKeepTheEventID(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	token, _ := h.token(domain.RoleSubscriber)
	rcv := newReceiver(t, func(_ string, n int) int {
		if n < 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	id, secret := subscribe(t, h, token, map[string]any{"url": rcv.srv.URL, "resources": []string{"city"}})
	startDispatcher(t, h, fastWebhooks)
	h.city("porto", "PT", "europe")
	waitLong(t, "three attempts", func() bool { return rcv.count() >= 3 })
	waitLong(t, "the log says delivered", func() bool {
		l := deliveryLog(t, h, token, id)
		return len(l) == 1 && l[0].Status == domain.DeliveryDelivered
	})
	got := rcv.requests()
	if len(got) != 3 {
		t.Fatalf("%d attempts, want 3", len(got))
	}
	for _, r := range got {
		if r.header.Get(webhook.HeaderID) != got[0].header.Get(webhook.HeaderID) || string(r.body) != string(got[0].body) {
			t.Fatalf("retries differ: %q %q", r.header.Get(webhook.HeaderID), got[0].header.Get(webhook.HeaderID))
		}
		if err := webhook.Verify(secret, r.header, r.body, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	l := deliveryLog(t, h, token, id)[0]
	if l.Attempts != 3 || l.LastStatus == nil || *l.LastStatus != 200 || l.LastError != nil || l.DeliveredAt == nil ||
		l.NextAttemptAt != nil || l.EventID != got[0].header.Get(webhook.HeaderID) || l.Resource != "city" || l.ResourceID != "porto" {
		t.Fatalf("log entry %+v", l)
	}
}

// TestWebhookDatasetSubscription: a dataset subscription gets the changes of its dataset and
// of its releases, and nothing else (not another dataset's, whose slug it starts); a resources
// subscription gets its kinds only. A dataset that does not exist is a 422.
func TestWebhookDatasetSubscription(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	token, _ := h.token(domain.RoleSubscriber)
	for _, slug := range []string{"sg-2019", "sg-2019-extra"} {
		if _, err := h.db.SQL().Exec(`INSERT INTO datasets (slug, title, description, publisher, license, contact_name, contact_email, content)
			VALUES ($1, '{"en": "D"}', '{"en": "D"}', 'UCLG', 'CC-BY-4.0', 'UCLG', 'info@example.org', '{"resource": "cities"}')`, slug); err != nil {
			t.Fatal(err)
		}
	}
	h.do(req{method: http.MethodPost, path: "/v1/subscriptions", token: token,
		body: map[string]any{"url": "https://example.org/", "dataset": "nope"}}).expect(t, http.StatusUnprocessableEntity).errorAt(t, "body.dataset")
	h.do(req{method: http.MethodPost, path: "/v1/subscriptions", token: token,
		body: map[string]any{"url": "https://example.org/", "dataset": "sg-2019", "resources": []string{"city"}}}).expect(t, http.StatusUnprocessableEntity)
	h.do(req{method: http.MethodPost, path: "/v1/subscriptions", token: token,
		body: map[string]any{"url": "https://example.org/"}}).expect(t, http.StatusUnprocessableEntity)
	datasetRcv, cityRcv := newReceiver(t, nil), newReceiver(t, nil)
	subscribe(t, h, token, map[string]any{"url": datasetRcv.srv.URL, "dataset": "sg-2019"})
	subscribe(t, h, token, map[string]any{"url": cityRcv.srv.URL, "resources": []string{"city", "trend"}})
	startDispatcher(t, h, fastWebhooks)
	// The open-data store writes these; here they are written as it would.
	for _, c := range []struct{ resource, id string }{{"dataset", "sg-2019"}, {"release", "sg-2019/1"}, {"dataset", "sg-2019-extra"},
		{"release", "sg-2019-extra/1"}, {"city", "porto"}, {"release", "sg-2019/2"}} {
		if _, err := h.db.SQL().Exec(`INSERT INTO audit_log (actor, action, resource, resource_id, after)
			VALUES ('secretariat:test', 'create', $1, $2, '{}')`, c.resource, c.id); err != nil {
			t.Fatal(err)
		}
	}
	waitLong(t, "the dataset's three changes", func() bool { return datasetRcv.count() >= 3 })
	waitLong(t, "the city's change", func() bool { return cityRcv.count() >= 1 })
	time.Sleep(200 * time.Millisecond)
	var ids []string
	for _, r := range datasetRcv.requests() {
		ids = append(ids, r.event.Data.Resource+":"+r.event.Data.ResourceID+":"+r.event.Data.Href)
	}
	if strings.Join(ids, " ") != "dataset:sg-2019:/v1/datasets/sg-2019 release:sg-2019/1:/v1/datasets/sg-2019/releases/1 release:sg-2019/2:/v1/datasets/sg-2019/releases/2" {
		t.Fatalf("the dataset subscription got %v", ids)
	}
	if got := cityRcv.requests(); len(got) != 1 || got[0].event.Type != "city.create" {
		t.Fatalf("the resources subscription got %d deliveries", len(got))
	}
}

// TestDeadEndpointIsPausedThenResumed: an endpoint that keeps failing is paused after the bound
// of attempts and is not called any more; the changes made meanwhile wait; resuming it (PATCH
// status active, If-Match required) sends the delivery given up on first, then the others.
func TestDeadEndpointIsPausedThenResumed(t *testing.T) {
	w := fastWebhooks
	w.MaxAttempts = 3
	h := newWebhookHarness(t, w)
	token, _ := h.token(domain.RoleSubscriber)
	var alive atomic.Bool
	rcv := newReceiver(t, func(string, int) int {
		if alive.Load() {
			return http.StatusOK
		}
		return http.StatusServiceUnavailable
	})
	id, _ := subscribe(t, h, token, map[string]any{"url": rcv.srv.URL, "resources": []string{"city"}})
	startDispatcher(t, h, w)
	h.city("porto", "PT", "europe")
	h.city("lisbon", "PT", "europe")
	path := fmt.Sprintf("/v1/subscriptions/%d", id)
	var sub domain.Subscription
	waitLong(t, "the subscription paused", func() bool {
		h.do(req{method: http.MethodGet, path: path, token: token}).expect(t, http.StatusOK).JSON(t, &sub)
		return sub.Status == domain.SubscriptionPaused
	})
	if sub.PausedAt == nil || sub.PausedReason == nil || !strings.Contains(*sub.PausedReason, "3 attempts") ||
		!strings.Contains(*sub.PausedReason, "503") || sub.Version != 2 {
		t.Fatalf("paused as %+v", sub)
	}
	time.Sleep(300 * time.Millisecond) // fifteen polls
	if n := rcv.count(); n != 3 {
		t.Fatalf("the dead endpoint was called %d times, want 3 (the first delivery's attempts, then nothing)", n)
	}
	for _, r := range rcv.requests() {
		if r.event.Data.ResourceID != "porto" {
			t.Fatalf("a later delivery was sent before the first: %s", r.event.Data.ResourceID)
		}
	}
	l := deliveryLog(t, h, token, id)
	if len(l) != 2 || l[1].Status != domain.DeliveryFailed || l[1].Attempts != 3 || l[1].LastError == nil ||
		*l[1].LastError != "the receiver answered 503" || l[0].Status != domain.DeliveryPending || l[0].Attempts != 0 {
		t.Fatalf("log %+v", l)
	}

	alive.Store(true)
	h.do(req{method: http.MethodPatch, path: path, token: token, body: `{"status": "active"}`,
		header: map[string]string{"Content-Type": "application/merge-patch+json"}}).expect(t, http.StatusPreconditionRequired)
	h.do(req{method: http.MethodPatch, path: path, token: token, body: `{"status": "active"}`,
		header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"v1"`}}).expect(t, http.StatusPreconditionFailed)
	res := h.do(req{method: http.MethodPatch, path: path, token: token, body: `{"status": "active"}`,
		header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"v2"`}}).expect(t, http.StatusOK)
	res.JSON(t, &sub)
	if sub.Status != domain.SubscriptionActive || sub.PausedReason != nil || res.Header.Get("ETag") != `"v3"` {
		t.Fatalf("resumed as %+v", sub)
	}
	h.city("madrid", "ES", "europe") // made after the resume: follows
	waitLong(t, "every change delivered", func() bool {
		l := deliveryLog(t, h, token, id)
		return len(l) == 3 && l[0].Status == domain.DeliveryDelivered && l[1].Status == domain.DeliveryDelivered && l[2].Status == domain.DeliveryDelivered
	})
	var order []string
	for _, r := range rcv.requests()[3:] {
		order = append(order, r.event.Data.ResourceID)
	}
	if strings.Join(order, ",") != "porto,lisbon,madrid" {
		t.Fatalf("after the resume: %v", order)
	}
}

// TestGoneEndpointIsPausedAtOnce: 410 Gone asks for no more deliveries.
func TestGoneEndpointIsPausedAtOnce(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	token, _ := h.token(domain.RoleSubscriber)
	rcv := newReceiver(t, func(string, int) int { return http.StatusGone })
	id, _ := subscribe(t, h, token, map[string]any{"url": rcv.srv.URL, "resources": []string{"city"}})
	startDispatcher(t, h, fastWebhooks)
	h.city("porto", "PT", "europe")
	waitLong(t, "paused", func() bool {
		s, err := h.db.GetSubscription(fixtureCtx(), fixtureCaller.Actor, id)
		return err == nil && s.Status == domain.SubscriptionPaused
	})
	if rcv.count() != 1 {
		t.Fatalf("%d calls", rcv.count())
	}
}

// TestWebhookTargetsMustBePublic: unless private targets are allowed, a URL naming a private,
// loopback or link-local address is a 422, and a host name that resolves to one is refused when
// the dispatcher connects: the receiver is never called and the log says why.
func TestWebhookTargetsMustBePublic(t *testing.T) {
	public := fastWebhooks
	public.AllowPrivate = false
	h := newWebhookHarness(t, public)
	token, _ := h.token(domain.RoleSubscriber)
	for _, u := range []string{"http://127.0.0.1:8080/hooks", "http://[::1]/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
		"http://192.168.1.20/", "http://[fe80::1]/", "http://0.0.0.0/", "https://user:secret@example.org/", "ftp://example.org/",
		"https://example.org/" + strings.Repeat("x", 2000)} {
		h.do(req{method: http.MethodPost, path: "/v1/subscriptions", token: token,
			body: map[string]any{"url": u, "resources": []string{"city"}}}).expect(t, http.StatusUnprocessableEntity).errorAt(t, "body.url")
	}
	rcv := newReceiver(t, nil)
	id, _ := subscribe(t, h, token, map[string]any{"url": strings.Replace(rcv.srv.URL, "127.0.0.1", "localhost", 1), "resources": []string{"city"}})
	h.do(req{method: http.MethodPatch, path: fmt.Sprintf("/v1/subscriptions/%d", id), token: token, body: `{"url": "http://127.0.0.1/"}`,
		header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": "*"}}).expect(t, http.StatusUnprocessableEntity).errorAt(t, "body.url")
	startDispatcher(t, h, public)
	h.city("porto", "PT", "europe")
	waitLong(t, "an attempt refused", func() bool {
		l := deliveryLog(t, h, token, id)
		return len(l) == 1 && l[0].Attempts >= 1
	})
	l := deliveryLog(t, h, token, id)[0]
	if l.LastError == nil || !strings.Contains(*l.LastError, "not public") || l.LastStatus != nil || strings.Contains(*l.LastError, "127.0.0.1") {
		t.Fatalf("log %+v", l)
	}
	if rcv.count() != 0 {
		t.Fatal("the receiver on loopback was called")
	}
}

// TestSubscriptionsBelongToTheirToken: a subscriber sees and changes only its own
// subscriptions (another's is a 404, whatever the operation), the secretariat and admins see
// all; anonymous callers get 401; a subscriber writes no data but reads the public data.
func TestSubscriptionsBelongToTheirToken(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	alice, _ := h.token(domain.RoleSubscriber)
	bob, _ := h.token(domain.RoleSubscriber)
	editor, _ := h.token(domain.RoleEditor, h.city("porto", "PT", "europe").Slug)
	secretariat, _ := h.token(domain.RoleSecretariat)
	id, _ := subscribe(t, h, alice, map[string]any{"url": "https://example.org/alice", "resources": []string{"city"}})
	subscribe(t, h, editor, map[string]any{"url": "https://example.org/editor", "resources": []string{"observation"}})
	path := fmt.Sprintf("/v1/subscriptions/%d", id)
	anyVersion := map[string]string{"If-Match": "*", "Content-Type": "application/merge-patch+json"}
	for _, r := range []req{
		{method: http.MethodGet, path: path},
		{method: http.MethodGet, path: path + "/deliveries"},
		{method: http.MethodPatch, path: path, body: `{"url": "https://example.org/bob"}`, header: anyVersion},
		{method: http.MethodDelete, path: path, header: anyVersion},
		{method: http.MethodPost, path: path + "/secret"},
	} {
		r.token = bob
		h.do(r).expect(t, http.StatusNotFound)
		r.token = ""
		h.do(r).expect(t, http.StatusUnauthorized)
	}
	count := func(token string) int {
		var page struct{ Items []domain.Subscription }
		h.do(req{method: http.MethodGet, path: "/v1/subscriptions", token: token}).expect(t, http.StatusOK).JSON(t, &page)
		return len(page.Items)
	}
	if count(alice) != 1 || count(bob) != 0 || count(editor) != 1 || count(secretariat) != 2 {
		t.Fatalf("lists: alice %d, bob %d, editor %d, secretariat %d", count(alice), count(bob), count(editor), count(secretariat))
	}
	h.do(req{method: http.MethodGet, path: "/v1/subscriptions"}).expect(t, http.StatusUnauthorized)
	h.do(req{method: http.MethodPost, path: "/v1/subscriptions", body: map[string]any{"url": "https://example.org/", "resources": []string{"city"}}}).
		expect(t, http.StatusUnauthorized)
	h.do(req{method: http.MethodGet, path: path, token: secretariat}).expect(t, http.StatusOK)
	h.do(req{method: http.MethodGet, path: "/v1/cities", token: bob}).expect(t, http.StatusOK)
	h.do(req{method: http.MethodPatch, path: "/v1/cities/porto", token: bob, body: `{"population": 1}`, header: anyVersion}).expect(t, http.StatusForbidden)
	h.do(req{method: http.MethodGet, path: "/v1/audit", token: bob}).expect(t, http.StatusForbidden)
	// The owner deletes it (If-Match checked), and then it is gone.
	h.do(req{method: http.MethodDelete, path: path, token: alice, header: map[string]string{"If-Match": `"v9"`}}).expect(t, http.StatusPreconditionFailed)
	h.do(req{method: http.MethodDelete, path: path, token: alice, header: map[string]string{"If-Match": `"v1"`}}).expect(t, http.StatusNoContent)
	h.do(req{method: http.MethodGet, path: path, token: alice}).expect(t, http.StatusNotFound)
}

// TestSubscriptionSecretIsShownOnce: the secret is in the answers to create and rotate only:
// never in a read, a list, a patch, an Idempotency-Key replay, the audit trail or the change
// feed. After a rotation, deliveries carry a signature with each secret.
func TestSubscriptionSecretIsShownOnce(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	token, _ := h.token(domain.RoleSubscriber)
	secretariat, _ := h.token(domain.RoleSecretariat)
	admin, _ := h.token(domain.RoleAdmin)
	rcv := newReceiver(t, nil)
	body := map[string]any{"url": rcv.srv.URL, "description": "mirror", "resources": []string{"city"}}
	key := map[string]string{"Idempotency-Key": "sub-1"}
	first := h.do(req{method: http.MethodPost, path: "/v1/subscriptions", token: token, body: body, header: key}).expect(t, http.StatusCreated)
	var created struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	first.JSON(t, &created)
	replay := h.do(req{method: http.MethodPost, path: "/v1/subscriptions", token: token, body: body, header: key}).expect(t, http.StatusConflict)
	path := fmt.Sprintf("/v1/subscriptions/%d", created.ID)
	patched := h.do(req{method: http.MethodPatch, path: path, token: token, body: `{"description": "mirror v2"}`,
		header: map[string]string{"If-Match": `"v1"`, "Content-Type": "application/merge-patch+json"}}).expect(t, http.StatusOK)
	startDispatcher(t, h, fastWebhooks)
	h.city("porto", "PT", "europe")
	waitLong(t, "a delivery", func() bool { return rcv.count() >= 1 })
	rotated := h.do(req{method: http.MethodPost, path: path + "/secret", token: token}).expect(t, http.StatusOK)
	var r struct {
		Secret string `json:"secret"`
	}
	rotated.JSON(t, &r)
	if r.Secret == created.Secret || !strings.HasPrefix(r.Secret, "whsec_") || rotated.Header.Get("ETag") != `"v3"` {
		t.Fatalf("rotated to %q (ETag %s)", r.Secret, rotated.Header.Get("ETag"))
	}
	h.city("lisbon", "PT", "europe")
	waitLong(t, "a delivery after the rotation", func() bool { return rcv.count() >= 2 })
	last := rcv.requests()[1]
	if err := webhook.Verify(r.Secret, last.header, last.body, time.Now()); err != nil {
		t.Fatalf("with the new secret: %v", err)
	}
	if err := webhook.Verify(created.Secret, last.header, last.body, time.Now()); err != nil {
		t.Fatalf("with the previous secret, during the grace period: %v", err)
	}
	if n := len(strings.Fields(last.header.Get(webhook.HeaderSignature))); n != 2 {
		t.Fatalf("%d signatures after a rotation", n)
	}

	var audit string
	if err := h.db.SQL().Get(&audit, `SELECT coalesce(string_agg(concat(before, after), ''), '') FROM audit_log WHERE resource = 'subscription'`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(audit, "mirror v2") {
		t.Fatalf("the audit trail has no images of the subscription: %s", audit)
	}
	for name, text := range map[string]string{
		"replay":   string(replay.Body),
		"get":      string(h.do(req{method: http.MethodGet, path: path, token: token}).expect(t, http.StatusOK).Body),
		"list":     string(h.do(req{method: http.MethodGet, path: "/v1/subscriptions", token: secretariat}).expect(t, http.StatusOK).Body),
		"patch":    string(patched.Body),
		"log":      string(h.do(req{method: http.MethodGet, path: path + "/deliveries", token: token}).expect(t, http.StatusOK).Body),
		"audit db": audit,
		"audit":    string(h.do(req{method: http.MethodGet, path: "/v1/audit?resource=subscription", token: admin}).expect(t, http.StatusOK).Body),
		"feed":     string(h.do(req{method: http.MethodGet, path: "/v1/changes?limit=1000"}).expect(t, http.StatusOK).Body),
	} {
		if strings.Contains(text, "whsec_") || strings.Contains(text, created.Secret[6:20]) || strings.Contains(text, r.Secret[6:20]) {
			t.Errorf("%s shows a secret: %.300s", name, text)
		}
	}
	if feed := string(h.do(req{method: http.MethodGet, path: "/v1/changes?limit=1000"}).Body); strings.Contains(feed, `"subscription"`) {
		t.Errorf("the change feed carries subscriptions: %.300s", feed)
	}
}

// TestTwoDispatchersShareTheWork: two instances' dispatchers on one database send each change
// once to a healthy receiver, in the feed's order: a delivery is claimed by one of them at a time.
func TestTwoDispatchersShareTheWork(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	token, _ := h.token(domain.RoleSubscriber)
	rcv := newReceiver(t, nil)
	subscribe(t, h, token, map[string]any{"url": rcv.srv.URL, "resources": []string{"city"}})
	startDispatcher(t, h, fastWebhooks)
	startDispatcher(t, h, fastWebhooks)
	var want []string
	for i := range 30 {
		slug := fmt.Sprintf("city-%02d", i)
		h.city(slug, "ES", "europe")
		want = append(want, slug)
	}
	waitLong(t, "thirty deliveries", func() bool { return rcv.count() >= 30 })
	time.Sleep(200 * time.Millisecond)
	var got []string
	for _, r := range rcv.requests() {
		got = append(got, r.event.Data.ResourceID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("delivered %v", got)
	}
}

// TestLongFailureIsPaused: a delivery failing for longer than WEBHOOK_MAX_FAILING pauses its
// subscription even before the bound of attempts.
func TestLongFailureIsPaused(t *testing.T) {
	w := fastWebhooks
	w.MaxAttempts, w.MaxFailing = 1000, 300*time.Millisecond
	h := newWebhookHarness(t, w)
	token, _ := h.token(domain.RoleSubscriber)
	rcv := newReceiver(t, func(string, int) int { return http.StatusInternalServerError })
	id, _ := subscribe(t, h, token, map[string]any{"url": rcv.srv.URL, "resources": []string{"city"}})
	startDispatcher(t, h, w)
	h.city("porto", "PT", "europe")
	var s *domain.Subscription
	waitLong(t, "paused", func() bool {
		var err error
		s, err = h.db.GetSubscription(fixtureCtx(), fixtureCaller.Actor, id)
		return err == nil && s.Status == domain.SubscriptionPaused
	})
	if n := rcv.count(); n < 2 || n > 100 || !strings.Contains(*s.PausedReason, "failed for more than 300ms") {
		t.Fatalf("%d attempts; paused because %q", n, *s.PausedReason)
	}
}

// TestRevokedTokenStopsItsDeliveries: a subscription lives with its token: while the token is
// revoked, nothing is queued or sent for it.
func TestRevokedTokenStopsItsDeliveries(t *testing.T) {
	h := newWebhookHarness(t, fastWebhooks)
	token, tokenID := h.token(domain.RoleSubscriber)
	rcv := newReceiver(t, nil)
	subscribe(t, h, token, map[string]any{"url": rcv.srv.URL, "resources": []string{"city"}})
	startDispatcher(t, h, fastWebhooks)
	h.city("porto", "PT", "europe")
	waitLong(t, "a delivery", func() bool { return rcv.count() == 1 })
	if _, err := h.db.RevokeToken(fixtureCtx(), fixtureCaller, tokenID, domain.MatchAny); err != nil {
		t.Fatal(err)
	}
	h.city("lisbon", "PT", "europe")
	time.Sleep(300 * time.Millisecond)
	if rcv.count() != 1 {
		t.Fatalf("%d deliveries after the token was revoked", rcv.count()-1)
	}
}
