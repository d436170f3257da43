package api

import (
	"context"
	"log/slog"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestExportsAreBounded: when every export slot is taken, another export is refused with
// EUNAVAILABLE (503 with Retry-After) before it takes a database connection.
func TestExportsAreBounded(t *testing.T) {
	if n := maxExports(config.Config{DBMaxConns: 12}); n != 4 {
		t.Fatalf("a pool of 12 allows %d exports, want 4", n)
	}
	if n := maxExports(config.Config{DBMaxConns: 3}); n != 2 {
		t.Fatalf("a pool of 3 allows %d exports, want at least 2", n)
	}
	h := &handlers{log: slog.New(slog.DiscardHandler), exports: make(chan struct{}, 1)}
	h.exports <- struct{}{} // one export running
	_, err := h.exportObservations(context.Background(), &ExportInput{Format: "csv"})
	if domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("an export beyond the bound: %v", err)
	}
	<-h.exports
	if _, err := h.exportObservations(context.Background(), &ExportInput{Format: "csv"}); err != nil {
		t.Fatalf("an export within the bound: %v", err)
	}
}
