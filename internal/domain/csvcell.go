package domain

import "strings"

// CSV injection (OWASP): a spreadsheet takes a cell that begins with =, +, -, @, a tab or a
// carriage return for a formula. CSV exports write every free-text cell (source, footnote, and
// the value of ordinal and text indicators; numbers are not texts and stay as they are, -3.5
// included) through NeutraliseCSVCell, and imports read those cells through RestoreCSVCell.
// The rule, both ways:
//
//   - export: a text that begins with one of the six characters, or with single quotes (')
//     followed by one of them, is written with one more ' in front;
//   - import: a cell that begins with one or more ' followed by one of the six loses one '.
//
// So "=SUM(A1)" is written '=SUM(A1), "'=x" is written ''=x, and "'plain" stays 'plain; every
// text comes back from an export exactly as it was.

// formulaStarts are the characters with which a cell becomes a spreadsheet formula.
const formulaStarts = "=+-@\t\r"

// NeutraliseCSVCell returns a text as a CSV export writes it: with a ' in front when it begins
// with a formula character, possibly after single quotes.
func NeutraliseCSVCell(s string) string {
	if FormulaLike(s) {
		return "'" + s
	}
	return s
}

// RestoreCSVCell returns the text that NeutraliseCSVCell wrote as cell: without one leading '
// when single quotes precede a formula character.
func RestoreCSVCell(cell string) string {
	if strings.HasPrefix(cell, "'") && FormulaLike(cell) {
		return cell[1:]
	}
	return cell
}

// FormulaLike reports whether s begins with a formula character, possibly after single quotes:
// whether NeutraliseCSVCell writes it with a ' in front. It takes bytes too, so that an export
// that writes its cells from the database's bytes need not make a string of each.
func FormulaLike[T ~string | ~[]byte](s T) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && strings.IndexByte(formulaStarts, s[i]) >= 0
}
