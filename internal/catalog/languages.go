package catalog

import (
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// The languages of a release's files. Every file is written in English; in French and in
// Spanish too when some label it holds (a city's or an indicator's name, …) is translated into
// that language. A language without a version of its own is served the English file, so the
// documents list only the versions that exist.

// euLanguages are UCLG's languages in the EU language vocabulary, which DCAT-AP uses.
var euLanguages = map[string]string{"en": euLanguage + "ENG", "fr": euLanguage + "FRA", "es": euLanguage + "SPA"}

// languageNames name each language in itself, for the titles of its files.
var languageNames = map[string]string{"en": "English", "fr": "français", "es": "español"}

// versions returns a file's versions by language, English first. A file listed without them
// (a partly filled record) has its English one: the file itself.
func versions(f domain.ReleaseFile) []domain.ReleaseFileLanguage {
	if len(f.Languages) == 0 {
		return []domain.ReleaseFileLanguage{{Language: "en", Bytes: f.Bytes, SHA256: f.SHA256}}
	}
	return f.Languages
}

// version returns f as its version v: the same file, with v's size and checksum.
func version(f domain.ReleaseFile, v domain.ReleaseFileLanguage) domain.ReleaseFile {
	f.Bytes, f.SHA256 = v.Bytes, v.SHA256
	return f
}

// releaseLanguages lists the languages a release's files are written in, English first.
func releaseLanguages(r domain.Release) []string {
	seen := map[string]bool{"en": true}
	for _, f := range r.Files {
		for _, v := range f.Languages {
			seen[v.Language] = true
		}
	}
	var out []string
	for _, l := range domain.Languages {
		if seen[l] {
			out = append(out, l)
		}
	}
	return out
}
