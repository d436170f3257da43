package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// ChangeListInput is list-changes' input.
type ChangeListInput struct {
	Since    string `query:"since" maxLength:"200" doc:"Where to start: the next_cursor of the previous page, a release's changes_cursor, or now (only changes from now on). Without it, the feed starts at its beginning." example:"eyJ0IjoiNzQyIiwiaSI6MH0"`
	Resource string `query:"resource" enum:"city,organisation,body_role,study,study_city,framework,indicator,observation,trend,trend_adoption,event,report,commitment,dataset,release" doc:"Only changes of this kind of resource." example:"observation"`
	Limit    int    `query:"limit" default:"100" minimum:"1" maximum:"1000" doc:"Changes per page (default 100, maximum 1000)." example:"100"`
}

// ChangePage is a page of the change feed. It always has a next cursor: the feed has no end.
type ChangePage struct {
	Items      []ChangeItem `json:"items" nullable:"false" maxItems:"1000" doc:"Changes in the order they are to be applied (an empty list, never null)."`
	NextCursor string       `json:"next_cursor" maxLength:"200" pattern:"^[A-Za-z0-9_-]+$" doc:"Pass as since to read on. Keep it with your copy: it is where your copy stands."`
	CaughtUp   bool         `json:"caught_up" doc:"True when this page reached the present: wait a little before asking again. False while a page is full, or while a transaction still running holds committed changes back (they come once it ends)."`
}

// ChangeItem is one change with the path of the resource it is about.
type ChangeItem struct {
	domain.Change
	Href string `json:"href" maxLength:"500" pattern:"^(/v1/[A-Za-z0-9/._-]+)?$" example:"/v1/observations/8123" doc:"The resource's path in this API."`
}

// ChangeListOutput is list-changes' response.
type ChangeListOutput struct {
	Body ChangePage
}

func (h *handlers) listChanges(ctx context.Context, in *ChangeListInput) (*ChangeListOutput, error) {
	var resources []string
	if in.Resource != "" {
		resources = []string{in.Resource}
	}
	var since domain.ChangeCursor
	switch in.Since {
	case "":
	case "now":
		head, err := h.db.ChangesHead(ctx)
		if err != nil {
			return nil, err
		}
		return &ChangeListOutput{Body: ChangePage{Items: []ChangeItem{}, NextCursor: head.Encode(), CaughtUp: true}}, nil
	default:
		c, err := domain.DecodeChangeCursor(in.Since, "query.since")
		if err != nil {
			return nil, err
		}
		since = c
	}
	changes, next, err := h.db.Changes(ctx, since, resources, in.Limit)
	if err != nil {
		return nil, err
	}
	items := make([]ChangeItem, len(changes))
	for i, c := range changes {
		items[i] = ChangeItem{Change: c, Href: domain.ChangeHref(c.Resource, c.ResourceID)}
	}
	caughtUp := len(changes) < in.Limit
	if caughtUp {
		held, err := h.db.ChangesHeldBack(ctx, resources)
		if err != nil {
			return nil, err
		}
		caughtUp = !held
	}
	return &ChangeListOutput{Body: ChangePage{Items: items, NextCursor: next.Encode(), CaughtUp: caughtUp}}, nil
}
