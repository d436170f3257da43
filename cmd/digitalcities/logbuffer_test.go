package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the flushing timer and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogBufferWritesEveryLineInBatches: lines written from many goroutines all arrive whole,
// not at once but within the flush interval, and Close writes what is left at once.
func TestLogBufferWritesEveryLineInBatches(t *testing.T) {
	var out syncBuffer
	logs := newLogBuffer(&out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				logs.Write([]byte(strings.Repeat(string(rune('a'+g)), 10+i) + "\n")) //nolint:errcheck
			}
		}()
	}
	wg.Wait()
	if got := out.String(); got != "" {
		t.Fatalf("lines written at once, not batched: %d bytes", len(got))
	}
	deadline := time.Now().Add(10 * logFlushInterval)
	for strings.Count(out.String(), "\n") < 800 && time.Now().Before(deadline) {
		time.Sleep(logFlushInterval / 4)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines after the flush interval, want 800", len(lines))
	}
	for _, l := range lines {
		if strings.Trim(l, string(l[0])) != "" {
			t.Fatalf("a line was torn: %q", l)
		}
	}

	logs.Write([]byte("last\n")) //nolint:errcheck
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "last\n") {
		t.Fatal("Close did not write the buffered line")
	}
	logs.Write([]byte("after\n")) //nolint:errcheck
	if !strings.HasSuffix(out.String(), "after\n") {
		t.Fatal("a line after Close was not written at once")
	}
}
