package seed

import "github.com/uclg-digital-cities/digitalcities/internal/domain"

// Translation kinds: where a French or Spanish version of a seeded text comes from.
const (
	// fromUCLG: the name as UCLG, or the Community on its own site, publishes it in French or Spanish.
	fromUCLG = "uclg"
	// fromOwner: the name its owner (a UN programme, a fund) publishes in that language.
	fromOwner = "owner"
	// exonym: a place name's established French or Spanish form (often the same spelling).
	exonym = "exonym"
	// ownTranslation: this project's own translation of this project's own wording, not UCLG's.
	ownTranslation = "project"
)

// sourcedText is a seeded text with its French and Spanish versions and where they come from.
// Nothing is translated that has no entry here: the seed's tests check that every seeded text
// carrying a French or Spanish version is one of these, so that no translation is presented as
// UCLG's without a source.
type sourcedText struct {
	text   domain.Text
	kind   string // fromUCLG, fromOwner, exonym or ownTranslation
	source string // where the versions come from
}

// sourcedTexts are every French and Spanish version the seed holds. A language a source does not
// give is left empty, and the API serves English for it and says so.
var sourcedTexts = []sourcedText{
	// UCLG, as issue 12 gives its names ("CGLU — Cités et Gouvernements Locaux Unis; CGLU — Ciudades y
	// Gobiernos Locales Unidos"), which UCLG's own pages use (UCLG Africa's French pages, uclga.org:
	// "Cités et Gouvernements Locaux Unis"; UCLG's Spanish news, uclg.org/es: "Ciudades y Gobiernos
	// Locales Unidos (CGLU)").
	{text("United Cities and Local Governments", "Cités et Gouvernements Locaux Unis", "Ciudades y Gobiernos Locales Unidos"),
		fromUCLG, "issue 12; UCLG's French (uclga.org) and Spanish (uclg.org/es) pages"},

	// The Community of Practice on Digital Cities. French: the Community's own French news page on the
	// Smart Cities Study 2021 ("élaborée par la Communauté de pratique des villes numériques de CGLU",
	// uclg-digitalcities.org/fr). Spanish: the Spanish edition of the Smart Cities Study 2019, published
	// by UCLG ("los trabajos de la Comunidad de Práctica de Ciudades Digitales de CGLU"). "de CGLU" is
	// left out as "UCLG" is in English.
	{text("Community of Practice on Digital Cities", "Communauté de pratique des villes numériques",
		"Comunidad de Práctica de Ciudades Digitales"),
		fromUCLG, "uclg-digitalcities.org/fr news on the Smart Cities Study 2021; Smart Cities Study 2019, Spanish edition"},

	// UCLG's Committee on Culture. Spanish: UCLG's Spanish news ("la Comisión de Cultura de Ciudades y
	// Gobiernos Locales Unidos (CGLU)", uclg.org/es) and the final report of the UCLG Culture Summit,
	// Bilbao 2015. French: the French programme of that Summit ("Bilbao est membre fondateur de la
	// Commission de Culture") and the French edition of the Agenda 21 for culture ("Cités et
	// Gouvernements Locaux Unis – Commission de culture"). UCLG's French usage varies ("Commission de
	// la culture" also occurs); this is the form both give.
	{text("Committee on Culture", "Commission de culture", "Comisión de Cultura"),
		fromUCLG, "UCLG Culture Summit Bilbao 2015: French programme and Spanish final report; uclg.org/es news; Agenda 21 for culture, French edition"},

	// The Smart Cities Study keeps its English name in UCLG's French and Spanish publications.
	// 2017: uclg.org/fr, "Lancement de l'étude « Smart Cities Study 2017 »".
	{text("Smart Cities Study 2017", "Smart Cities Study 2017", ""),
		fromUCLG, "uclg.org/fr news: Lancement de l'étude « Smart Cities Study 2017 »"},
	// 2019: the title of UCLG's Spanish edition (no French edition was found).
	{text("Smart Cities Study 2019: Smart Governance", "",
		"Smart Cities Study 2019: Estudio internacional sobre la situación y tendencias en materia de Smart Governance"),
		fromUCLG, "Smart Cities Study 2019, Spanish edition published by UCLG (title page)"},
	// 2021: uclg-digitalcities.org/fr, "Le « Smart Cities Study 2021 » est disponible".
	{text("Smart Cities Study 2021", "Smart Cities Study 2021", ""),
		fromUCLG, "uclg-digitalcities.org/fr news: Le « Smart Cities Study 2021 » est disponible"},

	// UN-Habitat's name in French and Spanish as the UN and UN-Habitat publish it (un.org/ruleoflaw/fr:
	// "Le Programme des Nations Unies pour les établissements humains (ONU-Habitat)"; UN-Habitat's
	// Spanish annual report 2010: "Programa de las Naciones Unidas para los Asentamientos Humanos
	// (ONU-HABITAT)").
	{text("United Nations Human Settlements Programme", "Programme des Nations Unies pour les établissements humains",
		"Programa de las Naciones Unidas para los Asentamientos Humanos"),
		fromOwner, "un.org/ruleoflaw/fr (ONU-Habitat); UN-Habitat, Informe Anual 2010"},
	// FMDV's own name is French: FMDV stands for it. No Spanish name of its own was found.
	{text("Global Fund for Cities Development", "Fonds Mondial pour le Développement des Villes", ""),
		fromOwner, "FMDV's own (French) name, of which FMDV is the acronym"},

	// The Mayor of Bilbao, as the chair's representative. Spanish: his title as he signs the foreword of
	// UCLG's Spanish edition of the Smart Cities Study 2019 ("Juan Mari Aburto, Alcalde de Bilbao"),
	// in the lower case Spanish gives titles in running text. French: the project's own translation of
	// the title (UCLG's French publications title Bilbao's mayor "Maire de Bilbao").
	{text("Juan Mari Aburto, Mayor of Bilbao", "Juan Mari Aburto, maire de Bilbao", "Juan Mari Aburto, alcalde de Bilbao"),
		ownTranslation, "Spanish: Smart Cities Study 2019, Spanish edition, foreword; French: the project's own translation"},

	// The title of the project's own dataset, in the project's own translation, with the Community's
	// name as UCLG publishes it (above).
	{text("Cities of the Community of Practice on Digital Cities", "Villes de la Communauté de pratique des villes numériques",
		"Ciudades de la Comunidad de Práctica de Ciudades Digitales"),
		ownTranslation, "the project's own translation, with the Community's names as UCLG publishes them"},

	// Cities and places: established exonyms (French and Spanish Wikipedia article titles and the
	// usage of French and Spanish style guides). The same spelling is recorded where the name does
	// not change, so that the API does not say "English only" of it.
	{text("Bilbao", "Bilbao", "Bilbao"), exonym, "established exonym (unchanged)"},
	{text("Málaga", "Malaga", "Málaga"), exonym, "established exonym (French writes Malaga)"},
	{text("Durban", "Durban", "Durban"), exonym, "established exonym (unchanged)"},
	{text("Dakar", "Dakar", "Dakar"), exonym, "established exonym (unchanged)"},
	{text("Seoul", "Séoul", "Seúl"), exonym, "established exonym"},
	{text("Jakarta", "Jakarta", "Yakarta"), exonym, "established exonym (Spanish: Yakarta)"},
	{text("Kazan", "Kazan", "Kazán"), exonym, "established exonym (Spanish: Kazán)"},
	{text("Istanbul", "Istanbul", "Estambul"), exonym, "established exonym (Spanish: Estambul)"},
	{text("Amman", "Amman", "Amán"), exonym, "established exonym (Spanish: Amán)"},
	{text("Montevideo", "Montevideo", "Montevideo"), exonym, "established exonym (unchanged)"},
	{text("Mexico City", "Mexico", "Ciudad de México"), exonym, "established exonym (French: Mexico)"},
	{text("Montréal", "Montréal", "Montreal"), exonym, "established exonym (Spanish: Montreal)"},
}

// known returns the seeded text whose English is en, with the French and Spanish versions
// sourcedTexts gives it. The seed's data names only texts listed there: a missing one is a
// mistake in the seed, found by the first test that loads the package.
func known(en string) domain.Text {
	for _, s := range sourcedTexts {
		if s.text.EN == en {
			return s.text
		}
	}
	panic("seed: no sourced translation of " + en)
}
