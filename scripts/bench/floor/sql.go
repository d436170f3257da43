package main

// The API store's SQL for a city, copied verbatim (internal/postgres: the prepared statement of
// GetCity); internal/postgres/benchfloor_internal_test.go fails when it drifts from the store's.
// Pages and exports are built by the store's own query builder, postgres.ObservationPageSQL, so
// the floor always runs what the API runs.

// citySQL is GetCity's prepared statement.
const citySQL = `SELECT slug, name, country, section, metropolis_member, population, population_year,
	latitude, longitude, website, open_data_portal, cop_member, cop_role, provenance, version,
	created_at, updated_at FROM cities WHERE slug = $1`
