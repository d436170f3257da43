-- +goose Up
-- Webhook subscriptions driven by the change feed, their delivery log, and the subscriber role
-- of the open-data consumers who hold them.

-- Subscribers: tokens that may only manage their own webhook subscriptions.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
    CHECK (role IN ('admin', 'secretariat', 'editor', 'subscriber'));

-- A subscription belongs to the token that created it. It follows the change feed from its
-- cursor (cursor_tx, cursor_id: a domain.ChangeCursor) for either some kinds of resource or one
-- dataset and its releases. The signing secret is kept as is, since the dispatcher signs with
-- it; the previous one stays valid for a while after a rotation. Neither is ever in a response
-- after the one that shows it, nor in the audit trail.
CREATE TABLE webhook_subscriptions (
    id                         bigserial PRIMARY KEY,
    token_id                   bigint NOT NULL REFERENCES api_tokens (id),
    url                        text NOT NULL CHECK (length(url) <= 2000 AND url ~ '^https?://'),
    description                text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    resources                  text[] NOT NULL DEFAULT '{}',
    dataset                    text,
    status                     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    paused_reason              text,
    paused_at                  timestamptz,
    secret                     text NOT NULL,
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    cursor_tx                  xid8 NOT NULL,
    cursor_id                  bigint NOT NULL DEFAULT 0 CHECK (cursor_id >= 0),
    version                    integer NOT NULL DEFAULT 1,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CHECK ((dataset IS NULL) <> (cardinality(resources) = 0)),
    CHECK ((status = 'paused') = (paused_at IS NOT NULL))
);
CREATE INDEX webhook_subscriptions_token_idx ON webhook_subscriptions (token_id, id);
CREATE INDEX webhook_subscriptions_active_idx ON webhook_subscriptions (id) WHERE status = 'active';

-- The delivery log: one row per change and subscription (so a change is queued once, however
-- often the feed is read around a cursor), with the state of its attempts. A pending row is
-- due at next_attempt_at; while an instance sends it, next_attempt_at is its lease.
CREATE TABLE webhook_deliveries (
    id               bigserial PRIMARY KEY,
    subscription_id  bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    change_id        bigint NOT NULL,
    resource         text NOT NULL,
    resource_id      text NOT NULL,
    action           text NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz,
    first_attempt_at timestamptz,
    last_attempt_at  timestamptz,
    last_status      integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (subscription_id, change_id),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
-- The log, newest first, per subscription.
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (subscription_id, id);
-- Each subscription's oldest pending delivery: the one the dispatcher sends next.
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (subscription_id, id) WHERE status = 'pending';
-- Old delivered rows are purged.
CREATE INDEX webhook_deliveries_delivered_idx ON webhook_deliveries (created_at) WHERE status = 'delivered';

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
-- Fails while subscriber tokens exist: revoke is not enough, they would break the check.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('admin', 'secretariat', 'editor'));
