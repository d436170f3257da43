package api

// descriptions say, for each operation, what it does beyond its summary: what it returns, its
// rules and its conditions. registerRoutes refuses an operation without one.
var descriptions = map[string]string{ // #nosec G101 -- operation descriptions that mention tokens, not credentials
	"get-livez":  "Answers 200 while the process serves HTTP. It does not touch the database and needs no token.",
	"get-readyz": "Answers 200 when the database answers within two seconds, else 503 with Retry-After. Load balancers use it to route traffic.",

	"list-cities":        "Cities by slug (or the chosen sort), filtered by country, UCLG section, membership of the Community of Practice and a name search in any language that ignores case and accents. Keyset paging; updated_since gives incremental sync.",
	"get-city":           "One city with its ETag. Send If-None-Match with a held ETag to get 304 when it has not changed.",
	"create-city":        "Creates a city; the slug is its permanent identifier. Answers 201 with Location and ETag, 409 when the slug is taken. A city created with the slug of a deleted one continues its version numbers, so that no ETag of the deleted city matches it. Accepts Idempotency-Key.",
	"update-city":        "Replaces every writable field of a city. If-Match with the ETag you read is required: 428 without it, 412 when the city changed since. Editors may write only their own cities.",
	"patch-city":         "Applies a JSON merge patch (RFC 7396, application/merge-patch+json): fields sent replace, null clears a nullable field, absent fields stay. Texts merge per language. Same conditions as update-city.",
	"delete-city":        "Deletes a city. If-Match is required. A city that still has observations or study participation cannot be deleted (409).",
	"list-communities":   "UCLG's communities held here, with their chair city and how many cities are members: the Community of Practice on Digital Cities, chaired by Bilbao. members counts only members recorded in reported (real) data; members_by_provenance also counts the members that exist only in sample data, invented for demonstrations, or in synthetic data.",
	"get-community":      "One community with its ETag. members counts only members recorded in reported (real) data; members_by_provenance says how many more exist only in sample or synthetic data. The ETag changes when any of these counts does.",
	"list-organisations": "The partner organisations the Community works with (UN-Habitat, the Uraía Platform and its founders UN-Habitat and FMDV, WeGO, the Wireless Broadband Alliance, UCLG), by slug, each with the slugs of the organisations that founded it.",
	"get-organisation":   "One partner organisation with its founders' slugs and its ETag.",
	"list-studies":       "Every edition of the Smart Cities Study (2012, 2017, 2019, 2021, 2023, and any planned), oldest first, optionally by status.",
	"get-study":          "One edition with its focus, declared counts, schedule, conclusions (when published) and framework, with its ETag. Each milestone of the schedule is dated only as precisely as its source dates it: a day, a month, a quarter, a year (\"end of 2019\" is the year 2019) or unknown (to be confirmed).",
	"create-study":       "Creates an edition, identified by its year. Accepts Idempotency-Key.",
	"update-study":       "Replaces every writable field of an edition. If-Match is required.",

	"list-study-cities": "The cities taking part in an edition, by slug. Participation invented for demos is marked provenance sample.",
	"add-study-city":    "Records that a city takes part in an edition; doing it again is harmless (200). Participation is a membership, not a versioned resource: it takes no If-Match.",
	"remove-study-city": "Removes a city from an edition (membership: no If-Match).",

	"list-frameworks":  "Every indicator framework with its dimension tree, flattened with parents before their children.",
	"get-framework":    "One framework with its dimension tree.",
	"create-framework": "Creates a framework with its dimensions; list parents before their children. Accepts Idempotency-Key.",
	"list-indicators":  "Indicators by slug, filtered by framework, dimension (including the dimensions below it), value type and status. Keyset paging.",
	"get-indicator":    "One indicator with its value type, unit, scale or ordinal levels, direction, methodology, sources and equivalents, with its ETag.",
	"create-indicator": "Creates an indicator in a framework's dimension. Its code is unique within the framework for each value type, so that a KPI reported in two forms (a percentage and a number, like U4SSC's EC: ICT: PS: 1A) is two indicators with the framework's own code. Accepts Idempotency-Key.",
	"update-indicator": "Replaces an indicator's definition. If-Match is required. Its value type, scale (scale_min, scale_max) and levels' codes and ranks decide which values it takes: they cannot change once it has observations (409, naming the fields and how many observations there are); every other field, and a level's label, stays editable.",
	"retire-indicator": "Retires an indicator: it stays readable with status retired and keeps its observations, but takes no new ones. If-Match is required.",

	"get-indicator-ranking": "Each city's latest counted value of the indicator (in the edition, when given), ranked best first by the indicator's direction with standard competition ranking; cities whose counted observation has no value come last, unranked. By default only reported (real) observations that are not rejected count; provenance=reported,sample (or synthetic) also counts data invented for demonstrations or generated for tests, and verification=verified counts only verified values. Rejected values never count. The top level says what was counted: computed_from (the provenances and verification states counted, and how many observations of each provenance), includes_invented_data and, when that is true, a notice. Each entry carries its provenance and verification. The entries are listed under items. Text indicators and indicators without a direction cannot be ranked (422).",

	"list-observations":   "Observations by id, filtered by cities, indicators, framework, dimension, edition, period, status, verification and provenance. latest=true keeps only the most recent period of each city and indicator, ordered by city and indicator. Values are typed JSON; missing values are null with their status. Keyset paging; updated_since gives incremental sync.",
	"export-observations": "The same filters as list-observations, streamed in id order with no row cap in CSV (columns are the JSON field names), NDJSON or a JSON array. The format comes from format or Accept; anything else is 406. CSV is safe to open in a spreadsheet (OWASP CSV injection): a text cell (source, footnote, the value of an ordinal or text indicator) that begins with =, +, -, @, a tab or a carriage return, or with single quotes followed by one of those, is written with one more single quote (') in front: =SUM(A1) becomes '=SUM(A1) and '=x becomes ''=x. Numbers are written as they are (-3.5). import-observations removes that quote again, so an export imports back exactly; NDJSON and JSON carry the texts unchanged.",
	"import-observations": "Loads a CSV file in one transaction and answers with a per-row report (row, field, problem). all_or_nothing (the default) imports nothing when any row has a problem and answers 422 listing them; valid_rows imports the good rows. Rows are checked with the same rules as create-observation; editors may import only their own cities. The whole file is received and checked before the database is touched; a few imports run at once (a quarter of the connection pool) and another is answered 503 with Retry-After. Accepts Idempotency-Key.",
	"get-observation":     "One observation with its ETag.",
	"create-observation":  "Records one value of one indicator for one city and period, typed and validated by the indicator: a percentage stays within 0–100, an ordinal value is one of its levels, a number is a JSON number. Status M and NR carry no value. 409 when the city already has a value for that indicator, year and edition. Accepts Idempotency-Key.",
	"update-observation":  "Replaces an observation's value, status and notes; its indicator, city, year and edition cannot change. If-Match is required. A changed value or status goes back to self_reported. The previous state is kept as a revision.",
	"patch-observation":   "A JSON merge patch of an observation's value, status and notes. Same conditions as update-observation.",
	"delete-observation":  "Deletes an observation; its history stays readable at its revisions. If-Match is required.",
	"verify-observation":  "Records the secretariat's check: verified, rejected, or back to self_reported. If-Match is required.",

	"list-observation-revisions": "The states an observation had before each change, newest first, with the role that replaced them (token names are not public) and when; kept after a delete. Keyset paging like every list: limit (default 50, maximum 500), next_cursor and a Link header.",

	"get-city-scorecard": "Aggregates a city's latest counted observation of each indicator per dimension of a framework, one line per dimension under items: how many indicators, how many observed, with a value and scored, and the mean score from 0 to 1. Booleans score 1 for true; percentages and bounded numbers by their place on the scale; ordinal levels by their rank; lower-is-better indicators are inverted; unbounded numbers, text and indicators without a direction are counted but not scored. By default only reported (real) observations that are not rejected count; provenance=reported,sample (or synthetic) also counts data invented for demonstrations or generated for tests, and verification=verified counts only verified values. Rejected values never count. The top level says what was counted: computed_from (the provenances and verification states counted, and how many observations of each provenance), includes_invented_data and, when that is true, a notice. Each line lists the provenances and verification states of the observations it counted.",
	"compare-cities":     "Two to five cities side by side over a framework's active indicators: one row per indicator under items, with each city's latest counted value in the order asked (null when none counts). By default only reported (real) observations that are not rejected count; provenance=reported,sample (or synthetic) also counts data invented for demonstrations or generated for tests, and verification=verified counts only verified values. Rejected values never count. The top level says what was counted: computed_from (the provenances and verification states counted, and how many observations of each provenance), includes_invented_data and, when that is true, a notice. Each value carries its provenance and verification.",

	"list-tokens":        "Every API token, by id, without its secret.",
	"create-token":       "Creates a token and answers with its secret, which is shown only this once: store it. Editors need the cities they may write. Accepts Idempotency-Key.",
	"get-token":          "One token, without its secret, with when it was last used (to the minute) and when it was revoked.",
	"revoke-token":       "Revokes a token at once; revoking it again keeps the first time. If-Match is required.",
	"list-audit-entries": "Every write, newest first: who (role:name of the token), what, when, the request id, and the resource before and after. Entries about tokens are shown to admins only.",
}
