package api

import (
	"context"
	"time"
)

// HealthOutput is the body of the probes.
type HealthOutput struct {
	Body struct {
		Status string `json:"status" enum:"ok" doc:"ok when the probe passes."`
	}
}

func okHealth() *HealthOutput {
	out := &HealthOutput{}
	out.Body.Status = "ok"
	return out
}

// livez answers as long as the process serves HTTP; it does not touch the database.
func (h *handlers) livez(context.Context, *struct{}) (*HealthOutput, error) {
	return okHealth(), nil
}

// readyz answers 200 when the database answers within two seconds, else 503.
func (h *handlers) readyz(ctx context.Context, _ *struct{}) (*HealthOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := h.db.Ping(ctx); err != nil {
		return nil, err
	}
	return okHealth(), nil
}
