// Package migrations embeds the goose SQL migrations that build the database schema.
package migrations

import "embed"

// FS holds every migration file; goose applies them in version order.
//
//go:embed *.sql
var FS embed.FS
