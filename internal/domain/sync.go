package domain

import (
	"time"
)

// SyncPoint is where an incremental sync resumes: the changes made by transactions from Tx on
// (a transaction id, xid8, as the change feed counts them). Every change that a read made at the
// previous sync could not see is from such a transaction; a few that it saw may be too, which a
// sync takes again harmlessly.
type SyncPoint struct {
	Tx uint64
}

// UpdatedSince is a list's updated_since: a time, or a position in the change feed.
type UpdatedSince struct {
	Time   time.Time     // the previous sync's start (zero when Cursor is set)
	Cursor *ChangeCursor // a change-feed cursor (nil when Time is set)
}

// ParseUpdatedSince reads updated_since: an RFC 3339 time, or a change-feed cursor (a next_cursor
// of the feed, or a release's changes_cursor). "" is no filter (nil); field names the parameter
// in errors.
func ParseUpdatedSince(s, field string) (*UpdatedSince, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return &UpdatedSince{Time: t}, nil
	}
	bad := Invalid(field, "must be an RFC 3339 time, such as 2025-01-20T09:00:00Z, or a change-feed cursor "+
		"(a next_cursor of /v1/changes, or a release's changes_cursor)")
	c, err := DecodeChangeCursor(s, field)
	if err != nil || c.Tx == 0 { // the feed never issues a cursor of transaction 0
		return nil, bad
	}
	return &UpdatedSince{Cursor: &c}, nil
}

// MinAsOfYear is the earliest year of an as_of (a vintage: what the API said at a past time).
const MinAsOfYear = 1900

// CheckAsOf checks an as_of time against now: not in the future (the API cannot say yet what it
// will say), not before 1900. field names the parameter in errors.
func CheckAsOf(t, now time.Time, field string) error {
	switch {
	case t.After(now):
		return Invalid(field, "%s is in the future: as_of reads what the API said at a past time", t.UTC().Format(time.RFC3339Nano))
	case t.UTC().Year() < MinAsOfYear:
		return Invalid(field, "must be from %d on", MinAsOfYear)
	}
	return nil
}
