package domain

import (
	"strconv"
	"time"
)

// Span returns the first and the last day that a date covers (the year 2019: 1 January to
// 31 December 2019; the quarter 2019-Q4: 1 October to 31 December), and false for an unknown
// date or one that is not valid. The store computes the same span in SQL (date_first_day and
// date_last_day, migration 00006).
func (d DateWithPrecision) Span() (first, last time.Time, ok bool) {
	if d.Value == nil || d.Validate("date") != nil {
		return time.Time{}, time.Time{}, false
	}
	v := *d.Value
	year, _ := strconv.Atoi(v[:4])
	switch d.Precision {
	case "year":
		first = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(1, 0, -1), true
	case "quarter":
		q := int(v[6] - '0')
		first = time.Date(year, time.Month((q-1)*3+1), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 3, -1), true
	case "month":
		m, _ := strconv.Atoi(v[5:7])
		first = time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, -1), true
	default: // day
		first, _ = time.Parse(time.DateOnly, v)
		return first, first, true
	}
}

// UnknownDate is a date not known at all (precision unknown, no value).
func UnknownDate() DateWithPrecision { return DateWithPrecision{Precision: "unknown"} }
