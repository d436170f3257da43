package api

import (
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"github.com/uclg-digital-cities/digitalcities/internal/catalog"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// ReleaseFileInput is get-release-file's input.
type ReleaseFileInput struct {
	ReleasePathInput
	Name           string `path:"name" maxLength:"100" pattern:"^[a-z_]+\\.(csv|ndjson|json|xlsx|parquet)$" doc:"The file's name, as the release lists it." example:"observations.csv"`
	Range          string `header:"Range" maxLength:"200" doc:"One byte range (bytes=first-last, bytes=first- or bytes=-suffix), to resume a download: 206 with that part." example:"bytes=1048576-"`
	IfRange        string `header:"If-Range" maxLength:"200" doc:"The ETag you resume against, as the download in the same language gave it; the range is honoured only if it still matches (release files never change, so it does)." example:"\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08-fr\""`
	IfNoneMatch    string `header:"If-None-Match" maxLength:"200" doc:"The ETag you hold; 304 when it matches." example:"\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08-fr\""`
	AcceptEncoding string `header:"Accept-Encoding" maxLength:"500" doc:"gzip compresses CSV, NDJSON and JSON files on the way (not with Range)." example:"gzip"`
}

// releaseFileResponses documents a release file's download.
func releaseFileResponses() map[string]*huma.Response {
	str := func(desc string) *huma.Param {
		return &huma.Param{Description: desc, Schema: headerText(500)}
	}
	headers := func() map[string]*huma.Param {
		return map[string]*huma.Param{
			"ETag":             str("The SHA-256 in hex of the version sent, then the language asked for, quoted (\"9f86…0a08-fr\"; none with lang=all); weak (W/) when gzip-encoded on the way."),
			"Content-Language": str("The language of the file's labels: the one asked for, or en when the release has no labels in it (and with lang=all)."),
			"Cache-Control":    str("public, max-age=31536000, immutable: release files never change."),
			"Accept-Ranges":    str("bytes"),
			"Content-Length":   str("The size of the body."),
			"Link":             str("The dataset's licence, rel=\"license\"."),
		}
	}
	content := func() map[string]*huma.MediaType {
		m := map[string]*huma.MediaType{}
		for _, f := range domain.ReleaseFormats {
			m[strings.Split(f.MediaType, ";")[0]] = &huma.MediaType{Schema: &huma.Schema{Description: "The file's bytes (" + f.Format + ")."}}
		}
		return m
	}
	partial := headers()
	partial["Content-Range"] = str("bytes first-last/size")
	return map[string]*huma.Response{
		"200": {Description: "The whole file.", Headers: headers(), Content: content()},
		"206": {Description: "The requested byte range.", Headers: partial, Content: content()},
		"304": {Description: "The file you hold is this one."},
	}
}

// headerText is the schema of a header value: printable ASCII, at most max characters.
func headerText(max int) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, MaxLength: &max, Pattern: `^[ -~]*$`}
}

// releaseFileOp documents a release file's download.
func releaseFileOp(o huma.Operation) huma.Operation {
	o.Responses = releaseFileResponses()
	markLanguageDependent(&o) // a file's labels are in the language asked, where the release has them
	return o
}

// byteRange is a satisfiable range of a file.
type byteRange struct{ first, last int64 }

// parseRange reads a Range header against a file of size bytes: nil when the whole file is to
// be sent (no header, several ranges, another unit, or a header that does not parse, which
// RFC 9110 says to ignore); ERANGE when a well-formed range lies outside the file.
func parseRange(h string, size int64) (*byteRange, error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if h == "" || !ok || strings.Contains(spec, ",") {
		return nil, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil, nil
	}
	number := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= 0 && s != "" && s[0] != '+'
	}
	unsatisfiable := &domain.Error{Code: domain.ERANGE, Message: fmt.Sprintf("the file has %d bytes: the range %q lies outside it", size, h)}
	if first == "" { // the last n bytes
		n, ok := number(last)
		switch {
		case !ok:
			return nil, nil
		case n == 0 || size == 0:
			return nil, unsatisfiable
		}
		return &byteRange{first: max(size-n, 0), last: size - 1}, nil
	}
	f, ok := number(first)
	if !ok {
		return nil, nil
	}
	l := size - 1
	if last != "" {
		n, ok := number(last)
		if !ok || n < f {
			return nil, nil // first-last with last before first is invalid: ignored
		}
		l = min(n, size-1)
	}
	if f >= size {
		return nil, unsatisfiable
	}
	return &byteRange{first: f, last: l}, nil
}

// acceptsGzip reports whether Accept-Encoding allows gzip (with a q-value above 0).
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			params = strings.ToLower(strings.ReplaceAll(params, " ", ""))
			q, ok := strings.CutPrefix(params, "q=")
			return !ok || strings.Trim(q, "0.") != ""
		}
	}
	return false
}

// compressible formats are worth gzipping; XLSX and Parquet are compressed already.
func compressible(format string) bool {
	return format == "csv" || format == "ndjson" || format == "json"
}

func (h *handlers) getReleaseFile(ctx context.Context, in *ReleaseFileInput) (*huma.StreamResponse, error) {
	f, err := h.db.GetReleaseFile(ctx, in.Slug, in.Number, in.Name, singleLanguage(languageOf(ctx)))
	if err != nil {
		return nil, err
	}
	strong := `"` + f.SHA256 + `"`
	gz := compressible(f.Format) && acceptsGzip(in.AcceptEncoding)
	tag := strong
	if gz {
		tag = "W/" + strong
	}
	// A validator the client holds answers before any range is looked at (RFC 9110, 13.2.2).
	if notModified(in.IfNoneMatch, tag) || notModified(in.IfNoneMatch, strong) {
		return nil, &notModifiedError{etag: tag}
	}
	var rng *byteRange
	// If-Range names the file version by its strong tag (its language taken off by the chain,
	// language.go); a weak tag never matches (RFC 9110, 13.1.5).
	if in.IfRange == "" || strings.TrimSpace(in.IfRange) == strong {
		if rng, err = parseRange(in.Range, f.Bytes); err != nil {
			return nil, &rangeError{size: f.Bytes, err: err}
		}
	}
	if rng != nil {
		gz, tag = false, strong // ranges are of the file's own bytes
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		_, w := humachi.Unwrap(hc)
		hd := w.Header()
		hd.Set("Content-Type", f.MediaType)
		hd.Set("Content-Language", f.Language) // the ETag then takes the language asked for, and Vary Accept-Language
		hd.Set("ETag", tag)
		hd.Set("Cache-Control", releaseCache)
		hd.Set("Accept-Ranges", "bytes")
		hd.Set("Last-Modified", f.CreatedAt.UTC().Format(http.TimeFormat))
		name := f.Name
		if f.Language != "en" { // observations.fr.csv beside observations.csv
			base, ext, _ := strings.Cut(f.Name, ".")
			name = base + "." + f.Language + "." + ext
		}
		hd.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d-%s"`, in.Slug, in.Number, name))
		link := licenseLink(f.License)
		if f.Format == "csv" { // where CSV on the Web processors look for the CSV's metadata: for this URL's
			link += `, <` + catalog.CSVWURL("", in.Slug, in.Number, singleLanguage(languageOf(ctx))) + `>; rel="describedby"; type="application/csvm+json"`
		}
		hd.Set("Link", link)
		if compressible(f.Format) {
			hd.Set("Vary", "Accept-Encoding")
		}
		offset, length, status := int64(0), f.Bytes, http.StatusOK
		if rng != nil {
			offset, length, status = rng.first, rng.last-rng.first+1, http.StatusPartialContent
			hd.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", rng.first, rng.last, f.Bytes))
		}
		if gz {
			hd.Set("Content-Encoding", "gzip")
		} else {
			hd.Set("Content-Length", strconv.FormatInt(length, 10))
		}
		w.WriteHeader(status)
		if hc.Method() == http.MethodHead {
			return
		}
		h.copyReleaseFile(ctx, w, f, offset, length, gz)
	}}, nil
}

// copyReleaseFile sends the file's bytes, gzipped on the way when asked. A failure after the
// headers aborts the connection, so that a client never takes a cut file for a whole one.
func (h *handlers) copyReleaseFile(ctx context.Context, w http.ResponseWriter, f *postgres.StoredFile, offset, length int64, gz bool) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(flushDeadline(ctx))
	out := deadlineWriter{w: w, rc: rc, ctx: ctx}
	var err error
	if gz {
		zw := gzip.NewWriter(out)
		if err = h.db.CopyReleaseFile(ctx, f, offset, length, zw); err == nil {
			err = zw.Close()
		}
	} else {
		err = h.db.CopyReleaseFile(ctx, f, offset, length, out)
	}
	if err != nil {
		h.log.Error("release file download aborted", "error", err.Error(), "file", f.Name, "request_id", httpx.RequestIDOf(ctx))
		panic(http.ErrAbortHandler)
	}
}

// deadlineWriter moves the write deadline on with every chunk it passes, so that a slow
// reader is cut but a long download is not.
type deadlineWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	ctx context.Context
}

func (d deadlineWriter) Write(p []byte) (int, error) {
	_ = d.rc.SetWriteDeadline(flushDeadline(d.ctx))
	return d.w.Write(p)
}

// rangeError is a 416 that says the file's size in Content-Range, as RFC 9110 asks.
type rangeError struct {
	size int64
	err  error
}

func (e *rangeError) Error() string { return e.err.Error() }
func (e *rangeError) Unwrap() error { return e.err }

// Headers adds Content-Range: bytes */size to the problem.
func (e *rangeError) Headers() http.Header {
	return http.Header{"Content-Range": {fmt.Sprintf("bytes */%d", e.size)}}
}
