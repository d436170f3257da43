package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// updatedSinceDoc documents updated_since, the same on every collection.
const updatedSinceDoc = "Only items changed since this point, for incremental sync. The point is an RFC 3339 time " +
	"(when your previous sync began, by the server's clock: the Date header of its first response) or a change-feed " +
	"cursor (a next_cursor of /v1/changes, or a release's changes_cursor); anything else is a 422. Changes count by " +
	"the transaction that made them, as in the change feed: every item written by a transaction that a read at that " +
	"point could not see is listed (a write that began before it and committed after it too), and some items " +
	"changed shortly before it may be listed again. A time older than the server's samples of its transactions " +
	"(every 30 seconds for two days, then hourly) lists every item: a full resync. Deletions are not listed (the " +
	"change feed carries them), and items never written through the API (bulk-loaded synthetic data) never count " +
	"as changed."

// SyncParams is the updated_since parameter of every collection. A list embeds it and turns it
// into its filter with h.syncPoint.
type SyncParams struct {
	UpdatedSince string `query:"updated_since" maxLength:"200" doc:"Only items changed since this point, for incremental sync." example:"2025-01-20T09:00:00Z"`
}

// syncPoint reads updated_since (nil when absent) and finds the transaction its changes start
// from; nil too when the time is older than the server's records (every item counts).
func (h *handlers) syncPoint(ctx context.Context, p SyncParams) (*domain.SyncPoint, error) {
	u, err := domain.ParseUpdatedSince(p.UpdatedSince, "query.updated_since")
	if err != nil || u == nil {
		return nil, err
	}
	return h.db.SyncPoint(ctx, u)
}
