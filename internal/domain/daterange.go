package domain

import (
	"strconv"
	"time"
)

// precisionRanks order precisions from the most precise (day) to the least (unknown).
var precisionRanks = map[string]int{"day": 0, "month": 1, "quarter": 2, "year": 3, "unknown": 4}

// PrecisionRank is 0 for a day, 1 for a month, 2 for a quarter, 3 for a year and 4 for an
// unknown date: among dates that could begin on the same day, the more precise sorts first.
func PrecisionRank(precision string) int {
	if r, ok := precisionRanks[precision]; ok {
		return r
	}
	return precisionRanks["unknown"]
}

// Days returns the first and the last day that a valid date could be: 2020 is 2020-01-01 ..
// 2020-12-31, 2020-Q2 is 2020-04-01 .. 2020-06-30, a day is itself. ok is false for an unknown
// date (which could be any day) and for a value that does not have its precision's form.
func (d DateWithPrecision) Days() (first, last time.Time, ok bool) {
	if d.Value == nil || d.Precision == "unknown" {
		return first, last, false
	}
	v := *d.Value
	switch d.Precision {
	case "day":
		t, err := time.Parse(time.DateOnly, v)
		return t, t, err == nil
	case "month":
		t, err := time.Parse("2006-01", v)
		return t, t.AddDate(0, 1, -1), err == nil
	case "quarter":
		if len(v) != 7 {
			return first, last, false
		}
		y, err1 := strconv.Atoi(v[:4])
		q, err2 := strconv.Atoi(v[6:])
		if err1 != nil || err2 != nil || q < 1 || q > 4 {
			return first, last, false
		}
		t := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		return t, t.AddDate(0, 3, -1), true
	case "year":
		t, err := time.Parse("2006", v)
		return t, t.AddDate(1, 0, -1), err == nil
	}
	return first, last, false
}
