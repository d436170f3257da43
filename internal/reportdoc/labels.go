package reportdoc

import (
	"fmt"
	"strings"
	"time"
)

// labels are the words a rendering adds around a report's texts, in one language: the
// template's headings, the byline's wording and the notes. They are interface strings, not
// UCLG's official translations of its template.
type labels struct {
	activities  string            // part 1
	priorities  map[string]string // the components of part 1, by priority
	leadership  string            // part 2
	results     string            // part 3
	commitments string            // the list under monitoring and follow-up
	nothing     string            // an empty part
	refersTo    string            // before a section's links
	checksum    string            // before a version's SHA-256
	version     string            // a frozen version, with its number
	commitment  string            // a commitment that no longer exists, with its id
	title       string            // the report's title, as the translation note names it
	bodyName    string            // the reporting body's name, as the translation note names it
	note        string            // the translation note, with the parts it lists
	statuses    map[string]string // a report's statuses
	commitState map[string]string // a commitment's statuses
	linkKinds   map[string]string // the kinds of record a section links
	months      [12]string
	date        func(day int, month string, year int) string // a day, in words
	period      func(start, end string) string               // a period, from its first to its last day
}

// labelsOf are the labels of each language a rendering is written in.
var labelsOf = map[string]*labels{
	"en": {
		activities: "1. Main activities, organised according to the main components of UCLG's strategic priorities",
		priorities: map[string]string{"implementation": "A. Implementation", "advocacy": "B. Advocacy",
			"monitoring": "C. Monitoring and follow-up", "learning": "D. Learning", "network": "E. Strengthening the UCLG network"},
		leadership:  "2. Update in the leadership and any relevant information",
		results:     "3. Summary of results",
		commitments: "Commitments followed up",
		nothing:     "Nothing reported.",
		refersTo:    "Refers to: %s.",
		checksum:    "SHA-256 of the canonical JSON:",
		version:     "version %d",
		commitment:  "commitment %d",
		title:       "the title",
		bodyName:    "the reporting body's name",
		note:        "", // English is always present: an English rendering falls back on nothing
		statuses:    map[string]string{"draft": "draft", "submitted": "submitted", "published": "published"},
		commitState: map[string]string{"open": "open", "in_progress": "in progress", "done": "done", "dropped": "dropped"},
		linkKinds: map[string]string{"event": "event", "study": "study", "trend": "trend", "organisation": "organisation",
			"city": "city", "community": "UCLG body", "commitment": "commitment", "dataset": "dataset"},
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
			"October", "November", "December"},
		date:   func(d int, m string, y int) string { return fmt.Sprintf("%d %s %d", d, m, y) },
		period: func(s, e string) string { return s + " to " + e },
	},
	"fr": {
		activities: "1. Principales activités, organisées selon les grandes composantes des priorités stratégiques de CGLU",
		priorities: map[string]string{"implementation": "A. Mise en œuvre", "advocacy": "B. Plaidoyer",
			"monitoring": "C. Suivi et accompagnement", "learning": "D. Apprentissage", "network": "E. Renforcement du réseau de CGLU"},
		leadership:  "2. Évolution de la direction et autres informations utiles",
		results:     "3. Synthèse des résultats",
		commitments: "Engagements suivis",
		nothing:     "Rien à signaler.",
		refersTo:    "Se rapporte à : %s.",
		checksum:    "SHA-256 du JSON canonique :",
		version:     "version %d",
		commitment:  "engagement %d",
		title:       "le titre",
		bodyName:    "le nom de l'organe",
		note:        "Certaines parties de ce rapport n'ont pas encore été traduites en français et sont affichées en anglais : %s.",
		statuses:    map[string]string{"draft": "brouillon", "submitted": "soumis", "published": "publié"},
		commitState: map[string]string{"open": "ouvert", "in_progress": "en cours", "done": "réalisé", "dropped": "abandonné"},
		linkKinds: map[string]string{"event": "événement", "study": "étude", "trend": "tendance", "organisation": "organisation",
			"city": "ville", "community": "organe de CGLU", "commitment": "engagement", "dataset": "jeu de données"},
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
			"octobre", "novembre", "décembre"},
		date: func(d int, m string, y int) string {
			if d == 1 {
				return fmt.Sprintf("1er %s %d", m, y)
			}
			return fmt.Sprintf("%d %s %d", d, m, y)
		},
		period: func(s, e string) string { return "du " + s + " au " + e },
	},
	"es": {
		activities: "1. Principales actividades, organizadas según los componentes principales de las prioridades estratégicas de CGLU",
		priorities: map[string]string{"implementation": "A. Implementación", "advocacy": "B. Incidencia política",
			"monitoring": "C. Monitoreo y seguimiento", "learning": "D. Aprendizaje", "network": "E. Fortalecimiento de la red de CGLU"},
		leadership:  "2. Novedades en el liderazgo y otra información relevante",
		results:     "3. Resumen de resultados",
		commitments: "Compromisos en seguimiento",
		nothing:     "Nada que informar.",
		refersTo:    "Se refiere a: %s.",
		checksum:    "SHA-256 del JSON canónico:",
		version:     "versión %d",
		commitment:  "compromiso %d",
		title:       "el título",
		bodyName:    "el nombre del órgano",
		note:        "Algunas partes de este informe aún no están traducidas al español y se muestran en inglés: %s.",
		statuses:    map[string]string{"draft": "borrador", "submitted": "presentado", "published": "publicado"},
		commitState: map[string]string{"open": "abierto", "in_progress": "en curso", "done": "cumplido", "dropped": "abandonado"},
		linkKinds: map[string]string{"event": "evento", "study": "estudio", "trend": "tendencia", "organisation": "organización",
			"city": "ciudad", "community": "órgano de CGLU", "commitment": "compromiso", "dataset": "conjunto de datos"},
		months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
			"octubre", "noviembre", "diciembre"},
		date:   func(d int, m string, y int) string { return fmt.Sprintf("%d de %s de %d", d, m, y) },
		period: func(s, e string) string { return "del " + s + " al " + e },
	},
}

// labelsIn are the labels of lang, English for any other.
func labelsIn(lang string) (*labels, string) {
	if l, ok := labelsOf[lang]; ok {
		return l, lang
	}
	return labelsOf["en"], "en"
}

// day writes a day (YYYY-MM-DD) in words; a value that is not a day is written as it is.
func (l *labels) day(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.date(t.Day(), l.months[t.Month()-1], t.Year())
}

// word is the label of a value (a status, a kind of link) in a table, or the value itself with
// its underscores as spaces when the table has none.
func word(table map[string]string, v string) string {
	if w, ok := table[v]; ok {
		return w
	}
	return strings.ReplaceAll(v, "_", " ")
}
