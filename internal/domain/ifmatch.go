package domain

import "slices"

// IfMatch is the precondition of a write (RFC 9110 13.1.1): the versions of the resource that
// the client's If-Match header names, or Any for "If-Match: *". The API reads it from the
// header; the store checks it against the row it has locked.
type IfMatch struct {
	Any      bool  // "*": any current version will do
	Versions []int // the versions of the strong tags listed; weak tags never match
}

// MatchAny is the precondition of a write that holds whatever the current version is (what
// "If-Match: *" asks for); the command line and fixtures write with it.
var MatchAny = IfMatch{Any: true}

// Allows reports whether a write may proceed on a resource at the given version: with "*"
// always, otherwise when any listed tag names that version.
func (m IfMatch) Allows(version int) bool {
	return m.Any || slices.Contains(m.Versions, version)
}
