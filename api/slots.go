package api

import (
	"sync"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Export limits. An export holds a database connection while a client reads it, so the
// exports streaming at once are bounded, each client gets only a share of them, and a client
// must keep reading: every flush of rows must be taken within exportFlushDeadline (about
// 30 KB/s at the least) and the whole export within exportMaxDuration.
const (
	exportFlushDeadline = 30 * time.Second
	exportMaxDuration   = 30 * time.Minute
	// longRunningMax bounds a long-running operation that answers once, at its end (a release).
	longRunningMax = exportMaxDuration
)

// slots bound a kind of long request (exports streaming, imports uploading) in all and per
// client, so that no client can take every slot however slowly it sends or reads.
type slots struct {
	what      string // "export(s)", for messages
	mu        sync.Mutex
	total     int
	perClient int
	running   int
	byClient  map[string]int
}

// newSlots allows total requests of a kind at once, and perClient of them to one client.
func newSlots(what string, total, perClient int) *slots {
	return &slots{what: what, total: total, perClient: perClient, byClient: map[string]int{}}
}

// newExportSlots allows total exports at once, and a quarter of them (at least one) per client.
func newExportSlots(total int) *slots {
	return newSlots("export(s)", total, max(1, total/4))
}

// acquire takes a slot for the client: ETOOMANY when the client already holds its share,
// EUNAVAILABLE when every slot is taken.
func (s *slots) acquire(client string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byClient[client] >= s.perClient {
		return domain.Errorf(domain.ETOOMANY, "this client already runs %d %s, its share; wait for one to finish", s.perClient, s.what)
	}
	if s.running >= s.total {
		return domain.Errorf(domain.EUNAVAILABLE, "%d %s already running; retry shortly", s.total, s.what)
	}
	s.running++
	s.byClient[client]++
	return nil
}

// release gives the client's slot back.
func (s *slots) release(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if s.byClient[client]--; s.byClient[client] <= 0 {
		delete(s.byClient, client)
	}
}
