package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/webhook"
)

// serve applies the migrations and serves the API until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, cfg config.Config, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	port := fs.Int("port", cfg.Port, "port to listen on (env PORT)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *port != cfg.Port && cfg.PublicBaseURL == config.DefaultPublicBaseURL(cfg.Port) {
		cfg.PublicBaseURL = config.DefaultPublicBaseURL(*port) // the default follows --port as it follows PORT
	}
	return withDB(ctx, cfg, func(db *postgres.DB) error {
		handler, _ := api.New(api.Deps{DB: db, Logger: log, Config: cfg})
		srv := httpx.NewHTTPServer(ctx, net.JoinHostPort("", fmt.Sprint(*port)), handler)
		go purgeIdempotencyKeys(ctx, db, log)
		// The webhook dispatcher stops before the database closes, whatever ends the server.
		dispatchCtx, stopDispatch := context.WithCancel(ctx)
		dispatched := make(chan struct{})
		go func() { defer close(dispatched); webhook.NewDispatcher(db, cfg.Webhooks, log).Run(dispatchCtx) }()
		defer func() { stopDispatch(); <-dispatched }()
		// The samples of the visibility horizon stop with the server, before the store closes.
		sampling, stopSampling := context.WithCancel(ctx)
		sampled := make(chan struct{})
		go func() { defer close(sampled); sampleSyncHorizons(sampling, db, log) }()
		defer func() { stopSampling(); <-sampled }()

		errc := make(chan error, 1)
		go func() { errc <- srv.ListenAndServe() }()
		log.Info("serving", "addr", srv.Addr, "docs", fmt.Sprintf("http://localhost:%d/docs", *port))
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
}

// sampleSyncHorizons records a sample of the visibility horizon now and every
// postgres.SyncSampleEvery until ctx ends: updated_since and as_of read them to tell which
// writes a read at a given time could see. A failed sample is logged and the next one tried.
func sampleSyncHorizons(ctx context.Context, db *postgres.DB, log *slog.Logger) {
	t := time.NewTicker(postgres.SyncSampleEvery)
	defer t.Stop()
	for {
		if err := db.RecordSyncHorizon(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sample the visibility horizon", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeIdempotencyKeys deletes expired idempotency keys every hour.
func purgeIdempotencyKeys(ctx context.Context, db *postgres.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := db.PurgeIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purge idempotency keys", "error", err.Error())
		} else if n > 0 {
			log.Info("purged idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
