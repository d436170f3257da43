package webhook

import (
	"math/rand/v2"
	"time"
)

// Backoff is the retry policy of deliveries: the waits before the second, third, … attempts
// (the last wait repeats), each varied by up to Jitter of itself either way, so that the
// deliveries that failed together are not all retried at the same moment.
type Backoff struct {
	Waits  []time.Duration
	Jitter float64 // 0.2: ±20 %
}

// Wait is the wait before the next attempt after the given number of failed attempts (1 after
// the first failure).
func (b Backoff) Wait(failed int) time.Duration {
	if len(b.Waits) == 0 {
		return 0
	}
	i := min(max(failed, 1), len(b.Waits)) - 1
	d := b.Waits[i]
	if b.Jitter > 0 {
		f := 1 + b.Jitter*(2*rand.Float64()-1) // #nosec G404 -- jitter, not a secret
		d = time.Duration(float64(d) * f)
	}
	return d
}
