package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"github.com/uclg-digital-cities/digitalcities/internal/catalog"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// CatalogInput is get-catalog's input: one page of the DCAT catalog.
type CatalogInput struct {
	Limit  int    `query:"limit" default:"50" minimum:"1" maximum:"500" doc:"Datasets per page (default 50, maximum 500)." example:"50"`
	Cursor string `query:"cursor" maxLength:"2048" doc:"Where the next page starts: the catalog's hydra:next holds it." example:"eyJzIjoic2x1ZyIsInYiOiIiLCJpZCI6InNtYXJ0LWdvdmVybmFuY2UtMjAxOSJ9"`
}

// DatasetRenderInput is get-dataset's input: the dataset and its representation.
type DatasetRenderInput struct {
	DatasetPathInput
	Format      string `query:"format" enum:"json,jsonld,html" doc:"json: the dataset; jsonld: schema.org Dataset JSON-LD, as dataset search engines read it; html: its page, with that JSON-LD embedded. Without it, chosen from Accept." example:"json"`
	Accept      string `header:"Accept" maxLength:"500" doc:"application/json, application/ld+json or text/html, with q-values." example:"application/json"`
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// datasetOffers are the representations of a dataset, by Accept media range.
var datasetOffers = map[string]string{"application/json": "json", "application/ld+json": "jsonld", "text/html": "html",
	"application/*": "json", "text/*": "html", "*/*": "json"}

// datasetTypes are their media types.
var datasetTypes = map[string]string{"json": "application/json", "jsonld": "application/ld+json", "html": "text/html; charset=utf-8"}

// jsonDocResponses documents a JSON document that the catalog package builds, under its media type.
func jsonDocResponses(mediaType, what string) map[string]*huma.Response {
	return map[string]*huma.Response{
		"200": {
			Description: what,
			Headers: map[string]*huma.Param{
				"ETag": {Description: "A digest of the document.", Schema: headerText(100)},
				"Link": {Description: "The dataset's licence (rel=\"license\"); on the catalog, its next page (rel=\"next\"), as hydra:next says.",
					Schema: headerText(2500)},
			},
			Content: map[string]*huma.MediaType{mediaType: {Schema: &huma.Schema{Type: huma.TypeObject, Description: what}}},
		},
	}
}

// jsonDocOp documents a catalog document's response.
func jsonDocOp(o huma.Operation, mediaType, what string) huma.Operation {
	o.Responses = jsonDocResponses(mediaType, what)
	return o
}

// datasetResponses documents the three representations of a dataset.
func datasetResponses() map[string]*huma.Response {
	return map[string]*huma.Response{
		"200": {
			Description: "The dataset as JSON, as schema.org Dataset JSON-LD, or as its page.",
			Headers: map[string]*huma.Param{
				"ETag": {Description: "Per representation: the version for JSON; the version and a digest for JSON-LD and HTML, which also show the newest release.",
					Schema: headerText(100)},
				"Link": {Description: "The dataset's licence, rel=\"license\".", Schema: headerText(300)},
				"Vary": {Description: "Accept.", Schema: headerText(100)},
			},
			Content: map[string]*huma.MediaType{
				"application/json":    {Schema: &huma.Schema{Ref: "#/components/schemas/Dataset"}},
				"application/ld+json": {Schema: &huma.Schema{Type: huma.TypeObject, Description: "A schema.org Dataset."}},
				"text/html":           {Schema: &huma.Schema{Description: "The dataset's page, with its schema.org JSON-LD embedded."}},
			},
		},
	}
}

// datasetOp documents get-dataset's representations.
func datasetOp(o huma.Operation) huma.Operation {
	o.Responses = datasetResponses()
	return o
}

// entries reads the newest release of each dataset, for the catalogs.
func (h *handlers) entries(ctx context.Context, ds []domain.Dataset) ([]catalog.Entry, error) {
	out := make([]catalog.Entry, len(ds))
	for i, d := range ds {
		out[i].Dataset = d
		if d.LatestRelease != nil {
			r, err := h.db.GetRelease(ctx, d.Slug, *d.LatestRelease)
			if err != nil {
				return nil, err
			}
			out[i].Latest = r
		}
	}
	return out, nil
}

func (h *handlers) getCatalog(ctx context.Context, in *CatalogInput) (*huma.StreamResponse, error) {
	after, err := domain.DecodeCursor(in.Cursor, "slug")
	if err != nil {
		return nil, err
	}
	f := domain.DatasetFilter{Limit: in.Limit}
	if after != nil {
		f.After = after.ID
	}
	ds, more, err := h.db.ListDatasets(ctx, f)
	if err != nil {
		return nil, err
	}
	entries, err := h.entries(ctx, ds)
	if err != nil {
		return nil, err
	}
	page := func(cursor string) string {
		q := url.Values{"limit": {strconv.Itoa(in.Limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		return catalog.CatalogURL(h.publicBase) + "?" + q.Encode()
	}
	next := ""
	if more {
		next = page(domain.Cursor{Sort: "slug", ID: ds[len(ds)-1].Slug}.Encode())
	}
	link := ""
	if next != "" {
		link = "<" + next + `>; rel="next"`
	}
	return respondJSONDoc("application/ld+json", link, catalog.DCATCatalog(h.publicBase, entries, page(in.Cursor), next))
}

func (h *handlers) getProjectOpenData(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
	var all []domain.Dataset
	f := domain.DatasetFilter{Limit: 500}
	for {
		ds, more, err := h.db.ListDatasets(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, ds...)
		if !more {
			break
		}
		f.After = ds[len(ds)-1].Slug
	}
	entries, err := h.entries(ctx, all)
	if err != nil {
		return nil, err
	}
	return respondJSONDoc("application/json", "", catalog.ProjectOpenData(h.publicBase, entries))
}

// releaseDoc reads what a release's metadata documents are built from.
func (h *handlers) releaseDoc(ctx context.Context, in *ReleasePathInput) (*domain.Dataset, *domain.Release, []domain.Column, error) {
	r, err := h.db.GetRelease(ctx, in.Slug, in.Number)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := h.db.GetDataset(ctx, in.Slug)
	if err != nil {
		return nil, nil, nil, err
	}
	// The release's documents describe it as it was published, whatever became of the dataset.
	d.DatasetFields = domain.DatasetFields(r.Metadata)
	cols, err := postgres.ReleaseColumns(r.Content.Resource)
	return d, r, cols, err
}

func (h *handlers) getDataPackage(ctx context.Context, in *ReleasePathInput) (*huma.StreamResponse, error) {
	d, r, cols, err := h.releaseDoc(ctx, in)
	if err != nil {
		return nil, err
	}
	return respondJSONDoc("application/json", licenseLink(r.Metadata.License), catalog.DataPackage(h.publicBase, *d, *r, cols))
}

func (h *handlers) getCSVMetadata(ctx context.Context, in *ReleasePathInput) (*huma.StreamResponse, error) {
	d, r, cols, err := h.releaseDoc(ctx, in)
	if err != nil {
		return nil, err
	}
	// The metadata of the CSV in the language asked for: its url asks for that language.
	doc := catalog.CSVW(h.publicBase, *d, *r, cols, singleLanguage(languageOf(ctx)))
	return respondJSONDoc("application/csvm+json", licenseLink(r.Metadata.License), doc, contentLanguage(domain.LanguageAll))
}

// respondJSONDoc answers with a catalog document, tagged by its digest. The documents change
// with every dataset and release they show, and are small: a digest is the honest ETag. They
// hold every language's texts; one that also depends on the language asked for says so with
// its languages (Content-Language, which makes its ETag that language's, and Vary).
func respondJSONDoc(mediaType, link string, doc any, languages ...string) (*huma.StreamResponse, error) {
	body, err := httpx.JSONMarshal(doc)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	tag := `"` + hex.EncodeToString(sum[:12]) + `"`
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		if len(languages) > 0 {
			hc.SetHeader("Content-Language", strings.Join(languages, ", "))
		}
		if notModified(hc.Header("If-None-Match"), tag) {
			hc.SetHeader("ETag", tag)
			hc.SetStatus(http.StatusNotModified)
			return
		}
		hc.SetHeader("Content-Type", mediaType)
		hc.SetHeader("ETag", tag)
		if link != "" {
			hc.SetHeader("Link", link)
		}
		hc.SetStatus(http.StatusOK)
		_, _ = hc.BodyWriter().Write(body) // a client gone away is nothing to report
	}}, nil
}

// getDataset answers a dataset as JSON, schema.org JSON-LD or its HTML page.
func (h *handlers) getDataset(ctx context.Context, in *DatasetRenderInput) (*huma.StreamResponse, error) {
	format := in.Format
	if format == "" {
		format = "json"
		if strings.TrimSpace(in.Accept) != "" {
			f, ok := negotiate(in.Accept, datasetOffers)
			if !ok {
				return nil, domain.Errorf(domain.ENOTACCEPTABLE, "datasets are application/json, application/ld+json or text/html")
			}
			format = f
		}
	}
	d, err := h.db.GetDataset(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	var latest *domain.Release
	if format != "json" && d.LatestRelease != nil {
		if latest, err = h.db.GetRelease(ctx, d.Slug, *d.LatestRelease); err != nil {
			return nil, err
		}
	}
	var body []byte
	lang := languageOf(ctx)
	contentLang := contentLanguage(lang)
	switch format {
	case "json":
		body, err = marshalIn(d, lang)
	case "jsonld":
		body, err = httpx.JSONMarshal(catalog.SchemaOrg(h.publicBase, *d, latest))
		contentLang = "en" // schema.org's name and description are English; inLanguage lists the files' languages
	case "html":
		contentLang = singleLanguage(lang)
		body, err = datasetPage(h.publicBase, d, latest, contentLang)
	}
	if err != nil {
		return nil, err
	}
	tag := etag(d.Version)
	if format != "json" {
		sum := sha256.Sum256(body)
		tag = `"v` + strconv.Itoa(d.Version) + "-" + format + "-" + hex.EncodeToString(sum[:8]) + `"`
	}
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", datasetTypes[format])
		hc.SetHeader("Content-Language", contentLang)
		hc.SetHeader("ETag", tag)
		hc.SetHeader("Vary", "Accept")
		hc.SetHeader("Link", licenseLink(d.License))
		if format == "html" {
			hc.SetHeader("Content-Security-Policy", htmlPolicy)
		}
		hc.SetStatus(http.StatusOK)
		_, _ = hc.BodyWriter().Write(body) // a client gone away is nothing to report
	}}, nil
}

// datasetPageTemplate is a dataset's page: what people read, and the schema.org JSON-LD that
// dataset search engines read.
var datasetPageTemplate = template.Must(template.New("dataset").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title{{if ne .TitleLang .Lang}} lang="{{.TitleLang}}"{{end}}>{{.Title}}</title>
<script type="application/ld+json">{{.JSONLD}}</script>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}code{word-break:break-all}</style>
</head><body>
<h1{{if ne .TitleLang .Lang}} lang="{{.TitleLang}}"{{end}}>{{.Title}}</h1>
<p{{if ne .DescriptionLang .Lang}} lang="{{.DescriptionLang}}"{{end}}>{{.Description}}</p>
<dl>
<dt>{{.L.Publisher}}</dt><dd>{{.D.Publisher}}</dd>
<dt>{{.L.Licence}}</dt><dd><a rel="license" href="{{.License}}">{{.D.License}}</a></dd>
<dt>{{.L.Contact}}</dt><dd>{{.D.ContactName}} &lt;{{.D.ContactEmail}}&gt;</dd>
</dl>
{{with .Latest}}<h2>{{$.L.Release}} {{.Number}}</h2>
<p>{{.Notes}} {{.Rows}} {{$.L.RecordsAsOf}} {{.AsOf.Format "2006-01-02 15:04:05 UTC"}}.</p>
<table><tr><th>{{$.L.File}}</th><th>{{$.L.Language}}</th><th>{{$.L.Bytes}}</th><th>SHA-256</th></tr>
{{range .Files}}{{$name := .Name}}{{range .Languages}}<tr><td><a href="{{$.Base}}{{.Href}}" hreflang="{{.Language}}">{{$name}}</a></td><td>{{.Language}}</td><td>{{.Bytes}}</td><td><code>{{.SHA256}}</code></td></tr>
{{end}}{{end}}</table>{{else}}<p>{{$.L.NoRelease}}</p>{{end}}
</body></html>
`))

// datasetPageLabel are the words of a dataset's page in one language.
type datasetPageLabel struct {
	Publisher, Licence, Contact, Release, RecordsAsOf, File, Language, Bytes, NoRelease string
}

// datasetPageLabels are the page's words in UCLG's three languages.
var datasetPageLabels = map[string]datasetPageLabel{
	"en": {"Publisher", "Licence", "Contact", "Release", "records, as of", "File", "Language", "Bytes", "No release yet."},
	"fr": {"Éditeur", "Licence", "Contact", "Version", "enregistrements, à la date du", "Fichier", "Langue", "Octets", "Aucune version publiée pour l'instant."},
	"es": {"Editor", "Licencia", "Contacto", "Versión", "registros, a fecha de", "Archivo", "Idioma", "Bytes", "Todavía no se ha publicado ninguna versión."},
}

// datasetPage renders a dataset's page in lang (en, fr or es); a text not translated into it is
// shown in English, marked with its language.
func datasetPage(base string, d *domain.Dataset, latest *domain.Release, lang string) ([]byte, error) {
	// encoding/json escapes <, > and & in strings, so the JSON-LD cannot end its script element.
	ld, err := json.Marshal(catalog.SchemaOrg(base, *d, latest))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	title, titleLang := d.Title.In(lang)
	description, descriptionLang := d.Description.In(lang)
	err = datasetPageTemplate.Execute(&b, map[string]any{"D": d, "Latest": latest, "Base": base, "Lang": lang, "L": datasetPageLabels[lang],
		"Title": title, "TitleLang": titleLang, "Description": description, "DescriptionLang": descriptionLang,
		"License": catalog.LicenseURL(d.License), "JSONLD": template.JS(ld)}) // #nosec G203 -- JSON from encoding/json, which escapes <, > and &
	return []byte(b.String()), err
}
