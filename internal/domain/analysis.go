package domain

// Scorecard aggregates one city's observations per dimension of a framework.
//
// Each indicator with a reported value (status A, E or P) and a direction is scored from 0 to 1:
// a boolean is 1 for true; a percentage, or a numeric or count indicator with both scale bounds,
// is (value − min) / (max − min); an ordinal level is (rank − lowest rank) / (highest − lowest).
// Lower-is-better indicators score 1 − that. Numeric indicators without bounds, text indicators
// and indicators without a direction are counted but not scored. A dimension's score is the
// mean of the scores of the indicators in it and in its descendants.
type Scorecard struct {
	City       string           `json:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Framework  string           `json:"framework" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Edition    *int             `json:"edition" doc:"The edition whose observations were used; null for the latest of each indicator." minimum:"2000" maximum:"2100"`
	Dimensions []DimensionScore `json:"dimensions" doc:"Every dimension of the framework, parents before children." maxItems:"500"`
}

// DimensionScore is a scorecard's line for one dimension (with its descendants).
type DimensionScore struct {
	Dimension  string   `json:"dimension" db:"dimension" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Parent     *string  `json:"parent" db:"parent" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Name       Text     `json:"name" db:"name"`
	Indicators int      `json:"indicators" db:"indicators" doc:"Indicators in the dimension and its descendants." minimum:"0" maximum:"2147483647"`
	Observed   int      `json:"observed" db:"observed" doc:"Of those, how many have an observation for the city." minimum:"0" maximum:"2147483647"`
	Reported   int      `json:"reported" db:"reported" doc:"Of those, how many have a value (status A, E or P)." minimum:"0" maximum:"2147483647"`
	Scored     int      `json:"scored" db:"scored" doc:"Of those, how many could be scored." minimum:"0" maximum:"2147483647"`
	Score      *float64 `json:"score" db:"score" doc:"Mean score from 0 to 1; null when nothing could be scored." minimum:"0" maximum:"1"`
}

// RankingEntry is one city in an indicator's ranking.
type RankingEntry struct {
	Rank     *int   `json:"rank" db:"rank" doc:"Standard competition rank (ties share a rank: 1, 2, 2, 4); null for cities without a value." minimum:"1" maximum:"2147483647"`
	City     string `json:"city" db:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	CityName Text   `json:"city_name" db:"city_name"`
	Value    any    `json:"value" db:"-" doc:"Typed by the indicator's value type."`
	Status   string `json:"status" db:"status" enum:"A,E,P,M,NR"`
	Year     int    `json:"year" db:"year" minimum:"1900" maximum:"2200"`
	Edition  *int   `json:"edition" db:"edition" minimum:"2000" maximum:"2100"`
}

// Ranking orders the cities that reported an indicator, best first by the indicator's direction.
type Ranking struct {
	Indicator string         `json:"indicator" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Direction string         `json:"direction" enum:"higher_is_better,lower_is_better"`
	Edition   *int           `json:"edition" minimum:"2000" maximum:"2100"`
	Items     []RankingEntry `json:"items" nullable:"false" maxItems:"100000"`
}

// ComparedValue is one city's value in a comparison row.
type ComparedValue struct {
	City   string  `json:"city" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Value  any     `json:"value" doc:"Typed by the indicator's value type; null when there is none."`
	Status *string `json:"status" enum:"A,E,P,M,NR" doc:"null when the city has no observation."`
	Year   *int    `json:"year" minimum:"1900" maximum:"2200"`
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

// Comparison puts two to five cities side by side over a framework's indicators.
type Comparison struct {
	Cities    []string        `json:"cities" maxItems:"5" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Framework string          `json:"framework" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Edition   *int            `json:"edition" minimum:"2000" maximum:"2100"`
	Rows      []ComparisonRow `json:"rows" maxItems:"10000"`
}
