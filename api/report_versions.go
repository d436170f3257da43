package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/reportdoc"
)

// ReportVersionsOutput lists a report's versions.
type ReportVersionsOutput struct {
	Body Page[domain.ReportVersion]
}

// ReportVersionGetInput is get-report-version's input.
type ReportVersionGetInput struct {
	ReportPathInput
	Number int `path:"n" minimum:"1" maximum:"100000" doc:"The version's number." example:"1"`
	RenderParams
}

// ReportDiffInput is compare-report-versions' input.
type ReportDiffInput struct {
	ReportPathInput
	From int `query:"from" required:"true" minimum:"1" maximum:"100000" doc:"The earlier version's number." example:"1"`
	To   int `query:"to" required:"true" minimum:"1" maximum:"100000" doc:"The later version's number." example:"2"`
}

// ReportDiffOutput is the difference between two versions.
type ReportDiffOutput struct {
	Body *domain.ReportDiff
}

func (h *handlers) listReportVersions(ctx context.Context, in *ReportPathInput) (*ReportVersionsOutput, error) {
	vs, err := h.db.ListReportVersions(ctx, callerOf(ctx).Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return &ReportVersionsOutput{Body: pageOf(vs)}, nil
}

func (h *handlers) getReportVersion(ctx context.Context, in *ReportVersionGetInput) (*huma.StreamResponse, error) {
	format, err := in.renderFormat()
	if err != nil {
		return nil, err
	}
	v, err := h.db.GetReportVersion(ctx, callerOf(ctx).Actor, in.ID, in.Number)
	if err != nil {
		return nil, err
	}
	var doc *reportdoc.Document
	commitments := map[int64]reportdoc.Commitment{}
	if format != "json" {
		doc = h.reportDocument(ctx, v.Report, v.Body, v.Period, "", &v.Content)
		doc.Version, doc.SHA256 = v.Number, v.SHA256
		// A version is rendered from what it froze alone: its commitments as they stood.
		for _, c := range v.Commitments {
			commitments[c.ID] = reportdoc.Commitment{Title: c.Title, Status: c.Status}
		}
	}
	return respondRendered(format, "f"+v.SHA256[:32], languageOf(ctx), &in.RenderParams, v, doc, commitments)
}

func (h *handlers) diffReportVersions(ctx context.Context, in *ReportDiffInput) (*ReportDiffOutput, error) {
	actor := callerOf(ctx).Actor
	a, err := h.db.GetReportVersion(ctx, actor, in.ID, in.From)
	if err != nil {
		return nil, err
	}
	b, err := h.db.GetReportVersion(ctx, actor, in.ID, in.To)
	if err != nil {
		return nil, err
	}
	changes, err := domain.DiffFrozen(a.Frozen(), b.Frozen())
	if err != nil {
		return nil, err
	}
	return &ReportDiffOutput{Body: &domain.ReportDiff{Report: in.ID, From: in.From, To: in.To, Changes: changes}}, nil
}
