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

// ifMatchVersion reads the version a write is conditional on: EPRECONDITIONREQUIRED when the
// header is missing, 0 for "*", EPRECONDITION for a tag that no version of ours can have.
func ifMatchVersion(ifMatch string) (int, error) {
	ifMatch = strings.TrimSpace(ifMatch)
	if ifMatch == "" {
		return 0, domain.Errorf(domain.EPRECONDITIONREQUIRED,
			"this write needs If-Match with the ETag of the resource as you read it")
	}
	if ifMatch == "*" {
		return 0, nil
	}
	// Strong comparison: a weak tag never matches. With several tags, the first well-formed one counts.
	for _, t := range strings.Split(ifMatch, ",") {
		t = strings.TrimSpace(t)
		if strings.HasPrefix(t, `"v`) && strings.HasSuffix(t, `"`) {
			if v, err := strconv.Atoi(t[2 : len(t)-1]); err == nil && v > 0 {
				return v, nil
			}
		}
	}
	return 0, domain.Errorf(domain.EPRECONDITION, "If-Match does not name a current version of this resource")
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
