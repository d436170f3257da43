package domain

import (
	"net/url"
	"regexp"
	"slices"
	"time"
)

// Sections are UCLG's world regions.
var Sections = []string{"africa", "asia_pacific", "eurasia", "europe", "middle_east_west_asia",
	"latin_america", "north_america"}

// CopRoles are the roles a city may hold in the Community of Practice on Digital Cities.
var CopRoles = []string{"chair", "vice_chair", "member"}

// Provenances say where a record comes from: reported (entered by its city, the study team or
// taken from public sources), sample (invented for demos) or synthetic (generated for load tests).
var Provenances = []string{"reported", "sample", "synthetic"}

// City is a local government.
type City struct {
	Slug             string    `json:"slug" db:"slug" doc:"Stable identifier, lowercase words joined by hyphens." example:"bilbao" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Name             Text      `json:"name" db:"name" doc:"The city's name in UCLG's languages."`
	Country          string    `json:"country" db:"country" doc:"ISO 3166-1 alpha-2 country code." example:"ES" maxLength:"2" pattern:"^[A-Z]{2}$"`
	Section          string    `json:"section" db:"section" doc:"UCLG section (world region)." enum:"africa,asia_pacific,eurasia,europe,middle_east_west_asia,latin_america,north_america" example:"europe"`
	MetropolisMember *bool     `json:"metropolis_member" db:"metropolis_member" doc:"Member of Metropolis, UCLG's metropolitan section; null when not known."`
	Population       *int64    `json:"population" db:"population" doc:"Population, when known." minimum:"0" maximum:"100000000"`
	PopulationYear   *int      `json:"population_year" db:"population_year" doc:"Year of the population figure." minimum:"1800" maximum:"2200"`
	Latitude         *float64  `json:"latitude" db:"latitude" doc:"WGS 84 latitude." minimum:"-90" maximum:"90" example:"43.263"`
	Longitude        *float64  `json:"longitude" db:"longitude" doc:"WGS 84 longitude." minimum:"-180" maximum:"180" example:"-2.935"`
	Website          *string   `json:"website" db:"website" doc:"The city's official website." format:"uri" maxLength:"500" example:"https://www.bilbao.eus"`
	OpenDataPortal   *string   `json:"open_data_portal" db:"open_data_portal" doc:"The city's open data portal." format:"uri" maxLength:"500"`
	CopMember        bool      `json:"cop_member" db:"cop_member" doc:"Member of the UCLG Community of Practice on Digital Cities." example:"true"`
	CopRole          *string   `json:"cop_role" db:"cop_role" enum:"chair,vice_chair,member" doc:"Role in the Community of Practice." example:"chair"`
	Provenance       string    `json:"provenance" db:"provenance" enum:"reported,sample,synthetic" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." example:"reported"`
	Version          int       `json:"version" db:"version" doc:"Incremented on every change; the ETag is derived from it." minimum:"1" maximum:"2147483647" example:"1"`
	CreatedAt        time.Time `json:"created_at" db:"created_at"`
	UpdatedAt        time.Time `json:"updated_at" db:"updated_at"`
}

// CityFields are the fields of a city that clients write (everything but the slug and the
// server-owned version and timestamps). PUT replaces them all; PATCH merges into them.
type CityFields struct {
	Name             Text     `json:"name"`
	Country          string   `json:"country" pattern:"^[A-Z]{2}$" doc:"ISO 3166-1 alpha-2 country code." example:"ES" maxLength:"2"`
	Section          string   `json:"section" enum:"africa,asia_pacific,eurasia,europe,middle_east_west_asia,latin_america,north_america" example:"europe"`
	MetropolisMember *bool    `json:"metropolis_member,omitempty" nullable:"true"`
	Population       *int64   `json:"population,omitempty" minimum:"0" nullable:"true" maximum:"100000000"`
	PopulationYear   *int     `json:"population_year,omitempty" minimum:"1800" maximum:"2200" nullable:"true"`
	Latitude         *float64 `json:"latitude,omitempty" minimum:"-90" maximum:"90" nullable:"true" example:"43.263"`
	Longitude        *float64 `json:"longitude,omitempty" minimum:"-180" maximum:"180" nullable:"true" example:"-2.935"`
	Website          *string  `json:"website,omitempty" format:"uri" maxLength:"500" nullable:"true" example:"https://www.bilbao.eus"`
	OpenDataPortal   *string  `json:"open_data_portal,omitempty" format:"uri" maxLength:"500" nullable:"true"`
	CopMember        bool     `json:"cop_member,omitempty" example:"true"`
	CopRole          *string  `json:"cop_role,omitempty" enum:"chair,vice_chair,member" nullable:"true" example:"chair"`
	Provenance       string   `json:"provenance,omitempty" enum:"reported,sample,synthetic" default:"reported" example:"reported"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s can identify a resource: lowercase ASCII words joined by hyphens.
func ValidSlug(s string) bool {
	return len(s) <= 100 && slugRE.MatchString(s)
}

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

// Validate checks the rules that span fields or that the schema cannot express.
func (f *CityFields) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	switch {
	case f.Name.Validate("body.name") != nil:
		return f.Name.Validate("body.name")
	case !countryRE.MatchString(f.Country):
		return Invalid("country", "must be an ISO 3166-1 alpha-2 code in capitals, such as ES")
	case !slices.Contains(Sections, f.Section):
		return Invalid("section", "unknown UCLG section %q", f.Section)
	case f.Population != nil && *f.Population < 0:
		return Invalid("population", "must not be negative")
	case f.PopulationYear != nil && f.Population == nil:
		return Invalid("population_year", "needs a population")
	case (f.Latitude == nil) != (f.Longitude == nil):
		return Invalid("latitude", "latitude and longitude go together")
	case f.CopRole != nil && !f.CopMember:
		return Invalid("cop_role", "only members of the Community of Practice have a role in it")
	case f.CopRole != nil && !slices.Contains(CopRoles, *f.CopRole):
		return Invalid("cop_role", "unknown role %q", *f.CopRole)
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	}
	for field, u := range map[string]*string{"body.website": f.Website, "body.open_data_portal": f.OpenDataPortal} {
		if u != nil && !validWebURL(*u) {
			return Invalid(field, "must be an absolute http or https URL")
		}
	}
	return nil
}

func validWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Fields returns the client-writable part of the city.
func (c *City) Fields() CityFields {
	return CityFields{Name: c.Name, Country: c.Country, Section: c.Section,
		MetropolisMember: c.MetropolisMember, Population: c.Population, PopulationYear: c.PopulationYear,
		Latitude: c.Latitude, Longitude: c.Longitude, Website: c.Website, OpenDataPortal: c.OpenDataPortal,
		CopMember: c.CopMember, CopRole: c.CopRole, Provenance: c.Provenance}
}

// CitySorts are the orders a city list may be sorted in; a leading "-" means descending.
// Every order ends with the slug so that it is total.
var CitySorts = []string{"slug", "-slug", "name", "-name", "population", "-population", "updated_at", "-updated_at"}

// CityFilter selects and orders cities for a list.
type CityFilter struct {
	Country         string     // ISO code, "" for any
	Section         string     // "" for any
	CopMember       *bool      // nil for any
	Query           string     // accent- and case-insensitive substring of the name in any language
	MissingLanguage string     // a language ("fr", "es"): only those with a text that lacks it, "" for any
	UpdatedSince    *SyncPoint // only cities changed from this point on (updated_since)
	Sort            string     // one of the orders list-cities documents; a leading "-" means descending
	Limit           int        // page size, already clamped
	After           *Cursor    // keyset position, nil for the first page
}
