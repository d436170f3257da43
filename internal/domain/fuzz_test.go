package domain_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// FuzzDecodeCursor: any string is either refused with EINVALID at query.cursor or decodes into
// a cursor of the asked sort that encodes back to an equivalent cursor. It never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(domain.Cursor{Sort: "slug", Value: "bilbao", ID: "bilbao"}.Encode(), "slug")
	f.Add(domain.Cursor{Sort: "-population", Value: "-1", ID: "x"}.Encode(), "-population")
	f.Add("", "slug")
	f.Add("not a cursor", "name")
	f.Fuzz(func(t *testing.T, s, sort string) {
		c, err := domain.DecodeCursor(s, sort)
		if err != nil {
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("%q: error %v is not EINVALID", s, err)
			}
			return
		}
		if s == "" {
			if c != nil {
				t.Fatal("an empty cursor decoded to a position")
			}
			return
		}
		if c.Sort != sort || c.ID == "" {
			t.Fatalf("%q decoded to %+v for sort %q", s, c, sort)
		}
		again, err := domain.DecodeCursor(c.Encode(), sort)
		if err != nil || *again != *c {
			t.Fatalf("%+v does not round-trip: %+v %v", c, again, err)
		}
	})
}

// FuzzParseValue: a CSV cell is read with the JSON rules of its indicator's value type: numbers
// are finite JSON numbers, booleans are exactly true or false, texts are read as exports write
// them (RestoreCSVCell), and nothing panics.
func FuzzParseValue(f *testing.F) {
	for _, seed := range []string{"12.5", "-0", "1e308", "1e309", "NaN", "+1", "0x10", ".5", "true", "TRUE", "mid", "", "'=x", "'-3.5"} {
		for _, vt := range domain.ValueTypes {
			f.Add(seed, vt)
		}
	}
	f.Fuzz(func(t *testing.T, cell, valueType string) {
		v, err := domain.ParseValue(cell, valueType)
		if err != nil {
			return
		}
		switch x := v.(type) {
		case nil:
			if cell != "" {
				t.Fatalf("%q parsed to null", cell)
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%q parsed to %v", cell, x)
			}
			if n, err := strconv.ParseFloat(cell, 64); err != nil || n != x {
				t.Fatalf("%q parsed to %v", cell, x)
			}
		case bool:
			if cell != strconv.FormatBool(x) {
				t.Fatalf("%q parsed to %v", cell, x)
			}
		case string:
			want := cell
			if valueType == "ordinal" || valueType == "text" {
				want = domain.RestoreCSVCell(cell)
			}
			if x != want || valueType == "numeric" || valueType == "boolean" {
				t.Fatalf("%q (%s) parsed to string %q", cell, valueType, x)
			}
		}
	})
}
