package releasefile

import (
	"bufio"
	"strings"
	"testing"
)

// TestCSVReader checks the test reader on what other writers write: CRLF line ends, a
// quoted CRLF, a last line without its end.
func TestCSVReader(t *testing.T) {
	r := csvReader{r: bufioReader("a,b\r\n\"x\r\ny\",\"\"\"q\"\"\"\r\n,z")}
	for _, want := range [][]string{{"a", "b"}, {"x\r\ny", `"q"`}, {"", "z"}} {
		got, err := r.read()
		if err != nil || len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("read %q, %v; want %q", got, err, want)
		}
	}
	for _, bad := range []string{"\"open", "a\"b", "\"a\"b"} {
		if _, err := (&csvReader{r: bufioReader(bad)}).read(); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
