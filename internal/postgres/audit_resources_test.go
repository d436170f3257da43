package postgres

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestEveryAuditedResourceIsInTheContract reads the store's audit calls and checks that each
// kind of resource they write is among the values the audit entry's schema (and so the
// resource filter of list-audit-entries) declares: a kind missing there makes the audit trail
// fail its own contract and cannot be filtered on.
func TestEveryAuditedResourceIsInTheContract(t *testing.T) {
	field, _ := reflect.TypeFor[domain.AuditEntry]().FieldByName("Resource")
	declared := strings.Split(field.Tag.Get("enum"), ",")
	call := regexp.MustCompile(`audit\(ctx, tx, \w+, "(?:create|update|delete)", "([a-z_]+)"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f) // #nosec G304 -- this package's own source files
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !slices.Contains(declared, m[1]) {
				t.Errorf("%s audits resource %q, which domain.AuditEntry's enum does not list", f, m[1])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d audit calls: the pattern no longer matches how the store audits", seen)
	}
}
