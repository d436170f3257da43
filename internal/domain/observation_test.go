package domain

import (
	"math"
	"testing"
)

// TestNegativeZeroIsStoredAsZero: -0 is the same number as 0 and is stored as 0, so that every
// reading of it (current, vintage, change feed, exports) writes 0.
func TestNegativeZeroIsStoredAsZero(t *testing.T) {
	for _, vt := range []string{"numeric", "percentage", "count"} {
		v, err := TypedValue(math.Copysign(0, -1), &IndicatorFields{ValueType: vt}, "value")
		if err != nil || v.Number == nil || *v.Number != 0 || math.Signbit(*v.Number) {
			t.Fatalf("%s: -0 stored as %v, %v", vt, v.Number, err)
		}
	}
	v, err := TypedValue(-2.5, &IndicatorFields{ValueType: "numeric"}, "value")
	if err != nil || *v.Number != -2.5 {
		t.Fatalf("-2.5 stored as %v, %v", v.Number, err)
	}
}
