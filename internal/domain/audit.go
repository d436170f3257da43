package domain

import (
	"encoding/json"
	"time"
)

// AuditEntry records one write: who did what to which resource, with the state before and after.
type AuditEntry struct {
	ID         int64           `json:"id" db:"id" minimum:"1" maximum:"9007199254740991"`
	At         time.Time       `json:"at" db:"at"`
	TokenID    *int64          `json:"token_id" db:"token_id" minimum:"1" maximum:"9007199254740991"`
	Actor      string          `json:"actor" db:"actor" doc:"role:name of the token that wrote." maxLength:"300"`
	Action     string          `json:"action" db:"action" enum:"create,update,delete"`
	Resource   string          `json:"resource" db:"resource" example:"city" enum:"body_role,city,commitment,dataset,event,framework,indicator,observation,organisation,release,report,study,study_city,subscription,token,trend,trend_adoption"`
	ResourceID string          `json:"resource_id" db:"resource_id" example:"bilbao" maxLength:"200"`
	Before     json.RawMessage `json:"before" db:"before" doc:"The resource before the write; null for creates."`
	After      json.RawMessage `json:"after" db:"after" doc:"The resource after the write; null for deletes."`
	RequestID  *string         `json:"request_id" db:"request_id" maxLength:"64"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	Resource   string
	ResourceID string
	Limit      int
	BeforeID   int64 // keyset: entries with a smaller id; 0 for the first page
}
