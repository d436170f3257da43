package releasefile

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// readParquet reads a Parquet file whose schema must be cols' (see parquetWriter), row group
// by row group, and gives each any column the value of the one of its three columns that is
// set.
func readParquet(r io.ReaderAt, size int64, cols []domain.Column) ([][]any, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, err
	}
	want, err := parquetSchema(cols)
	if err != nil {
		return nil, err
	}
	if !parquet.EqualNodes(f.Schema(), want) || !slices.EqualFunc(f.Schema().Fields(), want.Fields(),
		func(a, b parquet.Field) bool { return a.Name() == b.Name() }) {
		return nil, fmt.Errorf("releasefile: Parquet schema %s is not the columns' %s", f.Schema(), want)
	}
	rows := [][]any{}
	buf := make([]parquet.Row, 64)
	for _, rg := range f.RowGroups() {
		it := rg.Rows()
		for {
			n, err := it.ReadRows(buf)
			for _, values := range buf[:n] {
				row, err := parquetRow(cols, values)
				if err != nil {
					_ = it.Close()
					return nil, fmt.Errorf("releasefile: Parquet row %d: %w", len(rows)+1, err)
				}
				rows = append(rows, row)
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				_ = it.Close()
				return nil, err
			}
		}
		if err := it.Close(); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// parquetRow types a row's leaf values by the columns.
func parquetRow(cols []domain.Column, values parquet.Row) ([]any, error) {
	row := make([]any, len(cols))
	leaf := 0
	next := func() (parquet.Value, error) {
		if leaf >= len(values) || values[leaf].Column() != leaf {
			return parquet.Value{}, fmt.Errorf("no value for leaf column %d", leaf)
		}
		leaf++
		return values[leaf-1], nil
	}
	for i, col := range cols {
		if col.Type == domain.ColumnAny {
			for k := range anySuffixes {
				v, err := next()
				if err != nil {
					return nil, err
				}
				if v.IsNull() {
					continue
				}
				if row[i] != nil {
					return nil, fmt.Errorf("%s has two of its three columns set", col.Name)
				}
				switch k { // the order of anySuffixes
				case 0:
					row[i] = v.Double()
				case 1:
					row[i] = v.Boolean()
				default:
					row[i] = string(v.ByteArray())
				}
			}
			continue
		}
		v, err := next()
		if err != nil {
			return nil, err
		}
		if v.IsNull() {
			continue
		}
		switch col.Type {
		case domain.ColumnString:
			row[i] = string(v.ByteArray())
		case domain.ColumnInteger:
			row[i] = v.Int64()
		case domain.ColumnNumber:
			row[i] = v.Double()
		case domain.ColumnBoolean:
			row[i] = v.Boolean()
		case domain.ColumnDateTime:
			row[i] = time.UnixMicro(v.Int64()).UTC()
		}
	}
	if leaf != len(values) {
		return nil, fmt.Errorf("%d leaf values for %d leaf columns", len(values), leaf)
	}
	return row, nil
}
