package domain

import "time"

// OrganisationKinds are the kinds of partner organisation.
var OrganisationKinds = []string{"un_agency", "city_network", "platform", "industry_alliance", "foundation", "other"}

// Organisation is a partner the Community works with, such as UN-Habitat or the Uraía Platform.
type Organisation struct {
	Slug       string    `json:"slug" db:"slug" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"un-habitat"`
	Name       Text      `json:"name" db:"name"`
	Acronym    *string   `json:"acronym" db:"acronym" maxLength:"50" example:"UN-Habitat"`
	Kind       string    `json:"kind" db:"kind" enum:"un_agency,city_network,platform,industry_alliance,foundation,other"`
	Website    *string   `json:"website" db:"website" format:"uri" maxLength:"500"`
	Founders   []string  `json:"founders" db:"-" maxItems:"20" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Slugs of the organisations that founded it, when it was founded by others (the Uraía Platform: un-habitat and fmdv)." example:"[\"fmdv\",\"un-habitat\"]"`
	Provenance string    `json:"provenance" db:"provenance" enum:"reported,sample,synthetic"`
	Version    int       `json:"version" db:"version" minimum:"1" maximum:"2147483647"`
	CreatedAt  time.Time `json:"created_at" db:"created_at"`
	UpdatedAt  time.Time `json:"updated_at" db:"updated_at"`
}

// Community is a UCLG consultation mechanism, such as the Community of Practice on Digital Cities.
// Its member count is honest: members counts only members recorded in reported data, and
// members_by_provenance says how many more exist only in sample or synthetic data.
type Community struct {
	Slug                string           `json:"slug" db:"slug" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-cities"`
	Name                Text             `json:"name" db:"name"`
	Description         Text             `json:"description" db:"description"`
	ChairCity           *string          `json:"chair_city" db:"chair_city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The slug of the city that chairs it." example:"bilbao"`
	Members             int              `json:"members" db:"-" minimum:"0" maximum:"100000" doc:"How many cities are members (cop_member) according to reported data. Members that exist only in sample or synthetic data are not real members and are not counted here; members_by_provenance counts them." example:"1"`
	MembersByProvenance ProvenanceCounts `json:"members_by_provenance" db:"-" doc:"The cities recorded as members, by the provenance of their city record: sample members were invented for demonstrations."`
	Website             *string          `json:"website" db:"website" format:"uri" maxLength:"500"`
	Provenance          string           `json:"provenance" db:"provenance" enum:"reported,sample,synthetic"`
	Version             int              `json:"version" db:"version" minimum:"1" maximum:"2147483647"`
	CreatedAt           time.Time        `json:"created_at" db:"created_at"`
	UpdatedAt           time.Time        `json:"updated_at" db:"updated_at"`
}
