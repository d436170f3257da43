-- +goose Up
-- Incremental sync (updated_since) and vintages (as_of) read the audit trail by transaction,
-- as the change feed does. The audit trail knows when each writing transaction began, not when
-- it committed; these samples of the visibility horizon say which transactions had committed by
-- a given time. The server takes one at start and every 30 seconds, and thins out those older
-- than two days to the first of each hour.
--
-- One sample is one statement, INSERT … SELECT, whose snapshot is taken after began and before
-- at. So every transaction that was not yet visible at some time T >= at has an id >= horizon
-- (it was still running, or had not started, when the snapshot was taken), and every transaction
-- that snapshot does not see (pg_visible_in_snapshot) had not committed by any time T < began.
-- (The horizon is the snapshot's xmin; a column cannot be called xmin, a system column's name.)
CREATE TABLE sync_horizons (
    at       timestamptz PRIMARY KEY, -- clock_timestamp(): after the snapshot was taken
    began    timestamptz NOT NULL,    -- statement_timestamp(): before the snapshot was taken
    horizon  xid8 NOT NULL,           -- pg_snapshot_xmin(snapshot)
    snapshot pg_snapshot NOT NULL,    -- which transactions had committed, exactly
    CHECK (began <= at)
);

-- updated_since keeps the rows of one resource changed by transactions from a horizon on: it
-- reads that resource's audit rows from that transaction on, and their identifiers, in this
-- index alone.
CREATE INDEX audit_log_resource_tx_idx ON audit_log (resource, tx_id, resource_id);

-- +goose Down
DROP INDEX audit_log_resource_tx_idx;
DROP TABLE sync_horizons;
