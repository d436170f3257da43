package catalog

import (
	"strconv"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Node is a JSON-LD node object: properties, named by compact IRIs of the document's context,
// and their values.
type Node map[string]any

// dcatContext is the DCAT catalog's @context, inline so that harvesters (and the tests) need no
// remote context: the prefixes of the vocabularies DCAT-AP 3 uses.
var dcatContext = map[string]string{
	"adms":  "http://www.w3.org/ns/adms#",
	"dcat":  "http://www.w3.org/ns/dcat#",
	"dct":   "http://purl.org/dc/terms/",
	"foaf":  "http://xmlns.com/foaf/0.1/",
	"hydra": "http://www.w3.org/ns/hydra/core#",
	"rdfs":  "http://www.w3.org/2000/01/rdf-schema#",
	"skos":  "http://www.w3.org/2004/02/skos/core#",
	"spdx":  "http://spdx.org/rdf/terms#",
	"vcard": "http://www.w3.org/2006/vcard/ns#",
	"xsd":   "http://www.w3.org/2001/XMLSchema#",
}

// DCATCatalog returns one page of the DCAT-AP 3.0 catalog as JSON-LD: the catalog and the
// datasets of entries, each with its newest release's files as distributions (a dataset with
// no release yet has none). self is this page's URL and next the next page's, "" on the last
// page; harvesters follow the Hydra view's hydra:next from page to page.
func DCATCatalog(base string, entries []Entry, self, next string) Node {
	datasets := make([]Node, 0, len(entries))
	for _, e := range entries {
		datasets = append(datasets, dcatDataset(base, e))
	}
	return Node{
		"@context":        dcatContext,
		"@id":             CatalogURL(base),
		"@type":           []string{"dcat:Catalog", "hydra:Collection"},
		"dct:title":       texts(CatalogTitle),
		"dct:description": texts(CatalogDescription),
		"dct:publisher":   agent(CatalogPublisher),
		"foaf:homepage":   iri(homepageURL(base)),
		"dct:language":    []Node{iri(euLanguage + "ENG"), iri(euLanguage + "FRA"), iri(euLanguage + "SPA")},
		"dcat:dataset":    datasets,
		"hydra:view":      pageView(base, self, next),
	}
}

// pageView is the Hydra partial collection view of one catalog page: its own URL, the first
// page's and, unless this is the last page, the next one's.
func pageView(base, self, next string) Node {
	if self == "" {
		self = CatalogURL(base)
	}
	view := Node{
		"@id":         self,
		"@type":       "hydra:PartialCollectionView",
		"hydra:first": iri(CatalogURL(base)),
	}
	if next != "" {
		view["hydra:next"] = iri(next)
	}
	return view
}

// dcatDataset describes one dataset and its newest release.
func dcatDataset(base string, e Entry) Node {
	d := e.Dataset
	page := DatasetURL(base, d.Slug)
	n := Node{
		"@id":                    page,
		"@type":                  "dcat:Dataset",
		"dct:identifier":         page,
		"dct:title":              texts(d.Title),
		"dct:description":        texts(d.Description),
		"dct:publisher":          agent(d.Publisher),
		"dcat:contactPoint":      contactPoint(d),
		"dct:license":            iri(LicenseURL(d.License)),
		"dcat:landingPage":       iri(page),
		"dct:accrualPeriodicity": iri(periodicityOf(d).eu),
		"dct:modified":           dateTime(modified(e)),
	}
	if len(d.Themes) > 0 {
		themes := make([]Node, 0, len(d.Themes))
		for _, t := range d.Themes {
			themes = append(themes, theme(t))
		}
		n["dcat:theme"] = themes
	}
	if len(d.Keywords) > 0 {
		n["dcat:keyword"] = d.Keywords
	}
	if d.TemporalStart != nil || d.TemporalEnd != nil {
		n["dct:temporal"] = periodOfTime(d.TemporalStart, d.TemporalEnd)
	}
	if d.Spatial != "" {
		n["dct:spatial"] = Node{"@type": "dct:Location", "skos:prefLabel": d.Spatial}
	}
	if r := e.Latest; r != nil {
		n["dcat:version"] = strconv.Itoa(r.Number)
		if r.Notes != "" {
			n["adms:versionNotes"] = Node{"@value": r.Notes, "@language": "en"}
		}
		distributions := make([]Node, 0, len(r.Files))
		for _, f := range r.Files {
			for _, v := range versions(f) {
				distributions = append(distributions, dcatDistribution(base, d, *r, f, v))
			}
		}
		n["dcat:distribution"] = distributions
		var languages []Node
		for _, l := range releaseLanguages(*r) {
			languages = append(languages, iri(euLanguages[l]))
		}
		n["dct:language"] = languages
	}
	return n
}

// dcatDistribution describes one file of a release in one language: the language of its labels.
func dcatDistribution(base string, d domain.Dataset, r domain.Release, f domain.ReleaseFile, v domain.ReleaseFileLanguage) Node {
	fileURL := FileURLIn(base, d.Slug, r.Number, f, v.Language)
	f = version(f, v)
	format := formatOf(f)
	title := f.Name
	if v.Language != "en" {
		title += " (" + languageNames[v.Language] + ")"
	}
	n := Node{
		"@type":            "dcat:Distribution",
		"dct:title":        title,
		"dct:language":     iri(euLanguages[v.Language]),
		"dcat:accessURL":   iri(fileURL),
		"dcat:downloadURL": iri(fileURL),
		"dcat:byteSize":    typed(strconv.FormatInt(f.Bytes, 10), "xsd:nonNegativeInteger"),
		"dct:license":      iri(LicenseURL(d.License)),
		"dct:issued":       dateTime(r.CreatedAt),
	}
	if format.fileType != "" {
		n["dct:format"] = iri(format.fileType)
	} else {
		n["dct:format"] = Node{"@type": "dct:MediaTypeOrExtent", "rdfs:label": format.label}
	}
	if mt := mediaTypeIRI(mediaType(f)); mt != "" {
		n["dcat:mediaType"] = iri(mt)
	}
	if f.SHA256 != "" {
		n["spdx:checksum"] = Node{
			"@type":              "spdx:Checksum",
			"spdx:algorithm":     iri("spdx:checksumAlgorithm_sha256"),
			"spdx:checksumValue": typed(f.SHA256, "xsd:hexBinary"),
		}
	}
	return n
}

// texts returns a text's versions as language-tagged values, English first.
func texts(t domain.Text) []Node {
	values := []Node{{"@value": t.EN, "@language": "en"}}
	if t.FR != "" {
		values = append(values, Node{"@value": t.FR, "@language": "fr"})
	}
	if t.ES != "" {
		values = append(values, Node{"@value": t.ES, "@language": "es"})
	}
	return values
}

// iri returns a reference to the node an IRI names.
func iri(s string) Node {
	return Node{"@id": s}
}

// typed returns a literal of an XML Schema datatype.
func typed(value, datatype string) Node {
	return Node{"@value": value, "@type": datatype}
}

// dateTime returns an instant as an xsd:dateTime literal.
func dateTime(t time.Time) Node {
	return typed(timestamp(t), "xsd:dateTime")
}

// agent returns an organisation as a foaf:Agent with its name.
func agent(name string) Node {
	return Node{"@type": "foaf:Agent", "foaf:name": name}
}

// contactPoint returns a dataset's contact as a vCard.
func contactPoint(d domain.Dataset) Node {
	n := Node{"@type": "vcard:Kind", "vcard:fn": d.ContactName}
	if d.ContactEmail != "" {
		n["vcard:hasEmail"] = iri("mailto:" + d.ContactEmail)
	}
	return n
}

// theme returns a theme as a reference when it is a URI or an EU data theme's code, else as a
// concept labelled with its words.
func theme(t string) Node {
	if ref := themeIRI(t); ref != "" {
		return iri(ref)
	}
	return Node{"@type": "skos:Concept", "skos:prefLabel": t}
}

// periodOfTime returns the years a dataset covers; either end may be open.
func periodOfTime(start, end *int) Node {
	n := Node{"@type": "dct:PeriodOfTime"}
	if start != nil {
		n["dcat:startDate"] = typed(strconv.Itoa(*start), "xsd:gYear")
	}
	if end != nil {
		n["dcat:endDate"] = typed(strconv.Itoa(*end), "xsd:gYear")
	}
	return n
}
