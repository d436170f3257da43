package csvimport_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/csvimport"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

var secretariat = &domain.Actor{Name: "test", Role: domain.RoleSecretariat}

// rows reads every spooled row.
func rows(t *testing.T, s *csvimport.Spool) []domain.ImportRow {
	t.Helper()
	var out []domain.ImportRow
	for r, err := range s.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// empty fails the test when dir holds any file.
func empty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("%d files left in the spool directory, first %s", len(entries), entries[0].Name())
	}
}

// TestSpoolKeepsEveryField: what ParseImportRow read comes back from the spool unchanged, for
// rows with every optional field, with none, and with problems (their texts included).
func TestSpoolKeepsEveryField(t *testing.T) {
	file := "id,city,indicator,year,edition,value,status,quality,source,footnote,provenance,verification,version\n" +
		"7,alpha,num,2019,2019,-3.5,A,B,\"Census, 2019\",\"two\nlines — ñ\",sample,verified,3\n" +
		"8,beta,txt,2200,,,NR,,,,,,1\n" +
		"9,gamma,num,twenty,2019,1,A,,,,,,1\n" + // the year is not a number
		"10,delta,ord,2019,2019,mid,Z,,,,,,1\n" + // no such status
		"11,delta,ord,2019,2019,\xff,A,,,,,,1\n" // not UTF-8
	dir := t.TempDir()
	s, err := csvimport.Read(strings.NewReader(file), secretariat, dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	header := domain.ImportHeader{"city": 1, "indicator": 2, "year": 3, "edition": 4, "value": 5, "status": 6,
		"quality": 7, "source": 8, "footnote": 9, "provenance": 10, "verification": 11}
	recs := [][]string{
		{"7", "alpha", "num", "2019", "2019", "-3.5", "A", "B", "Census, 2019", "two\nlines — ñ", "sample", "verified", "3"},
		{"8", "beta", "txt", "2200", "", "", "NR", "", "", "", "", "", "1"},
		{"9", "gamma", "num", "twenty", "2019", "1", "A", "", "", "", "", "", "1"},
		{"10", "delta", "ord", "2019", "2019", "mid", "Z", "", "", "", "", "", "1"},
		{"11", "delta", "ord", "2019", "2019", "\xff", "A", "", "", "", "", "", "1"},
	}
	got := rows(t, s)
	if len(got) != len(recs) {
		t.Fatalf("%d rows spooled, want %d", len(got), len(recs))
	}
	for i, rec := range recs {
		want := domain.ParseImportRow(i+1, rec, header, secretariat)
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("row %d came back as\n%s\nwant\n%s", i+1, show(got[i]), show(want))
		}
	}
	if got[0].Problem != nil || got[2].Problem == nil || got[2].Problem.Field != "year" ||
		got[3].Problem == nil || got[3].Problem.Field != "status" || !got[4].Unreadable {
		t.Fatalf("problems: %s %s %s %s", show(got[0]), show(got[2]), show(got[3]), show(got[4]))
	}
	if again := rows(t, s); !reflect.DeepEqual(again, got) {
		t.Fatal("the rows differ when read a second time")
	}
	empty(t, dir) // unlinked while open
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	empty(t, dir)
}

// show prints a row with its pointers followed.
func show(r domain.ImportRow) string {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q", *p)
	}
	ed, pr := "<nil>", "<nil>"
	if r.Edition != nil {
		ed = fmt.Sprint(*r.Edition)
	}
	if r.Problem != nil {
		pr = fmt.Sprintf("%+v", *r.Problem)
	}
	return fmt.Sprintf("{%d %q %q %d %s %q %q q=%s s=%s f=%s p=%s v=%s problem=%s unreadable=%v}", r.Row, r.City, r.Indicator,
		r.Year, ed, r.Value, r.Status, s(r.Quality), s(r.Source), s(r.Footnote), s(r.Provenance), s(r.Verification), pr, r.Unreadable)
}

// TestSpoolIsSmallerThanTheFile: a valid row takes fewer bytes in the spool than in the CSV,
// and past the first MaxImportProblems problems no problem text is kept, so that a file of bad
// rows spools within its own size too (the listed texts are paid for by the rows after them).
func TestSpoolIsSmallerThanTheFile(t *testing.T) {
	for name, row := range map[string]string{
		"good": "a,b,1900,2000,1,A\n",
		"bad":  "a,b,x,,,A\n", // `"x" is not a year`
	} {
		t.Run(name, func(t *testing.T) {
			file := "city,indicator,year,edition,value,status\n" + strings.Repeat(row, 10*domain.MaxImportProblems)
			s, err := csvimport.Read(strings.NewReader(file), secretariat, t.TempDir(), int64(len(file)))
			if err != nil {
				t.Fatalf("a %d-byte file does not spool within its size: %v", len(file), err)
			}
			defer s.Close()
			n := 0
			for r, err := range s.Rows() {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if name == "bad" && (r.Problem == nil || (r.Problem.Problem == "") != (n > domain.MaxImportProblems)) {
					t.Fatalf("row %d: problem %+v", n, r.Problem)
				}
			}
			if n != 10*domain.MaxImportProblems {
				t.Fatalf("%d rows", n)
			}
		})
	}
}

// TestSpoolIsBoundedAndRemoved: a spool over its bound is refused with ETOOLARGE; whatever ends
// the reading (a malformed file, the bound, a failing or panicking body) leaves no file behind.
func TestSpoolIsBoundedAndRemoved(t *testing.T) {
	dir := t.TempDir()
	long := "city,indicator,year,value,status\n" + strings.Repeat("alpha,num,2019,5,A\n", 1000)
	if _, err := csvimport.Read(strings.NewReader(long), secretariat, dir, 1000); domain.ErrorCode(err) != domain.ETOOLARGE {
		t.Fatalf("a spool over its bound: %v", err)
	}
	empty(t, dir)
	if _, err := csvimport.Read(strings.NewReader("city,indicator,year,value,status\nalpha,num,2019,5\n"), secretariat, dir, 1<<20); domain.ErrorCode(err) != domain.EINVALID ||
		!strings.Contains(err.Error(), "line 2") {
		t.Fatalf("a malformed file: %v", err)
	}
	empty(t, dir)
	broken := io.MultiReader(strings.NewReader(long), failingReader{})
	if _, err := csvimport.Read(broken, secretariat, dir, 1<<20); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("a body that fails: %v", err)
	}
	empty(t, dir)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the body's panic was swallowed")
			}
		}()
		_, _ = csvimport.Read(io.MultiReader(strings.NewReader(long), panickingReader{}), secretariat, dir, 1<<20)
	}()
	empty(t, dir)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

type panickingReader struct{}

func (panickingReader) Read([]byte) (int, error) { panic("body reader panicked") }

// TestSpoolRefusesBadFiles: what makes a file unreadable as a whole is EINVALID before any
// spool exists.
func TestSpoolRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, file := range map[string]string{
		"empty":          "",
		"unknown column": "city,indicator,year,value,status,colour\n",
		"missing column": "city,indicator,year,value\n",
		"bare quote":     "city,indicator,year,value,status\nalpha,num,2019,5,A\nalpha,num,2018,5\"x,A\n",
	} {
		if _, err := csvimport.Read(strings.NewReader(file), secretariat, dir, 1<<20); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	empty(t, dir)
}
