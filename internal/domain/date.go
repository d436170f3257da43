package domain

import (
	"regexp"
	"slices"
	"strconv"
	"time"
)

// MinYear and MaxYear bound the years of every date the API stores (the dates of terms, events
// and schedules): wide enough for the history and the plans of cities, and narrow enough that
// every such date, and the spans derived from it, is a date PostgreSQL and iCalendar can write.
const (
	MinYear = 1900
	MaxYear = 2199
)

// DatePrecisions say how precisely a date is known: to the day, the month, the quarter, the
// year, or not at all yet (unknown: to be confirmed).
var DatePrecisions = []string{"day", "month", "quarter", "year", "unknown"}

// DateWithPrecision is a date known only as precisely as its source gives it. Value holds
// exactly what is known, written so that it cannot be read as more precise than that:
//
//	day      2019-11-11
//	month    2019-11
//	quarter  2019-Q4
//	year     2019      ("end of 2019" is the year 2019, never 2019-12 or 2019-12-31)
//	unknown  null      (a date to be confirmed)
//
// Study schedules use it, and so will the dates of collaboration events.
type DateWithPrecision struct {
	Value     *string `json:"value" maxLength:"10" pattern:"^[0-9]{4}(-Q[1-4]|-[0-9]{2}(-[0-9]{2})?)?$" example:"2019" doc:"What is known of the date, in the form its precision names: YYYY-MM-DD (day), YYYY-MM (month), YYYY-Qn (quarter), YYYY (year), of a year from 1900 to 2199; null when unknown."`
	Precision string  `json:"precision" enum:"day,month,quarter,year,unknown" example:"year" doc:"How precisely the date is known; unknown means to be confirmed."`
}

// datePatterns are the forms of a date's value, by precision.
var datePatterns = map[string]*regexp.Regexp{
	"day":     regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`),
	"month":   regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`),
	"quarter": regexp.MustCompile(`^[0-9]{4}-Q[1-4]$`),
	"year":    regexp.MustCompile(`^[0-9]{4}$`),
}

// Validate checks that the value has its precision's form (a day must exist in the calendar),
// that its year is from MinYear to MaxYear, and that an unknown date has no value. field names
// the date in an error.
func (d DateWithPrecision) Validate(field string) error {
	if !slices.Contains(DatePrecisions, d.Precision) {
		return Invalid(field+".precision", "unknown precision %q (day, month, quarter, year or unknown)", d.Precision)
	}
	if d.Precision == "unknown" {
		if d.Value != nil {
			return Invalid(field+".value", "must be null when the precision is unknown")
		}
		return nil
	}
	if d.Value == nil {
		return Invalid(field+".value", "is required with precision %s (use precision unknown for a date to be confirmed)", d.Precision)
	}
	v := *d.Value
	if !datePatterns[d.Precision].MatchString(v) {
		return Invalid(field+".value", "%q is not a date of precision %s", v, d.Precision)
	}
	if y, _ := strconv.Atoi(v[:4]); y < MinYear || y > MaxYear {
		return Invalid(field+".value", "%q is not of a year from %d to %d", v, MinYear, MaxYear)
	}
	if d.Precision == "day" {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return Invalid(field+".value", "%q is not a day of the calendar", v)
		}
	}
	return nil
}

// ParseDay reads a day (YYYY-MM-DD) of the calendar whose year is from MinYear to MaxYear.
// field names the day in an error.
func ParseDay(field, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, Invalid(field, "%q is not a day of the calendar (YYYY-MM-DD)", s)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return t, Invalid(field, "%q is not of a year from %d to %d", s, MinYear, MaxYear)
	}
	return t, nil
}
