package api

import (
	"context"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// asOfDoc documents what as_of counts, the same on every operation that takes it (each
// parameter's own description says what it answers; finishContract adds this).
const asOfDoc = "It is read from the revision history (each change's after-image). A change counts when its " +
	"transaction had begun by this time, unless the server's first sample of its transactions after this time " +
	"(taken every 30 seconds; hourly ones are kept for times over two days old) saw that transaction still running: " +
	"so a change that committed after this time is counted only if it committed before that sample. Observations " +
	"loaded in bulk, without revision history (synthetic data), count from their created_at with their current " +
	"values. A time in the future or before 1900 is a 422, and so is as_of with updated_since."

// ObservationFilterParams are the filters shared by list-observations and export-observations.
type ObservationFilterParams struct {
	City         []string  `query:"city" maxLength:"100" maxItems:"100" doc:"City slugs, comma-separated." example:"malaga"`
	Indicator    []string  `query:"indicator" maxLength:"100" maxItems:"100" doc:"Indicator slugs, comma-separated." example:"sg2019-participatory-budget"`
	Framework    string    `query:"framework" maxLength:"100" doc:"Only indicators of this framework." example:"uclg-smart-governance-2019"`
	Dimension    string    `query:"dimension" maxLength:"100" doc:"Only indicators in this dimension or below it (needs framework)." example:"participation"`
	Edition      int       `query:"edition" minimum:"2000" maximum:"2100" doc:"Only values from this study edition." example:"2019"`
	From         int       `query:"from" minimum:"1900" maximum:"2200" doc:"Only periods from this year on." example:"2019"`
	To           int       `query:"to" minimum:"1900" maximum:"2200" doc:"Only periods up to this year." example:"2019"`
	Status       []string  `query:"status" enum:"A,E,P,M,NR" maxItems:"5" doc:"Status flags, comma-separated." example:"A,E"`
	Verification string    `query:"verification" enum:"self_reported,verified,rejected" example:"self_reported"`
	Provenance   string    `query:"provenance" enum:"reported,sample,synthetic" doc:"Only real (reported), sample or synthetic data." example:"sample"`
	Latest       bool      `query:"latest" doc:"Only the most recent period of each city and indicator; such lists are ordered by city and indicator." example:"true"`
	AsOf         time.Time `query:"as_of" doc:"The vintage: the observations as the API showed them at this time (RFC 3339), with the versions they had then; the filters apply to the values they had then." example:"2025-01-20T09:00:00Z"`
	SyncParams
}

// observationFilter turns the parameters into a store filter, checking what the schema cannot.
func (h *handlers) observationFilter(ctx context.Context, p *ObservationFilterParams) (domain.ObservationFilter, error) {
	f := domain.ObservationFilter{Cities: p.City, Indicators: p.Indicator, Framework: p.Framework,
		Dimension: p.Dimension, Status: p.Status, Verification: p.Verification, Provenance: p.Provenance,
		Latest: p.Latest}
	if p.Dimension != "" && p.Framework == "" {
		return f, domain.Invalid("query.dimension", "needs framework: dimension slugs are unique within a framework")
	}
	if p.From != 0 && p.To != 0 && p.From > p.To {
		return f, domain.Invalid("query.from", "from (%d) is after to (%d)", p.From, p.To)
	}
	if p.Edition != 0 {
		f.Edition = &p.Edition
	}
	if p.From != 0 {
		f.From = &p.From
	}
	if p.To != 0 {
		f.To = &p.To
	}
	if !p.AsOf.IsZero() {
		if p.UpdatedSince != "" {
			return f, domain.Invalid("query.as_of", "as_of and updated_since cannot be combined: a vintage is read whole")
		}
		if err := domain.CheckAsOf(p.AsOf, time.Now(), "query.as_of"); err != nil {
			return f, err
		}
		f.AsOf = &p.AsOf
	}
	var err error
	f.UpdatedSince, err = h.syncPoint(ctx, p.SyncParams)
	return f, err
}

// ObservationListInput is list-observations' input.
type ObservationListInput struct {
	ObservationFilterParams
	PageParams
}

// ObservationPathInput names an observation.
type ObservationPathInput struct {
	ID int64 `path:"id" minimum:"1" maximum:"9007199254740991" example:"2"`
}

// ObservationGetInput is get-observation's input.
type ObservationGetInput struct {
	ObservationPathInput
	AsOf        time.Time `query:"as_of" doc:"The vintage: the observation as the API showed it at this time (RFC 3339), with the version it had then; 404 when it did not exist then. Such an answer carries no ETag and is never a 304, so that no cache takes it for the current version." example:"2025-01-20T09:00:00Z"`
	IfNoneMatch string    `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current (not with as_of)." example:"\"v1\""`
}

// ObservationOutput is one observation with its ETag.
type ObservationOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Observation
}

// ObservationCreateInput is create-observation's input.
type ObservationCreateInput struct {
	Body domain.ObservationFields
}

// ObservationCreatedOutput is a created observation.
type ObservationCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Observation
}

// ObservationPutInput is update-observation's input: the whole writable representation (its
// indicator, city, year and edition must stay the same).
type ObservationPutInput struct {
	ObservationPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the observation as you read it (required)." example:"\"v1\""`
	Body    domain.ObservationFields
}

// ObservationPatchInput is patch-observation's input: a JSON merge patch.
type ObservationPatchInput struct {
	ObservationPathInput
	IfMatch string           `header:"If-Match" maxLength:"200" doc:"The ETag of the observation as you read it (required)." example:"\"v1\""`
	Body    ObservationPatch `contentType:"application/merge-patch+json"`
	RawBody []byte
}

// ObservationPatch lists the fields a merge patch may change.
type ObservationPatch struct {
	Value      any     `json:"value,omitempty" doc:"Typed by the indicator's value type; null with status M or NR."`
	Status     *string `json:"status,omitempty" enum:"A,E,P,M,NR"`
	Quality    *string `json:"quality,omitempty" enum:"A,B,C,D" nullable:"true"`
	Source     *string `json:"source,omitempty" maxLength:"500" nullable:"true"`
	Footnote   *string `json:"footnote,omitempty" maxLength:"2000" nullable:"true"`
	Provenance *string `json:"provenance,omitempty" enum:"reported,sample,synthetic"`
}

// ObservationDeleteInput is delete-observation's input.
type ObservationDeleteInput struct {
	ObservationPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the observation as you read it (required)." example:"\"v1\""`
}

// ObservationVerifyInput is verify-observation's input.
type ObservationVerifyInput struct {
	ObservationPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the observation as you read it (required)." example:"\"v1\""`
	Body    struct {
		Verification string `json:"verification" enum:"self_reported,verified,rejected"`
	}
}

// RevisionListInput is list-observation-revisions' input: the observation and a page.
type RevisionListInput struct {
	ObservationPathInput
	PageParams
}

func (h *handlers) listObservations(ctx context.Context, in *ObservationListInput) (*ListOutput[domain.Observation], error) {
	f, err := h.observationFilter(ctx, &in.ObservationFilterParams)
	if err != nil {
		return nil, err
	}
	if f.Latest {
		c, err := domain.DecodeCursor(in.Cursor, "latest")
		if err != nil {
			return nil, err
		}
		if c != nil {
			f.AfterLatest = &domain.LatestKey{City: c.Value, Indicator: c.ID}
		}
	} else if f.AfterID, err = idCursor(in.Cursor); err != nil {
		return nil, err
	}
	f.Limit = in.Limit
	obs, more, err := h.db.ListObservations(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(obs) == 0 && in.Cursor == "" {
		// Nothing found: say so if a filter names something that does not exist.
		if err := h.db.CheckReferences(ctx, f); err != nil {
			return nil, err
		}
	}
	next := ""
	switch last := len(obs) - 1; {
	case more && f.Latest:
		next = domain.Cursor{Sort: "latest", Value: obs[last].City, ID: obs[last].Indicator}.Encode()
	case more:
		next = newIDCursor(obs[last].ID)
	}
	return newPage(&in.PageParams, obs, next), nil
}

func (h *handlers) getObservation(ctx context.Context, in *ObservationGetInput) (*ObservationOutput, error) {
	if !in.AsOf.IsZero() {
		// A vintage is not a version of the resource: its answer has no ETag, so that no
		// cache or client takes it for the current one, and If-None-Match does not apply.
		if err := domain.CheckAsOf(in.AsOf, time.Now(), "query.as_of"); err != nil {
			return nil, err
		}
		o, err := h.db.GetObservationAsOf(ctx, in.ID, in.AsOf)
		if err != nil {
			return nil, err
		}
		return &ObservationOutput{Body: o}, nil
	}
	o, err := h.db.GetObservation(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	tag := etag(o.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &ObservationOutput{ETag: tag, Body: o}, nil
}

func (h *handlers) createObservation(ctx context.Context, in *ObservationCreateInput) (*ObservationCreatedOutput, error) {
	o, err := h.db.CreateObservation(ctx, callerOf(ctx), in.Body)
	if err != nil {
		return nil, err
	}
	return &ObservationCreatedOutput{ETag: etag(o.Version), Location: observationPath(o.ID), Body: o}, nil
}

func (h *handlers) updateObservation(ctx context.Context, in *ObservationPutInput) (*ObservationOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	o, err := h.db.UpdateObservation(ctx, callerOf(ctx), in.ID, ifMatch, func(*domain.Observation) (domain.ObservationFields, error) {
		return in.Body, nil
	})
	if err != nil {
		return nil, err
	}
	return &ObservationOutput{ETag: etag(o.Version), Body: o}, nil
}

func (h *handlers) patchObservation(ctx context.Context, in *ObservationPatchInput) (*ObservationOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	o, err := h.db.UpdateObservation(ctx, callerOf(ctx), in.ID, ifMatch, func(current *domain.Observation) (domain.ObservationFields, error) {
		var f domain.ObservationFields
		return f, mergePatch(current.ObservationFields, in.RawBody, &f)
	})
	if err != nil {
		return nil, err
	}
	return &ObservationOutput{ETag: etag(o.Version), Body: o}, nil
}

func (h *handlers) deleteObservation(ctx context.Context, in *ObservationDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteObservation(ctx, callerOf(ctx), in.ID, ifMatch)
}

func (h *handlers) verifyObservation(ctx context.Context, in *ObservationVerifyInput) (*ObservationOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	o, err := h.db.SetVerification(ctx, callerOf(ctx), in.ID, ifMatch, in.Body.Verification)
	if err != nil {
		return nil, err
	}
	return &ObservationOutput{ETag: etag(o.Version), Body: o}, nil
}

func (h *handlers) listRevisions(ctx context.Context, in *RevisionListInput) (*ListOutput[domain.Revision], error) {
	f := domain.RevisionFilter{Observation: in.ID, Limit: in.Limit}
	var err error
	if f.BeforeID, err = descIDCursor(in.Cursor); err != nil {
		return nil, err
	}
	revs, next, err := h.db.ListRevisions(ctx, f)
	if err != nil {
		return nil, err
	}
	return newPage(&in.PageParams, revs, nextCursor(next)), nil
}
