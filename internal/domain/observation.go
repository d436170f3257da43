package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Observation statuses (SDMX-style): A normal, E estimated, P provisional, M missing and NR not
// reported. M and NR carry no value.
var ObservationStatuses = []string{"A", "E", "P", "M", "NR"}

// QualityGrades grade an observation's data quality, A best.
var QualityGrades = []string{"A", "B", "C", "D"}

// Verifications are the states of the secretariat's check of an observation.
var Verifications = []string{"self_reported", "verified", "rejected"}

// Observation is one value of one indicator for one city and period.
type Observation struct {
	ID int64 `json:"id" db:"id" minimum:"1" maximum:"9007199254740991"`
	ObservationFields
	ValueType    string    `json:"value_type" db:"value_type" enum:"numeric,percentage,count,boolean,ordinal,text" doc:"The indicator's value type, which types value." example:"percentage"`
	Verification string    `json:"verification" db:"verification" enum:"self_reported,verified,rejected" doc:"Set by the secretariat." example:"self_reported"`
	Version      int       `json:"version" db:"version" minimum:"1" maximum:"2147483647"`
	CreatedAt    time.Time `json:"created_at" db:"created_at"`
	UpdatedAt    time.Time `json:"updated_at" db:"updated_at"`
}

// ObservationFields are what a client writes. Value is typed by the indicator: a JSON number
// (numeric, percentage, count), a boolean, a level code (ordinal) or a string (text); null
// with status M or NR.
type ObservationFields struct {
	Indicator  string  `json:"indicator" db:"indicator" maxLength:"100" doc:"The indicator's slug." pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"sg2019-participatory-budget"`
	City       string  `json:"city" db:"city" maxLength:"100" doc:"The city's slug." pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"malaga"`
	Year       int     `json:"year" db:"year" minimum:"1900" maximum:"2200" doc:"The period the value describes." example:"2019"`
	Edition    *int    `json:"edition" db:"edition" required:"false" minimum:"2000" maximum:"2100" doc:"The study edition the value comes from, if any." example:"2019"`
	Value      any     `json:"value" db:"-" doc:"Typed by the indicator's value_type: number, boolean, or string (an ordinal level's code, or text); null when status is M or NR." example:"74"`
	Status     string  `json:"status" db:"status" enum:"A,E,P,M,NR" doc:"A normal, E estimated, P provisional, M missing, NR not reported." example:"A"`
	Quality    *string `json:"quality" db:"quality" required:"false" enum:"A,B,C,D" doc:"Data-quality grade, A best."`
	Source     *string `json:"source" db:"source" required:"false" maxLength:"500"`
	Footnote   *string `json:"footnote" db:"footnote" required:"false" maxLength:"2000"`
	Provenance string  `json:"provenance" db:"provenance" required:"false" enum:"reported,sample,synthetic" example:"sample"`
}

// StoredValue is a value in its database columns.
type StoredValue struct {
	Number  *float64
	Boolean *bool
	Text    *string
}

// ValidateObservation checks an observation against its indicator and returns the value in its
// columns. field prefixes the names of faulty fields ("body" for the API, "" for imports).
func ValidateObservation(f *ObservationFields, ind *IndicatorFields, field string) (StoredValue, error) {
	if err := CheckObservation(f, field); err != nil || f.Value == nil {
		return StoredValue{}, err
	}
	return TypedValue(f.Value, ind, prefixed(field, "value"))
}

// CheckObservation applies the rules of an observation that do not depend on its indicator:
// year, edition, status, quality, provenance (empty becomes "reported"), source and footnote,
// and whether a value is present (the value's type is TypedValue's). field prefixes the names
// of faulty fields, as for ValidateObservation.
func CheckObservation(f *ObservationFields, field string) error {
	at := func(name string) string { return prefixed(field, name) }
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	switch {
	case f.Year < 1900 || f.Year > 2200:
		return Invalid(at("year"), "must be between 1900 and 2200")
	case f.Edition != nil && !ValidEdition(*f.Edition):
		return Invalid(at("edition"), "must be an edition's year")
	case !slices.Contains(ObservationStatuses, f.Status):
		return Invalid(at("status"), "must be one of A, E, P, M, NR")
	case f.Quality != nil && !slices.Contains(QualityGrades, *f.Quality):
		return Invalid(at("quality"), "must be one of A, B, C, D")
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid(at("provenance"), "unknown provenance %q", f.Provenance)
	}
	for name, v := range map[string]*string{"source": f.Source, "footnote": f.Footnote} {
		if v == nil {
			continue
		}
		if err := CheckText(*v, map[string]int{"source": 500, "footnote": 2000}[name]); err != nil {
			return Invalid(at(name), "%s", err.Error())
		}
	}
	missing := f.Status == "M" || f.Status == "NR"
	switch {
	case f.Value == nil && !missing:
		return Invalid(at("value"), "is required with status %s (use status M or NR for no value)", f.Status)
	case f.Value != nil && missing:
		return Invalid(at("value"), "must be null with status %s", f.Status)
	}
	return nil
}

// prefixed names a field under its prefix: "body" and "year" give "body.year", "" and "year" "year".
func prefixed(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// TypedValue checks a value (not null) against the indicator's type, scale and levels and
// returns it in its columns; field names the value in errors.
func TypedValue(v any, ind *IndicatorFields, field string) (StoredValue, error) {
	switch ind.ValueType {
	case "numeric", "percentage", "count":
		n, ok := v.(float64)
		if !ok {
			return StoredValue{}, Invalid(field, "must be a JSON number for a %s indicator, not %s", ind.ValueType, jsonKind(v))
		}
		if math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > MaxScale {
			return StoredValue{}, Invalid(field, "must be a finite number within ±%g", MaxScale)
		}
		lo, hi := ind.ScaleMin, ind.ScaleMax
		if ind.ValueType == "percentage" {
			lo, hi = orDefault(lo, 0), orDefault(hi, 100)
		}
		if n == 0 {
			n = 0 // -0 is stored as 0, the same number, which vintages and the change feed wrote as 0
		}
		if ind.ValueType == "count" && (n < 0 || n != math.Trunc(n)) {
			return StoredValue{}, Invalid(field, "a count is a whole number of at least 0, not %s", formatNumber(n))
		}
		if lo != nil && n < *lo || hi != nil && n > *hi {
			return StoredValue{}, Invalid(field, "%s is outside the indicator's scale %s", formatNumber(n), scaleText(lo, hi))
		}
		return StoredValue{Number: &n}, nil
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return StoredValue{}, Invalid(field, "must be true or false for a boolean indicator, not %s", jsonKind(v))
		}
		return StoredValue{Boolean: &b}, nil
	case "ordinal":
		s, ok := v.(string)
		if !ok {
			return StoredValue{}, Invalid(field, "must be a level code (string) for an ordinal indicator, not %s", jsonKind(v))
		}
		l, ok := ind.Level(s)
		if !ok {
			return StoredValue{}, Invalid(field, "%q is not a level of this indicator", s)
		}
		rank := float64(l.Rank)
		return StoredValue{Number: &rank, Text: &s}, nil
	case "text":
		s, ok := v.(string)
		if !ok {
			return StoredValue{}, Invalid(field, "must be a string for a text indicator, not %s", jsonKind(v))
		}
		if s == "" {
			return StoredValue{}, Invalid(field, "must be 1 to 5000 characters")
		}
		if err := CheckText(s, 5000); err != nil {
			return StoredValue{}, Invalid(field, "%s", err.Error())
		}
		return StoredValue{Text: &s}, nil
	}
	return StoredValue{}, Errorf(EINTERNAL, "indicator has unknown value type %q", ind.ValueType)
}

// CheckText applies the rules of every free text: valid UTF-8, at most max characters, and no
// control characters but tab, line feed and carriage return (PostgreSQL refuses NUL bytes).
func CheckText(s string, max int) error {
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("is %d characters long; at most %d", n, max)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return fmt.Errorf("contains the control character U+%04X", r)
		}
	}
	return nil
}

// ValueOf turns stored columns back into the typed JSON value.
func ValueOf(valueType string, s StoredValue) any {
	switch valueType {
	case "boolean":
		if s.Boolean != nil {
			return *s.Boolean
		}
	case "ordinal", "text":
		if s.Text != nil {
			return *s.Text
		}
	default:
		if s.Number != nil {
			return *s.Number
		}
	}
	return nil
}

// ParseValue reads a value written as text (a CSV cell) for an indicator's value type, so that
// imports apply exactly the API's rules: "" is null; numbers must be JSON numbers, booleans true
// or false; the texts of ordinal and text indicators are read with RestoreCSVCell, as exports
// write them.
func ParseValue(cell, valueType string) (any, error) {
	if cell == "" {
		return nil, nil
	}
	switch valueType {
	case "numeric", "percentage", "count":
		n, err := strconv.ParseFloat(cell, 64)
		if err != nil || !numberRE.MatchString(cell) {
			return nil, fmt.Errorf("%q is not a number", cell)
		}
		return n, nil
	case "boolean":
		switch cell {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not true or false", cell)
	case "ordinal", "text":
		return RestoreCSVCell(cell), nil
	}
	return cell, nil
}

// numberRE is the JSON number grammar: no "+1", "0x10", ".5", "NaN" or "Inf".
var numberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func jsonKind(v any) string {
	switch v.(type) {
	case float64:
		return "a number"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case []any:
		return "an array"
	}
	return "an object"
}

func orDefault(p *float64, d float64) *float64 {
	if p != nil {
		return p
	}
	return &d
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'g', -1, 64) }

func scaleText(lo, hi *float64) string {
	l, h := "-∞", "+∞"
	if lo != nil {
		l = formatNumber(*lo)
	}
	if hi != nil {
		h = formatNumber(*hi)
	}
	return "[" + l + ", " + h + "]"
}

// LatestKey is the position in a latest=true list: one row per city and indicator, in that order.
type LatestKey struct {
	City, Indicator string
}

// ObservationFilter selects observations for lists and exports.
type ObservationFilter struct {
	Cities       []string
	Indicators   []string
	Framework    string
	Dimension    string // with its descendants (needs Framework)
	Edition      *int
	From, To     *int // year range, inclusive
	Status       []string
	Verification string
	Provenance   string
	Latest       bool       // only the most recent period per city and indicator
	UpdatedSince *SyncPoint // only observations changed from this point on
	AsOf         *time.Time // the vintage: the observations as the API showed them at this time
	Limit        int        // 0 for no limit (exports)
	AfterID      int64      // keyset of id-ordered lists
	AfterLatest  *LatestKey // keyset of latest lists, which are ordered by city and indicator
}

// Revision is a previous state of an observation, kept when a change replaced it.
type Revision struct {
	Version     int          `json:"version" doc:"The version this state had." minimum:"1" maximum:"2147483647"`
	ReplacedAt  time.Time    `json:"replaced_at"`
	ReplacedBy  string       `json:"replaced_by" doc:"The role of the token that changed it (editor or secretariat); token names are not public." example:"editor" maxLength:"300"`
	Change      string       `json:"change" enum:"update,delete"`
	Observation *Observation `json:"observation" doc:"The observation as it was."`
}

// RevisionFilter selects one page of an observation's revisions, newest first.
type RevisionFilter struct {
	Observation int64 // the observation's id
	Limit       int
	BeforeID    int64 // keyset: revisions from audit entries with a smaller id; 0 for the first page
}

// NewRevision builds a revision from an audit entry's before-image and the role that replaced it.
func NewRevision(at time.Time, role, action string, before []byte) (Revision, error) {
	var o Observation
	if err := json.Unmarshal(before, &o); err != nil {
		return Revision{}, err
	}
	return Revision{Version: o.Version, ReplacedAt: at, ReplacedBy: role, Change: action, Observation: &o}, nil
}
