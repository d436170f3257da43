// Command digitalcities runs the Digital Cities API and its maintenance tasks:
//
//	digitalcities [serve]      apply migrations and serve the API (the default)
//	digitalcities migrate      apply the database migrations
//	digitalcities seed         load the sample data (idempotent)
//	digitalcities openapi      print the OpenAPI contract (YAML, or JSON with --json)
//	digitalcities token ...    create, list and revoke API tokens
//
// Configuration comes from the environment (DATABASE_URL, PORT, ...; see internal/config).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "digitalcities:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg + " (see digitalcities help)" }

const usage = `usage: digitalcities [command] [flags]

commands:
  serve                 apply migrations and serve the API on $PORT (default 8080); the default command
  migrate               apply the database migrations
  seed                  load the sample data (idempotent)
  openapi [--json]      print the OpenAPI 3.1 contract
  token create --role ROLE --name NAME [--city SLUG ...]
                        create an API token and print its secret (shown once)
  token list            list API tokens
  token revoke ID       revoke an API token

environment: DATABASE_URL (default ` + config.DefaultDatabaseURL + `), DATABASE_READ_URL, PORT, LOG_LEVEL,
  DB_MAX_CONNS, DB_STATEMENT_TIMEOUT, REQUEST_TIMEOUT, RATE_READS_PER_MINUTE, RATE_WRITES_PER_MINUTE,
  RATE_EXPORTS_PER_MINUTE, RATE_AUTH_FAILURES_PER_MINUTE, MAX_CONCURRENT_PER_CLIENT, WEBHOOK_ALLOW_PRIVATE,
  WEBHOOK_POLL_INTERVAL, WEBHOOK_TIMEOUT, WEBHOOK_RETRY_SCHEDULE, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_MAX_FAILING
`

// run is the whole program, with its dependencies passed in so that tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd != "serve" {
		cfg.DatabaseReadURL = "" // the tools write, or read what they just wrote: the primary only
	}
	switch cmd {
	case "serve":
		logs := newLogBuffer(stderr)
		defer logs.Close()
		return serve(ctx, cfg, args, newLogger(logs, cfg.LogLevel))
	case "migrate":
		return withDB(ctx, cfg, func(db *postgres.DB) error {
			fmt.Fprintln(stdout, "migrations applied")
			return nil
		})
	case "seed":
		return seedCmd(ctx, cfg, args, stdout)
	case "openapi":
		return openapiCmd(args, stdout)
	case "token":
		return tokenCmd(ctx, cfg, args, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// withDB opens the database, applies the migrations and runs fn.
func withDB(ctx context.Context, cfg config.Config, fn func(db *postgres.DB) error) error {
	if err := postgres.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: cfg.DBMaxConns,
		StatementTimeout: cfg.StatementTimeout, ReadURL: cfg.DatabaseReadURL})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := db.Prepare(ctx); err != nil {
		return err
	}
	return fn(db)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// parseFlags parses a subcommand's flags, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usageError{fs.Name() + ": " + err.Error()}
	}
	return nil
}
