package api

import (
	"net/url"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Page is the envelope of every list.
type Page[T any] struct {
	Items      []T     `json:"items" nullable:"false" maxItems:"500" doc:"This page's items (an empty list, never null)."`
	NextCursor *string `json:"next_cursor" maxLength:"2048" pattern:"^[A-Za-z0-9_-]+$" doc:"Pass as cursor to get the next page; null on the last page."`
}

// PageParams are the paging query parameters of every list.
type PageParams struct {
	Limit  int    `query:"limit" default:"50" minimum:"1" maximum:"500" doc:"Items per page (default 50, maximum 500)." example:"50"`
	Cursor string `query:"cursor" maxLength:"2048" doc:"The next_cursor of the previous page." example:"eyJzIjoic2x1ZyIsInYiOiJiaWxiYW8iLCJpZCI6ImJpbGJhbyJ9"`
	url    url.URL
}

// Resolve keeps the request URL so that the next page's link can be built from it.
func (p *PageParams) Resolve(ctx huma.Context) []error {
	p.url = ctx.URL()
	return nil
}

// ListOutput is the response of every list: the page and its Link header.
type ListOutput[T any] struct {
	Link string `header:"Link" doc:"<…>; rel=\"next\" when there is a next page."`
	Body Page[T]
}

// pageOf is the envelope of a list that is never paged (there are few such items): all of them,
// as a list that is empty rather than null when there are none.
func pageOf[T any](items []T) Page[T] {
	if items == nil {
		items = []T{}
	}
	return Page[T]{Items: items}
}

// newPage builds a list response: items (never null) and, when there is a next page, its cursor
// and a Link header that repeats the request with that cursor.
func newPage[T any](p *PageParams, items []T, next string) *ListOutput[T] {
	out := &ListOutput[T]{Body: pageOf(items)}
	if next != "" {
		out.Body.NextCursor = &next
		u := p.url
		q := u.Query()
		q.Set("cursor", next)
		u.RawQuery = q.Encode()
		out.Link = "<" + u.RequestURI() + `>; rel="next"`
	}
	return out
}

// idCursor decodes a cursor of a list ordered by numeric id; 0 for the first page.
func idCursor(s string) (int64, error) {
	c, err := domain.DecodeCursor(s, "id")
	if err != nil || c == nil {
		return 0, err
	}
	id, err := strconv.ParseInt(c.ID, 10, 64)
	if err != nil || id < 0 {
		return 0, domain.Invalid("query.cursor", "not a cursor issued by this API")
	}
	return id, nil
}

// newIDCursor is the cursor after the item with the given id.
func newIDCursor(id int64) string {
	return domain.Cursor{Sort: "id", ID: strconv.FormatInt(id, 10)}.Encode()
}

// descIDCursor decodes a cursor of a list ordered by numeric id, newest first (the audit trail,
// revisions); 0 for the first page.
func descIDCursor(s string) (int64, error) {
	c, err := domain.DecodeCursor(s, "-id")
	if err != nil || c == nil {
		return 0, err
	}
	id, err := strconv.ParseInt(c.ID, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Invalid("query.cursor", "not a cursor issued by this API")
	}
	return id, nil
}

// observationPath is an observation's URL path.
func observationPath(id int64) string { return "/v1/observations/" + strconv.FormatInt(id, 10) }

// nextCursor encodes a store cursor, "" for none.
func nextCursor(c *domain.Cursor) string {
	if c == nil {
		return ""
	}
	return c.Encode()
}
