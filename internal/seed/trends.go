package seed

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// sampleTrendSource names the source of the sample trends' assessments and adoption records.
const sampleTrendSource = "Sample data invented for demonstrations; not a result of the Smart Cities Study"

// seedTrend is a trend of the sample data.
type seedTrend struct {
	slug   string
	fields domain.TrendFields
}

// sampleTrend is a trend named for demonstrations. The 2019–2020 report says only that the study
// "plans to identify the main Smart Governance technology trends in cities considered key in the
// next 4-5 years" and names none, so every trend here is marked sample: the technologies are the
// kinds the design guide lists, not the study's findings. Names are in English only, so that no
// translation is presented as official.
func sampleTrend(slug, category, name, description string, dims ...string) seedTrend {
	f := domain.TrendFields{Name: domain.Text{EN: name}, Description: domain.Text{EN: description + " (sample trend)"},
		Category: category, HorizonYears: ptr(5), Provenance: "sample",
		Assessments: domain.TrendAssessments{{Year: 2019, Phase: "growth", Source: sampleTrendSource}}}
	for _, d := range dims {
		f.Dimensions = append(f.Dimensions, domain.TrendDimension{Framework: sg2019, Dimension: d})
	}
	return seedTrend{slug, f}
}

var trends = []seedTrend{
	sampleTrend("ai-analytics", "ai_analytics", "Artificial intelligence and advanced analytics",
		"Machine learning and analytics that inform decisions and anticipate demand", "data-driven-decisions", "foresight"),
	sampleTrend("open-data-platforms", "open_data_platforms", "Open data platforms",
		"Portals that publish the city's data for reuse", "open-data", "transparency"),
	sampleTrend("digital-participation", "digital_participation", "Digital participation platforms",
		"Platforms such as CONSUL or Decidim for proposals, debates and participatory budgets", "participation", "collaboration"),
	sampleTrend("digital-twins", "digital_twins", "Digital twins",
		"Virtual models of the city used to simulate and plan", "strategic-planning", "foresight"),
	sampleTrend("iot", "iot", "Internet of Things", "Sensors and connected devices in public space and services", "data-driven-decisions"),
	sampleTrend("blockchain", "blockchain", "Blockchain", "Distributed ledgers for registries and traceability", "accountability"),
	sampleTrend("chatbots", "chatbots", "Chatbots and virtual assistants", "Conversational assistants for citizen services", "participation"),
	sampleTrend("digital-identity", "digital_identity", "Digital identity", "Electronic identification of residents for online services"),
	sampleTrend("cloud", "cloud", "Cloud computing", "Municipal systems run on cloud infrastructure", "evaluation"),
}

// seedAdoption is an adoption record of the sample data.
type seedAdoption struct {
	key    domain.AdoptionKey
	fields domain.AdoptionFields
}

// sampleAdoption invents the sample cities' adoption of the sample trends in 2019 and 2021,
// deterministically, so that the ranking and the city pages have something to show. Every
// record is marked provenance sample; the default ranking, which counts reported data only,
// therefore counts none of them.
func sampleAdoption() []seedAdoption {
	var out []seedAdoption
	stages := domain.AdoptionStages[:5] // none … scaled
	n := 0
	for ci, c := range cities {
		if c.fields.Provenance != "sample" {
			continue
		}
		for ti, t := range trends {
			n++
			if n%4 == 0 {
				continue // not every city assessed every trend
			}
			first := (ci + 2*ti) % 4
			for i, year := range []int{2019, 2021} {
				f := domain.AdoptionFields{Stage: stages[min(first+i, 4)], Source: sampleTrendSource, Provenance: "sample"}
				if (ci+ti)%3 == 0 {
					f.Priority = ptr("high")
				}
				out = append(out, seedAdoption{domain.AdoptionKey{Trend: t.slug, City: c.slug, Year: year}, f})
			}
		}
	}
	return out
}

// loadTrends creates the sample trends and their sample adoption records.
func loadTrends(ctx context.Context, db *postgres.DB) (int, error) {
	added := 0
	count := counter(&added)
	for _, t := range trends {
		if _, err := db.CreateTrend(ctx, seeder, t.slug, t.fields); count(err, "trend "+t.slug) != nil {
			return added, count(err, "trend "+t.slug)
		}
	}
	for _, a := range sampleAdoption() {
		if _, err := db.CreateAdoption(ctx, seeder, a.key, a.fields); count(err, "adoption "+a.key.String()) != nil {
			return added, count(err, "adoption "+a.key.String())
		}
	}
	return added, nil
}
