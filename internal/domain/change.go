package domain

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// FeedResources are the resources whose creates, updates and deletes the change feed carries:
// the public ones. Tokens never appear, and reports only once published.
var FeedResources = []string{"city", "organisation", "body_role", "study", "study_city", "framework", "indicator",
	"observation", "trend", "trend_adoption", "event", "report", "commitment", "dataset", "release"}

// Change is one entry of the change feed: a create, update or delete of a public resource, with
// the resource as the API showed it after the change (null after a delete).
type Change struct {
	ID         int64           `json:"id" minimum:"1" maximum:"9007199254740991" example:"81234" doc:"The change's own id, unique and stable: use it to recognise a change seen twice."`
	Resource   string          `json:"resource" enum:"city,organisation,body_role,study,study_city,framework,indicator,observation,trend,trend_adoption,event,report,commitment,dataset,release" example:"observation"`
	ResourceID string          `json:"resource_id" maxLength:"300" pattern:"^[A-Za-z0-9/._-]+$" example:"8123" doc:"The resource's identifier within its kind (a slug, a number, or a compound key such as 2019/bilbao)."`
	Action     string          `json:"action" enum:"create,update,delete" example:"update"`
	At         time.Time       `json:"at" doc:"When the transaction that made the change began."`
	Data       json.RawMessage `json:"data" doc:"The resource as the API showed it after the change; null after a delete."`
}

// ChangeCursor is a position in the change feed: every change before it has been read. Changes
// are ordered by the transaction that made them, then by id, and a feed page never reads past
// the visibility horizon, so a transaction that commits late is never skipped.
type ChangeCursor struct {
	// Tx is a transaction id (xid8): changes of transactions before it have all been read.
	Tx uint64 `json:"t,string"`
	// ID is the last change read of transaction Tx (0: none of it yet).
	ID int64 `json:"i"`
}

// Encode returns the opaque form of the cursor.
func (c ChangeCursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// String returns the cursor for logs.
func (c ChangeCursor) String() string {
	return strconv.FormatUint(c.Tx, 10) + "/" + strconv.FormatInt(c.ID, 10)
}

// DecodeChangeCursor parses an opaque change cursor; field names the parameter for errors.
func DecodeChangeCursor(s, field string) (ChangeCursor, error) {
	bad := Invalid(field, "not a change-feed cursor issued by this API; start from the beginning without it, or from a release's changes_cursor")
	if len(s) > 200 {
		return ChangeCursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return ChangeCursor{}, bad
	}
	var c ChangeCursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID < 0 {
		return ChangeCursor{}, bad
	}
	return c, nil
}

// ChangeHref is the path in the API of a resource the feed names, "" for a kind it does not know.
func ChangeHref(resource, id string) string {
	parts := strings.Split(id, "/")
	switch resource {
	case "city":
		return "/v1/cities/" + id
	case "organisation":
		return "/v1/organisations/" + id
	case "body_role":
		return "/v1/roles/" + id
	case "study":
		return "/v1/studies/" + id
	case "study_city": // edition/city: the edition's list of cities holds it
		if len(parts) == 2 {
			return "/v1/studies/" + parts[0] + "/cities"
		}
	case "framework":
		return "/v1/frameworks/" + id
	case "indicator":
		return "/v1/indicators/" + id
	case "observation":
		return "/v1/observations/" + id
	case "trend":
		return "/v1/trends/" + id
	case "trend_adoption": // trend/city/year
		if len(parts) == 3 {
			return "/v1/cities/" + parts[1] + "/trends/" + parts[0] + "/" + parts[2]
		}
	case "event":
		return "/v1/events/" + id
	case "report":
		return "/v1/reports/" + id
	case "commitment":
		return "/v1/commitments/" + id
	case "dataset":
		return "/v1/datasets/" + id
	case "release": // dataset/number
		if len(parts) == 2 {
			return "/v1/datasets/" + parts[0] + "/releases/" + parts[1]
		}
	}
	return ""
}
