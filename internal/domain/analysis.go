package domain

import (
	"fmt"
	"slices"
)

// CountedVerifications are the verification states an aggregate may count. A rejected value
// never counts, whatever was asked.
var CountedVerifications = []string{"self_reported", "verified"}

// Basis says which observations an aggregate (a ranking, a scorecard, a comparison) counts:
// those whose provenance and verification state it lists. By default that is reported data
// that is not rejected; sample and synthetic data count only when asked for, and rejected
// values never count.
type Basis struct {
	Provenance   []string `json:"provenance" enum:"reported,sample,synthetic" minItems:"1" maxItems:"3" doc:"The provenances counted: reported (real data) by default; sample (invented for demonstrations) and synthetic (generated for tests) only when asked for." example:"[\"reported\"]"`
	Verification []string `json:"verification" enum:"self_reported,verified" minItems:"1" maxItems:"2" doc:"The verification states counted: self_reported and verified by default. Rejected values never count." example:"[\"self_reported\",\"verified\"]"`
}

// NewBasis checks which provenances and verification states an aggregate is asked to count
// and lists them in their canonical order, without repeats. An empty list means the default:
// reported; self_reported and verified.
func NewBasis(provenance, verification []string) (Basis, error) {
	if len(provenance) == 0 {
		provenance = []string{"reported"}
	}
	if len(verification) == 0 {
		verification = CountedVerifications
	}
	for _, p := range provenance {
		if !slices.Contains(Provenances, p) {
			return Basis{}, Invalid("query.provenance", "unknown provenance %q: reported, sample or synthetic", p)
		}
	}
	for _, v := range verification {
		if v == "rejected" {
			return Basis{}, Invalid("query.verification", "rejected values never count in an aggregate")
		}
		if !slices.Contains(CountedVerifications, v) {
			return Basis{}, Invalid("query.verification", "unknown verification state %q: self_reported or verified", v)
		}
	}
	b := Basis{Provenance: []string{}, Verification: []string{}}
	for _, p := range Provenances {
		if slices.Contains(provenance, p) {
			b.Provenance = append(b.Provenance, p)
		}
	}
	for _, v := range CountedVerifications {
		if slices.Contains(verification, v) {
			b.Verification = append(b.Verification, v)
		}
	}
	return b, nil
}

// ComputedFrom says what an aggregate was computed from: the provenances and verification
// states it counted, and the observations it counted, by provenance.
type ComputedFrom struct {
	Basis
	Observations             int              `json:"observations" minimum:"0" maximum:"2147483647" doc:"How many observations were counted: the one used for each city and indicator (values with status M or NR included)." example:"12"`
	ObservationsByProvenance ProvenanceCounts `json:"observations_by_provenance" doc:"Of those, how many are reported, sample and synthetic."`
}

// Inputs is what every aggregate says, at its top level, about the data it was computed from.
type Inputs struct {
	ComputedFrom         ComputedFrom `json:"computed_from" doc:"Which observations were counted, and how many."`
	IncludesInventedData bool         `json:"includes_invented_data" doc:"True when some counted observations are sample or synthetic, invented for demonstrations or generated for tests: the result is then not real, and never a result of the Smart Cities Study."`
	Notice               *Text        `json:"notice,omitempty" doc:"Present only when includes_invented_data is true: says so in words, and how many of the observations counted are invented."`
}

// NewInputs describes an aggregate that counted, on basis b, the observations in counted.
func NewInputs(b Basis, counted ProvenanceCounts) Inputs {
	in := Inputs{ComputedFrom: ComputedFrom{Basis: b, Observations: counted.Total(), ObservationsByProvenance: counted}}
	invented := counted.Sample + counted.Synthetic
	if invented == 0 {
		return in
	}
	in.IncludesInventedData = true
	in.Notice = &Text{
		EN: fmt.Sprintf("Includes data invented for demonstrations or generated for tests (provenance sample or "+
			"synthetic): %d of the %d observations counted. This is not a result of the Smart Cities Study.", invented, counted.Total()),
		FR: fmt.Sprintf("Comprend des données inventées pour des démonstrations ou générées pour des tests (provenance "+
			"sample ou synthetic) : %d des %d observations comptées. Ce n'est pas un résultat du Smart Cities "+
			"Study.", invented, counted.Total()),
		ES: fmt.Sprintf("Incluye datos inventados para demostraciones o generados para pruebas (procedencia sample o "+
			"synthetic): %d de las %d observaciones contadas. No es un resultado del Smart Cities Study.",
			invented, counted.Total()),
	}
	return in
}

// Scorecard aggregates one city's observations per dimension of a framework.
//
// It counts, for each indicator, the city's latest observation on its Basis (reported data
// that is not rejected, by default). Each indicator with a value (status A, E or P) and a
// direction is scored from 0 to 1: a boolean is 1 for true; a percentage, or a numeric or count
// indicator with both scale bounds, is (value − min) / (max − min); an ordinal level is
// (rank − lowest rank) / (highest − lowest). Lower-is-better indicators score 1 − that. Numeric
// indicators without bounds, text indicators and indicators without a direction are counted but
// not scored. A dimension's score is the mean of the scores of the indicators in it and in its
// descendants.
type Scorecard struct {
	City      string `json:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Framework string `json:"framework" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Edition   *int   `json:"edition" doc:"The edition whose observations were used; null for the latest of each indicator." minimum:"2000" maximum:"2100"`
	Inputs
	Items []DimensionScore `json:"items" nullable:"false" doc:"One line per dimension of the framework, parents before children." maxItems:"500"`
}

// DimensionScore is a scorecard's line for one dimension (with its descendants).
type DimensionScore struct {
	Dimension    string   `json:"dimension" db:"dimension" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Parent       *string  `json:"parent" db:"parent" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Name         Text     `json:"name" db:"name"`
	Indicators   int      `json:"indicators" db:"indicators" doc:"Indicators in the dimension and its descendants." minimum:"0" maximum:"2147483647"`
	Observed     int      `json:"observed" db:"observed" doc:"Of those, how many have a counted observation for the city." minimum:"0" maximum:"2147483647"`
	Reported     int      `json:"reported" db:"reported" doc:"Of those, how many have a value (status A, E or P), whatever its provenance (see provenance)." minimum:"0" maximum:"2147483647"`
	Scored       int      `json:"scored" db:"scored" doc:"Of those, how many could be scored." minimum:"0" maximum:"2147483647"`
	Score        *float64 `json:"score" db:"score" doc:"Mean score from 0 to 1; null when nothing could be scored." minimum:"0" maximum:"1"`
	Provenance   []string `json:"provenance" db:"-" enum:"reported,sample,synthetic" maxItems:"3" doc:"The provenances of the observations counted in this line; empty when there are none."`
	Verification []string `json:"verification" db:"-" enum:"self_reported,verified" maxItems:"2" doc:"The verification states of the observations counted in this line; empty when there are none."`
}

// RankingEntry is one city in an indicator's ranking.
type RankingEntry struct {
	Rank         *int   `json:"rank" db:"rank" doc:"Standard competition rank (ties share a rank: 1, 2, 2, 4); null for cities without a value." minimum:"1" maximum:"2147483647"`
	City         string `json:"city" db:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	CityName     Text   `json:"city_name" db:"city_name"`
	Value        any    `json:"value" db:"-" doc:"Typed by the indicator's value type."`
	Status       string `json:"status" db:"status" enum:"A,E,P,M,NR"`
	Year         int    `json:"year" db:"year" minimum:"1900" maximum:"2200"`
	Edition      *int   `json:"edition" db:"edition" minimum:"2000" maximum:"2100"`
	Provenance   string `json:"provenance" db:"provenance" enum:"reported,sample,synthetic" doc:"reported is real data; sample was invented for demonstrations, synthetic generated for tests."`
	Verification string `json:"verification" db:"verification" enum:"self_reported,verified" doc:"The secretariat's check of the value (rejected values never count)."`
}

// Ranking orders the cities by an indicator, best first by its direction, counting each
// city's latest observation on the ranking's Basis (reported data that is not rejected, by
// default).
type Ranking struct {
	Indicator string `json:"indicator" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Direction string `json:"direction" enum:"higher_is_better,lower_is_better"`
	Edition   *int   `json:"edition" minimum:"2000" maximum:"2100"`
	Inputs
	Items []RankingEntry `json:"items" nullable:"false" maxItems:"100000"`
}

// ComparedValue is one city's value in a comparison row.
type ComparedValue struct {
	City         string  `json:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Value        any     `json:"value" doc:"Typed by the indicator's value type; null when there is none."`
	Status       *string `json:"status" enum:"A,E,P,M,NR" doc:"null when the city has no counted observation."`
	Year         *int    `json:"year" minimum:"1900" maximum:"2200"`
	Provenance   *string `json:"provenance" enum:"reported,sample,synthetic" doc:"reported is real data; sample was invented for demonstrations, synthetic generated for tests; null when the city has no counted observation."`
	Verification *string `json:"verification" enum:"self_reported,verified" doc:"The secretariat's check of the value (rejected values never count); null when the city has no counted observation."`
}

// ComparisonRow is one indicator across the compared cities, in the order they were asked for.
type ComparisonRow struct {
	Indicator string          `json:"indicator" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Code      string          `json:"code" maxLength:"50"`
	Name      Text            `json:"name"`
	Dimension string          `json:"dimension" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	ValueType string          `json:"value_type" enum:"numeric,percentage,count,boolean,ordinal,text"`
	Direction string          `json:"direction" enum:"higher_is_better,lower_is_better,none"`
	Values    []ComparedValue `json:"values" maxItems:"5"`
}

// Comparison puts two to five cities side by side over a framework's indicators, with each
// city's latest observation of each indicator on the comparison's Basis (reported data that is
// not rejected, by default).
type Comparison struct {
	Cities    []string `json:"cities" maxItems:"5" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Framework string   `json:"framework" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Edition   *int     `json:"edition" minimum:"2000" maximum:"2100"`
	Inputs
	Items []ComparisonRow `json:"items" nullable:"false" doc:"One row per active indicator of the framework." maxItems:"10000"`
}
