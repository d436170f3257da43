package seed

import (
	"context"
	"fmt"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// seedEvent is an event of the sample data.
type seedEvent struct {
	slug   string
	fields domain.EventFields
}

// events are the collaboration events that the 2019–2020 report names, with only what it says
// of them, and the 6th UCLG Congress as public record gives it. All are reported data.
//
// Durban and Málaga are given as place names with their countries, not as links to the cities
// "durban" and "malaga" of the sample data: those records exist for demonstrations (their
// membership of the Community is invented), and a real event must neither depend on them nor
// keep the secretariat from deleting them. Bilbao, a real record, is linked: the report's "we"
// is the Community, which Bilbao chairs and speaks for, so Bilbao is recorded as organiser where
// the report says "we ... organise". Titles and descriptions are in English only, as the report
// gives them; places carry their established French and Spanish names (sourcedTexts).
var events = []seedEvent{
	// The 6th UCLG World Congress, Durban (South Africa), 11–15 November 2019: public record.
	{"6th-uclg-congress", domain.EventFields{
		Title: domain.Text{EN: "6th UCLG Congress"},
		Type:  "congress",
		Location: domain.EventLocation{Place: ptr(known("Durban")), // established exonym
			Country: ptr("ZA")},
		Start:    day("2019-11-11"),
		End:      ptr("2019-11-15"),
		Status:   "completed",
		Partners: []domain.EventPartner{{Organisation: "uclg", Role: "organiser"}},
	}},
	// "We are working with the Uraía Platform (UN-Habitat and FDV) to organise a panel of cities for
	// the 6th UCLG Congress under the title "Using urban innovation to listen to citizens."" The
	// report gives the panel no date of its own; a panel for the Congress is held during it
	// (11–15 November 2019), so its start is the month, November 2019, the most precise thing
	// known, and not a day the report does not give. It says the panel was being organised, not
	// that it took place: its status is tbc.
	{"congress-panel-urban-innovation-listen-citizens", domain.EventFields{
		Title:       domain.Text{EN: "Using urban innovation to listen to citizens"},
		Type:        "panel",
		Description: &domain.Text{EN: "A panel of cities for the 6th UCLG Congress, organised with the Uraía Platform (UN-Habitat and FMDV)."},
		Parent:      ptr("6th-uclg-congress"),
		Start:       domain.DateWithPrecision{Value: ptr("2019-11"), Precision: "month"},
		Status:      "tbc",
		Partners:    []domain.EventPartner{{Organisation: "uraia", Role: "organiser"}},
		Cities:      []domain.EventCity{{City: "bilbao", Role: "organiser"}},
	}},
	// "We are also collaborating with Uraía Platform to organise its annual event to be held in
	// Málaga (date to be confirmed) under the title "Trends in Municipal Innovation to achieve the
	// SDGs"." Uraía's event: Uraía organises it, the Community (Bilbao) with it.
	{"uraia-annual-event-malaga", domain.EventFields{
		Title:       domain.Text{EN: "Trends in Municipal Innovation to achieve the SDGs"},
		Type:        "annual_event",
		Description: &domain.Text{EN: "The Uraía Platform's annual event, organised with the Community of Practice on Digital Cities."},
		Location:    domain.EventLocation{Place: ptr(known("Málaga")), Country: ptr("ES")}, // established exonym
		Start:       domain.DateWithPrecision{Precision: "unknown"},
		Status:      "tbc",
		Partners:    []domain.EventPartner{{Organisation: "uraia", Role: "organiser"}},
		Cities:      []domain.EventCity{{City: "bilbao", Role: "organiser"}},
	}},
	// "Collaboration on organising learning events with other international institutions working
	// on Smart Cities-related issues: UN-HABITAT, Uraía Platform, WeGo, WBA, among others, to
	// position new technologies as a tool to achieve the sustainable development of cities." One
	// record for them all, as the report gives no single event. Dated the year 2020: the report
	// lists this under "Main activities of the Community of practice in 2020", and says no more
	// of when; how many events, where and on which days it does not say, so status is tbc.
	{"learning-events-2020", domain.EventFields{
		Title: domain.Text{EN: "Learning events with UN-Habitat, the Uraía Platform, WeGO and the Wireless Broadband Alliance"},
		Type:  "learning_event",
		Description: &domain.Text{EN: "Collaboration on organising learning events with other international institutions " +
			"working on Smart Cities-related issues, to position new technologies as a tool to achieve the sustainable " +
			"development of cities."},
		Start:  domain.DateWithPrecision{Value: ptr("2020"), Precision: "year"},
		Status: "tbc",
		Partners: []domain.EventPartner{{Organisation: "un-habitat", Role: "partner"}, {Organisation: "uraia", Role: "partner"},
			{Organisation: "wego", Role: "partner"}, {Organisation: "wba", Role: "partner"}},
		Cities: []domain.EventCity{{City: "bilbao", Role: "organiser"}},
	}},
}

// day is a date known to the day.
func day(v string) domain.DateWithPrecision {
	return domain.DateWithPrecision{Value: &v, Precision: "day"}
}

// loadEvents creates the events that do not exist yet (parents first) and reports how many.
func loadEvents(ctx context.Context, db *postgres.DB) (int, error) {
	added := 0
	for _, e := range events {
		f := e.fields
		f.Provenance = "reported"
		_, err := db.CreateEvent(ctx, seeder, e.slug, f)
		switch domain.ErrorCode(err) {
		case "":
			added++
		case domain.ECONFLICT:
		default:
			return added, fmt.Errorf("seed event %s: %w", e.slug, err)
		}
	}
	return added, nil
}
