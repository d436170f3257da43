package seed

import "github.com/uclg-digital-cities/digitalcities/internal/domain"

type seedCity struct {
	slug   string
	fields domain.CityFields
}

func ptr[T any](v T) *T { return &v }

func text(en, fr, es string) domain.Text { return domain.Text{EN: en, FR: fr, ES: es} }

// cities: Bilbao with public facts only; the other cities' names, countries, sections and
// coordinates are real, but their membership of the Community is invented for demos, so the
// whole record is marked "sample". No population is invented, and no officer role: the report
// names only the chair, Bilbao, so sample cities are plain members or not members at all. Their
// French and Spanish names are the established exonyms listed in sourcedTexts (translations.go).
var cities = []seedCity{
	{"bilbao", domain.CityFields{Name: known("Bilbao"), Country: "ES", Section: "europe",
		Latitude: ptr(43.2630), Longitude: ptr(-2.9350), Website: ptr("https://www.bilbao.eus"),
		CopMember: true, CopRole: ptr("chair"), Provenance: "reported"}},
	sample("malaga", known("Málaga"), "ES", "europe", 36.7213, -4.4214, true),
	sample("durban", known("Durban"), "ZA", "africa", -29.8587, 31.0218, true),
	sample("dakar", known("Dakar"), "SN", "africa", 14.7167, -17.4677, true),
	sample("seoul", known("Seoul"), "KR", "asia_pacific", 37.5665, 126.9780, true),
	sample("jakarta", known("Jakarta"), "ID", "asia_pacific", -6.2088, 106.8456, true),
	sample("kazan", known("Kazan"), "RU", "eurasia", 55.7963, 49.1088, true),
	sample("istanbul", known("Istanbul"), "TR", "middle_east_west_asia", 41.0082, 28.9784, true),
	sample("amman", known("Amman"), "JO", "middle_east_west_asia", 31.9454, 35.9284, false),
	sample("montevideo", known("Montevideo"), "UY", "latin_america", -34.9011, -56.1645, true),
	sample("mexico-city", known("Mexico City"), "MX", "latin_america", 19.4326, -99.1332, true),
	sample("montreal", known("Montréal"), "CA", "north_america", 45.5017, -73.5673, false),
}

// sample is a sample city, a plain member of the Community when member is true: sample cities
// hold no officer role.
func sample(slug string, name domain.Text, country, section string, lat, lon float64, member bool) seedCity {
	f := domain.CityFields{Name: name, Country: country, Section: section, Latitude: &lat, Longitude: &lon,
		Provenance: "sample"}
	if member {
		f.CopMember, f.CopRole = true, ptr("member")
	}
	return seedCity{slug, f}
}

// body is a UCLG body (a consultation mechanism) that the 2019–2020 report names.
type body struct {
	slug, kind        string
	name, description domain.Text
	website           *string
}

// bodies are the UCLG consultation mechanisms the 2019–2020 report names: the Community of
// Practice on Digital Cities (which the report calls the "Committee on Digital Cities", the
// name proposed when the Committee of Digital and Knowledge-based Cities was converted), and
// the two bodies whose leadership team Bilbao is part of.
var bodies = []body{
	{slug: "digital-cities", kind: "community_of_practice",
		// Its French and Spanish names as UCLG publishes them (sourcedTexts).
		name:        known("Community of Practice on Digital Cities"),
		description: domain.Text{EN: digitalCitiesDescription}},
	{slug: "opportunities-for-all-culture-city-diplomacy", kind: "policy_council",
		// English only: no French or Spanish name of this policy council published by UCLG was found,
		// and an invented one would pass for UCLG's.
		name:        domain.Text{EN: "Policy Council on Opportunities for All, Culture and City Diplomacy: Keys to Sustainable Development and Peace"},
		description: domain.Text{EN: "One of UCLG's policy councils, in its structure of consultation mechanisms."}},
	{slug: "committee-on-culture", kind: "committee",
		name:        known("Committee on Culture"), // as UCLG names it in French and Spanish (sourcedTexts)
		description: domain.Text{EN: "One of UCLG's committees, in its structure of consultation mechanisms."}},
}

// digitalCitiesDescription describes the Community of Practice on Digital Cities as its
// 2019–2020 report does; migration 00006 gives it to a database seeded with the earlier text.
const digitalCitiesDescription = "UCLG's consultation mechanism on digital cities, formerly the Committee of " +
	"Digital and Knowledge-based Cities, chaired by the City of Bilbao. Its 2019–2020 report calls it the " +
	"Committee on Digital Cities, the name proposed for it in UCLG's new structure of consultation mechanisms. " +
	"Its main goal is to update the Smart Cities Study every 2-3 years."

// reportSource is the source of the roles the 2019–2020 report names.
const reportSource = "UCLG Community of Practice on Digital Cities, report 2019–2020"

// roles are the roles the 2019–2020 report names, all Bilbao's, with no term dates: the report
// gives none ("continues to chair"; "no change is anticipated in the Committee's leadership in
// 2020"), so they are unknown rather than invented.
var roles = []domain.BodyRoleFields{
	{Body: "digital-cities", City: ptr("bilbao"), Role: "chair",
		Representative: ptr(known("Juan Mari Aburto, Mayor of Bilbao")), // sourcedTexts: Spanish his own title, French ours
		Source:         ptr(reportSource), Provenance: "reported"},
	{Body: "opportunities-for-all-culture-city-diplomacy", City: ptr("bilbao"), Role: "co_president",
		Source: ptr(reportSource), Provenance: "reported"},
	{Body: "committee-on-culture", City: ptr("bilbao"), Role: "vice_chair", Source: ptr(reportSource), Provenance: "reported"},
}

// organisations are the partners the report names for learning events and the 6th UCLG Congress
// ("UN-HABITAT, Uraía Platform, WeGo, WBA"; "the Uraía Platform (UN-Habitat and FDV)"), and UCLG.
// The report's "FDV" is FMDV, the Global Fund for Cities Development (Fonds Mondial pour le
// Développement des Villes), a fund, of which and of UN-Habitat the Uraía Platform is an
// initiative. Kinds that no source states are "other". Names carry French and Spanish versions only
// where their owner or UCLG publishes them (sourcedTexts); the others are in English only: no
// French or Spanish name of the Uraía Platform, of WeGO or of FMDV in Spanish was found, and the
// Wireless Broadband Alliance is known by its English name.
var organisations = []struct {
	slug, acronym, kind string
	name                domain.Text
	website             *string
	initiativeOf        []string
}{
	{"un-habitat", "UN-Habitat", "un_agency", known("United Nations Human Settlements Programme"), ptr("https://unhabitat.org"), nil},
	{"fmdv", "FMDV", "fund", known("Global Fund for Cities Development"), nil, nil},
	{"uraia", "Uraía", "platform", domain.Text{EN: "Uraía Platform"}, nil, []string{"un-habitat", "fmdv"}},
	{"wego", "WeGO", "city_network", domain.Text{EN: "World Smart Sustainable Cities Organization"}, nil, nil},
	{"wba", "WBA", "industry_alliance", domain.Text{EN: "Wireless Broadband Alliance"}, nil, nil},
	{"uclg", "UCLG", "city_network", known("United Cities and Local Governments"), ptr("https://www.uclg.org"), nil},
}
