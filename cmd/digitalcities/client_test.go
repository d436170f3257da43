package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestTypeScriptClientExample compiles the TypeScript client and its example program
// (clients/typescript) with tsc, and runs the example with node against the real server, on a
// fresh database with the sample data: it lists the cities page by page, reads one and
// revalidates it, and exits non-zero when an answer is not what the contract says. It fails,
// never skips, without node or the npm packages.
func TestTypeScriptClientExample(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: install Node.js 20.19 or newer (apt-get install nodejs npm, brew install node), " +
			"then run `npm ci --ignore-scripts` in the repository's root (make lint does it)")
	}
	tsc := filepath.Join(root, "node_modules", ".bin", "tsc")
	for _, p := range []string{tsc, filepath.Join(root, "node_modules", "openapi-fetch", "package.json")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: run `npm ci --ignore-scripts` in the repository's root (make lint does it)", p)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	compile := exec.CommandContext(ctx, node, tsc, "-p", "clients/typescript") // #nosec G204 -- our own tools, no user input
	compile.Dir = root
	if out, err := compile.CombinedOutput(); err != nil {
		t.Fatalf("tsc -p clients/typescript: %v\n%s", err, out)
	}

	base := serveSampleData(t)
	example := exec.CommandContext(ctx, node, filepath.Join("clients", "typescript", "dist", "examples", "list-cities.js")) // #nosec G204 -- our own program
	example.Dir = root
	example.Env = append(os.Environ(), "DIGITALCITIES_URL="+base)
	out, err := example.CombinedOutput()
	if err != nil {
		t.Fatalf("the TypeScript example failed: %v\n%s", err, out)
	}
	t.Logf("the TypeScript example:\n%s", out)
}

// serveSampleData runs the program's serve command on a free loopback port, on a fresh database
// with the sample data loaded, until the test ends; it returns the server's base URL.
func serveSampleData(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	_, url := testdb.Create(t)
	e := env(map[string]string{"DATABASE_URL": url})
	for _, cmd := range []string{"migrate", "seed"} {
		if err := run(ctx, []string{cmd}, e, io.Discard, io.Discard); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	serveCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(serveCtx, []string{"serve", "--port", strconv.Itoa(port)}, e, io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		if i == 100 {
			t.Fatalf("the server did not become ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
