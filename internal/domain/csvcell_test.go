package domain_test

import (
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestCSVCells: formula-like texts are written with a ' in front, texts that only look
// neutralised get one more, and every cell reads back as the text it was written from.
func TestCSVCells(t *testing.T) {
	for text, cell := range map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-x": "'-x", "-3.5": "'-3.5", "@cmd": "'@cmd",
		"\tTAB": "'\tTAB", "\rCR": "'\rCR", "'=already quoted": "''=already quoted", "''+x": "'''+x",
		"'plain": "'plain", "''": "''", "'": "'", "": "", "plain": "plain", "a=b": "a=b", " =x": " =x", "ñ-": "ñ-",
	} {
		if got := domain.NeutraliseCSVCell(text); got != cell {
			t.Errorf("%q is written %q, want %q", text, got, cell)
		}
		if got := domain.RestoreCSVCell(cell); got != text {
			t.Errorf("%q is read back as %q, want %q", cell, got, text)
		}
	}
	// A hand-written file may neutralise a formula as a spreadsheet does.
	if got := domain.RestoreCSVCell("'=SUM(A1)"); got != "=SUM(A1)" {
		t.Errorf("'=SUM(A1) is read as %q", got)
	}
}

// FuzzCSVCell: no written cell begins a formula, and every text reads back as it was.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "''-", "'", "", "plain", "\t", "\r\n", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cell := domain.NeutraliseCSVCell(text)
		if domain.FormulaLike([]byte(text)) != (cell != text) {
			t.Fatalf("FormulaLike(%q) is %v, but the text is written %q", text, domain.FormulaLike([]byte(text)), cell)
		}
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Fatalf("%q is written %q, a formula", text, cell)
		}
		if back := domain.RestoreCSVCell(cell); back != text {
			t.Fatalf("%q is written %q and read back as %q", text, cell, back)
		}
	})
}
