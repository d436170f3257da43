package api

import (
	"context"
	"log/slog"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestImportSlots: a quarter of the pool may import at once, at least one; when every slot is
// taken another import is refused with EUNAVAILABLE (503 with Retry-After) before it reads its
// body or takes a database connection.
func TestImportSlots(t *testing.T) {
	if n := maxImports(config.Config{DBMaxConns: 12}); n != 3 {
		t.Fatalf("a pool of 12 allows %d imports, want 3", n)
	}
	if n := maxImports(config.Config{DBMaxConns: 3}); n != 1 {
		t.Fatalf("a pool of 3 allows %d imports, want 1", n)
	}
	h := &handlers{log: slog.New(slog.DiscardHandler), uploads: newSlots("import upload(s)", 1, 1), imports: make(chan struct{}, 1)}
	if err := h.uploads.acquire("t:9"); err != nil { // another client's upload is being received
		t.Fatal(err)
	}
	ctx := withClient(withActor(context.Background(), &domain.Actor{Name: "t", Role: domain.RoleSecretariat}), "t:1")
	_, err := h.importObservations(ctx, &ImportInput{ContentType: "text/csv"})
	if domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("an upload beyond the bound: %v", err)
	}
}
