package catalog

import (
	"strings"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// The controlled vocabularies the documents use, and how the domain's values map to them.

const (
	euFrequency = "http://publications.europa.eu/resource/authority/frequency/"
	euFileType  = "http://publications.europa.eu/resource/authority/file-type/"
	euDataTheme = "http://publications.europa.eu/resource/authority/data-theme/"
	euLanguage  = "http://publications.europa.eu/resource/authority/language/"
	ianaMedia   = "http://www.iana.org/assignments/media-types/"
)

// periodicity is how one of the domain's accrual periodicities is written: as an EU frequency
// (DCAT-AP) and as an ISO 8601 repeating duration (Project Open Data).
type periodicity struct {
	eu, iso8601 string
}

// periodicities maps the domain's accrual periodicities; irregular is the default.
var periodicities = map[string]periodicity{
	"irregular": {euFrequency + "IRREG", "irregular"},
	"annual":    {euFrequency + "ANNUAL", "R/P1Y"},
	"biennial":  {euFrequency + "BIENNIAL", "R/P2Y"},
	"triennial": {euFrequency + "TRIENNIAL", "R/P3Y"},
	"quarterly": {euFrequency + "QUARTERLY", "R/P3M"},
	"monthly":   {euFrequency + "MONTHLY", "R/P1M"},
}

// periodicityOf returns how often a dataset is released; an empty or unknown value is irregular.
func periodicityOf(d domain.Dataset) periodicity {
	if p, ok := periodicities[d.AccrualPeriodicity]; ok {
		return p
	}
	return periodicities["irregular"]
}

// fileFormat is what the documents say about one of the release formats.
type fileFormat struct {
	label    string // the format's usual name
	fileType string // its EU file type, "" when the vocabulary has none
	text     bool   // written as UTF-8 text
}

// fileFormats are the release formats (domain.ReleaseFormats).
var fileFormats = map[string]fileFormat{
	"csv":     {"CSV", euFileType + "CSV", true},
	"ndjson":  {"NDJSON", "", true},
	"json":    {"JSON", euFileType + "JSON", true},
	"xlsx":    {"XLSX", euFileType + "XLSX", false},
	"parquet": {"Parquet", euFileType + "PARQUET", false},
}

// formatOf returns what to say of a file's format; a format outside the table is named in
// capitals and described by nothing else.
func formatOf(f domain.ReleaseFile) fileFormat {
	if ff, ok := fileFormats[f.Format]; ok {
		return ff
	}
	return fileFormat{label: strings.ToUpper(f.Format)}
}

// mediaType returns a file's media type without parameters ("text/csv; charset=utf-8" gives
// "text/csv"), taking the format's usual type when the record has none.
func mediaType(f domain.ReleaseFile) string {
	mt := f.MediaType
	if mt == "" {
		for _, rf := range domain.ReleaseFormats {
			if rf.Format == f.Format {
				mt = rf.MediaType
			}
		}
	}
	essence, _, _ := strings.Cut(mt, ";")
	return strings.ToLower(strings.TrimSpace(essence))
}

// mediaTypeIRI returns the IANA registry's IRI of a media type, or "" for a type the registry
// does not hold: an experimental "x-" type such as application/x-ndjson, or no type at all.
func mediaTypeIRI(mt string) string {
	_, subtype, ok := strings.Cut(mt, "/")
	if !ok || subtype == "" || strings.HasPrefix(subtype, "x-") {
		return ""
	}
	return ianaMedia + mt
}

// euDataThemes are the EU data themes with their English labels; a dataset's theme may be
// one of their codes.
var euDataThemes = map[string]string{
	"AGRI": "Agriculture, fisheries, forestry and food",
	"ECON": "Economy and finance",
	"EDUC": "Education, culture and sport",
	"ENER": "Energy",
	"ENVI": "Environment",
	"GOVE": "Government and public sector",
	"HEAL": "Health",
	"INTR": "International issues",
	"JUST": "Justice, legal system and public safety",
	"REGI": "Regions and cities",
	"SOCI": "Population and society",
	"TECH": "Science and technology",
	"TRAN": "Transport",
}

// themeIRI returns the IRI of a theme written as a URI or as an EU data theme's code, and ""
// for a theme written in words.
func themeIRI(theme string) string {
	if strings.Contains(theme, "://") {
		return theme
	}
	if _, ok := euDataThemes[theme]; ok {
		return euDataTheme + theme
	}
	return ""
}

// themeLabel returns a theme for people: an EU data theme's label for its code, else the
// theme as written.
func themeLabel(theme string) string {
	if label, ok := euDataThemes[theme]; ok {
		return label
	}
	return theme
}

// licenseTitles are the SPDX names of the licences open data is usually published under.
var licenseTitles = map[string]string{
	"CC-BY-4.0":    "Creative Commons Attribution 4.0 International",
	"CC-BY-SA-4.0": "Creative Commons Attribution Share Alike 4.0 International",
	"CC0-1.0":      "Creative Commons Zero v1.0 Universal",
	"ODbL-1.0":     "Open Data Commons Open Database License v1.0",
	"ODC-By-1.0":   "Open Data Commons Attribution License v1.0",
	"PDDL-1.0":     "Open Data Commons Public Domain Dedication & License 1.0",
}

// licenseTitle returns a licence's SPDX name, or its identifier for a licence outside the
// table.
func licenseTitle(spdxID string) string {
	if title, ok := licenseTitles[spdxID]; ok {
		return title
	}
	return spdxID
}
