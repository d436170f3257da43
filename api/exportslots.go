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
)

// exportSlots bounds the exports that stream at once, in all and per client.
type exportSlots struct {
	mu        sync.Mutex
	total     int
	perClient int
	running   int
	byClient  map[string]int
}

// newExportSlots allows total exports at once, and a quarter of them (at least one) per client.
func newExportSlots(total int) *exportSlots {
	return &exportSlots{total: total, perClient: max(1, total/4), byClient: map[string]int{}}
}

// acquire takes a slot for the client: ETOOMANY when the client already holds its share,
// EUNAVAILABLE when every slot is taken.
func (s *exportSlots) acquire(client string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byClient[client] >= s.perClient {
		return domain.Errorf(domain.ETOOMANY, "this client already runs %d export(s), its share; wait for one to finish", s.perClient)
	}
	if s.running >= s.total {
		return domain.Errorf(domain.EUNAVAILABLE, "%d exports are already running; retry shortly", s.total)
	}
	s.running++
	s.byClient[client]++
	return nil
}

// release gives the client's slot back.
func (s *exportSlots) release(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if s.byClient[client]--; s.byClient[client] <= 0 {
		delete(s.byClient, client)
	}
}
