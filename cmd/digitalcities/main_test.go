package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestOpenAPICommandPrintsTheCommittedContract(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"openapi"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../openapi/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Fatal("`digitalcities openapi` differs from openapi/openapi.yaml: run `make openapi`")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"token"}, {"token", "create", "--role", "root", "--name", "x"},
		{"token", "create", "--role", "editor", "--name", "x"}, {"token", "revoke", "abc"}, {"serve", "--bogus"}} {
		var out bytes.Buffer
		err := run(context.Background(), args, env(map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x"}), &out, &out)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, env(nil), &out, &out); err != nil || !strings.Contains(out.String(), "token create") {
		t.Fatalf("help: %v %q", err, out.String())
	}
	if err := run(context.Background(), nil, env(map[string]string{"PORT": "eighty"}), &out, &out); err == nil {
		t.Fatal("a bad PORT was accepted")
	}
}

func TestTokenAndSeedCommands(t *testing.T) {
	_, url := testdb.Create(t)
	e := env(map[string]string{"DATABASE_URL": url})
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate"}, e, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"seed"}, e, &out, &out); err != nil || !strings.Contains(out.String(), "records added") {
		t.Fatalf("seed: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"token", "create", "--role", "editor", "--city", "bilbao", "--city", "malaga", "--name", "Editor"}, e, &out, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if secret := lines[len(lines)-1]; !strings.HasPrefix(secret, "dcapi_") {
		t.Fatalf("no secret printed: %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"token", "list"}, e, &out, &out); err != nil || !strings.Contains(out.String(), "bilbao,malaga") ||
		strings.Contains(out.String(), "dcapi_") && !strings.Contains(out.String(), "PREFIX") {
		t.Fatalf("list: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"token", "revoke", "1"}, e, &out, &out); err != nil || !strings.Contains(out.String(), "revoked") {
		t.Fatalf("revoke: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"token", "revoke", "999"}, e, &out, &out); err == nil {
		t.Fatal("revoking an unknown token succeeded")
	}
	out.Reset()
	if err := run(ctx, []string{"seed", "--synthetic", "2000"}, e, &out, &out); err != nil || !strings.Contains(out.String(), "synthetic observations loaded: 2000") {
		t.Fatalf("synthetic: %v %q", err, out.String())
	}
}

// TestServeShutsDownGracefully serves on a free port, answers a request, samples the
// visibility horizon from its start, and returns cleanly when its context ends (as on SIGTERM).
func TestServeShutsDownGracefully(t *testing.T) {
	_, url := testdb.Create(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--port", strconv.Itoa(port)}, env(map[string]string{"DATABASE_URL": url}), io.Discard, &syncWriter{w: &logs})
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	var res *http.Response
	for i := 0; i < 100; i++ {
		if res, err = http.Get(base + "/readyz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v", err)
	}
	res.Body.Close()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	samples := 0
	for i := 0; i < 100 && samples == 0; i++ {
		if err := db.QueryRow(`SELECT count(*) FROM sync_horizons`).Scan(&samples); err != nil {
			t.Fatal(err)
		}
		if samples == 0 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if samples == 0 {
		t.Fatal("no sample of the visibility horizon since the server started")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(logs.String(), `"msg":"shutting down"`) || !strings.Contains(logs.String(), `"route":"/readyz"`) {
		t.Fatalf("logs: %s", logs.String())
	}
}

// syncWriter serialises writes from the server's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
