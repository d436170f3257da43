package seed

import (
	"context"
	"fmt"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// loadStudy loads the study editions, the frameworks and indicators, and demo participation
// and observations for the 2019 edition. It returns how many records it added.
func loadStudy(ctx context.Context, db *postgres.DB) (int, error) {
	added := 0
	count := counter(&added)
	for _, f := range frameworks {
		if _, err := db.CreateFramework(ctx, seeder, f); count(err, "framework "+f.Slug) != nil {
			return added, count(err, "framework "+f.Slug)
		}
	}
	for _, i := range indicators {
		if _, err := db.CreateIndicator(ctx, seeder, i.slug, i.fields); count(err, "indicator "+i.slug) != nil {
			return added, count(err, "indicator "+i.slug)
		}
	}
	for _, s := range studies {
		if _, err := db.CreateStudy(ctx, seeder, s.edition, s.fields); count(err, fmt.Sprint("study ", s.edition)) != nil {
			return added, count(err, fmt.Sprint("study ", s.edition))
		}
	}
	for _, c := range cities {
		if c.fields.Provenance != "sample" {
			continue
		}
		_, created, err := db.AddStudyCity(ctx, seeder, 2019, c.slug, "sample")
		if err != nil {
			return added, fmt.Errorf("seed 2019 participation of %s: %w", c.slug, err)
		}
		if created {
			added++
		}
	}
	for _, o := range sampleObservations() {
		if _, err := db.CreateObservation(ctx, seeder, o); count(err, "observation") != nil {
			return added, count(err, "observation")
		}
	}
	return added, nil
}

// sampleObservations invents 2019 values for the sample cities, deterministically, so that the
// explorer has something to show. Every one is marked provenance "sample": the study published
// no per-city scores.
func sampleObservations() []domain.ObservationFields {
	var out []domain.ObservationFields
	edition := 2019
	note := "Invented for demonstrations; not a result of the Smart Cities Study."
	n := 0
	for _, c := range cities {
		if c.fields.Provenance != "sample" {
			continue
		}
		for _, ind := range indicators {
			if ind.fields.Framework != sg2019 {
				continue
			}
			n++
			o := domain.ObservationFields{Indicator: ind.slug, City: c.slug, Year: 2019, Edition: &edition,
				Status: "A", Provenance: "sample", Footnote: &note}
			switch {
			case n%13 == 0:
				o.Status = "NR"
			case n%7 == 0:
				o.Status = "E"
			}
			if o.Status != "NR" {
				o.Value = sampleValue(&ind.fields, n)
			}
			out = append(out, o)
		}
	}
	return out
}

func sampleValue(f *domain.IndicatorFields, n int) any {
	switch f.ValueType {
	case "boolean":
		return n%3 != 0
	case "percentage":
		return float64((n * 37) % 100)
	case "count":
		return float64((n * 53) % 400)
	case "ordinal":
		return f.Levels[n%len(f.Levels)].Code
	}
	return "Dashboards inform the city council's budget decisions (sample text)."
}

// counter returns how seeding judges the result of a create: it counts a record added, passes
// over one that exists already (seeding is idempotent), and wraps any other error with what
// was being seeded.
func counter(added *int) func(err error, what string) error {
	return func(err error, what string) error {
		switch domain.ErrorCode(err) {
		case "":
			*added++
			return nil
		case domain.ECONFLICT:
			return nil
		}
		return fmt.Errorf("seed %s: %w", what, err)
	}
}
