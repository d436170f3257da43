package domain

import (
	"slices"
	"strings"
	"time"
)

// BodyRoleKinds are the roles a city or an organisation may hold in a UCLG body.
var BodyRoleKinds = []string{"chair", "co_chair", "president", "co_president", "vice_chair", "vice_president", "member"}

// BodyRole is a role that a city or an organisation holds in a UCLG body, for a term: Bilbao
// chairs the Community of Practice on Digital Cities. A term's dates are as precise as their
// source; the 2019–2020 report gives none, so they are unknown rather than invented.
type BodyRole struct {
	ID int64 `json:"id" db:"id" minimum:"1" maximum:"9007199254740991" doc:"The role's identifier." example:"1"`
	BodyRoleFields
	Version   int       `json:"version" db:"version" minimum:"1" maximum:"2147483647" doc:"Incremented on every change; the ETag is derived from it." example:"1"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// BodyRoleFields are the fields of a role that the secretariat writes; PUT replaces them all.
type BodyRoleFields struct {
	Body           string            `json:"body" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The slug of the UCLG body (GET /v1/communities)." example:"digital-cities"`
	City           *string           `json:"city,omitempty" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" nullable:"true" doc:"The slug of the city that holds the role; exactly one of city and organisation is set." example:"bilbao"`
	Organisation   *string           `json:"organisation,omitempty" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" nullable:"true" doc:"The slug of the organisation that holds the role; exactly one of city and organisation is set." example:"un-habitat"`
	Role           string            `json:"role" enum:"chair,co_chair,president,co_president,vice_chair,vice_president,member" doc:"The role held." example:"chair"`
	TermStart      DateWithPrecision `json:"term_start" required:"false" doc:"When the term began, as precisely as its source says; precision unknown (the default) when no source dates it."`
	TermEnd        DateWithPrecision `json:"term_end" required:"false" doc:"When the term ends or ended, as precisely as its source says; precision unknown (the default) when no source dates it."`
	Representative *Text             `json:"representative,omitempty" doc:"Who represents the holder in the role, when a source names them." example:"{\"en\":\"Juan Mari Aburto, Mayor of Bilbao\"}"`
	Source         *string           `json:"source,omitempty" minLength:"1" maxLength:"500" nullable:"true" doc:"Where the role is documented." example:"UCLG Community of Practice on Digital Cities, report 2019–2020"`
	Provenance     string            `json:"provenance,omitempty" enum:"reported,sample,synthetic" default:"reported" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." example:"reported"`
}

// Validate checks the rules of a role's fields that the schema cannot express and fills the
// defaults (unknown term dates, reported provenance).
func (f *BodyRoleFields) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	if f.TermStart.Precision == "" && f.TermStart.Value == nil {
		f.TermStart = UnknownDate()
	}
	if f.TermEnd.Precision == "" && f.TermEnd.Value == nil {
		f.TermEnd = UnknownDate()
	}
	switch {
	case !ValidSlug(f.Body):
		return Invalid(BodyField, "%q is not a body's slug", f.Body)
	case (f.City == nil) == (f.Organisation == nil):
		return Invalid("city", "exactly one of city and organisation holds a role")
	case f.City != nil && !ValidSlug(*f.City):
		return Invalid("city", "%q is not a city's slug", *f.City)
	case f.Organisation != nil && !ValidSlug(*f.Organisation):
		return Invalid("organisation", "%q is not an organisation's slug", *f.Organisation)
	case !slices.Contains(BodyRoleKinds, f.Role):
		return Invalid("role", "unknown role %q", f.Role)
	case f.Source != nil && strings.TrimSpace(*f.Source) == "":
		return Invalid("source", "must not be blank; leave it out when there is none")
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	}
	if err := f.TermStart.Validate("term_start"); err != nil {
		return err
	}
	if err := f.TermEnd.Validate("term_end"); err != nil {
		return err
	}
	if f.Representative != nil {
		if err := f.Representative.Validate("representative"); err != nil {
			return err
		}
	}
	if start, _, ok := f.TermStart.Span(); ok {
		if _, end, ok := f.TermEnd.Span(); ok && end.Before(start) {
			return Invalid("term_end", "the term ends before it begins")
		}
	}
	return nil
}

// BodyField is where a role's body is named in an error: "body" alone would be read as the
// whole request body, so the field is located in full.
const BodyField = "body.body"

// BodyRoleFilter selects roles for a list, in id order.
type BodyRoleFilter struct {
	Body         string     // a body's slug, "" for any
	City         string     // a city's slug, "" for any
	Organisation string     // an organisation's slug, "" for any
	Role         string     // "" for any
	Current      *bool      // true: terms held today (started or of unknown start, not ended or of unknown end); false: the others; nil: all
	UpdatedSince *SyncPoint // only roles changed from this point on (updated_since)
	Limit        int        // page size, already clamped
	AfterID      int64      // the id of the last role of the previous page, 0 for the first page
}
