package api

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/uclg-digital-cities/digitalcities/api/httpx"
)

// Problems in French and Spanish. A problem's title (its status) is always translated; its
// detail and its errors' messages are translated when they are among the messages below, the
// ones clients meet most, and otherwise stay in English, listed in the problem's
// translation_fallbacks like any other untranslated text.

// statusTitles are the titles of problems, by status, in French and Spanish.
var statusTitles = map[string]map[int]string{
	"fr": {
		400: "Requête incorrecte", 401: "Non authentifié", 403: "Interdit", 404: "Introuvable",
		405: "Méthode non autorisée", 406: "Non acceptable", 408: "Délai de requête dépassé", 409: "Conflit",
		410: "Disparu", 412: "Précondition échouée", 413: "Contenu trop volumineux", 415: "Type de média non pris en charge",
		416: "Plage non satisfaisable", 422: "Entité non traitable", 428: "Précondition requise", 429: "Trop de requêtes",
		500: "Erreur interne du serveur", 503: "Service indisponible", 504: "Délai de passerelle dépassé",
	},
	"es": {
		400: "Solicitud incorrecta", 401: "No autenticado", 403: "Prohibido", 404: "No encontrado",
		405: "Método no permitido", 406: "No aceptable", 408: "Tiempo de solicitud agotado", 409: "Conflicto",
		410: "Ya no existe", 412: "Precondición fallida", 413: "Contenido demasiado grande", 415: "Tipo de medio no admitido",
		416: "Rango no satisfactorio", 422: "Entidad no procesable", 428: "Precondición requerida", 429: "Demasiadas solicitudes",
		500: "Error interno del servidor", 503: "Servicio no disponible", 504: "Tiempo de puerta de enlace agotado",
	},
}

// problemWord is one message of ours and its translations; $1, $2… stand for what the pattern
// captured (slugs, names, numbers), and nouns are translated through problemNouns.
type problemWord struct {
	pattern *regexp.Regexp
	fr, es  string
}

// problemWords are the messages translated, the most frequent first.
var problemWords = []problemWord{
	{regexp.MustCompile(`^validation failed$`), "la validation a échoué", "la validación ha fallado"},
	{regexp.MustCompile(`^request body is required$`), "le corps de la requête est obligatoire", "el cuerpo de la solicitud es obligatorio"},
	{regexp.MustCompile(`^An internal error occurred\.$`), "Une erreur interne s'est produite.", "Se ha producido un error interno."},
	{regexp.MustCompile(`^no (city|event|trend|indicator|organisation|dataset|report|framework|edition|token|subscription|observation|role) (.+)$`),
		"$1 introuvable : $2", "no existe $1 $2"},
	{regexp.MustCompile(`^(city|event|trend|indicator|organisation|dataset|report|framework|edition|token|subscription|observation|role) (.+) changed since it was read$`),
		"la ressource $1 $2 a changé depuis sa lecture", "$1 $2 ha cambiado desde que se leyó"},
	{regexp.MustCompile(`^an? (city|event|trend|indicator|organisation|dataset|report|framework) with slug (.+) already exists$`),
		"une ressource $1 avec le slug $2 existe déjà", "ya existe $1 con el slug $2"},
	{regexp.MustCompile(`^this write needs If-Match with the ETag of the resource as you read it$`),
		"cette écriture exige If-Match avec l'ETag de la ressource telle que vous l'avez lue",
		"esta escritura requiere If-Match con el ETag del recurso tal como lo leyó"},
	{regexp.MustCompile(`^If-Match does not name a current version of this resource$`),
		"If-Match ne nomme pas une version actuelle de cette ressource", "If-Match no nombra una versión actual de este recurso"},
	{regexp.MustCompile(`^this operation needs a bearer token$`), "cette opération exige un jeton bearer", "esta operación requiere un token bearer"},
	{regexp.MustCompile(`^the bearer token is unknown or revoked$`), "le jeton bearer est inconnu ou révoqué", "el token bearer es desconocido o ha sido revocado"},
	{regexp.MustCompile(`^Authorization must be 'Bearer <token>'$`), "Authorization doit être 'Bearer <jeton>'", "Authorization debe ser 'Bearer <token>'"},
	{regexp.MustCompile(`^this token may not (write|delete) (?:data of )?city (.+)$`),
		"ce jeton ne peut pas modifier la ville $2", "este token no puede modificar la ciudad $2"},
	{regexp.MustCompile(`^unknown query parameter (".*"); (?:the accepted ones are (.*)|this operation takes no query parameters)$`),
		"paramètre de requête inconnu $1 ; acceptés : $2", "parámetro de consulta desconocido $1; aceptados: $2"},
	{regexp.MustCompile(`^lang is en, fr, es or all, not (.+)$`), "lang vaut en, fr, es ou all, pas $1", "lang es en, fr, es o all, no $1"},
	{regexp.MustCompile(`^No resource at (\S+)\. The contract is at /openapi\.json\.$`),
		"Aucune ressource à $1. Le contrat est à /openapi.json.", "No hay ningún recurso en $1. El contrato está en /openapi.json."},
	{regexp.MustCompile(`^(\S+) is not allowed here; allowed: (.*)$`), "$1 n'est pas permis ici ; permis : $2", "$1 no está permitido aquí; permitidos: $2"},
	{regexp.MustCompile(`^expected (.+), got (.+)$`), "attendu : $1 ; reçu : $2", "se esperaba $1; se recibió $2"},
	{regexp.MustCompile(`^expected required property (\S+) to be present$`), "la propriété obligatoire $1 est absente", "falta la propiedad obligatoria $1"},
	{regexp.MustCompile(`^expected value to be one of (.+)$`), "la valeur doit être l'une de $1", "el valor debe ser uno de $1"},
	{regexp.MustCompile(`^expected length >= (\d+)$`), "longueur attendue ≥ $1", "longitud esperada ≥ $1"},
	{regexp.MustCompile(`^expected length <= (\d+)$`), "longueur attendue ≤ $1", "longitud esperada ≤ $1"},
	{regexp.MustCompile(`^unexpected property$`), "propriété inattendue", "propiedad inesperada"},
}

// problemNouns translate the resource names that messages capture.
var problemNouns = map[string]map[string]string{
	"fr": {"city": "ville", "event": "événement", "trend": "tendance", "indicator": "indicateur", "organisation": "organisation",
		"dataset": "jeu de données", "report": "rapport", "framework": "cadre", "edition": "édition", "token": "jeton",
		"subscription": "abonnement", "observation": "observation", "role": "rôle"},
	"es": {"city": "la ciudad", "event": "el evento", "trend": "la tendencia", "indicator": "el indicador", "organisation": "la organización",
		"dataset": "el conjunto de datos", "report": "el informe", "framework": "el marco", "edition": "la edición", "token": "el token",
		"subscription": "la suscripción", "observation": "la observación", "role": "el rol"},
}

// translateMessage gives msg in lang, and false when it is not among problemWords.
func translateMessage(msg, lang string) (string, bool) {
	for _, w := range problemWords {
		m := w.pattern.FindStringSubmatchIndex(msg)
		if m == nil {
			continue
		}
		template := w.fr
		if lang == "es" {
			template = w.es
		}
		out := template
		for i := len(m)/2 - 1; i >= 1; i-- { // $10 before $1
			part := ""
			if m[2*i] >= 0 {
				part = msg[m[2*i]:m[2*i+1]]
			}
			if noun, ok := problemNouns[lang][part]; ok {
				part = noun
			}
			out = strings.ReplaceAll(out, "$"+strconv.Itoa(i), part)
		}
		return out, true
	}
	return msg, false
}

// translateProblem writes a problem in lang (fr or es; English is how problems are made):
// its title, and its detail and messages where translated; what stays English is listed in
// its translation_fallbacks.
func translateProblem(p *httpx.Problem, lang string) {
	if p == nil || (lang != "fr" && lang != "es") {
		return
	}
	if t, ok := statusTitles[lang][p.Status]; ok {
		p.Title = t
	} else if p.Title == http.StatusText(p.Status) {
		p.TranslationFallbacks = append(p.TranslationFallbacks, "/title")
	}
	if p.Detail != "" {
		var ok bool
		if p.Detail, ok = translateMessage(p.Detail, lang); !ok {
			p.TranslationFallbacks = append(p.TranslationFallbacks, "/detail")
		}
	}
	for i, e := range p.Errors {
		var ok bool
		if e.Message, ok = translateMessage(e.Message, lang); !ok {
			p.TranslationFallbacks = append(p.TranslationFallbacks, "/errors/"+strconv.Itoa(i)+"/message")
		}
	}
}
