package api

import (
	"bufio"
	"context"
	"encoding/json"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Export formats and their media types.
var exportTypes = map[string]string{
	"csv":    "text/csv; charset=utf-8",
	"ndjson": "application/x-ndjson",
	"json":   "application/json",
}

// exportColumns are the CSV columns: the JSON field names of an observation, in the same order.
var exportColumns = []string{"id", "indicator", "city", "year", "edition", "value", "status", "quality", "source",
	"footnote", "provenance", "value_type", "verification", "version", "created_at", "updated_at"}

// flushEvery is how many rows are written between flushes (and write-deadline extensions).
const flushEvery = 5000

// ExportInput is export-observations' input: the list's filters and a format.
type ExportInput struct {
	ObservationFilterParams
	Format string `query:"format" enum:"csv,ndjson,json" doc:"Output format; without it, chosen from Accept (text/csv, application/x-ndjson, application/json), CSV by default." example:"csv"`
	Accept string `header:"Accept" maxLength:"500" doc:"text/csv, application/x-ndjson or application/json, with q-values." example:"text/csv"`
}

// exportResponses documents the streamed formats, which Huma cannot infer from a stream. It
// makes new values at each call: Huma and finishContract add to an operation's responses, so
// two APIs must never share them.
func exportResponses() map[string]*huma.Response {
	return map[string]*huma.Response{
		"200": {
			Description: "Every matching observation, streamed in id order, with no row cap.",
			Content: map[string]*huma.MediaType{
				// Streams have no length limit: their schemas describe them without a string type.
				"text/csv":             {Schema: &huma.Schema{Description: "CSV with a header row: " + csvHeader()}},
				"application/x-ndjson": {Schema: &huma.Schema{Description: "One Observation JSON object per line."}},
				"application/json":     {Schema: &huma.Schema{Description: "A JSON array of Observation objects.", Items: &huma.Schema{Ref: "#/components/schemas/Observation"}}},
			},
		},
	}
}

func csvHeader() string {
	b, _ := json.Marshal(exportColumns)
	return string(b)
}

// exportFormat picks the format from the query, else from Accept (highest q wins; */* and
// text/* mean CSV, application/* JSON); 406 when nothing fits.
func exportFormat(in *ExportInput) (string, error) {
	if in.Format != "" {
		return in.Format, nil
	}
	if strings.TrimSpace(in.Accept) == "" {
		return "csv", nil
	}
	best, ok := negotiate(in.Accept, map[string]string{"text/csv": "csv", "application/x-ndjson": "ndjson",
		"application/json": "json", "*/*": "csv", "text/*": "csv", "application/*": "json"})
	if !ok {
		return "", domain.Errorf(domain.ENOTACCEPTABLE, "exports are text/csv, application/x-ndjson or application/json")
	}
	return best, nil
}

func (h *handlers) exportObservations(ctx context.Context, in *ExportInput) (*huma.StreamResponse, error) {
	format, err := exportFormat(in)
	if err != nil {
		return nil, err
	}
	f, err := h.observationFilter(ctx, &in.ObservationFilterParams)
	if err != nil {
		return nil, err
	}
	// Each export holds a database connection while it streams: bound how many run at once, and
	// each client's share, so that slow readers cannot take the whole pool.
	client := clientFrom(ctx)
	if err := h.exports.acquire(client); err != nil {
		return nil, err
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		defer h.exports.release(client)
		_, w := humachi.Unwrap(hc)
		ctx, cancel := context.WithTimeout(ctx, exportMaxDuration)
		defer cancel()
		if hc.Method() == http.MethodHead { // the headers of the export, without running it
			startExport(w, format)
			return
		}
		h.streamExport(ctx, w, format, f)
	}}, nil
}

// streamExport writes the export row by row. Until the first row is written a failure is still
// a problem response; after it, the connection is aborted so that a client never mistakes a
// truncated file for a whole one.
func (h *handlers) streamExport(ctx context.Context, w http.ResponseWriter, format string, f domain.ObservationFilter) {
	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(w, 64<<10)
	rows := 0
	started := false
	start := func() {
		started = true
		startExport(w, format)
		_ = rc.SetWriteDeadline(flushDeadline(ctx)) // not every writer has deadlines
		switch format {
		case "csv":
			_, _ = bw.WriteString(strings.Join(exportColumns, ",") + "\n") // errors surface at flush
		case "json":
			_, _ = bw.WriteString("[") // errors surface at flush
		}
	}
	// each writes one row with write, flushing every flushEvery rows.
	each := func(write func() error) error {
		if !started {
			start()
		}
		if err := write(); err != nil {
			return err
		}
		rows++
		if rows%flushEvery == 0 {
			if err := bw.Flush(); err != nil {
				return err // the client is gone
			}
			_ = rc.Flush()
			_ = rc.SetWriteDeadline(flushDeadline(ctx))
		}
		return nil
	}
	// The store gives each line ready: CSV cells neutralised and quoted as encoding/csv would
	// (written in Go from PostgreSQL's text), JSON objects as encoding/json would (written by
	// PostgreSQL). The API hands the bytes on.
	stream := h.db.StreamObservationsCSV
	if format != "csv" {
		stream = h.db.StreamObservationsJSON
	}
	err := stream(ctx, f, func(line []byte) error {
		return each(func() error {
			if format == "json" && rows > 0 {
				_ = bw.WriteByte(',') // errors surface at flush
			}
			_, _ = bw.Write(line) // errors surface at flush
			return bw.WriteByte('\n')
		})
	})
	if err != nil && !started {
		p, _ := toHTTP(ctx, h.log, err, http.MethodGet).(*problem)
		writeExportProblem(w, p)
		return
	}
	if err != nil {
		h.log.Error("export aborted", "error", err.Error(), "rows", rows, "request_id", httpx.RequestIDOf(ctx))
		panic(http.ErrAbortHandler)
	}
	if !started {
		// No row: say so if a filter names something that does not exist (the response has
		// not started, so it can still be a problem).
		if err := h.db.CheckReferences(ctx, f); err != nil {
			p, _ := toHTTP(ctx, h.log, err, http.MethodGet).(*problem)
			writeExportProblem(w, p)
			return
		}
		start()
	}
	if format == "json" {
		_, _ = bw.WriteString("]\n")
	}
	_ = bw.Flush() // the client may be gone; nothing more to do
}

// startExport sends an export's status and headers (HEAD sends nothing else).
func startExport(w http.ResponseWriter, format string) {
	w.Header().Set("Content-Type", exportTypes[format])
	w.Header().Set("Content-Disposition", `attachment; filename="observations.`+format+`"`)
	w.Header().Set("Vary", "Accept") // the format may come from Accept
	w.WriteHeader(http.StatusOK)
}

// writeExportProblem answers an export that failed before its first row with the problem,
// its headers and its field errors.
func writeExportProblem(w http.ResponseWriter, p *problem) {
	for k, v := range p.headers {
		w.Header()[k] = v
	}
	b, _ := httpx.JSONMarshal(p.Problem)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_, _ = w.Write(b) // #nosec G705 -- JSON served as application/problem+json with nosniff
}

// flushDeadline is when the client must have taken the next flush of rows: a slow reader is
// cut, and so is any export past its total duration.
func flushDeadline(ctx context.Context) time.Time {
	d := time.Now().Add(exportFlushDeadline)
	if end, ok := ctx.Deadline(); ok && end.Before(d) {
		return end
	}
	return d
}
