package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushInterval is how long a log line may wait in the buffer before it is written.
const logFlushInterval = 100 * time.Millisecond

// logBuffer gathers the server's log lines and writes them in batches: at most
// logFlushInterval after the first line of a batch, when 64 KiB have gathered, and on Close. A
// write per line, one per request for the access log, cost a system call each and woke
// whatever reads the logs for every request. What a crash of the process leaves unwritten is
// at most the last interval's lines.
type logBuffer struct {
	mu      sync.Mutex
	w       *bufio.Writer
	pending bool // a flush is scheduled
	closed  bool
}

// newLogBuffer buffers the lines written to w.
func newLogBuffer(w io.Writer) *logBuffer {
	return &logBuffer{w: bufio.NewWriterSize(w, 64<<10)}
}

// Write adds p (one log line) to the buffer and schedules its flush. After Close, lines are
// written at once.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.w.Write(p)
	if err != nil || b.closed {
		if ferr := b.w.Flush(); err == nil {
			err = ferr
		}
		return n, err
	}
	if !b.pending {
		b.pending = true
		time.AfterFunc(logFlushInterval, b.flush)
	}
	return n, nil
}

// flush writes what the buffer holds.
func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	_ = b.w.Flush() // nowhere to report a failure to write the logs
}

// Close writes what the buffer holds; later lines are written as they come.
func (b *logBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.w.Flush()
}
