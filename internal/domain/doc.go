// Package domain holds the Digital Cities types and rules: cities, tokens and roles, the audit
// trail, paging cursors and the error codes that every layer shares. It depends on nothing else
// in the project; the store (internal/postgres) and the HTTP layer (api) depend on it.
package domain
