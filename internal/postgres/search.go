package postgres

import "strings"

// What q searches in each list: a search_text expression (migration 00015) over the resource's
// texts in every language. Each is exactly the expression of a trigram index of that migration,
// so that the index serves the search; change both together. Column names are unqualified so
// that they read the same whatever alias the list gives its table.
const (
	searchCities        = "search_text(name)"
	searchOrganisations = "search_text(name, acronym)"
	searchIndicators    = "search_text(name, code)"
	searchTrends        = "search_text(name)"
	searchEvents        = "search_text(title)"
	searchReports       = "search_text(content->'title')"
)

// searchCond is the condition that expr, one of the search expressions above, contains q,
// ignoring case (ILIKE) and accents (f_unaccent on both sides): Málaga, malaga and MALAGA
// find the same rows.
func searchCond(args *queryArgs, expr, q string) string {
	return expr + " ILIKE f_unaccent(" + args.add(likePattern(q)) + ")"
}

// likePattern turns a search text into an ILIKE pattern matching it anywhere, with the
// pattern's own wildcards escaped; "" stays "" (no filter).
func likePattern(q string) string {
	if q == "" {
		return ""
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}
