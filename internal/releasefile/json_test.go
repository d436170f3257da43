package releasefile

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// TestJSONAsEncodingJSON checks that texts and numbers are written as encoding/json writes
// them (without HTML escaping), as the API's JSON exports do.
func TestJSONAsEncodingJSON(t *testing.T) {
	marshal := func(v any) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
	texts := append([]string{"", "\x00\x1f\x7f", "\u2028\u2029", "<&>", "é\t\n\r\"\\"}, goldenTexts...)
	for _, s := range texts {
		if got, want := string(appendJSONString(nil, s)), marshal(s); got != want {
			t.Errorf("%q: %s, encoding/json %s", s, got, want)
		}
	}
	numbers := []float64{0, negativeZero, 0.1, 1e20, 1e21, 1e-6, 1e-7, 123e-9, 5e-324, math.MaxFloat64, -1.5e300, 9007199254740993, 74.25}
	for _, f := range numbers {
		if got, want := string(appendJSONNumber(nil, f)), marshal(f); got != want {
			t.Errorf("%v: %s, encoding/json %s", f, got, want)
		}
	}
}
