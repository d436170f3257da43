package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"
)

// Documented error statuses per kind of operation. Every operation may also answer 429 and
// 5xx, and the statuses its policy implies (401, 403) are added by op. Each list is clipped to
// its length, so that append(list, …) at a call site always makes a new array and two APIs
// built at once never write into a shared one.
var (
	readErrors  = []int{http.StatusUnprocessableEntity}
	getErrors   = []int{http.StatusNotFound, http.StatusUnprocessableEntity}
	writeErrors = []int{http.StatusUnprocessableEntity}
	createErrs  = slices.Clip(append(writeErrors, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType))
	changeErrs  = slices.Clip(append(writeErrors, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed,
		http.StatusPreconditionRequired, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType))
	alwaysErrors = []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}
)

// registerRoutes is the one place where every operation of the API is registered.
func registerRoutes(api huma.API, h *handlers) {
	// Health
	register(api, h, op("get-livez", http.MethodGet, "/livez", "Liveness probe", "health", probe, nil), h.livez)
	register(api, h, op("get-readyz", http.MethodGet, "/readyz", "Readiness probe (database reachable)", "health", probe, nil), h.readyz)

	// Cities
	register(api, h, op("list-cities", http.MethodGet, "/v1/cities", "List cities", "cities", publicRead, readErrors), h.listCities)
	register(api, h, op("get-city", http.MethodGet, "/v1/cities/{slug}", "Get a city", "cities", publicRead, getErrors), h.getCity)
	register(api, h, withStatus(op("create-city", http.MethodPost, "/v1/cities", "Create a city (secretariat)", "cities", secretariatCreate, createErrs), http.StatusCreated), h.createCity)
	register(api, h, op("update-city", http.MethodPut, "/v1/cities/{slug}", "Replace a city (secretariat, or an editor of the city)", "cities", cityResourceWrite, changeErrs), h.updateCity)
	register(api, h, op("patch-city", http.MethodPatch, "/v1/cities/{slug}", "Change some fields of a city (JSON merge patch; secretariat, or an editor of the city)", "cities", cityResourceWrite, changeErrs), h.patchCity)
	register(api, h, withStatus(op("delete-city", http.MethodDelete, "/v1/cities/{slug}", "Delete a city (secretariat)", "cities", secretariatWrite, changeErrs), http.StatusNoContent), h.deleteCity)

	// The Community and the other UCLG bodies
	register(api, h, op("list-communities", http.MethodGet, "/v1/communities", "List UCLG bodies (communities of practice, committees, policy councils, …)", "network", publicRead, readErrors), h.listCommunities)
	register(api, h, op("get-community", http.MethodGet, "/v1/communities/{slug}", "Get a UCLG body", "network", publicRead, getErrors), h.getCommunity)

	// Organisations and their relations; roles of cities and organisations in UCLG bodies
	register(api, h, op("list-organisations", http.MethodGet, "/v1/organisations", "List organisations", "network", publicRead, readErrors), h.listOrganisations)
	register(api, h, op("get-organisation", http.MethodGet, "/v1/organisations/{slug}", "Get an organisation", "network", publicRead, getErrors), h.getOrganisation)
	register(api, h, withStatus(op("create-organisation", http.MethodPost, "/v1/organisations", "Create an organisation with its relations (secretariat)", "network", secretariatCreate, createErrs), http.StatusCreated), h.createOrganisation)
	register(api, h, op("update-organisation", http.MethodPut, "/v1/organisations/{slug}", "Replace an organisation and its relations (secretariat)", "network", secretariatWrite, changeErrs), h.updateOrganisation)
	register(api, h, op("patch-organisation", http.MethodPatch, "/v1/organisations/{slug}", "Change some fields of an organisation (JSON merge patch; secretariat)", "network", secretariatWrite, changeErrs), h.patchOrganisation)
	register(api, h, withStatus(op("delete-organisation", http.MethodDelete, "/v1/organisations/{slug}", "Delete an organisation (secretariat)", "network", secretariatWrite, changeErrs), http.StatusNoContent), h.deleteOrganisation)
	register(api, h, op("list-body-roles", http.MethodGet, "/v1/roles", "List roles of cities and organisations in UCLG bodies", "network", publicRead, readErrors), h.listBodyRoles)
	register(api, h, op("get-body-role", http.MethodGet, "/v1/roles/{id}", "Get a role in a UCLG body", "network", publicRead, getErrors), h.getBodyRole)
	register(api, h, withStatus(op("create-body-role", http.MethodPost, "/v1/roles", "Record a role in a UCLG body (secretariat)", "network", secretariatCreate, createErrs), http.StatusCreated), h.createBodyRole)
	register(api, h, op("update-body-role", http.MethodPut, "/v1/roles/{id}", "Replace a role in a UCLG body (secretariat)", "network", secretariatWrite, changeErrs), h.updateBodyRole)
	register(api, h, withStatus(op("delete-body-role", http.MethodDelete, "/v1/roles/{id}", "Delete a role in a UCLG body (secretariat)", "network", secretariatWrite, changeErrs), http.StatusNoContent), h.deleteBodyRole)

	// Study editions
	register(api, h, op("list-studies", http.MethodGet, "/v1/studies", "List the Smart Cities Study's editions", "studies", publicRead, readErrors), h.listStudies)
	register(api, h, op("get-study", http.MethodGet, "/v1/studies/{edition}", "Get a study edition", "studies", publicRead, getErrors), h.getStudy)
	register(api, h, withStatus(op("create-study", http.MethodPost, "/v1/studies", "Create a study edition (secretariat)", "studies", secretariatCreate, createErrs), http.StatusCreated), h.createStudy)
	register(api, h, op("update-study", http.MethodPut, "/v1/studies/{edition}", "Replace a study edition (secretariat)", "studies", secretariatWrite, changeErrs), h.updateStudy)
	register(api, h, op("list-study-cities", http.MethodGet, "/v1/studies/{edition}/cities", "List an edition's participating cities", "studies", publicRead, getErrors), h.listStudyCities)
	register(api, h, op("add-study-city", http.MethodPut, "/v1/studies/{edition}/cities/{city}", "Add a city to an edition (secretariat); 201 when new, 200 when it was there", "studies", secretariatWrite, append(writeErrors, http.StatusNotFound)), h.addStudyCity)
	register(api, h, withStatus(op("remove-study-city", http.MethodDelete, "/v1/studies/{edition}/cities/{city}", "Remove a city from an edition (secretariat)", "studies", secretariatWrite, append(writeErrors, http.StatusNotFound)), http.StatusNoContent), h.removeStudyCity)

	// Frameworks and indicators
	register(api, h, op("list-frameworks", http.MethodGet, "/v1/frameworks", "List indicator frameworks with their dimension trees", "indicators", publicRead, readErrors), h.listFrameworks)
	register(api, h, op("get-framework", http.MethodGet, "/v1/frameworks/{slug}", "Get a framework with its dimension tree", "indicators", publicRead, getErrors), h.getFramework)
	register(api, h, withStatus(op("create-framework", http.MethodPost, "/v1/frameworks", "Create a framework with its dimensions (secretariat)", "indicators", secretariatCreate, createErrs), http.StatusCreated), h.createFramework)
	register(api, h, op("list-indicators", http.MethodGet, "/v1/indicators", "List indicators", "indicators", publicRead, readErrors), h.listIndicators)
	register(api, h, op("get-indicator", http.MethodGet, "/v1/indicators/{slug}", "Get an indicator", "indicators", publicRead, getErrors), h.getIndicator)
	register(api, h, withStatus(op("create-indicator", http.MethodPost, "/v1/indicators", "Create an indicator (secretariat)", "indicators", secretariatCreate, createErrs), http.StatusCreated), h.createIndicator)
	register(api, h, op("update-indicator", http.MethodPut, "/v1/indicators/{slug}", "Replace an indicator (secretariat)", "indicators", secretariatWrite, changeErrs), h.updateIndicator)
	register(api, h, op("retire-indicator", http.MethodDelete, "/v1/indicators/{slug}", "Retire an indicator (secretariat): it stays readable and keeps its observations", "indicators", secretariatWrite, changeErrs), h.retireIndicator)
	register(api, h, op("get-indicator-ranking", http.MethodGet, "/v1/indicators/{slug}/ranking", "Rank cities by an indicator, best first by its direction", "analysis", publicRead, getErrors), h.getRanking)

	// Technology trends and their adoption by cities
	register(api, h, op("list-trends", http.MethodGet, "/v1/trends", "List technology trends", "trends", publicRead, readErrors), h.listTrends)
	register(api, h, op("get-trend-ranking", http.MethodGet, "/v1/trends/ranking", "Rank trends by how far cities have adopted them", "analysis", publicRead, readErrors), h.getTrendRanking)
	register(api, h, op("get-trend", http.MethodGet, "/v1/trends/{slug}", "Get a technology trend", "trends", publicRead, getErrors), h.getTrend)
	register(api, h, withStatus(op("create-trend", http.MethodPost, "/v1/trends", "Create a technology trend (secretariat)", "trends", secretariatCreate, createErrs), http.StatusCreated), h.createTrend)
	register(api, h, op("update-trend", http.MethodPut, "/v1/trends/{slug}", "Replace a technology trend (secretariat)", "trends", secretariatWrite, changeErrs), h.updateTrend)
	register(api, h, withStatus(op("delete-trend", http.MethodDelete, "/v1/trends/{slug}", "Delete a technology trend without adoption records (secretariat)", "trends", secretariatWrite, changeErrs), http.StatusNoContent), h.deleteTrend)
	register(api, h, op("list-trend-adoption", http.MethodGet, "/v1/trends/{slug}/adoption", "List the cities' adoption of a trend", "trends", publicRead, getErrors), h.listTrendAdoption)
	register(api, h, op("list-city-trends", http.MethodGet, "/v1/cities/{slug}/trends", "List a city's adoption of the trends", "trends", publicRead, getErrors), h.listCityTrends)
	register(api, h, withStatus(op("create-trend-adoption", http.MethodPost, "/v1/cities/{slug}/trends", "Record a city's adoption of a trend in a year (secretariat, or an editor of the city)", "trends", cityResourceCreate, append(createErrs, http.StatusNotFound)), http.StatusCreated), h.createTrendAdoption)
	register(api, h, op("get-trend-adoption", http.MethodGet, "/v1/cities/{slug}/trends/{trend}/{year}", "Get a city's adoption record of a trend for a year", "trends", publicRead, getErrors), h.getTrendAdoption)
	register(api, h, op("update-trend-adoption", http.MethodPut, "/v1/cities/{slug}/trends/{trend}/{year}", "Replace an adoption record (secretariat, or an editor of the city)", "trends", cityResourceWrite, changeErrs), h.updateTrendAdoption)
	register(api, h, withStatus(op("delete-trend-adoption", http.MethodDelete, "/v1/cities/{slug}/trends/{trend}/{year}", "Delete an adoption record (secretariat, or an editor of the city)", "trends", cityResourceWrite, changeErrs), http.StatusNoContent), h.deleteTrendAdoption)
	register(api, h, op("verify-trend-adoption", http.MethodPut, "/v1/cities/{slug}/trends/{trend}/{year}/verification", "Set an adoption record's verification (secretariat)", "trends", secretariatWrite, changeErrs), h.verifyTrendAdoption)

	// Observations
	register(api, h, op("list-observations", http.MethodGet, "/v1/observations", "List observations", "observations", publicRead, readErrors), h.listObservations)
	register(api, h, exportOp(op("export-observations", http.MethodGet, "/v1/observations/export", "Export observations as CSV, NDJSON or JSON, streamed with no row cap", "observations", publicExport, append(readErrors, http.StatusNotAcceptable))), h.exportObservations)
	register(api, h, importOp(op("import-observations", http.MethodPost, "/v1/observations/import", "Import observations from CSV (secretariat, or editors for their cities)", "observations", cityImport, append(createErrs, http.StatusRequestEntityTooLarge))), h.importObservations)
	register(api, h, op("get-observation", http.MethodGet, "/v1/observations/{id}", "Get an observation", "observations", publicRead, getErrors), h.getObservation)
	register(api, h, withStatus(op("create-observation", http.MethodPost, "/v1/observations", "Create an observation (secretariat, or an editor of the city)", "observations", cityCreate, createErrs), http.StatusCreated), h.createObservation)
	register(api, h, op("update-observation", http.MethodPut, "/v1/observations/{id}", "Replace an observation's value and notes (secretariat, or an editor of the city)", "observations", cityWrite, changeErrs), h.updateObservation)
	register(api, h, op("patch-observation", http.MethodPatch, "/v1/observations/{id}", "Change some fields of an observation (JSON merge patch)", "observations", cityWrite, changeErrs), h.patchObservation)
	register(api, h, withStatus(op("delete-observation", http.MethodDelete, "/v1/observations/{id}", "Delete an observation (its history stays)", "observations", cityWrite, changeErrs), http.StatusNoContent), h.deleteObservation)
	register(api, h, op("verify-observation", http.MethodPut, "/v1/observations/{id}/verification", "Set an observation's verification (secretariat)", "observations", secretariatWrite, changeErrs), h.verifyObservation)
	register(api, h, op("list-observation-revisions", http.MethodGet, "/v1/observations/{id}/revisions", "List an observation's previous values, newest first", "observations", publicRead, getErrors), h.listRevisions)

	// Analysis
	register(api, h, op("get-city-scorecard", http.MethodGet, "/v1/cities/{slug}/scorecard", "A city's scorecard: its observations aggregated per dimension", "analysis", publicRead, getErrors), h.getScorecard)
	register(api, h, op("compare-cities", http.MethodGet, "/v1/compare", "Compare two to five cities side by side", "analysis", publicRead, readErrors), h.compareCities)
	register(api, h, op("get-translation-status", http.MethodGet, "/v1/translations", "Count how far each kind of resource is translated into English, French and Spanish", "analysis", publicRead, nil), h.getTranslationStatus)

	// Collaboration events and their iCalendar feeds
	register(api, h, op("list-events", http.MethodGet, "/v1/events", "List collaboration events", "events", publicRead, readErrors), h.listEvents)
	register(api, h, calendarOp(op("get-events-calendar", http.MethodGet, "/v1/events.ics", "The events as an iCalendar feed to subscribe to", "events", publicRead, readErrors)), h.eventsCalendar)
	register(api, h, op("get-event", http.MethodGet, "/v1/events/{slug}", "Get an event", "events", publicRead, getErrors), h.getEvent)
	register(api, h, withStatus(op("create-event", http.MethodPost, "/v1/events", "Create an event (secretariat)", "events", secretariatCreate, createErrs), http.StatusCreated), h.createEvent)
	register(api, h, op("update-event", http.MethodPut, "/v1/events/{slug}", "Replace an event (secretariat)", "events", secretariatWrite, changeErrs), h.updateEvent)
	register(api, h, op("patch-event", http.MethodPatch, "/v1/events/{slug}", "Change some fields of an event (JSON merge patch; secretariat)", "events", secretariatWrite, changeErrs), h.patchEvent)
	register(api, h, withStatus(op("delete-event", http.MethodDelete, "/v1/events/{slug}", "Delete an event (secretariat)", "events", secretariatWrite, changeErrs), http.StatusNoContent), h.deleteEvent)
	register(api, h, op("list-city-events", http.MethodGet, "/v1/cities/{slug}/events", "List a city's events", "events", publicRead, getErrors), h.listCityEvents)
	register(api, h, calendarOp(op("get-city-events-calendar", http.MethodGet, "/v1/cities/{slug}/events.ics", "A city's events as an iCalendar feed", "events", publicRead, getErrors)), h.cityEventsCalendar)
	register(api, h, calendarOp(op("get-organisation-events-calendar", http.MethodGet, "/v1/organisations/{slug}/events.ics", "A partner organisation's events as an iCalendar feed", "events", publicRead, getErrors)), h.organisationEventsCalendar)

	// Progress reports to the World Secretariat and the commitments they follow up
	register(api, h, op("list-reports", http.MethodGet, "/v1/reports", "List progress reports", "reports", publicRead, readErrors), h.listReports)
	register(api, h, withStatus(op("create-report", http.MethodPost, "/v1/reports", "Start a draft report, optionally pre-filled from the API's data (secretariat, or editors of the body's chair city)", "reports", cityCreate, createErrs), http.StatusCreated), h.createReport)
	register(api, h, renderedOp(op("get-report", http.MethodGet, "/v1/reports/{id}", "Get a report as JSON, Markdown or printable HTML", "reports", publicRead, append(getErrors, http.StatusNotAcceptable)), "Report", "The report"), h.getReport)
	register(api, h, op("update-report", http.MethodPut, "/v1/reports/{id}", "Replace a draft's period and content", "reports", cityWrite, changeErrs), h.updateReport)
	register(api, h, withStatus(op("delete-report", http.MethodDelete, "/v1/reports/{id}", "Delete a draft that was never submitted", "reports", cityWrite, changeErrs), http.StatusNoContent), h.deleteReport)
	register(api, h, op("create-report-transition", http.MethodPost, "/v1/reports/{id}/transitions", "Submit, return or publish a report", "reports", cityWrite, changeErrs), h.transitionReport)
	register(api, h, op("list-report-versions", http.MethodGet, "/v1/reports/{id}/versions", "List a report's submitted versions", "reports", publicRead, getErrors), h.listReportVersions)
	register(api, h, renderedOp(op("get-report-version", http.MethodGet, "/v1/reports/{id}/versions/{n}", "Get a submitted version, frozen, as JSON, Markdown or printable HTML", "reports", publicRead, append(getErrors, http.StatusNotAcceptable)), "ReportVersion", "The version"), h.getReportVersion)
	register(api, h, op("compare-report-versions", http.MethodGet, "/v1/reports/{id}/diff", "Compare two versions of a report", "reports", publicRead, getErrors), h.diffReportVersions)
	register(api, h, op("list-commitments", http.MethodGet, "/v1/commitments", "List commitments followed up from report to report", "reports", publicRead, readErrors), h.listCommitments)
	register(api, h, withStatus(op("create-commitment", http.MethodPost, "/v1/commitments", "Record a commitment of a body (secretariat, or editors of the body's chair city)", "reports", cityCreate, createErrs), http.StatusCreated), h.createCommitment)
	register(api, h, op("get-commitment", http.MethodGet, "/v1/commitments/{id}", "Get a commitment with its status history", "reports", publicRead, getErrors), h.getCommitment)
	register(api, h, op("update-commitment", http.MethodPut, "/v1/commitments/{id}", "Replace a commitment; a new status joins its history", "reports", cityWrite, changeErrs), h.updateCommitment)

	// Tokens
	register(api, h, op("list-tokens", http.MethodGet, "/v1/tokens", "List API tokens (admin)", "tokens", adminRead, append(readErrors, http.StatusForbidden)), h.listTokens)
	register(api, h, withStatus(op("create-token", http.MethodPost, "/v1/tokens", "Create an API token (admin); the secret is shown once", "tokens", tokenCreate, createErrs), http.StatusCreated), h.createToken)
	register(api, h, op("get-token", http.MethodGet, "/v1/tokens/{id}", "Get an API token (admin)", "tokens", adminRead, append(getErrors, http.StatusForbidden)), h.getToken)
	register(api, h, op("revoke-token", http.MethodDelete, "/v1/tokens/{id}", "Revoke an API token (admin)", "tokens", adminWrite, append(changeErrs, http.StatusForbidden)), h.revokeToken)

	// Open data: datasets, their immutable releases and files, and the catalogs harvesters read
	register(api, h, op("list-datasets", http.MethodGet, "/v1/datasets", "List published datasets", "open-data", publicRead, readErrors), h.listDatasets)
	register(api, h, datasetOp(op("get-dataset", http.MethodGet, "/v1/datasets/{slug}", "Get a dataset as JSON, schema.org JSON-LD or its page", "open-data", publicRead, append(getErrors, http.StatusNotAcceptable))), h.getDataset)
	register(api, h, withStatus(op("create-dataset", http.MethodPost, "/v1/datasets", "Create a dataset (secretariat)", "open-data", secretariatCreate, createErrs), http.StatusCreated), h.createDataset)
	register(api, h, op("update-dataset", http.MethodPut, "/v1/datasets/{slug}", "Replace a dataset's description and content (secretariat)", "open-data", secretariatWrite, changeErrs), h.updateDataset)
	register(api, h, withStatus(op("delete-dataset", http.MethodDelete, "/v1/datasets/{slug}", "Delete a dataset never released (secretariat)", "open-data", secretariatWrite, changeErrs), http.StatusNoContent), h.deleteDataset)
	register(api, h, op("list-releases", http.MethodGet, "/v1/datasets/{slug}/releases", "List a dataset's releases, newest first", "open-data", publicRead, getErrors), h.listReleases)
	register(api, h, withStatus(op("create-release", http.MethodPost, "/v1/datasets/{slug}/releases", "Publish a release: an immutable snapshot in five formats (secretariat)", "open-data", secretariatRelease, append(createErrs, http.StatusNotFound)), http.StatusCreated), h.createRelease)
	register(api, h, withStatus(op("get-latest-release", http.MethodGet, "/v1/datasets/{slug}/releases/latest", "Redirect to a dataset's newest release", "open-data", publicRead, getErrors), http.StatusFound), h.getLatestRelease)
	register(api, h, op("get-release", http.MethodGet, "/v1/datasets/{slug}/releases/{number}", "Get a release with its files and checksums", "open-data", publicRead, getErrors), h.getRelease)
	register(api, h, releaseFileOp(op("get-release-file", http.MethodGet, "/v1/datasets/{slug}/releases/{number}/files/{name}", "Download a release file (resumable, immutable)", "open-data", publicExport, append(getErrors, http.StatusRequestedRangeNotSatisfiable))), h.getReleaseFile)
	register(api, h, jsonDocOp(op("get-release-datapackage", http.MethodGet, "/v1/datasets/{slug}/releases/{number}/datapackage.json", "A release as a Frictionless Data Package", "open-data", publicRead, getErrors), "application/json", "A Frictionless Data Package (datapackage.json) with a Table Schema."), h.getDataPackage)
	register(api, h, dependsOnLanguage(jsonDocOp(op("get-release-csv-metadata", http.MethodGet, "/v1/datasets/{slug}/releases/{number}/csv-metadata.json", "CSV on the Web metadata of a release's CSV", "open-data", publicRead, getErrors), "application/csvm+json", "CSV on the Web (W3C) table metadata of the release's CSV file.")), h.getCSVMetadata)
	register(api, h, jsonDocOp(op("get-catalog", http.MethodGet, "/v1/catalog", "The DCAT-AP 3 catalog of the datasets, as JSON-LD, paged for harvesters", "open-data", publicRead, readErrors), "application/ld+json", "One page of the DCAT-AP 3 catalog as JSON-LD with an inline context; hydra:view's hydra:next links the next page."), h.getCatalog)
	register(api, h, jsonDocOp(op("get-catalog-data-json", http.MethodGet, "/v1/catalog/data.json", "The datasets as a Project Open Data catalog (data.json)", "open-data", publicRead, readErrors), "application/json", "A Project Open Data v1.1 catalog."), h.getProjectOpenData)

	// The change feed: every create, update and delete of the public data, for mirrors
	register(api, h, op("list-changes", http.MethodGet, "/v1/changes", "Follow every create, update and delete of the public data", "changes", publicRead, readErrors), h.listChanges)

	// Webhook subscriptions driven by the change feed, and the deliveries they receive
	register(api, h, op("list-subscriptions", http.MethodGet, "/v1/subscriptions", "List webhook subscriptions (your token's; all for the secretariat and admins)", "changes", subscriptionRead, readErrors), h.listSubscriptions)
	register(api, h, withStatus(op("create-subscription", http.MethodPost, "/v1/subscriptions", "Subscribe a webhook to changes of the feed; the signing secret is shown once", "changes", subscriptionSecret, createErrs), http.StatusCreated), h.createSubscription)
	register(api, h, op("get-subscription", http.MethodGet, "/v1/subscriptions/{id}", "Get a webhook subscription", "changes", subscriptionRead, getErrors), h.getSubscription)
	register(api, h, op("patch-subscription", http.MethodPatch, "/v1/subscriptions/{id}", "Change, pause or resume a webhook subscription (JSON merge patch)", "changes", subscriptionWrite, changeErrs), h.patchSubscription)
	register(api, h, withStatus(op("delete-subscription", http.MethodDelete, "/v1/subscriptions/{id}", "Delete a webhook subscription with its delivery log", "changes", subscriptionWrite, changeErrs), http.StatusNoContent), h.deleteSubscription)
	register(api, h, op("create-subscription-secret", http.MethodPost, "/v1/subscriptions/{id}/secret", "Rotate a subscription's signing secret; the new one is shown once", "changes", subscriptionSecret, append(writeErrors, http.StatusNotFound)), h.rotateSubscriptionSecret)
	register(api, h, op("list-subscription-deliveries", http.MethodGet, "/v1/subscriptions/{id}/deliveries", "A webhook subscription's delivery log, newest first", "changes", subscriptionRead, getErrors), h.listDeliveries)
	documentWebhooks(api)

	// Audit
	register(api, h, op("list-audit-entries", http.MethodGet, "/v1/audit", "List the audit trail, newest first (secretariat, admin)", "audit", auditRead, append(readErrors, http.StatusForbidden)), h.listAudit)

	refineSchemas(api)
	finishContract(api.OpenAPI())
}

// exportOp documents the streamed formats of an export.
func exportOp(o huma.Operation) huma.Operation {
	o.Responses = exportResponses()
	return o
}

// importOp documents the streamed CSV body of an import and its larger size limit.
func importOp(o huma.Operation) huma.Operation {
	o.RequestBody = importRequestBody()
	return o
}

// refineSchemas documents the JSON types of observation values, which Go's any cannot express.
func refineSchemas(api huma.API) {
	value := func() *huma.Schema {
		return &huma.Schema{
			Description: "Typed by the indicator's value_type: a number (numeric, percentage, count), a boolean, " +
				"or a string (an ordinal level's code, or text); null when status is M or NR.",
			// Written as an extension so that Huma's own validation leaves the value to the domain's
			// rules (which know the indicator) and only the document shows the JSON types.
			Extensions: map[string]any{"type": []string{"number", "boolean", "string", "null"},
				"maxLength": 5000, "pattern": safeText},
		}
	}
	for _, name := range []string{"Observation", "ObservationFields", "ObservationPatch", "RankingEntry", "ComparedValue"} {
		if s := api.OpenAPI().Components.Schemas.Map()[name]; s != nil && s.Properties["value"] != nil {
			s.Properties["value"] = value()
		}
	}
}

// op describes an operation with its policy; errors are its own error statuses, to which the
// ones every operation may answer, and the ones its policy implies, are added. A policy that
// does not hold together stops the program here, at start-up.
func op(id, method, path, summary, tag string, policy Policy, errors []int) huma.Operation {
	if err := policy.check(); err != nil {
		panic("api: operation " + id + ": policy: " + err.Error())
	}
	description, ok := descriptions[id]
	if !ok {
		panic("api: operation " + id + " has no description in descriptions.go")
	}
	// Every operation takes lang, which is a 422 when it is not en, fr, es or all.
	errs := slices.Concat(errors, alwaysErrors, []int{http.StatusUnprocessableEntity})
	switch policy.Access {
	case Public:
		errs = append(errs, http.StatusUnauthorized) // a token sent must be valid
	case Restricted:
		errs = append(errs, http.StatusUnauthorized, http.StatusForbidden)
	}
	if policy.Idempotent {
		errs = append(errs, http.StatusConflict, http.StatusUnprocessableEntity)
	}
	slices.Sort(errs)
	o := huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Description: description,
		Tags: []string{tag}, Security: policy.security(), Errors: slices.Compact(errs),
		Metadata: map[string]any{policyKey: &policy}}
	if policy.LongRunning {
		// Huma would set a 5 s read deadline before reading the body and leave it set: net/http's
		// background read then hits it and cancels the request's context while the work goes on.
		// JSON bodies are read under their own deadline (jsonText), CSV imports under theirs.
		o.BodyReadTimeout = -1
	}
	if policy.Idempotent {
		o.Parameters = append(o.Parameters, idempotencyKeyParam())
	}
	o.Parameters = append(o.Parameters, languageParams()...)
	return o
}

// idempotencyKeyParam documents the Idempotency-Key header of the operations that take it (a
// new value at each call: the contract's finishing steps change parameters in place).
func idempotencyKeyParam() *huma.Param {
	return &huma.Param{Name: "Idempotency-Key", In: "header",
		Description: "A key of your choice (e.g. a UUID) that makes a retry safe: the same key with the same body " +
			"replays the first response (with Idempotent-Replayed: true), with another body it is 422, and while the " +
			"first request still runs it is 409. Keys belong to your token and are kept for 24 hours.",
		Schema: &huma.Schema{Type: "string", MinLength: ptr(1), MaxLength: ptr(255)}, Example: "5f0c8a4e-2b7d-4a51-9d3e-1c2b3a4d5e6f"}
}

func withStatus(o huma.Operation, status int) huma.Operation {
	o.DefaultStatus = status
	return o
}

// register adds an operation whose handler returns domain errors, mapping them to HTTP problems.
// Every operation has a policy (see op); one without it would be refused by the chain.
func register[I, O any](api huma.API, h *handlers, o huma.Operation, handler func(context.Context, *I) (*O, error)) {
	if policyOf(&o) == nil {
		panic("api: operation " + o.OperationID + " has no policy")
	}
	huma.Register(api, o, func(ctx context.Context, in *I) (*O, error) {
		out, err := handler(ctx, in)
		if err != nil {
			return nil, toHTTP(ctx, h.log, err, o.Method)
		}
		return out, nil
	})
}
