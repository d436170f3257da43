package domain

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TrendCategories are the kinds of smart-governance technology the study follows.
var TrendCategories = []string{"ai_analytics", "open_data_platforms", "digital_participation", "digital_twins",
	"iot", "blockchain", "chatbots", "digital_identity", "cloud", "other"}

// MaturityPhases are the phases a maturity assessment places a technology in, earliest first.
var MaturityPhases = []string{"emerging", "early_adoption", "growth", "mainstream", "declining"}

// ReservedTrendSlugs cannot identify a trend: they name the collection's own sub-resources
// (/v1/trends/ranking).
var ReservedTrendSlugs = []string{"ranking"}

// Trend is a smart-governance technology the study judges key for the next years, such as
// artificial intelligence or digital participation platforms.
type Trend struct {
	Slug string `json:"slug" db:"slug" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-participation" doc:"Stable identifier, lowercase words joined by hyphens."`
	TrendFields
	Version   int       `json:"version" db:"version" minimum:"1" maximum:"2147483647" example:"1" doc:"Incremented on every change; the ETag is derived from it."`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// TrendFields are the fields of a trend that the secretariat writes.
type TrendFields struct {
	Name         Text             `json:"name" db:"name"`
	Description  Text             `json:"description" db:"description"`
	Category     string           `json:"category" db:"category" enum:"ai_analytics,open_data_platforms,digital_participation,digital_twins,iot,blockchain,chatbots,digital_identity,cloud,other" example:"digital_participation"`
	Dimensions   TrendDimensions  `json:"dimensions" db:"dimensions" required:"false" nullable:"false" maxItems:"50" doc:"The framework dimensions the trend serves, such as the 2019 framework's participation or data-driven decision-making."`
	HorizonYears *int             `json:"horizon_years" db:"horizon_years" required:"false" minimum:"1" maximum:"30" example:"5" doc:"How many years ahead the trend is judged key (the 2019 study looks 4–5 years ahead); null when not stated."`
	Assessments  TrendAssessments `json:"assessments" db:"assessments" required:"false" nullable:"false" maxItems:"100" doc:"Maturity assessments, oldest first. Each year's assessment is kept beside the earlier ones: add one rather than changing the last."`
	Provenance   string           `json:"provenance" db:"provenance" enum:"reported,sample,synthetic" default:"reported" example:"sample" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." required:"false"`
}

// TrendDimension names one dimension of a framework.
type TrendDimension struct {
	Framework string `json:"framework" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"uclg-smart-governance-2019"`
	Dimension string `json:"dimension" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"participation"`
}

// TrendDimensions is a trend's list of dimensions, read from a jsonb array.
type TrendDimensions []TrendDimension

// Scan reads the list from a jsonb array.
func (d *TrendDimensions) Scan(src any) error { return scanJSON(src, d) }

// TrendAssessment places a trend in a maturity phase, as a source judged it in a year.
type TrendAssessment struct {
	Year   int    `json:"year" minimum:"1990" maximum:"2100" example:"2019"`
	Phase  string `json:"phase" enum:"emerging,early_adoption,growth,mainstream,declining" example:"growth"`
	Source string `json:"source" minLength:"1" maxLength:"500" example:"Sample assessment for demonstrations"`
}

// TrendAssessments is a trend's list of maturity assessments, stored as a jsonb array.
type TrendAssessments []TrendAssessment

// Value stores the list as a jsonb array.
func (a TrendAssessments) Value() (driver.Value, error) {
	if a == nil {
		a = TrendAssessments{}
	}
	return json.Marshal(a)
}

// Scan reads the list from a jsonb array.
func (a *TrendAssessments) Scan(src any) error { return scanJSON(src, a) }

// Validate checks the rules that span fields or that the schema cannot express, and puts the
// lists in their canonical order (dimensions by framework and slug, assessments by year).
func (f *TrendFields) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	if err := f.Name.Validate("name"); err != nil {
		return err
	}
	if err := f.Description.Validate("description"); err != nil {
		return err
	}
	switch {
	case !slices.Contains(TrendCategories, f.Category):
		return Invalid("category", "unknown category %q", f.Category)
	case f.HorizonYears != nil && (*f.HorizonYears < 1 || *f.HorizonYears > 30):
		return Invalid("horizon_years", "must be between 1 and 30")
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	}
	if f.Dimensions == nil {
		f.Dimensions = TrendDimensions{}
	}
	slices.SortFunc(f.Dimensions, func(a, b TrendDimension) int {
		return strings.Compare(a.Framework+"\x00"+a.Dimension, b.Framework+"\x00"+b.Dimension)
	})
	for i, d := range f.Dimensions {
		if !ValidSlug(d.Framework) || !ValidSlug(d.Dimension) {
			return Invalid(fmt.Sprintf("dimensions[%d]", i), "framework and dimension must be slugs")
		}
		if i > 0 && d == f.Dimensions[i-1] {
			return Invalid("dimensions", "dimension %s/%s is listed twice", d.Framework, d.Dimension)
		}
	}
	if f.Assessments == nil {
		f.Assessments = TrendAssessments{}
	}
	slices.SortStableFunc(f.Assessments, func(a, b TrendAssessment) int { return a.Year - b.Year })
	for i, a := range f.Assessments {
		switch {
		case a.Year < 1990 || a.Year > 2100:
			return Invalid(fmt.Sprintf("assessments[%d].year", i), "must be between 1990 and 2100")
		case !slices.Contains(MaturityPhases, a.Phase):
			return Invalid(fmt.Sprintf("assessments[%d].phase", i), "unknown phase %q", a.Phase)
		case strings.TrimSpace(a.Source) == "":
			return Invalid(fmt.Sprintf("assessments[%d].source", i), "name the source of the assessment")
		}
		for _, b := range f.Assessments[:i] {
			if a.Year == b.Year && a.Source == b.Source {
				return Invalid("assessments", "two assessments of %d by the same source", a.Year)
			}
		}
	}
	return nil
}

// TrendFilter selects trends for a list, ordered by slug.
type TrendFilter struct {
	Category        string
	Framework       string
	Dimension       string
	Query           string     // accent- and case-insensitive substring of the name in any language
	MissingLanguage string     // a language ("fr", "es"): only those with a text that lacks it, "" for any
	UpdatedSince    *SyncPoint // only items changed from this point on (updated_since)
	After           string     // the slug of the last trend of the previous page
	Limit           int
}

// AdoptionStages are the stages of a city's adoption of a trend, in the order a city usually
// goes through them; discontinued stands apart.
var AdoptionStages = []string{"none", "exploring", "pilot", "implementing", "scaled", "discontinued"}

// AdoptionWeights are the weights of the stages in a trend's adoption score (see TrendRanking).
var AdoptionWeights = map[string]int{"none": 0, "exploring": 1, "pilot": 2, "implementing": 3, "scaled": 4, "discontinued": 0}

// MaxAdoptionWeight is the weight of the last stage, scaled: a score of 1 means every city
// counted has scaled the trend.
const MaxAdoptionWeight = 4

// Priorities are the priorities a city gives a trend.
var Priorities = []string{"high", "medium", "low"}

// Adoption is a city's adoption of a trend as assessed in one year. A city has one record per
// trend and year, so that its history stays: a new year's assessment is a new record.
type Adoption struct {
	Trend string `json:"trend" db:"trend" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-participation"`
	City  string `json:"city" db:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"bilbao"`
	Year  int    `json:"year" db:"year" minimum:"1990" maximum:"2100" example:"2019" doc:"The year the adoption was assessed."`
	AdoptionFields
	Verification string    `json:"verification" db:"verification" enum:"self_reported,verified,rejected" example:"self_reported" doc:"Set by the secretariat; any change of the record makes it self_reported again."`
	Version      int       `json:"version" db:"version" minimum:"1" maximum:"2147483647" example:"1"`
	CreatedAt    time.Time `json:"created_at" db:"created_at"`
	UpdatedAt    time.Time `json:"updated_at" db:"updated_at"`
}

// AdoptionFields are the fields of an adoption record that its city's editors write.
type AdoptionFields struct {
	Stage          string  `json:"stage" db:"stage" enum:"none,exploring,pilot,implementing,scaled,discontinued" example:"pilot"`
	Priority       *string `json:"priority" db:"priority" required:"false" enum:"high,medium,low" example:"high" doc:"The priority the city gives the trend; null when not stated."`
	ExampleProject *Text   `json:"example_project,omitempty" db:"example_project" doc:"A project that shows the city's adoption, such as a participation platform; absent when none is named."`
	ExampleURL     *string `json:"example_url" db:"example_url" required:"false" format:"uri" maxLength:"500" example:"https://www.decidim.barcelona" doc:"A link to the example project."`
	Source         string  `json:"source" db:"source" minLength:"1" maxLength:"500" example:"City questionnaire, Smart Cities Study 2019" doc:"Where the assessment comes from."`
	Provenance     string  `json:"provenance" db:"provenance" enum:"reported,sample,synthetic" default:"reported" example:"sample" doc:"reported: real data; sample: invented for demos; synthetic: generated for load tests." required:"false"`
}

// Validate checks the rules the schema cannot express.
func (f *AdoptionFields) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	switch {
	case !slices.Contains(AdoptionStages, f.Stage):
		return Invalid("stage", "unknown stage %q", f.Stage)
	case f.Priority != nil && !slices.Contains(Priorities, *f.Priority):
		return Invalid("priority", "unknown priority %q", *f.Priority)
	case f.ExampleProject != nil && f.ExampleProject.Validate("example_project") != nil:
		return f.ExampleProject.Validate("example_project")
	case f.ExampleURL != nil && !validWebURL(*f.ExampleURL):
		return Invalid("example_url", "must be an absolute http or https URL")
	case f.ExampleURL != nil && f.ExampleProject == nil:
		return Invalid("example_url", "links the example project: name the project too")
	case strings.TrimSpace(f.Source) == "":
		return Invalid("source", "name the source of the assessment")
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	}
	return nil
}

// ValidAdoptionYear checks the year of an adoption record, named by field in an error.
func ValidAdoptionYear(field string, year int) error {
	if year < 1990 || year > 2100 {
		return Invalid(field, "must be between 1990 and 2100")
	}
	return nil
}

// Fields returns the writable part of the record.
func (a *Adoption) Fields() AdoptionFields { return a.AdoptionFields }

// AdoptionFilter selects adoption records for a list, ordered by trend, city and year.
type AdoptionFilter struct {
	Trend   string
	City    string
	Stage   string
	Section string
	// AsOf keeps, for each trend and city, the latest record of that year or before (0: the
	// latest of all). History lists every year's record instead.
	AsOf         int
	History      bool
	Provenance   string
	UpdatedSince *SyncPoint // only items changed from this point on (updated_since)
	After        *AdoptionKey
	Limit        int
}

// AdoptionKey identifies an adoption record: its trend, city and year.
type AdoptionKey struct {
	Trend string
	City  string
	Year  int
}

// String is the key as the audit trail and the tombstones name it: trend/city/year.
func (k AdoptionKey) String() string { return fmt.Sprintf("%s/%s/%d", k.Trend, k.City, k.Year) }

// TrendRankingFilter chooses the cities and records a trend ranking counts.
type TrendRankingFilter struct {
	Basis
	Edition  *int   // only cities taking part in this study edition
	Section  string // only cities of this UCLG section
	Year     int    // each city's latest record of this year or before (0: the latest)
	Category string // only trends of this category
}

// StageCounts counts cities per adoption stage.
type StageCounts struct {
	None         int `json:"none" minimum:"0" maximum:"2147483647" db:"none"`
	Exploring    int `json:"exploring" minimum:"0" maximum:"2147483647" db:"exploring"`
	Pilot        int `json:"pilot" minimum:"0" maximum:"2147483647" db:"pilot"`
	Implementing int `json:"implementing" minimum:"0" maximum:"2147483647" db:"implementing"`
	Scaled       int `json:"scaled" minimum:"0" maximum:"2147483647" db:"scaled"`
	Discontinued int `json:"discontinued" minimum:"0" maximum:"2147483647" db:"discontinued"`
}

// StagesReached counts the cities that reached at least each stage (and have not discontinued).
type StagesReached struct {
	Exploring    int `json:"exploring" minimum:"0" maximum:"2147483647" doc:"Cities exploring, piloting, implementing or having scaled the trend."`
	Pilot        int `json:"pilot" minimum:"0" maximum:"2147483647" doc:"Cities piloting, implementing or having scaled it."`
	Implementing int `json:"implementing" minimum:"0" maximum:"2147483647" doc:"Cities implementing or having scaled it."`
	Scaled       int `json:"scaled" minimum:"0" maximum:"2147483647" doc:"Cities having scaled it."`
}

// Reached derives the cumulative counts from the counts per stage.
func (c StageCounts) Reached() StagesReached {
	return StagesReached{Scaled: c.Scaled, Implementing: c.Implementing + c.Scaled,
		Pilot: c.Pilot + c.Implementing + c.Scaled, Exploring: c.Exploring + c.Pilot + c.Implementing + c.Scaled}
}

// Score is the weighted adoption score from 0 to 1 (see TrendRanking); nil without cities.
func (c StageCounts) Score() *float64 {
	n := c.None + c.Exploring + c.Pilot + c.Implementing + c.Scaled + c.Discontinued
	if n == 0 {
		return nil
	}
	w := c.Exploring*AdoptionWeights["exploring"] + c.Pilot*AdoptionWeights["pilot"] +
		c.Implementing*AdoptionWeights["implementing"] + c.Scaled*AdoptionWeights["scaled"]
	s := float64(w) / float64(MaxAdoptionWeight*n)
	return &s
}

// TrendRankingEntry is one trend in the ranking.
type TrendRankingEntry struct {
	Rank     *int   `json:"rank" minimum:"1" maximum:"2147483647" doc:"Standard competition rank by score (ties share a rank: 1, 2, 2, 4); null for trends no counted city has assessed."`
	Trend    string `json:"trend" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-participation"`
	Name     Text   `json:"name"`
	Category string `json:"category" enum:"ai_analytics,open_data_platforms,digital_participation,digital_twins,iot,blockchain,chatbots,digital_identity,cloud,other"`
	// TrendProvenance is the provenance of the trend itself.
	TrendProvenance string        `json:"trend_provenance" enum:"reported,sample,synthetic" doc:"The provenance of the trend itself: sample when the trend was named for demonstrations (the 2019–2020 report lists none of the study's trends)."`
	Cities          int           `json:"cities" minimum:"0" maximum:"2147483647" doc:"Cities whose adoption was counted."`
	Stages          StageCounts   `json:"stages" doc:"Cities at each stage."`
	Reached         StagesReached `json:"reached" doc:"Cities that reached at least each stage."`
	Score           *float64      `json:"score" minimum:"0" maximum:"1" doc:"Weighted adoption score from 0 to 1; null when no city was counted."`
	// Provenance and Verification list the states of the records counted for this trend.
	Provenance   []string `json:"provenance" enum:"reported,sample,synthetic" maxItems:"3" doc:"The provenances of the records counted for this trend; empty when there are none."`
	Verification []string `json:"verification" enum:"self_reported,verified" maxItems:"2" doc:"The verification states of the records counted for this trend; empty when there are none."`
}

// TrendRanking orders the trends by how far cities have adopted them.
//
// For each trend it counts, per city, the city's latest adoption record (of the year asked for
// or before) among the records on the ranking's Basis: reported records that are not rejected,
// by default. A trend's score is the mean stage weight of its cities divided by the weight of
// scaled: none 0, exploring 1, pilot 2, implementing 3, scaled 4, discontinued 0; so 1 means
// every counted city has scaled the trend and 0 that none has gone past considering it.
// Trends are ordered by score (highest first), then by the number of cities that reached
// scaled, implementing, pilot and exploring, then by slug; trends without counted cities come
// last, unranked.
type TrendRanking struct {
	Edition *int    `json:"edition" minimum:"2000" maximum:"2100" doc:"Only cities taking part in this edition were counted; null for all cities."`
	Section *string `json:"section" enum:"africa,asia_pacific,eurasia,europe,middle_east_west_asia,latin_america,north_america" doc:"Only cities of this UCLG section were counted; null for all."`
	Year    *int    `json:"year" minimum:"1990" maximum:"2100" doc:"Each city's latest record of this year or before was counted; null for the latest of all."`
	AdoptionInputs
	Items []TrendRankingEntry `json:"items" nullable:"false" maxItems:"10000"`
}

// AdoptionInputs is what a trend ranking says about the records it was computed from, in the
// same shape as the observation analyses' Inputs.
type AdoptionInputs struct {
	ComputedFrom         AdoptionComputedFrom `json:"computed_from" doc:"Which adoption records were counted, and how many."`
	IncludesInventedData bool                 `json:"includes_invented_data" doc:"True when some counted records are sample or synthetic, invented for demonstrations or generated for tests: the ranking is then not real, and never a result of the Smart Cities Study."`
	Notice               *Text                `json:"notice,omitempty" doc:"Present only when includes_invented_data is true: says so in words, and how many of the records counted are invented."`
}

// AdoptionComputedFrom says which adoption records a trend ranking counted.
type AdoptionComputedFrom struct {
	Basis
	Adoptions             int              `json:"adoptions" minimum:"0" maximum:"2147483647" doc:"How many adoption records were counted: one per trend and city." example:"12"`
	AdoptionsByProvenance ProvenanceCounts `json:"adoptions_by_provenance" doc:"Of those, how many are reported, sample and synthetic."`
	InventedTrends        int              `json:"invented_trends" minimum:"0" maximum:"2147483647" doc:"How many of the trends with counted records are themselves sample or synthetic (named for demonstrations, not by the study)." example:"0"`
	InventedCityRecords   int              `json:"invented_city_records" minimum:"0" maximum:"2147483647" doc:"How many of the counted records are about a city whose own record is sample or synthetic." example:"0"`
}

// NewAdoptionInputs describes a ranking that counted, on basis b, the records in counted, of
// which inventedCities are about invented cities, for trends of which inventedTrends are
// invented. Any of the three makes the ranking not real, and says so.
func NewAdoptionInputs(b Basis, counted ProvenanceCounts, inventedTrends, inventedCities int) AdoptionInputs {
	in := AdoptionInputs{ComputedFrom: AdoptionComputedFrom{Basis: b, Adoptions: counted.Total(), AdoptionsByProvenance: counted,
		InventedTrends: inventedTrends, InventedCityRecords: inventedCities}}
	invented := counted.Sample + counted.Synthetic
	if invented == 0 && inventedTrends == 0 && inventedCities == 0 {
		return in
	}
	in.IncludesInventedData = true
	var en, fr, es []string
	if invented > 0 {
		en = append(en, fmt.Sprintf("%d of the %d adoption records counted are sample or synthetic", invented, counted.Total()))
		fr = append(fr, fmt.Sprintf("%d des %d évaluations d'adoption comptées sont sample ou synthetic", invented, counted.Total()))
		es = append(es, fmt.Sprintf("%d de las %d evaluaciones de adopción contadas son sample o synthetic", invented, counted.Total()))
	}
	if inventedTrends > 0 {
		en = append(en, fmt.Sprintf("%d of the trends ranked were named for demonstrations, not by the study", inventedTrends))
		fr = append(fr, fmt.Sprintf("%d des tendances classées ont été nommées pour des démonstrations, non par l'étude", inventedTrends))
		es = append(es, fmt.Sprintf("%d de las tendencias clasificadas se nombraron para demostraciones, no por el estudio", inventedTrends))
	}
	if inventedCities > 0 {
		en = append(en, fmt.Sprintf("%d records are about cities invented for demonstrations", inventedCities))
		fr = append(fr, fmt.Sprintf("%d évaluations portent sur des villes inventées pour des démonstrations", inventedCities))
		es = append(es, fmt.Sprintf("%d evaluaciones se refieren a ciudades inventadas para demostraciones", inventedCities))
	}
	in.Notice = &Text{
		EN: "Includes data invented for demonstrations or generated for tests: " + strings.Join(en, "; ") +
			". This is not a result of the Smart Cities Study.",
		FR: "Comprend des données inventées pour des démonstrations ou générées pour des tests : " + strings.Join(fr, " ; ") +
			". Ce n'est pas un résultat du Smart Cities Study.",
		ES: "Incluye datos inventados para demostraciones o generados para pruebas: " + strings.Join(es, "; ") +
			". No es un resultado del Smart Cities Study.",
	}
	return in
}
