package catalog

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// base is the API's base URL in the tests.
const base = "https://api.example.org"

// datasetPage is the fixture dataset's page.
const datasetPage = base + "/v1/datasets/smart-governance-2019"

// intp returns a pointer to n.
func intp(n int) *int { return &n }

// observations2019 is a dataset of the 2019 Smart Cities Study's observations, as the
// secretariat would describe it, translated into French and Spanish.
func observations2019() domain.Dataset {
	return domain.Dataset{
		Slug: "smart-governance-2019",
		DatasetFields: domain.DatasetFields{
			Title: domain.Text{
				EN: "Smart Cities Study 2019: observations",
				FR: "Étude Smart Cities 2019 : observations",
				ES: "Estudio Smart Cities 2019: observaciones",
			},
			Description: domain.Text{
				EN: "Values reported by the participating cities for the indicators of the 2019 edition of the " +
					"Smart Cities Study (Smart Governance: open government and advanced strategic management).",
				FR: "Valeurs déclarées par les villes participantes pour les indicateurs de l'édition 2019 de " +
					"l'étude Smart Cities (gouvernance intelligente : gouvernement ouvert et gestion stratégique avancée).",
				ES: "Valores declarados por las ciudades participantes para los indicadores de la edición 2019 del " +
					"estudio Smart Cities (gobernanza inteligente: gobierno abierto y gestión estratégica avanzada).",
			},
			Publisher:          "UCLG Community of Practice on Digital Cities",
			License:            "CC-BY-4.0",
			Themes:             []string{"GOVE", "TECH"},
			Keywords:           []string{"smart cities", "smart governance", "open government", "open data"},
			TemporalStart:      intp(2019),
			TemporalEnd:        intp(2020),
			Spatial:            "World",
			AccrualPeriodicity: "biennial",
			ContactName:        "UCLG World Secretariat",
			ContactEmail:       "info@uclg.org",
			Content: domain.DatasetContent{
				Resource:  "observations",
				Edition:   intp(2019),
				Framework: "uclg-smart-governance-2019",
			},
		},
		LatestRelease: intp(1),
		Version:       3,
		CreatedAt:     time.Date(2020, 2, 24, 10, 12, 0, 0, time.UTC),
		UpdatedAt:     time.Date(2020, 3, 2, 8, 40, 0, 0, time.UTC),
	}
}

// release1 is the dataset's first release, written in the five formats.
func release1() domain.Release {
	file := func(name, format string, bytes int64, sha string) domain.ReleaseFile {
		f := domain.ReleaseFile{Name: name, Format: format, Bytes: bytes, SHA256: sha}
		for _, rf := range domain.ReleaseFormats {
			if rf.Format == format {
				f.MediaType = rf.MediaType
			}
		}
		return f
	}
	return domain.Release{
		Dataset:       "smart-governance-2019",
		Number:        1,
		Notes:         "First release of the 2019 edition's observations.",
		Rows:          1240,
		AsOf:          time.Date(2020, 3, 2, 9, 0, 0, 0, time.UTC),
		ChangesCursor: "eyJ0IjoiNzQyIiwiaSI6MH0",
		Content:       observations2019().Content,
		Files: []domain.ReleaseFile{
			file("observations.csv", "csv", 183220, "f75c1458b9f804d7487f7ba791d39a0ec07c68f6ee79b83393a9099ad99f1d43"),
			file("observations.ndjson", "ndjson", 402118, "6400978ad61bea31c46289d48addb2545fbe4f2bdf5be697034e30403e1356d5"),
			file("observations.json", "json", 398870, "2514bf83900e58257129433d16c80dd10e4552821837d9fa5849d58bd06a901c"),
			file("observations.xlsx", "xlsx", 96411, "73e5ceba8220b979db91b2579f458390ed94debf1d00bf68aed669c00d289ce1"),
			file("observations.parquet", "parquet", 61233, "af9db199a8c3e207f13582a252fd2d3fbe481ec6f9c875dbe58b534ad38eb681"),
		},
		CreatedAt: time.Date(2020, 3, 2, 9, 0, 4, 0, time.UTC),
	}
}

// observationColumns are the columns of an observations release.
func observationColumns() []domain.Column {
	return []domain.Column{
		{Name: "id", Title: "Observation", Description: "The observation's identifier.", Type: domain.ColumnInteger, Required: true},
		{Name: "indicator", Title: "Indicator", Description: "The indicator's code.", Type: domain.ColumnString, Required: true},
		{Name: "city", Title: "City", Description: "The city's slug.", Type: domain.ColumnString, Required: true},
		{Name: "year", Title: "Year", Description: "The year the value is for.", Type: domain.ColumnInteger, Required: true},
		{Name: "edition", Title: "Study edition", Description: "The study edition the value comes from.", Type: domain.ColumnInteger},
		{Name: "value", Title: "Value", Description: "The value, typed by the indicator.", Type: domain.ColumnAny},
		{Name: "status", Title: "Status", Description: "A normal, E estimated, P provisional, M missing, NR not reported.",
			Type: domain.ColumnString, Required: true, Enum: domain.ObservationStatuses},
		{Name: "quality", Title: "Quality", Description: "Data-quality grade, A best.", Type: domain.ColumnString, Enum: domain.QualityGrades},
		{Name: "source", Title: "Source", Description: "Where the value comes from.", Type: domain.ColumnString},
		{Name: "verification", Title: "Verification", Description: "The secretariat's check of the value.",
			Type: domain.ColumnString, Required: true, Enum: domain.Verifications},
		{Name: "created_at", Title: "Created", Description: "When the observation was recorded.", Type: domain.ColumnDateTime, Required: true},
	}
}

// entry1 is the fixture dataset with its first release.
func entry1() Entry {
	r := release1()
	return Entry{Dataset: observations2019(), Latest: &r}
}

// unreleased is a dataset described but not released yet, in English only.
func unreleased() Entry {
	d := observations2019()
	d.Slug = "trend-adoption-2021"
	d.Title = domain.Text{EN: "Smart Cities Study 2021: technology trend adoption"}
	d.Description = domain.Text{EN: "Each participating city's adoption stage of the smart-governance technology trends."}
	d.Content = domain.DatasetContent{Resource: "trend_adoption", Edition: intp(2021)}
	d.TemporalStart, d.TemporalEnd = intp(2021), nil
	d.Keywords, d.Themes = nil, nil
	d.AccrualPeriodicity = ""
	d.LatestRelease = nil
	return Entry{Dataset: d}
}

// roundTrip returns v as encoding/json's generic value of its JSON, the form validators and
// JSON-LD processors read.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return out
}
