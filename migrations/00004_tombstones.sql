-- +goose Up
-- Tombstones remember deletes: for each resource deleted under an identifier, the last version
-- it had and when it went. A resource created again under the same identifier (a city's slug)
-- starts its version after the tombstone's, so that it never repeats an ETag of the one that
-- was deleted: a client holding "v1" of the old city must get the new one, not a 304, and its
-- If-Match must fail. The rows are written in the delete's transaction; the change feed will
-- read deletes from here too.
CREATE TABLE tombstones (
    resource     text NOT NULL,
    resource_id  text NOT NULL,
    last_version integer NOT NULL CHECK (last_version >= 1),
    deleted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (resource, resource_id)
);

-- Deletes made before this migration are in the audit trail, with the version they removed.
INSERT INTO tombstones (resource, resource_id, last_version, deleted_at)
SELECT resource, resource_id, max((before->>'version')::integer), max(at)
FROM audit_log
WHERE action = 'delete' AND jsonb_typeof(before->'version') = 'number'
GROUP BY resource, resource_id;

-- +goose Down
DROP TABLE tombstones;
