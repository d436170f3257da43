package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// etag is the strong entity tag of a resource at a version.
func etag(version int) string {
	return `"v` + strconv.Itoa(version) + `"`
}

// notModified reports whether an If-None-Match header matches the current ETag.
func notModified(ifNoneMatch, current string) bool {
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/") // weak comparison, RFC 9110 13.1.2
		if t == "*" || t == current {
			return true
		}
	}
	return false
}

// parseIfMatch reads the precondition of a write from its If-Match header:
// EPRECONDITIONREQUIRED when the header is missing, Any for "*", else the versions of every
// strong tag it lists (RFC 9110: the write proceeds when any of them is current). Weak tags
// never match a write (strong comparison) and tags that no version of ours can have are
// skipped; a header left with no tag at all is EPRECONDITION at once.
func parseIfMatch(ifMatch string) (domain.IfMatch, error) {
	ifMatch = strings.TrimSpace(ifMatch)
	if ifMatch == "" {
		return domain.IfMatch{}, domain.Errorf(domain.EPRECONDITIONREQUIRED,
			"this write needs If-Match with the ETag of the resource as you read it")
	}
	if ifMatch == "*" {
		return domain.IfMatch{Any: true}, nil
	}
	var m domain.IfMatch
	for _, t := range strings.Split(ifMatch, ",") {
		t = strings.TrimSpace(t)
		if strings.HasPrefix(t, `"v`) && strings.HasSuffix(t, `"`) && len(t) > 3 {
			// Only the tag as we write it: "v007" is not "v7" under strong comparison.
			digits := t[2 : len(t)-1]
			if v, err := strconv.Atoi(digits); err == nil && v > 0 && strconv.Itoa(v) == digits {
				m.Versions = append(m.Versions, v)
			}
		}
	}
	if len(m.Versions) == 0 {
		return m, domain.Errorf(domain.EPRECONDITION, "If-Match does not name a current version of this resource")
	}
	return m, nil
}

// notModifiedError answers 304 with the ETag.
type notModifiedError struct{ etag string }

func (e *notModifiedError) Error() string  { return "not modified" }
func (e *notModifiedError) GetStatus() int { return http.StatusNotModified }
func (e *notModifiedError) GetHeaders() http.Header {
	return http.Header{"Etag": []string{e.etag}}
}

var _ huma.StatusError = (*notModifiedError)(nil)
var _ huma.HeadersError = (*notModifiedError)(nil)
