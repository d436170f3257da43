package domain

import (
	"testing"
	"time"
)

func TestDateDays(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		d           DateWithPrecision
		first, last string
	}{
		{DateWithPrecision{Value: s("2019-11-11"), Precision: "day"}, "2019-11-11", "2019-11-11"},
		{DateWithPrecision{Value: s("2020-02"), Precision: "month"}, "2020-02-01", "2020-02-29"},
		{DateWithPrecision{Value: s("2021-02"), Precision: "month"}, "2021-02-01", "2021-02-28"},
		{DateWithPrecision{Value: s("2020-Q1"), Precision: "quarter"}, "2020-01-01", "2020-03-31"},
		{DateWithPrecision{Value: s("2020-Q4"), Precision: "quarter"}, "2020-10-01", "2020-12-31"},
		{DateWithPrecision{Value: s("2020"), Precision: "year"}, "2020-01-01", "2020-12-31"},
		{DateWithPrecision{Precision: "unknown"}, "", ""},
		{DateWithPrecision{Value: s("2020-Q5"), Precision: "quarter"}, "", ""},
	} {
		first, last, ok := c.d.Days()
		got := [2]string{}
		if ok {
			got = [2]string{first.Format(time.DateOnly), last.Format(time.DateOnly)}
		}
		if got != [2]string{c.first, c.last} {
			t.Errorf("%+v: %v, want %s .. %s", c.d, got, c.first, c.last)
		}
	}
	if PrecisionRank("day") >= PrecisionRank("month") || PrecisionRank("year") >= PrecisionRank("unknown") {
		t.Error("a more precise date must rank first")
	}
}
