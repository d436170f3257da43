package domain

import (
	"fmt"
	"slices"
	"time"
)

// StudyStatuses are the stages of a study edition.
var StudyStatuses = []string{"planned", "in_progress", "completed", "published"}

// Milestone is one step of an edition's schedule, dated as precisely as its source dates it.
type Milestone struct {
	When      DateWithPrecision `json:"when" doc:"When it happens, as precisely as it is known: \"end of 2019\" is the year 2019."`
	Milestone Text              `json:"milestone" doc:"What happens then."`
}

// Study is one edition of the Smart Cities Study, identified by its year.
type Study struct {
	Edition int `json:"edition" db:"edition" doc:"The edition's year." example:"2019" minimum:"2000" maximum:"2100"`
	StudyFields
	Version   int       `json:"version" db:"version" minimum:"1" maximum:"2147483647"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// StudyFields are the client-writable fields of an edition.
type StudyFields struct {
	Title                Text       `json:"title" db:"title"`
	Focus                Text       `json:"focus" db:"focus" doc:"What the edition studies."`
	Framework            *string    `json:"framework" db:"framework" required:"false" doc:"Slug of the indicator framework the edition uses, when it has one." maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"uclg-smart-governance-2019"`
	DeclaredCityCount    *int       `json:"declared_city_count" db:"declared_city_count" required:"false" minimum:"0" doc:"How many cities the edition says took part." maximum:"100000" example:"24"`
	DeclaredCountryCount *int       `json:"declared_country_count" db:"declared_country_count" required:"false" minimum:"0" doc:"How many countries the edition says took part." maximum:"1000"`
	Status               string     `json:"status" db:"status" enum:"planned,in_progress,completed,published"`
	Schedule             Milestones `json:"schedule" db:"schedule" required:"false" maxItems:"50" doc:"Planned and past milestones."`
	Conclusions          *Text      `json:"conclusions,omitempty" db:"conclusions" doc:"Published conclusions, quoted; null when none are published."`
	Provenance           string     `json:"provenance" db:"provenance" required:"false" enum:"reported,sample,synthetic"`
}

// Validate checks an edition's fields.
func (s *StudyFields) Validate() error {
	if s.Provenance == "" {
		s.Provenance = "reported"
	}
	if s.Schedule == nil {
		s.Schedule = Milestones{}
	}
	if err := s.Title.Validate("body.title"); err != nil {
		return err
	}
	if err := s.Focus.Validate("body.focus"); err != nil {
		return err
	}
	if !slices.Contains(StudyStatuses, s.Status) {
		return Invalid("body.status", "unknown status %q", s.Status)
	}
	if s.Conclusions != nil {
		if err := s.Conclusions.Validate("body.conclusions"); err != nil {
			return err
		}
	}
	for i, m := range s.Schedule {
		if err := m.When.Validate(fmt.Sprintf("body.schedule[%d].when", i)); err != nil {
			return err
		}
		if err := m.Milestone.Validate(fmt.Sprintf("body.schedule[%d].milestone", i)); err != nil {
			return err
		}
	}
	if !slices.Contains(Provenances, s.Provenance) {
		return Invalid("body.provenance", "unknown provenance %q", s.Provenance)
	}
	return nil
}

// ValidEdition reports whether y can be an edition's year.
func ValidEdition(y int) bool { return y >= 2000 && y <= 2100 }

// StudyCity is a city's participation in an edition.
type StudyCity struct {
	Edition    int       `json:"edition" db:"edition" minimum:"2000" maximum:"2100"`
	City       string    `json:"city" db:"city" doc:"The city's slug." maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"malaga"`
	Name       Text      `json:"name" db:"name" doc:"The city's name."`
	Country    string    `json:"country" db:"country" maxLength:"2" pattern:"^[A-Z]{2}$" example:"ES"`
	Provenance string    `json:"provenance" db:"provenance" enum:"reported,sample,synthetic" doc:"sample when the participation was invented for demos (the 2019 list is not public)."`
	CreatedAt  time.Time `json:"created_at" db:"created_at"`
}
