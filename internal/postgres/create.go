package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/lib/pq"
)

// EnsureDatabase creates the database named in databaseURL when the server says it does not
// exist (SQLSTATE 3D000), connecting to the server's "postgres" database to do so.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil // a key=value connection string: leave it to the operator
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return nil
	}
	db, err := sql.Open("postgres", databaseURL)
	if err != nil {
		return err
	}
	err = db.PingContext(ctx)
	_ = db.Close()
	var pe *pq.Error
	if err == nil || !errors.As(err, &pe) || pe.Code != "3D000" {
		return nil // it exists, or Open will report the real problem
	}
	admin := *u
	admin.Path = "/postgres"
	adb, err := sql.Open("postgres", admin.String())
	if err != nil {
		return err
	}
	defer adb.Close()
	_, err = adb.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	if errors.As(err, &pe) && pe.Code == "42P04" {
		return nil // created meanwhile by another instance
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}
