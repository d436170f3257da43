package domain

import (
	"math"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"
)

// ValueTypes are the kinds of value an indicator takes.
var ValueTypes = []string{"numeric", "percentage", "count", "boolean", "ordinal", "text"}

// Directions say which way is better for an indicator's values.
var Directions = []string{"higher_is_better", "lower_is_better", "none"}

// Level is one level of an ordinal indicator. Levels are listed lowest first; Rank orders them.
type Level struct {
	Code  string `json:"code" pattern:"^[a-z0-9]+(_[a-z0-9]+)*$" maxLength:"50" example:"advanced"`
	Label Text   `json:"label"`
	Rank  int    `json:"rank" doc:"Position on the scale: higher ranks are further along." minimum:"-1000" maximum:"1000" example:"3"`
}

// Indicator is a measure of a framework, in one of its dimensions.
type Indicator struct {
	Slug string `json:"slug" db:"slug" example:"sg2019-participatory-budget" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	IndicatorFields
	Status    string     `json:"status" db:"status" enum:"active,retired" doc:"Retired indicators stay readable but take no new observations."`
	RetiredAt *time.Time `json:"retired_at" db:"retired_at"`
	Version   int        `json:"version" db:"version" minimum:"1" maximum:"2147483647"`
	CreatedAt time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt time.Time  `json:"updated_at" db:"updated_at"`
}

// IndicatorFields are the client-writable fields of an indicator.
type IndicatorFields struct {
	Framework   string   `json:"framework" db:"framework" doc:"The framework's slug." maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"uclg-smart-governance-2019"`
	Dimension   string   `json:"dimension" db:"dimension" doc:"The dimension's slug within the framework." maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"participation"`
	Code        string   `json:"code" db:"code" minLength:"1" maxLength:"50" doc:"The framework's own code, unique within the framework for each value type: a KPI reported in two forms is two indicators with the same code (U4SSC's EC: ICT: PS: 1A, Open Data, as a percentage and as a number)." example:"EC: ICT: PS: 1A"`
	Name        Text     `json:"name" db:"name"`
	Description *Text    `json:"description,omitempty" db:"description"`
	ValueType   string   `json:"value_type" db:"value_type" enum:"numeric,percentage,count,boolean,ordinal,text" example:"percentage"`
	Unit        *string  `json:"unit" db:"unit" required:"false" maxLength:"50" doc:"Unit of numeric values." example:"%"`
	ScaleMin    *float64 `json:"scale_min" db:"scale_min" required:"false" doc:"Lowest valid value, when bounded."`
	ScaleMax    *float64 `json:"scale_max" db:"scale_max" required:"false" doc:"Highest valid value, when bounded."`
	Levels      Levels   `json:"levels" db:"levels" required:"false" maxItems:"20" doc:"Ordinal levels, lowest first; empty for other types."`
	Direction   string   `json:"direction" db:"direction" required:"false" enum:"higher_is_better,lower_is_better,none" example:"higher_is_better"`
	Methodology *Text    `json:"methodology,omitempty" db:"methodology"`
	Sources     []string `json:"sources" db:"-" required:"false" maxItems:"20" doc:"Where the definition comes from." maxLength:"500"`
	Equivalents []string `json:"equivalents" db:"-" required:"false" maxItems:"20" doc:"Slugs of equivalent indicators in other frameworks." maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Provenance  string   `json:"provenance" db:"provenance" required:"false" enum:"reported,sample,synthetic"`
}

// MaxScale bounds an indicator's scale: scores divide by its width, which must stay a finite
// number (a scale of ±1e308 would overflow).
const MaxScale = 1e15

// Validate checks an indicator's definition: the type's scale and levels must make sense.
func (f *IndicatorFields) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	if f.Direction == "" {
		f.Direction = "none"
	}
	if f.Levels == nil {
		f.Levels = Levels{}
	}
	if f.Sources == nil {
		f.Sources = []string{}
	}
	if f.Equivalents == nil {
		f.Equivalents = []string{}
	}
	switch {
	case !ValidSlug(f.Framework):
		return Invalid("framework", "not a framework slug")
	case !ValidSlug(f.Dimension):
		return Invalid("dimension", "not a dimension slug")
	case f.Code == "" || utf8.RuneCountInString(f.Code) > 50:
		return Invalid("code", "is required (at most 50 characters)")
	case !slices.Contains(ValueTypes, f.ValueType):
		return Invalid("value_type", "unknown value type %q", f.ValueType)
	case !slices.Contains(Directions, f.Direction):
		return Invalid("direction", "unknown direction %q", f.Direction)
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	case f.ScaleMin != nil && math.Abs(*f.ScaleMin) > MaxScale:
		return Invalid("scale_min", "must be within ±%g", MaxScale)
	case f.ScaleMax != nil && math.Abs(*f.ScaleMax) > MaxScale:
		return Invalid("scale_max", "must be within ±%g", MaxScale)
	case f.ScaleMin != nil && f.ScaleMax != nil && *f.ScaleMin >= *f.ScaleMax:
		return Invalid("scale_max", "must be greater than scale_min")
	case f.ValueType == "ordinal" && len(f.Levels) < 2:
		return Invalid("levels", "an ordinal indicator needs at least two levels")
	case f.ValueType != "ordinal" && len(f.Levels) > 0:
		return Invalid("levels", "only ordinal indicators have levels")
	case (f.ValueType == "boolean" || f.ValueType == "text" || f.ValueType == "ordinal") && (f.ScaleMin != nil || f.ScaleMax != nil):
		return Invalid("scale_min", "a %s indicator has no numeric scale", f.ValueType)
	case f.ValueType == "percentage" && ((f.ScaleMin != nil && *f.ScaleMin < 0) || (f.ScaleMax != nil && *f.ScaleMax > 100)):
		return Invalid("scale_max", "a percentage stays within 0 and 100")
	case f.ValueType == "percentage" && *orDefault(f.ScaleMin, 0) >= *orDefault(f.ScaleMax, 100):
		return Invalid("scale_max", "a percentage's scale must leave room between its bounds")
	case f.ValueType == "text" && f.Direction != "none":
		return Invalid("direction", "text values have no direction")
	}
	if err := f.Name.Validate("body.name"); err != nil {
		return err
	}
	codes, ranks := map[string]bool{}, map[int]bool{}
	for i, l := range f.Levels {
		if !levelCodeRE.MatchString(l.Code) || codes[l.Code] || ranks[l.Rank] {
			return Invalid("levels", "level %d: codes must be unique snake_case words and ranks unique", i)
		}
		if i > 0 && l.Rank <= f.Levels[i-1].Rank {
			return Invalid("levels", "level %d: levels are listed lowest rank first", i)
		}
		if err := l.Label.Validate("body.levels"); err != nil {
			return err
		}
		codes[l.Code], ranks[l.Rank] = true, true
	}
	for i, e := range f.Equivalents {
		if !ValidSlug(e) {
			return Invalid("equivalents", "item %d is not an indicator slug", i)
		}
	}
	return nil
}

var levelCodeRE = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// ValueRuleChanges names the fields that decide which values an indicator takes (value_type,
// scale_min, scale_max, levels) and that differ between f and to. Once observations are
// stored they were checked against these rules, so the rules cannot change under them; the
// other fields, and a level's label, stay editable.
func (f *IndicatorFields) ValueRuleChanges(to *IndicatorFields) []string {
	var changed []string
	if f.ValueType != to.ValueType {
		changed = append(changed, "value_type")
	}
	if !sameBound(f.ScaleMin, to.ScaleMin) {
		changed = append(changed, "scale_min")
	}
	if !sameBound(f.ScaleMax, to.ScaleMax) {
		changed = append(changed, "scale_max")
	}
	if !slices.EqualFunc(f.Levels, to.Levels, func(a, b Level) bool { return a.Code == b.Code && a.Rank == b.Rank }) {
		changed = append(changed, "levels")
	}
	return changed
}

func sameBound(a, b *float64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// Level returns the ordinal level with the given code.
func (f *IndicatorFields) Level(code string) (Level, bool) {
	for _, l := range f.Levels {
		if l.Code == code {
			return l, true
		}
	}
	return Level{}, false
}

// IndicatorFilter selects indicators, ordered by slug.
type IndicatorFilter struct {
	Framework       string
	Dimension       string // with its descendants
	ValueType       string
	Status          string // "" for any
	Query           string // accent- and case-insensitive substring of the name in any language or the code
	MissingLanguage string // a language ("fr", "es"): only those with a text that lacks it, "" for any
	Limit           int
	After           string // slug

	UpdatedSince *SyncPoint // only indicators changed from this point on (updated_since)
}
