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
// names only the chair, Bilbao, so sample cities are plain members or not members at all.
var cities = []seedCity{
	{"bilbao", domain.CityFields{Name: text("Bilbao", "Bilbao", "Bilbao"), Country: "ES", Section: "europe",
		Latitude: ptr(43.2630), Longitude: ptr(-2.9350), Website: ptr("https://www.bilbao.eus"),
		CopMember: true, CopRole: ptr("chair"), Provenance: "reported"}},
	sample("malaga", text("Málaga", "Malaga", "Málaga"), "ES", "europe", 36.7213, -4.4214, true),
	sample("durban", text("Durban", "Durban", "Durban"), "ZA", "africa", -29.8587, 31.0218, true),
	sample("dakar", text("Dakar", "Dakar", "Dakar"), "SN", "africa", 14.7167, -17.4677, true),
	sample("seoul", text("Seoul", "Séoul", "Seúl"), "KR", "asia_pacific", 37.5665, 126.9780, true),
	sample("jakarta", text("Jakarta", "Jakarta", "Yakarta"), "ID", "asia_pacific", -6.2088, 106.8456, true),
	sample("kazan", text("Kazan", "Kazan", "Kazán"), "RU", "eurasia", 55.7963, 49.1088, true),
	sample("istanbul", text("Istanbul", "Istanbul", "Estambul"), "TR", "middle_east_west_asia", 41.0082, 28.9784, true),
	sample("amman", text("Amman", "Amman", "Amán"), "JO", "middle_east_west_asia", 31.9454, 35.9284, false),
	sample("montevideo", text("Montevideo", "Montevideo", "Montevideo"), "UY", "latin_america", -34.9011, -56.1645, true),
	sample("mexico-city", text("Mexico City", "Mexico", "Ciudad de México"), "MX", "latin_america", 19.4326, -99.1332, true),
	sample("montreal", text("Montréal", "Montréal", "Montreal"), "CA", "north_america", 45.5017, -73.5673, false),
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
		name: text("Community of Practice on Digital Cities",
			"Communauté de pratique sur les villes numériques",
			"Comunidad de Práctica sobre Ciudades Digitales"),
		description: domain.Text{EN: digitalCitiesDescription}},
	{slug: "opportunities-for-all-culture-city-diplomacy", kind: "policy_council",
		name: text("Policy Council on Opportunities for All, Culture and City Diplomacy: Keys to Sustainable Development and Peace",
			"Conseil politique Opportunités pour tous, culture et diplomatie des villes : clés du développement durable et de la paix",
			"Consejo político Oportunidades para todos, cultura y diplomacia de las ciudades: claves para el desarrollo sostenible y la paz"),
		description: domain.Text{EN: "One of UCLG's policy councils, in its structure of consultation mechanisms."}},
	{slug: "committee-on-culture", kind: "committee",
		name:        text("Committee on Culture", "Commission culture", "Comisión de cultura"),
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
		Representative: &domain.Text{EN: "Juan Mari Aburto, Mayor of Bilbao", FR: "Juan Mari Aburto, maire de Bilbao",
			ES: "Juan Mari Aburto, alcalde de Bilbao"},
		Source: ptr(reportSource), Provenance: "reported"},
	{Body: "opportunities-for-all-culture-city-diplomacy", City: ptr("bilbao"), Role: "co_president",
		Source: ptr(reportSource), Provenance: "reported"},
	{Body: "committee-on-culture", City: ptr("bilbao"), Role: "vice_chair", Source: ptr(reportSource), Provenance: "reported"},
}

// organisations are the partners the report names for learning events and the 6th UCLG Congress
// ("UN-HABITAT, Uraía Platform, WeGo, WBA"; "the Uraía Platform (UN-Habitat and FDV)"), and UCLG.
// The report's "FDV" is FMDV, the Global Fund for Cities Development (Fonds Mondial pour le
// Développement des Villes), a fund, of which and of UN-Habitat the Uraía Platform is an
// initiative. Kinds that no source states are "other".
var organisations = []struct {
	slug, acronym, kind string
	name                domain.Text
	website             *string
	initiativeOf        []string
}{
	{"un-habitat", "UN-Habitat", "un_agency", text("United Nations Human Settlements Programme",
		"Programme des Nations unies pour les établissements humains",
		"Programa de las Naciones Unidas para los Asentamientos Humanos"), ptr("https://unhabitat.org"), nil},
	{"fmdv", "FMDV", "fund", text("Global Fund for Cities Development",
		"Fonds Mondial pour le Développement des Villes",
		"Fondo Mundial para el Desarrollo de las Ciudades"), nil, nil},
	{"uraia", "Uraía", "platform", text("Uraía Platform", "Plateforme Uraía", "Plataforma Uraía"), nil,
		[]string{"un-habitat", "fmdv"}},
	{"wego", "WeGO", "city_network", text("World Smart Sustainable Cities Organization",
		"Organisation mondiale des villes intelligentes et durables",
		"Organización Mundial de Ciudades Inteligentes y Sostenibles"), nil, nil},
	{"wba", "WBA", "industry_alliance", text("Wireless Broadband Alliance", "Wireless Broadband Alliance",
		"Wireless Broadband Alliance"), nil, nil},
	{"uclg", "UCLG", "city_network", text("United Cities and Local Governments",
		"Cités et Gouvernements Locaux Unis", "Ciudades y Gobiernos Locales Unidos"), ptr("https://www.uclg.org"), nil},
}
