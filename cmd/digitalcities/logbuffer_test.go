package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// written is what w's buffer holds, read under w's lock (the flushing timer writes to it).
func written(w *syncWriter, buf *bytes.Buffer) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return buf.String()
}

// TestLogBufferWritesEveryLineInBatches: lines written from many goroutines all arrive whole,
// not at once but within the flush interval, and Close writes what is left at once.
func TestLogBufferWritesEveryLineInBatches(t *testing.T) {
	var buf bytes.Buffer
	out := &syncWriter{w: &buf}
	logs := newLogBuffer(out)
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
	if got := written(out, &buf); got != "" {
		t.Fatalf("lines written at once, not batched: %d bytes", len(got))
	}
	deadline := time.Now().Add(10 * logFlushInterval)
	for strings.Count(written(out, &buf), "\n") < 800 && time.Now().Before(deadline) {
		time.Sleep(logFlushInterval / 4)
	}
	lines := strings.Split(strings.TrimSuffix(written(out, &buf), "\n"), "\n")
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
	if !strings.HasSuffix(written(out, &buf), "last\n") {
		t.Fatal("Close did not write the buffered line")
	}
	logs.Write([]byte("after\n")) //nolint:errcheck
	if !strings.HasSuffix(written(out, &buf), "after\n") {
		t.Fatal("a line after Close was not written at once")
	}
}
