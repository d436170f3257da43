package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ChangeEvent is the JSON body of a delivery: one change of the feed.
type ChangeEvent struct {
	ID        string          `json:"id" maxLength:"30" pattern:"^evt_[0-9]+$" example:"evt_81234" doc:"The event's id, also sent as webhook-id: the same on every retry of the delivery. Keep the ids you have handled and ignore a delivery whose id you have seen."`
	Type      string          `json:"type" maxLength:"40" pattern:"^[a-z_]+\\.(create|update|delete)$" example:"observation.update" doc:"The resource's kind and the action, as <resource>.<action>."`
	Timestamp time.Time       `json:"timestamp" doc:"When the change was made (the start of its transaction)."`
	Data      ChangeEventData `json:"data" doc:"The change as /v1/changes shows it."`
}

// ChangeEventData is the change of an event, as the change feed's items show it.
type ChangeEventData struct {
	domain.Change
	Href string `json:"href" maxLength:"300" example:"/v1/observations/8123" doc:"The resource's path in this API."`
}

// EventID is the id of the event of a change: the same for every subscription and every retry.
func EventID(change int64) string { return "evt_" + strconv.FormatInt(change, 10) }

// NewChangeEvent is the event of a change.
func NewChangeEvent(c domain.Change) ChangeEvent {
	return ChangeEvent{ID: EventID(c.ID), Type: c.Resource + "." + c.Action, Timestamp: c.At,
		Data: ChangeEventData{Change: c, Href: domain.ChangeHref(c.Resource, c.ResourceID)}}
}

// Store is what the dispatcher needs of the database (internal/postgres implements it).
type Store interface {
	DeliverableSubscriptions(ctx context.Context) ([]int64, error)
	QueueDeliveries(ctx context.Context, subscription int64, limit int) (queued int, caughtUp bool, err error)
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]domain.DeliveryJob, error)
	RecordAttempt(ctx context.Context, delivery int64, a domain.DeliveryAttempt) error
	ReleaseDelivery(ctx context.Context, delivery int64) error
	PurgeDeliveries(ctx context.Context, before time.Time) (int64, error)
}

// Tuning of the dispatcher.
const (
	queueBatch   = 500                 // changes read from the feed per subscription and transaction
	queueRounds  = 20                  // batches per subscription and poll, so that one cannot hold the others back
	workers      = 8                   // deliveries sent at once by one instance
	sendRounds   = 100                 // rounds of claims per poll
	maxBody      = 64 << 10            // what is read of a receiver's answer before the connection is let go
	keepLog      = 30 * 24 * time.Hour // how long delivered deliveries stay in the log
	leaseMargin  = 15 * time.Second    // a claim outlives the receiver's timeout by this much
	recordWithin = 10 * time.Second    // the deadline of recording an attempt, even while stopping
)

// Dispatcher turns the change feed into deliveries and sends them. Run it in one goroutine per
// instance; several instances may run on one database (see internal/postgres/deliveries.go).
type Dispatcher struct {
	store   Store
	client  *http.Client
	cfg     config.Webhooks
	backoff Backoff
	log     *slog.Logger
}

// NewDispatcher returns a dispatcher with the given settings (zero values take their defaults).
func NewDispatcher(store Store, cfg config.Webhooks, log *slog.Logger) *Dispatcher {
	cfg = cfg.WithDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{store: store, client: NewClient(cfg.Timeout, cfg.AllowPrivate), cfg: cfg,
		backoff: Backoff{Waits: cfg.Retries, Jitter: 0.2}, log: log}
}

// Run queues and sends deliveries every poll interval until ctx ends, and returns once the
// attempts in flight have ended: an attempt cut short by the end is given back, to be made
// again by the next dispatcher (the receiver may then see it twice, with the same id).
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTicker(d.cfg.PollInterval)
	defer t.Stop()
	var purged time.Time
	for {
		d.queue(ctx)
		d.send(ctx)
		if time.Since(purged) > time.Hour && ctx.Err() == nil {
			if n, err := d.store.PurgeDeliveries(ctx, time.Now().Add(-keepLog)); err != nil {
				d.warn(ctx, "purge deliveries", err)
			} else if n > 0 {
				d.log.Info("webhooks: purged delivered deliveries", "count", n)
			}
			purged = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// warn logs a failure unless it comes from stopping.
func (d *Dispatcher) warn(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		d.log.Warn("webhooks: "+what, "error", err.Error())
	}
}

// queue brings every deliverable subscription's queue up to the feed.
func (d *Dispatcher) queue(ctx context.Context) {
	ids, err := d.store.DeliverableSubscriptions(ctx)
	if err != nil {
		d.warn(ctx, "list subscriptions", err)
		return
	}
	for _, id := range ids {
		for range queueRounds {
			if ctx.Err() != nil {
				return
			}
			n, caughtUp, err := d.store.QueueDeliveries(ctx, id, queueBatch)
			if err != nil {
				d.warn(ctx, "queue deliveries", err)
				break
			}
			if n > 0 {
				d.log.Debug("webhooks: queued", "subscription", id, "count", n)
			}
			if caughtUp {
				break
			}
		}
	}
}

// send makes the attempts that are due, a few at a time, until none is.
func (d *Dispatcher) send(ctx context.Context) {
	lease := d.cfg.Timeout + leaseMargin
	for range sendRounds {
		if ctx.Err() != nil {
			return
		}
		jobs, err := d.store.ClaimDeliveries(ctx, workers, lease)
		if err != nil {
			d.warn(ctx, "claim deliveries", err)
			return
		}
		if len(jobs) == 0 {
			return
		}
		var wg sync.WaitGroup
		for _, job := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.attempt(ctx, job)
			}()
		}
		wg.Wait()
	}
}

// attempt sends one delivery and records what became of it.
func (d *Dispatcher) attempt(ctx context.Context, job domain.DeliveryJob) {
	record := func(a domain.DeliveryAttempt) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordWithin)
		defer cancel()
		if err := d.store.RecordAttempt(rctx, job.ID, a); err != nil {
			d.log.Error("webhooks: attempt not recorded", "delivery", job.ID, "error", err.Error())
		}
	}
	status, err := d.post(ctx, job)
	if ctx.Err() != nil {
		// Stopping: the attempt may or may not have reached the receiver; make it again later.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordWithin)
		defer cancel()
		if err := d.store.ReleaseDelivery(rctx, job.ID); err != nil {
			d.log.Error("webhooks: delivery not given back", "delivery", job.ID, "error", err.Error())
		}
		return
	}
	a := domain.DeliveryAttempt{}
	if err == nil {
		a.Status = &status
		a.Delivered = status >= 200 && status <= 299
		if !a.Delivered {
			a.Error = describeStatus(status)
		}
	} else {
		a.Error = describe(err, d.cfg.Timeout)
	}
	attempts := job.Attempts + 1
	switch {
	case a.Delivered:
	case status == http.StatusGone:
		a.GiveUp = "the receiver answered 410 Gone: it wants no more deliveries"
	case attempts >= d.cfg.MaxAttempts:
		a.GiveUp = fmt.Sprintf("the endpoint failed %d attempts in a row (last: %s)", attempts, a.Error)
	case job.FirstAttemptAt != nil && time.Since(*job.FirstAttemptAt) >= d.cfg.MaxFailing:
		a.GiveUp = fmt.Sprintf("the endpoint failed for more than %s (last: %s)", d.cfg.MaxFailing, a.Error)
	default:
		a.RetryIn = d.backoff.Wait(attempts)
	}
	d.log.Info("webhooks: attempt", "delivery", job.ID, "subscription", job.SubscriptionID, "change", job.Change.ID,
		"attempt", attempts, "status", status, "delivered", a.Delivered, "error", a.Error, "gave_up", a.GiveUp != "")
	record(a)
}

// post sends a delivery, signed now, and returns the receiver's status.
func (d *Dispatcher) post(ctx context.Context, job domain.DeliveryJob) (int, error) {
	event := NewChangeEvent(job.Change)
	body, err := json.Marshal(event)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "digitalcities-webhooks/1")
	if err := SignHeaders(req.Header, job.Secrets, event.ID, time.Now(), body); err != nil {
		return 0, err
	}
	res, err := d.client.Do(req) // #nosec G704 -- the URL is a subscriber's, and the client connects only to public addresses unless configured otherwise
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxBody)) // lets the connection be reused
	return res.StatusCode, nil
}
