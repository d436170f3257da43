package api

import (
	"context"
	"fmt"
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
	h := &handlers{log: slog.New(slog.DiscardHandler), exports: newExportSlots(1)}
	a := withClient(context.Background(), "ip:192.0.2.1")
	if err := h.exports.acquire("ip:192.0.2.9"); err != nil { // another client's export is running
		t.Fatal(err)
	}
	_, err := h.exportObservations(a, &ExportInput{Format: "csv"})
	if domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("an export beyond the bound: %v", err)
	}
	h.exports.release("ip:192.0.2.9")
	if _, err := h.exportObservations(a, &ExportInput{Format: "csv"}); err != nil {
		t.Fatalf("an export within the bound: %v", err)
	}
}

// TestExportSharesPerClient: one client (a slow reader, say) cannot hold every export slot:
// past its share it gets ETOOMANY (429), while other clients still get theirs.
func TestExportSharesPerClient(t *testing.T) {
	s := newExportSlots(8) // a share of 2 per client
	for i := 0; i < 2; i++ {
		if err := s.acquire("t:1"); err != nil {
			t.Fatalf("export %d within the share: %v", i+1, err)
		}
	}
	if err := s.acquire("t:1"); domain.ErrorCode(err) != domain.ETOOMANY {
		t.Fatalf("a third export of one client: %v", err)
	}
	for i := 0; i < 6; i++ {
		if err := s.acquire(fmt.Sprintf("ip:192.0.2.%d", i)); err != nil {
			t.Fatalf("another client's export: %v", err)
		}
	}
	if err := s.acquire("ip:192.0.2.200"); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("an export beyond the total: %v", err)
	}
	s.release("t:1")
	if err := s.acquire("t:1"); err != nil {
		t.Fatalf("after one ended, the client has a slot again: %v", err)
	}
}
