package postgres

import (
	"bytes"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// goCSVCell is a free text's cell as encoding/csv writes it after domain.NeutraliseCSVCell: what
// appendCSVText must write.
func goCSVCell(t testing.TB, text string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write([]string{"x", domain.NeutraliseCSVCell(text)}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "x,"), "\n")
}

// csvTexts are texts that a CSV cell must get right: every character that unicode.IsSpace takes
// for a space in front, formula characters after quotes or not, quotes, commas, line breaks, \.,
// control characters and other unicode.
func csvTexts() []string {
	texts := []string{"", "plain", `say "hi"`, `"`, `""`, "a,b", ",", "line\nbreak", "crlf\r\nend", "\r", "\n", `\.`, `\.x`,
		`x\.`, "'", "''", "'plain", "=SUM(A1)", "'=x", "''+x", "+1", "-3.5", "@cmd", "\ttab", "\rcr", "'\t", "-,\"x\"",
		"=\"a\",b", "ünïcødé", "日本語", "emoji 🙂", "\u200bzero width", "\ufeffbom", "del\x7f", "\x01\x02\x1f", "v", "valencia",
		"a\u2028b", strings.Repeat("long ", 300)}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) {
			texts = append(texts, string(r)+"leading", "trailing"+string(r), string(r))
		}
	}
	return texts
}

// TestCSVTextIsEncodingCSVs: a free text's cell is encoding/csv's cell of the neutralised text,
// for every hostile text and for random ones.
func TestCSVTextIsEncodingCSVs(t *testing.T) {
	texts := csvTexts()
	rng := rand.New(rand.NewPCG(3, 5))
	alphabet := []rune("a '\"=+-@,\t\r\n\\.\u00a0\u3000é")
	for range 5000 {
		r := make([]rune, rng.IntN(6))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		texts = append(texts, string(r))
	}
	for _, text := range texts {
		if got, want := string(appendCSVText([]byte("x,"), []byte(text))), "x,"+goCSVCell(t, text); got != want {
			t.Errorf("%q is written %q, want %q", text, got, want)
		}
	}
}

// FuzzCSVText: any text's cell is encoding/csv's cell of the neutralised text.
func FuzzCSVText(f *testing.F) {
	for _, s := range csvTexts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := string(appendCSVText(nil, []byte(text))), goCSVCell(t, text); got != want {
			t.Fatalf("%q is written %q, want %q", text, got, want)
		}
	})
}

// TestCSVTimeIsRFC3339Nano: a time as PostgreSQL writes it (DateStyle ISO) is written as
// time.RFC3339Nano writes it in UTC: with and without fractions of a second, trailing zeros or
// not, in UTC (the session's zone) and in other zones, and in years that are not four digits.
func TestCSVTimeIsRFC3339Nano(t *testing.T) {
	for text, want := range map[string]string{
		"2026-11-30 21:30:01.416169+00": "2026-11-30T21:30:01.416169Z",
		"2026-11-30 21:30:01.41+00":     "2026-11-30T21:30:01.41Z",
		"2026-11-30 21:30:01.000001+00": "2026-11-30T21:30:01.000001Z",
		"2026-11-30 21:30:01.1+00":      "2026-11-30T21:30:01.1Z",
		"2026-11-30 21:30:01+00":        "2026-11-30T21:30:01Z",
		"2000-01-01 00:00:00+00":        "2000-01-01T00:00:00Z",
		"2026-11-30 23:30:01.5+02":      "2026-11-30T21:30:01.5Z",
		"2026-11-30 16:00:01-05:30":     "2026-11-30T21:30:01Z",
		"2026-12-01 03:00:00.25+05:30":  "2026-11-30T21:30:00.25Z",
		"0999-05-06 07:08:09+00":        "0999-05-06T07:08:09Z",
		"10000-01-01 00:00:00+00":       time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339Nano),
	} {
		got, err := appendCSVTime([]byte("x,"), []byte(text))
		if err != nil || string(got) != "x,"+want {
			t.Errorf("%s is written %q (%v), want %q", text, got, err, want)
		}
	}
	if _, err := appendCSVTime(nil, []byte("not a time")); err == nil {
		t.Error("a text that is no time is written")
	}
}

// TestCSVNumberIsFormatFloats: a number as PostgreSQL writes it (float8, shortest digits) is
// written as strconv.FormatFloat(v, 'f', -1, 64): with an exponent or without, tiny, huge,
// negative, zero and negative zero; infinities and NaN stay as they are.
func TestCSVNumberIsFormatFloats(t *testing.T) {
	for text, v := range map[string]float64{
		"0": 0, "-0": math.Copysign(0, -1), "7": 7, "-0.5": -0.5, "0.30000000000000004": 0.30000000000000004, "0.0001": 1e-4,
		"1e-05": 1e-5, "-1.2345678901234567e-05": -1.2345678901234567e-5, "9.87654321012345e-08": 9.87654321012345e-8,
		"1e-07": 1e-7, "5e-324": 5e-324, "999999999999999.9": 999999999999999.9, "1e+15": 1e15,
		"2.1664466833885768e+16": 2.1664466833885768e16, "1e+21": 1e21, "-1e+22": -1e22,
		"1.7976931348623157e+308": math.MaxFloat64,
	} {
		if got, want := string(appendNumber(nil, []byte(text))), strconv.FormatFloat(v, 'f', -1, 64); got != want {
			t.Errorf("%s is written %s, want %s", text, got, want)
		}
	}
	for _, text := range []string{"Infinity", "-Infinity", "NaN", ""} {
		if got := string(appendNumber(nil, []byte(text))); got != text {
			t.Errorf("%s is written %s", text, got)
		}
	}
}

// TestCSVLine: a row's line puts every cell in its column, with no edition, no quality, a
// boolean, a number, both, neither, and a text, and fails on a first column it cannot split.
func TestCSVLine(t *testing.T) {
	const times = "2026-11-30 21:30:01.416169+00,2026-11-30 21:30:02+00"
	const tail = "synthetic,numeric,self_reported,1,2026-11-30T21:30:01.416169Z,2026-11-30T21:30:02Z"
	for _, tc := range []struct{ plain, text, source, footnote, want string }{
		{"1,ind,city,1950,2012,A,D,synthetic,numeric,self_reported,1," + times + ",54.11", "", "", "",
			"1,ind,city,1950,2012,54.11,A,D,,," + tail},
		{"2,ind,city,1950,0,NR,,synthetic,numeric,self_reported,1," + times, "", "=src", "a,b",
			"2,ind,city,1950,,,NR,,'=src,\"a,b\"," + tail},
		{"3,ind,city,1950,0,A,,synthetic,boolean,self_reported,1," + times + ",t", "", "", "",
			"3,ind,city,1950,,true,A,,,,synthetic,boolean,self_reported,1,2026-11-30T21:30:01.416169Z,2026-11-30T21:30:02Z"},
		{"4,ind,city,1950,0,A,,synthetic,numeric,self_reported,1," + times + ",1e-05,f", "", "", "",
			"4,ind,city,1950,,false,A,,,," + tail},
		{"5,ind,city,1950,0,A,,synthetic,text,self_reported,1," + times, " x", "", "",
			"5,ind,city,1950,,\" x\",A,,,,synthetic,text,self_reported,1,2026-11-30T21:30:01.416169Z,2026-11-30T21:30:02Z"},
		{"6,ind,city,1950,0,A,,synthetic,numeric,self_reported,1," + times + ",1e+16", "", "", "",
			"6,ind,city,1950,,10000000000000000,A,,,," + tail},
	} {
		r := csvRow{plain: []byte(tc.plain), text: []byte(tc.text), source: []byte(tc.source), footnote: []byte(tc.footnote)}
		got, err := r.line()
		if err != nil || string(got) != tc.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tc.plain, got, err, tc.want)
		}
	}
	r := csvRow{plain: []byte("1,ind,city")}
	if _, err := r.line(); err == nil {
		t.Error("a line of three cells is written")
	}
}

// BenchmarkCSVLine writes the line of a row as the synthetic data has them.
func BenchmarkCSVLine(b *testing.B) {
	r := csvRow{plain: []byte("1234567,synthetic-indicator-07,synthetic-city-0421,1960,2019,A,D,synthetic,percentage," +
		"self_reported,1,2026-11-30 21:30:01.416169+00,2026-11-30 21:30:01.416169+00,54.11")}
	n := 0
	for b.Loop() {
		line, err := r.line()
		if err != nil {
			b.Fatal(err)
		}
		n += len(line)
	}
	if n == 0 || !bytes.Contains(r.buf, []byte(",54.11,")) {
		b.Fatalf("%s", r.buf)
	}
}
