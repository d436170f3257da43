package seed

import (
	"context"
	"fmt"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/releasefile"
)

// datasets are the sample open datasets: the Community's cities, reported data only (Bilbao),
// and the sample 2019 observations, which say in their slug, title and rows that they are
// invented.
var datasets = []struct {
	slug   string
	fields domain.DatasetFields
}{
	{"community-cities", domain.DatasetFields{
		// The project's own title, in the project's own translation (sourcedTexts); its description,
		// and the sample dataset's texts, stay in English.
		Title:       known("Cities of the Community of Practice on Digital Cities"),
		Description: domain.Text{EN: "The local governments the API holds, with their country, UCLG section and role in the Community. Reported facts only."},
		Publisher:   "UCLG Community of Practice on Digital Cities", License: "CC-BY-4.0",
		Themes: []string{"GOVE"}, Keywords: []string{"UCLG", "cities", "digital cities"},
		Spatial: "World", AccrualPeriodicity: "irregular", ContactName: "UCLG World Secretariat", ContactEmail: "info@uclg.org",
		Content: domain.DatasetContent{Resource: "cities"}}},
	{"sample-smart-governance-2019", domain.DatasetFields{
		Title: domain.Text{EN: "Smart Governance 2019 indicators (sample data for demonstrations)"},
		Description: domain.Text{EN: "Invented values of the 2019 Smart Governance framework's indicators for the sample cities, " +
			"to show the release formats. Not a result of the Smart Cities Study, whose per-city results are not public."},
		Publisher: "UCLG Community of Practice on Digital Cities", License: "CC0-1.0",
		Themes: []string{"GOVE", "TECH"}, Keywords: []string{"smart governance", "sample data"},
		TemporalStart: ptr(2019), TemporalEnd: ptr(2019), Spatial: "World", AccrualPeriodicity: "biennial",
		ContactName: "UCLG World Secretariat", ContactEmail: "info@uclg.org",
		Content: domain.DatasetContent{Resource: "observations", Edition: ptr(2019), Provenance: []string{"sample"}}}},
}

// loadDatasets creates the sample datasets and takes the first release of each that has none.
func loadDatasets(ctx context.Context, db *postgres.DB) (int, error) {
	added := 0
	for _, d := range datasets {
		_, err := db.CreateDataset(ctx, seeder, d.slug, d.fields)
		switch domain.ErrorCode(err) {
		case "":
			added++
		case domain.ECONFLICT:
		default:
			return added, fmt.Errorf("seed dataset %s: %w", d.slug, err)
		}
		current, err := db.GetDataset(ctx, d.slug)
		if err != nil {
			return added, err
		}
		if current.LatestRelease != nil {
			continue
		}
		if _, err := db.PublishRelease(ctx, seeder, d.slug, "First release, taken when the sample data was loaded.", releasefile.WriteRelease); err != nil {
			return added, fmt.Errorf("seed release of %s: %w", d.slug, err)
		}
		added++
	}
	return added, nil
}
