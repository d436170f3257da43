package api

import (
	"context"
	"errors"
	"fmt"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/internal/csvimport"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// MaxImportBytes bounds an import's body (about two million rows of a typical file).
const MaxImportBytes = 100 << 20

// ImportInput is import-observations' input. The CSV body is read as a stream and spooled to
// disk (see csvimport), never held in memory.
type ImportInput struct {
	Mode        string `query:"mode" enum:"all_or_nothing,valid_rows" default:"all_or_nothing" doc:"all_or_nothing (default): any problem imports nothing. valid_rows: import the rows without problems and report the others." example:"all_or_nothing"`
	ContentType string `header:"Content-Type" maxLength:"200" doc:"text/csv (UTF-8)." example:"text/csv"`
	body        *limitedBody
	rc          *http.ResponseController
}

// ImportTimeout is an import's time budget, from the handler's start: receiving and checking
// the file, then writing its rows. The store's transaction gets what the upload left of it,
// both as its context's deadline and as its statement_timeout, so that no statement outlives
// the budget; the answer then has the ordinary httpx.WriteTimeout to be sent.
const ImportTimeout = 15 * time.Minute

// Resolve takes the request body as a stream, capped at MaxImportBytes.
func (in *ImportInput) Resolve(ctx huma.Context) []error {
	r, w := humachi.Unwrap(ctx)
	in.body = &limitedBody{r: http.MaxBytesReader(w, r.Body, MaxImportBytes)}
	in.rc = http.NewResponseController(w)
	return nil
}

// limitedBody remembers whether the body went over its cap, to answer 413 rather than 422.
type limitedBody struct {
	r        io.Reader
	tooLarge bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.tooLarge = true
	}
	return n, err
}

// ImportOutput is the import report.
type ImportOutput struct {
	Body *domain.ImportReport
}

// importRequestBody documents the CSV body, which Huma does not read itself. It makes a new
// value at each call, so that two APIs never share (and change) one.
func importRequestBody() *huma.RequestBody {
	return &huma.RequestBody{
		Required: true,
		Description: "UTF-8 CSV with a header row. Columns: city, indicator, year, value, status (required) and " +
			"edition, quality, source, footnote, provenance, verification (optional); id, value_type, version, " +
			"created_at and updated_at, as written by export-observations, are ignored. Values are written as " +
			"in JSON: numbers like 12.5, booleans true or false, an ordinal level's code, text; an empty value is " +
			"null (status M or NR). One row per indicator, city, year and edition: a key already stored is " +
			"updated, a key repeated in the file is a problem. Only the secretariat may set verification. " +
			"A text cell (source, footnote, the value of an ordinal or text indicator) that begins with single " +
			"quotes followed by =, +, -, @, a tab or a carriage return loses one quote, as export-observations " +
			"writes such texts to keep spreadsheets from running them as formulas. At most 100 MiB.",
		// format binary, and no string type: Huma then leaves the stream to the handler, and the
		// document does not pretend that a 100 MiB file is a bounded string.
		Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Format: "binary", Description: "The CSV file, streamed (at most 100 MiB)."}}},
	}
}

func (h *handlers) importObservations(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
	if mt, _, err := mime.ParseMediaType(in.ContentType); err != nil || mt != "text/csv" {
		return nil, huma.Error415UnsupportedMediaType("send the file as text/csv")
	}
	// Each import spools up to MaxImportBytes to disk while it is received: each client sends
	// one at a time (429 for another), and a few are received at once (503 beyond). A slow
	// uploader holds only its own slot, never the database.
	client := clientFrom(ctx)
	if err := h.uploads.acquire(client); err != nil {
		return nil, err
	}
	defer h.uploads.release(client)
	// Imports have their own budget: the server's two-minute read and write timeouts would cut
	// a large upload, or the report of an import that committed.
	deadline := time.Now().Add(ImportTimeout)
	_ = in.rc.SetReadDeadline(deadline)
	_ = in.rc.SetWriteDeadline(deadline.Add(httpx.WriteTimeout))
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	caller := callerOf(ctx)
	// The whole file is read and checked before the store is called: a slow upload holds no
	// connection, transaction or lock.
	rows, err := csvimport.Read(in.body, caller.Actor, "", MaxImportBytes)
	if in.body.tooLarge {
		return nil, domain.Errorf(domain.ETOOLARGE, "an import is at most %d MiB; split the file", MaxImportBytes>>20)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close() // removes the spool, whatever happens next
	// Only now does the import need the database: a few write at once, and the others wait
	// for a turn within their deadline.
	select {
	case h.imports <- struct{}{}:
		defer func() { <-h.imports }()
	case <-ctx.Done():
		return nil, domain.Errorf(domain.EUNAVAILABLE, "every import slot stayed busy; retry shortly")
	}
	report, err := h.db.ImportObservations(ctx, caller, rows.Rows(), in.Mode, time.Until(deadline))
	if err != nil && report != nil {
		return nil, importProblem(err, report)
	}
	if err != nil {
		return nil, err
	}
	return &ImportOutput{Body: report}, nil
}

// importProblem is the answer to an all-or-nothing import with problems: 403 when rows are of
// cities the token may not write, else 422; every listed row problem becomes an error entry
// located at body.row[N].column.
func importProblem(err error, r *domain.ImportReport) error {
	status := statusByCode[domain.ErrorCode(err)]
	model := httpx.NewProblem(status, domain.ErrorMessage(err))
	for _, p := range r.Problems {
		model.Errors = append(model.Errors, &httpx.ProblemDetail{Message: p.Problem, Location: fmt.Sprintf("body.row[%d].%s", p.Row, p.Field)})
	}
	if r.ProblemsTruncated {
		model.Detail += fmt.Sprintf(" (the first %d problems are listed)", domain.MaxImportProblems)
	}
	return &problem{Problem: model, headers: http.Header{}}
}
