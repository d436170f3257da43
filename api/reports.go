package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/reportdoc"
)

// ReportListInput is list-reports' input.
type ReportListInput struct {
	BodySlug            string `query:"body" maxLength:"100" doc:"Only reports of this UCLG body (a community's slug)." example:"digital-cities"`
	Status              string `query:"status" enum:"draft,submitted,published" doc:"Only reports in this status (anonymous callers see published reports only)." example:"published"`
	Commitment          int64  `query:"commitment" minimum:"1" maximum:"9007199254740991" doc:"Only reports that follow up this commitment (the reports that mention it)." example:"1"`
	From                string `query:"from" format:"date" maxLength:"10" doc:"Only reports whose period ends on or after this day." example:"2019-01-01"`
	To                  string `query:"to" format:"date" maxLength:"10" doc:"Only reports whose period starts on or before this day." example:"2020-12-31"`
	Q                   string `query:"q" maxLength:"100" doc:"Search in the title, in any language, ignoring case and accents, among the reports you may read." example:"progress"`
	MissingTranslations string `query:"missing_translations" enum:"fr,es" doc:"Only the reports with a text (title, and the title and text of every activity, leadership update and result) that has no version in this language: the translations still to do (a blank version counts as missing; English is always present). GET /v1/translations counts them." example:"es"`
	SyncParams
	PageParams
}

// ReportPathInput names a report.
type ReportPathInput struct {
	ID int64 `path:"id" minimum:"1" maximum:"9007199254740991" doc:"The report's id." example:"1"`
}

// RenderParams choose a report's representation.
type RenderParams struct {
	Format      string `query:"format" enum:"json,markdown,html" doc:"The representation; without it, chosen from Accept (application/json, text/markdown, text/html), JSON by default." example:"markdown"`
	Accept      string `header:"Accept" maxLength:"500" doc:"application/json, text/markdown or text/html, with q-values." example:"text/markdown"`
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold for this representation; 304 when it is still current." example:"\"v3\""`
}

// ReportGetInput is get-report's input.
type ReportGetInput struct {
	ReportPathInput
	RenderParams
}

// PrefillRequest asks for a draft pre-filled from the API's data, counting the records chosen.
type PrefillRequest struct {
	Provenance   []string `json:"provenance,omitempty" enum:"reported,sample,synthetic" maxItems:"3" doc:"The provenances gathered: reported by default." example:"[\"reported\"]"`
	Verification []string `json:"verification,omitempty" enum:"self_reported,verified" maxItems:"2" doc:"The verification states gathered (adoption records): both by default; rejected records are never gathered." example:"[\"self_reported\",\"verified\"]"`
}

// ReportCreateBody is the body of create-report.
type ReportCreateBody struct {
	BodySlug string              `json:"body" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The reporting UCLG body (a community's slug)." example:"digital-cities"`
	Period   domain.ReportPeriod `json:"period"`
	domain.ReportContent
	Provenance string          `json:"provenance,omitempty" enum:"reported,sample,synthetic" default:"reported" example:"reported"`
	Prefill    *PrefillRequest `json:"prefill,omitempty" doc:"Pre-fill the draft from the API's data for the period (events, study milestones, changes of trend adoption, commitments due), after any activities sent."`
}

// ReportCreateInput is create-report's input.
type ReportCreateInput struct {
	Body ReportCreateBody
}

// ReportOutput is a report with its ETag.
type ReportOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Report
}

// ReportCreatedOutput is a created report with its ETag and Location.
type ReportCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Report
}

// ReportPutBody is the body of update-report: the period and the content of a draft.
type ReportPutBody struct {
	Period domain.ReportPeriod `json:"period"`
	domain.ReportContent
}

// ReportPutInput is update-report's input.
type ReportPutInput struct {
	ReportPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the report as you read it (required)." example:"\"v1\""`
	Body    ReportPutBody
}

// ReportDeleteInput is delete-report's input.
type ReportDeleteInput struct {
	ReportPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the report as you read it (required)." example:"\"v1\""`
}

// ReportTransitionInput is create-report-transition's input.
type ReportTransitionInput struct {
	ReportPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the report as you read it (required)." example:"\"v1\""`
	Body    struct {
		To     string `json:"to" enum:"draft,submitted,published" doc:"The status to move to." example:"submitted"`
		Reason string `json:"reason,omitempty" maxLength:"2000" doc:"Why the report is returned to draft (required then)." example:"Please add the learning events' outcomes."`
	}
}

// reportOffers are the representations of a report, by Accept media range.
var reportOffers = map[string]string{"application/json": "json", "text/markdown": "markdown", "text/html": "html",
	"application/*": "json", "text/*": "markdown", "*/*": "json"}

// reportTypes are the media types of the representations.
var reportTypes = map[string]string{"json": "application/json", "markdown": "text/markdown; charset=utf-8",
	"html": "text/html; charset=utf-8"}

// renderFormat picks the representation from the query, else from Accept; 406 when none fits.
func (p *RenderParams) renderFormat() (string, error) {
	if p.Format != "" {
		return p.Format, nil
	}
	if strings.TrimSpace(p.Accept) == "" {
		return "json", nil
	}
	f, ok := negotiate(p.Accept, reportOffers)
	if !ok {
		return "", domain.Errorf(domain.ENOTACCEPTABLE, "reports are application/json, text/markdown or text/html")
	}
	return f, nil
}

// renderedResponses documents the three representations of a report or a version, whose JSON
// schema is schema. New values at each call: two APIs must never share them.
func renderedResponses(schema, what string) map[string]*huma.Response {
	// Whole documents, described without a string type, as the exports' streams are.
	text := func(d string) *huma.MediaType { return &huma.MediaType{Schema: &huma.Schema{Description: d}} }
	return map[string]*huma.Response{
		"200": {
			Description: what + ", as JSON, Markdown in UCLG's template, or a printable HTML page.",
			Headers: map[string]*huma.Param{
				"ETag": {Description: "Differs per representation and per language (its last part): the version for JSON; for Markdown and HTML, the version and a digest of the rendering, which also shows the body's name and the commitments' titles and statuses.",
					Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(100)}},
				"Content-Language": {Description: "The language of the representation: the one asked (en, fr or es; a text without its translation is in English, which the body says), or for JSON with lang=all every one.",
					Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(20), Pattern: `^[a-z]{2}(, [a-z]{2})*$`}},
				"Vary": {Description: "Accept and Accept-Language: the representation depends on them.",
					Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(100), Pattern: `^[A-Za-z-]+(, *[A-Za-z-]+)*$`}},
				"Content-Security-Policy": {Description: "On the HTML page: no script, no plugin, no external resource.",
					Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(200), Pattern: `^[ -~]+$`}},
			},
			Content: map[string]*huma.MediaType{
				"application/json": {Schema: &huma.Schema{Ref: "#/components/schemas/" + schema}},
				"text/markdown":    text("Markdown: the template's headings, then each part as written."),
				"text/html":        text("A complete HTML page, sanitised: report text cannot bring scripts."),
			},
		},
	}
}

// renderedOp documents the representations of a report or a version.
func renderedOp(o huma.Operation, schema, what string) huma.Operation {
	o.Responses = renderedResponses(schema, what)
	return o
}

// htmlPolicy is the Content-Security-Policy of the HTML page: its own inline styles and inline
// (data:) images, nothing else: no script, and no remote image that could track its readers.
const htmlPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// respondRendered answers with v as JSON, or doc as Markdown or HTML (doc is nil for JSON),
// tagged per representation, in lang (the request's: en, fr, es or all). JSON has its texts in
// lang as every JSON answer does; a rendering is in doc.Lang. Content-Language says which, so
// that the ETag is the language's and Vary names Accept-Language (language.go).
func respondRendered(format, version, lang string, p *RenderParams, v any, doc *reportdoc.Document,
	commitments map[int64]reportdoc.Commitment) (*huma.StreamResponse, error) {
	var body []byte
	var err error
	var contentLang string
	switch format {
	case "markdown":
		body, contentLang = []byte(reportdoc.Markdown(doc, commitments)), doc.Lang
	case "html":
		var s string
		s, err = reportdoc.HTML(doc, commitments)
		body, contentLang = []byte(s), doc.Lang
	default:
		contentLang = contentLanguage(lang)
		body, err = marshalIn(v, lang)
		body = bytes.TrimSuffix(body, []byte("\n"))
	}
	if err != nil {
		return nil, err
	}
	// JSON is tagged by version; a rendering also shows what lives outside the report (the body's
	// name, the commitments' titles and statuses), so its tag is a digest of the rendering itself.
	tag := `"` + version + `"`
	if format != "json" {
		sum := sha256.Sum256(body)
		tag = `"` + version + map[string]string{"markdown": "-md-", "html": "-html-"}[format] + hex.EncodeToString(sum[:8]) + `"`
	}
	if notModified(p.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", reportTypes[format])
		hc.SetHeader("Content-Language", contentLang)
		hc.SetHeader("ETag", tag)
		hc.SetHeader("Vary", "Accept")
		if format == "html" {
			hc.SetHeader("Content-Security-Policy", htmlPolicy)
		}
		hc.SetStatus(http.StatusOK)
		_, _ = hc.BodyWriter().Write(body) // a client gone away is nothing to report
	}}, nil
}

func (h *handlers) listReports(ctx context.Context, in *ReportListInput) (*ListOutput[domain.Report], error) {
	for name, d := range map[string]string{"query.from": in.From, "query.to": in.To} {
		if _, err := domain.ParseDay(name, d); d != "" && err != nil {
			return nil, err
		}
	}
	after, err := idCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	f := domain.ReportFilter{Body: in.BodySlug, Status: in.Status, Commitment: in.Commitment, From: in.From, To: in.To,
		Query: in.Q, MissingLanguage: in.MissingTranslations, AfterID: after, Limit: in.Limit}
	if f.UpdatedSince, err = h.syncPoint(ctx, in.SyncParams); err != nil {
		return nil, err
	}
	reports, more, err := h.db.ListReports(ctx, callerOf(ctx).Actor, f)
	if err != nil {
		return nil, err
	}
	if len(reports) == 0 && in.Cursor == "" && in.BodySlug != "" {
		if _, err := h.db.GetCommunity(ctx, in.BodySlug); domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.Invalid("query.body", "no UCLG body %q", in.BodySlug)
		}
	}
	next := ""
	if more {
		next = newIDCursor(reports[len(reports)-1].ID)
	}
	return newPage(&in.PageParams, reports, next), nil
}

func (h *handlers) getReport(ctx context.Context, in *ReportGetInput) (*huma.StreamResponse, error) {
	format, err := in.renderFormat()
	if err != nil {
		return nil, err
	}
	r, err := h.db.GetReport(ctx, callerOf(ctx).Actor, in.ID)
	if err != nil {
		return nil, err
	}
	var doc *reportdoc.Document
	commitments := map[int64]reportdoc.Commitment{}
	if format != "json" { // only a rendering shows the body's name and the commitments' titles
		doc = h.reportDocument(ctx, r.ID, r.Body, r.Period, r.Status, &r.ReportContent)
		for _, cid := range r.Commitments {
			cm, err := h.db.GetCommitment(ctx, cid)
			switch {
			case err == nil:
				commitments[cid] = reportdoc.Commitment{Title: cm.Title, Status: cm.Status}
			case domain.ErrorCode(err) == domain.ENOTFOUND: // listed by its id
			default:
				return nil, err
			}
		}
	}
	return respondRendered(format, "v"+strconv.Itoa(r.Version), languageOf(ctx), &in.RenderParams, r, doc, commitments)
}

// reportDocument is what a rendering shows of a report or version, in the request's language,
// with the body's name.
func (h *handlers) reportDocument(ctx context.Context, id int64, body string, p domain.ReportPeriod, status string,
	c *domain.ReportContent) *reportdoc.Document {
	doc := &reportdoc.Document{ID: id, Body: body, Period: p, Status: status, Content: *c, Lang: singleLanguage(languageOf(ctx))}
	if b, err := h.db.GetCommunity(ctx, body); err == nil {
		doc.BodyName = b.Name
	}
	return doc
}

func (h *handlers) createReport(ctx context.Context, in *ReportCreateInput) (*ReportCreatedOutput, error) {
	b := in.Body
	c := postgres.ReportCreate{Body: b.BodySlug, Period: b.Period, Content: b.ReportContent, Provenance: b.Provenance}
	if b.Prefill != nil {
		basis, err := domain.NewBasis(b.Prefill.Provenance, b.Prefill.Verification)
		if err != nil {
			return nil, domain.Invalid("body.prefill", "%s", domain.ErrorMessage(err))
		}
		if err := b.Period.Validate(); err != nil {
			return nil, err
		}
		acts, commitments, sum, err := h.db.PrefillReport(ctx, b.BodySlug, b.Period, basis)
		if err != nil {
			return nil, err
		}
		c.Content.Activities = append(c.Content.Activities, acts...)
		for _, id := range commitments {
			if !slices.Contains(c.Content.Commitments, id) {
				c.Content.Commitments = append(c.Content.Commitments, id)
			}
		}
		c.Prefill = sum
	}
	r, err := h.db.CreateReport(ctx, callerOf(ctx), c)
	if err != nil {
		return nil, err
	}
	return &ReportCreatedOutput{ETag: etag(r.Version), Location: "/v1/reports/" + strconv.FormatInt(r.ID, 10), Body: r}, nil
}

func (h *handlers) updateReport(ctx context.Context, in *ReportPutInput) (*ReportOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	r, err := h.db.UpdateReport(ctx, callerOf(ctx), in.ID, ifMatch, in.Body.Period, in.Body.ReportContent)
	if err != nil {
		return nil, err
	}
	return &ReportOutput{ETag: etag(r.Version), Body: r}, nil
}

func (h *handlers) deleteReport(ctx context.Context, in *ReportDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteReport(ctx, callerOf(ctx), in.ID, ifMatch)
}

func (h *handlers) transitionReport(ctx context.Context, in *ReportTransitionInput) (*ReportOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	r, err := h.db.TransitionReport(ctx, callerOf(ctx), in.ID, ifMatch, in.Body.To, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &ReportOutput{ETag: etag(r.Version), Body: r}, nil
}
