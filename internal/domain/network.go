package domain

import "time"

// BodyKinds are the kinds of UCLG consultation mechanism (the 2019–2020 report): policy councils,
// committees, working groups, communities of practice and forums.
var BodyKinds = []string{"community_of_practice", "committee", "policy_council", "working_group", "forum"}

// CommunityOfPractice is the slug of the Community of Practice on Digital Cities, whose members
// are the cities with cop_member set.
const CommunityOfPractice = "digital-cities"

// Community is a UCLG body (a consultation mechanism), such as the Community of Practice on
// Digital Cities, the Committee on Culture or a policy council. Its chair city and members are
// derived: the chair from its current reported chair role (see BodyRole), the members from the
// cities' cop_member flag (for the Community of Practice on Digital Cities) and from the cities
// holding a current role in it. Its member count is honest: members counts only members recorded
// in reported data, and members_by_provenance says how many more exist only in sample or
// synthetic data.
type Community struct {
	Slug                string           `json:"slug" db:"slug" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-cities"`
	Name                Text             `json:"name" db:"name"`
	Description         Text             `json:"description" db:"description"`
	Kind                string           `json:"kind" db:"kind" enum:"community_of_practice,committee,policy_council,working_group,forum" doc:"Which kind of UCLG consultation mechanism it is." example:"community_of_practice"`
	ChairCity           *string          `json:"chair_city" db:"chair_city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"The slug of the city that chairs it, derived from its current chair role recorded as reported data (GET /v1/roles?body=…&role=chair); null when none is." example:"bilbao"`
	Members             int              `json:"members" db:"-" minimum:"0" maximum:"100000" doc:"How many cities are members according to reported data: for the Community of Practice on Digital Cities the cities with cop_member, and for every body the cities holding a current role in it. Members that exist only in sample or synthetic data are not real members and are not counted here; members_by_provenance counts them." example:"1"`
	MembersByProvenance ProvenanceCounts `json:"members_by_provenance" db:"-" doc:"The cities recorded as members, by the provenance of what makes them members (the city record for cop_member, the role record for a role; the most real of them when there are several): sample members were invented for demonstrations."`
	Website             *string          `json:"website" db:"website" format:"uri" maxLength:"500"`
	Provenance          string           `json:"provenance" db:"provenance" enum:"reported,sample,synthetic"`
	Version             int              `json:"version" db:"version" minimum:"1" maximum:"2147483647"`
	CreatedAt           time.Time        `json:"created_at" db:"created_at"`
	UpdatedAt           time.Time        `json:"updated_at" db:"updated_at"`
}
