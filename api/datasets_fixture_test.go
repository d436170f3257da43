package api_test

import (
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/releasefile"
)

// testFileWriter writes release files as the API does, for fixtures made in the store.
var testFileWriter = releasefile.WriteRelease

// datasetFields describes a dataset of the study fixture's 2019 edition (observations), or of
// another resource.
func datasetFields(resource string) domain.DatasetFields {
	f := domain.DatasetFields{Title: domain.Text{EN: "Test " + resource, FR: "Test FR"}, Description: domain.Text{EN: "A test dataset"},
		Publisher: "UCLG Community of Practice on Digital Cities", License: "CC-BY-4.0", Themes: []string{"GOVE"},
		Keywords: []string{"smart cities"}, AccrualPeriodicity: "biennial", ContactName: "UCLG World Secretariat",
		ContactEmail: "info@uclg.org", Content: domain.DatasetContent{Resource: resource, Provenance: []string{"reported", "sample"}}}
	if resource == "observations" {
		e := 2019
		f.Content.Edition = &e
	}
	return f
}

// datasetBody is the JSON body of a dataset of the study fixture's 2019 edition.
func datasetBody() map[string]any {
	return map[string]any{"title": map[string]any{"en": "Test"}, "description": map[string]any{"en": "A test dataset"},
		"publisher": "UCLG", "license": "CC-BY-4.0", "contact_name": "UCLG World Secretariat", "contact_email": "info@uclg.org",
		"content": map[string]any{"resource": "observations", "edition": 2019}}
}
