package releasefile

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// checkValue checks v against col and returns it as the writers take it: a time in UTC, any
// other value as it is (v itself, so that it is not boxed again).
func checkValue(col domain.Column, v any) (any, error) {
	if v == nil {
		if col.Required {
			return nil, errors.New("null in a required column")
		}
		return nil, nil
	}
	ok := false
	var err error
	switch x := v.(type) {
	case string:
		ok = col.Type == domain.ColumnString || col.Type == domain.ColumnAny
		err = checkText(x)
	case int64:
		ok = col.Type == domain.ColumnInteger
	case float64:
		ok = col.Type == domain.ColumnNumber || col.Type == domain.ColumnAny
		err = checkNumber(x)
	case bool:
		ok = col.Type == domain.ColumnBoolean || col.Type == domain.ColumnAny
	case time.Time:
		ok = col.Type == domain.ColumnDateTime
		if err = checkTime(x); ok && err == nil && x.Location() != time.UTC {
			v = x.UTC()
		}
	}
	if !ok {
		return nil, fmt.Errorf("%T is not a value of a %s column", v, col.Type)
	}
	return v, err
}

// checkNumber refuses NaN and the infinities, which JSON cannot write.
func checkNumber(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%v is not a finite number", f)
	}
	return nil
}

// checkText refuses a text that is not valid UTF-8 or holds a character that XML 1.0 cannot
// (control characters but tab, line feed and carriage return; U+FFFE and U+FFFF). The API
// never stores such a text (domain.CheckText).
func checkText(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= utf8.RuneSelf {
			return checkRunes(s)
		}
	}
	return nil
}

func checkRunes(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("text is not valid UTF-8")
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return fmt.Errorf("text holds the character U+%04X", r)
		}
	}
	return nil
}

// checkTime refuses a time finer than a microsecond (Parquet's unit, and PostgreSQL's) and
// one outside the years 0 to 9999 (RFC 3339's) in UTC.
func checkTime(t time.Time) error {
	t = t.UTC()
	if t.Nanosecond()%1000 != 0 {
		return fmt.Errorf("%s is finer than a microsecond", t.Format(time.RFC3339Nano))
	}
	if t.Year() < 0 || t.Year() > 9999 {
		return fmt.Errorf("year %d is outside 0 to 9999", t.Year())
	}
	return nil
}

// appendNumber writes f as the API's CSV export does (strconv's shortest form that reads
// back as f, never with an exponent: internal/postgres appendNumber).
func appendNumber(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendTime writes t (in UTC) in RFC 3339 with as many fraction digits as it needs, as the
// API writes every time (csv_time in migration 00011, and JSON).
func appendTime(b []byte, t time.Time) []byte {
	return t.AppendFormat(b, time.RFC3339Nano)
}
