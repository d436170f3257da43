package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// OrganisationKinds are the kinds of organisation: UN agencies (UN-Habitat), city networks (WeGO,
// UCLG), platforms (the Uraía Platform), industry alliances (the Wireless Broadband Alliance),
// UCLG's own bodies, funds (FMDV, the Global Fund for Cities Development), foundations, other.
var OrganisationKinds = []string{"un_agency", "city_network", "platform", "industry_alliance", "uclg_body", "fund",
	"foundation", "other"}

// RelationKinds are the ways one organisation relates to another: it is an initiative of it
// (the Uraía Platform of UN-Habitat and FMDV), a member of it, a partner of it, or a part of it.
var RelationKinds = []string{"initiative_of", "member_of", "partner_of", "part_of"}

// MaxRelations bounds an organisation's relations.
const MaxRelations = 50

// Organisation is an organisation the Community works with, such as UN-Habitat or the Uraía
// Platform, with its relations to other organisations.
type Organisation struct {
	Slug       string     `json:"slug" db:"slug" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Stable identifier, lowercase words joined by hyphens." example:"uraia"`
	Name       Text       `json:"name" db:"name" doc:"The organisation's name in UCLG's languages."`
	Acronym    *string    `json:"acronym" db:"acronym" maxLength:"50" doc:"The acronym it is known by; null when it has none." example:"Uraía"`
	Kind       string     `json:"kind" db:"kind" enum:"un_agency,city_network,platform,industry_alliance,uclg_body,fund,foundation,other" doc:"What kind of organisation it is." example:"platform"`
	Website    *string    `json:"website" db:"website" format:"uri" maxLength:"500" doc:"Its official website, when known." example:"https://unhabitat.org"`
	Relations  []Relation `json:"relations" db:"-" maxItems:"50" doc:"How it relates to other organisations, by kind and then slug: the Uraía Platform is an initiative of FMDV and of UN-Habitat."`
	Provenance string     `json:"provenance" db:"provenance" enum:"reported,sample,synthetic" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." example:"reported"`
	Version    int        `json:"version" db:"version" minimum:"1" maximum:"2147483647" doc:"Incremented on every change, its relations' included; the ETag is derived from it." example:"1"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at" db:"updated_at"`
}

// Fields returns the client-writable part of the organisation.
func (o *Organisation) Fields() OrganisationFields {
	return OrganisationFields{Name: o.Name, Acronym: o.Acronym, Kind: o.Kind, Website: o.Website,
		Relations: append([]Relation{}, o.Relations...), Provenance: o.Provenance}
}

// OrganisationFields are the fields of an organisation that the secretariat writes. PUT replaces
// them all, relations included; PATCH merges into them (a relations list sent replaces the list).
type OrganisationFields struct {
	Name       Text       `json:"name" doc:"The organisation's name in UCLG's languages."`
	Acronym    *string    `json:"acronym,omitempty" minLength:"1" maxLength:"50" nullable:"true" doc:"The acronym it is known by, when it has one." example:"Uraía"`
	Kind       string     `json:"kind" enum:"un_agency,city_network,platform,industry_alliance,uclg_body,fund,foundation,other" doc:"What kind of organisation it is." example:"platform"`
	Website    *string    `json:"website,omitempty" format:"uri" maxLength:"500" nullable:"true" doc:"Its official website." example:"https://unhabitat.org"`
	Relations  []Relation `json:"relations,omitempty" required:"false" maxItems:"50" doc:"How it relates to other organisations, by kind and then slug: the Uraía Platform is an initiative of UN-Habitat and of FMDV. Written with the organisation; PUT replaces the list."`
	Provenance string     `json:"provenance,omitempty" enum:"reported,sample,synthetic" default:"reported" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." example:"reported"`
}

// Relation says that an organisation relates to another in one way.
type Relation struct {
	Kind         string `json:"kind" db:"kind" enum:"initiative_of,member_of,partner_of,part_of" doc:"How it relates: initiative_of, member_of, partner_of or part_of the other organisation." example:"initiative_of"`
	Organisation string `json:"organisation" db:"related" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The slug of the other organisation." example:"un-habitat"`
}

// Validate checks the rules of an organisation's fields that the schema cannot express. slug is
// the organisation's own, which no relation may name.
func (f *OrganisationFields) Validate(slug string) error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	if f.Relations == nil {
		f.Relations = []Relation{}
	}
	if err := f.Name.Validate("name"); err != nil {
		return err
	}
	switch {
	case f.Acronym != nil && strings.TrimSpace(*f.Acronym) == "":
		return Invalid("acronym", "must not be blank; leave it out when there is none")
	case f.Acronym != nil && len([]rune(*f.Acronym)) > 50:
		return Invalid("acronym", "at most 50 characters")
	case !slices.Contains(OrganisationKinds, f.Kind):
		return Invalid("kind", "unknown kind %q", f.Kind)
	case f.Website != nil && !validWebURL(*f.Website):
		return Invalid("website", "must be an absolute http or https URL")
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	case len(f.Relations) > MaxRelations:
		return Invalid("relations", "at most %d relations", MaxRelations)
	}
	seen := map[Relation]bool{}
	for i, r := range f.Relations {
		at := fmt.Sprintf("relations[%d]", i)
		switch {
		case !slices.Contains(RelationKinds, r.Kind):
			return Invalid(at+".kind", "unknown relation %q", r.Kind)
		case !ValidSlug(r.Organisation):
			return Invalid(at+".organisation", "%q is not an organisation's slug", r.Organisation)
		case r.Organisation == slug:
			return Invalid(at+".organisation", "an organisation cannot relate to itself")
		case seen[r]:
			return Invalid(at, "the relation %s %s is listed twice", r.Kind, r.Organisation)
		}
		seen[r] = true
	}
	return nil
}

// OrganisationFilter selects organisations for a list, in slug order.
type OrganisationFilter struct {
	Kind            string     // "" for any
	Query           string     // accent- and case-insensitive substring of the name in any language or the acronym
	MissingLanguage string     // a language ("fr", "es"): only those with a text that lacks it, "" for any
	UpdatedSince    *SyncPoint // only organisations changed from this point on (updated_since)
	Limit           int        // page size, already clamped
	After           string     // the slug of the last organisation of the previous page, "" for the first page
}
