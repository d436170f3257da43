package releasefile

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// readXLSX reads every sheet of a workbook with excelize, an independent reader: each sheet's
// first row must be the header, and the rows after it follow those of the sheet before. A
// cell's type says what its value is; a missing cell is null.
func readXLSX(r io.Reader, cols []domain.Column) ([][]any, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows := [][]any{}
	for _, sheet := range f.GetSheetList() {
		if rows, err = readSheet(f, sheet, cols, rows); err != nil {
			return nil, fmt.Errorf("releasefile: sheet %s: %w", sheet, err)
		}
	}
	return rows, nil
}

// readSheet appends a sheet's rows to rows.
func readSheet(f *excelize.File, sheet string, cols []domain.Column, rows [][]any) ([][]any, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		if n == 1 {
			if !slices.Equal(cells, columnNames(cols)) {
				return nil, fmt.Errorf("header %q is not the columns %q", cells, columnNames(cols))
			}
			continue
		}
		if len(cells) > len(cols) {
			return nil, fmt.Errorf("row %d has %d cells for %d columns", n, len(cells), len(cols))
		}
		row := make([]any, len(cols))
		for i, col := range cols {
			ref, err := excelize.CoordinatesToCellName(i+1, n)
			if err != nil {
				return nil, err
			}
			typ, err := f.GetCellType(sheet, ref)
			if err != nil {
				return nil, err
			}
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			if row[i], err = xlsxValue(col, typ, cell); err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
		}
		rows = append(rows, row)
	}
	return rows, it.Error()
}

// xlsxValue types a cell's raw value by its cell type and column.
func xlsxValue(col domain.Column, typ excelize.CellType, cell string) (any, error) {
	switch typ {
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		if cell == "" {
			return nil, nil // no cell
		}
		switch col.Type {
		case domain.ColumnInteger:
			return strconv.ParseInt(cell, 10, 64)
		case domain.ColumnNumber, domain.ColumnAny:
			return strconv.ParseFloat(cell, 64)
		}
	case excelize.CellTypeBool:
		if col.Type == domain.ColumnBoolean || col.Type == domain.ColumnAny {
			return strconv.ParseBool(cell)
		}
	case excelize.CellTypeInlineString:
		switch col.Type {
		case domain.ColumnString, domain.ColumnAny:
			return cell, nil
		case domain.ColumnDateTime:
			return parseTime(cell)
		}
	}
	return nil, fmt.Errorf("a cell of type %d in a %s column", typ, col.Type)
}
