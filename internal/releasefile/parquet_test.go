package releasefile

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestParquetSchema checks the file's schema, leaf by leaf in column order, and its
// metadata.
func TestParquetSchema(t *testing.T) {
	file := write(t, "parquet", goldenColumns, goldenRows(), Options{})
	f, err := parquet.OpenFile(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"required int64 id (INT(64,true))",
		"required binary city (STRING)",
		"optional binary name (STRING)",
		"optional int64 year (INT(64,true))",
		"optional double share",
		"optional boolean open",
		"optional double value_number",
		"optional boolean value_boolean",
		"optional binary value_text (STRING)",
		"required int64 updated_at (TIMESTAMP(isAdjustedToUTC=true,unit=MICROS))",
		"optional binary footnote (STRING)",
	}
	fields := f.Schema().Fields()
	if len(fields) != len(want) {
		t.Fatalf("schema %s", f.Schema())
	}
	for i, field := range fields {
		if got := leafText(field); got != want[i] {
			t.Errorf("leaf %d is %q, want %q", i, got, want[i])
		}
	}
	meta, ok := f.Lookup("columns")
	var cols []domain.Column
	if !ok || json.Unmarshal([]byte(meta), &cols) != nil || !reflect.DeepEqual(cols, goldenColumns) {
		t.Errorf("columns metadata %q", meta)
	}
	if rg := f.RowGroups(); len(rg) != 1 || rg[0].NumRows() != int64(len(goldenRows())) {
		t.Errorf("%d row groups", len(rg))
	}
}

// leafText writes a leaf as Parquet's schema notation does: repetition, physical type, name,
// logical type.
func leafText(f parquet.Field) string {
	repetition := "required"
	if f.Optional() {
		repetition = "optional"
	}
	s := repetition + " " + physicalName(f.Type().Kind()) + " " + f.Name()
	if lt := f.Type().LogicalType(); lt != nil {
		s += " (" + lt.String() + ")"
	}
	return s
}

func physicalName(k parquet.Kind) string {
	return map[parquet.Kind]string{parquet.Int64: "int64", parquet.ByteArray: "binary", parquet.Double: "double", parquet.Boolean: "boolean"}[k]
}

// TestParquetRowGroups checks that a long stream is cut into row groups of parquetRowGroup
// rows.
func TestParquetRowGroups(t *testing.T) {
	defer setParquetRowGroup(1000)()
	cols := []domain.Column{{Name: "n", Type: domain.ColumnInteger, Required: true}}
	var rows [][]any
	for i := range 2500 {
		rows = append(rows, []any{int64(i)})
	}
	file := write(t, "parquet", cols, rows, Options{})
	f, err := parquet.OpenFile(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, rg := range f.RowGroups() {
		sizes = append(sizes, rg.NumRows())
	}
	if !reflect.DeepEqual(sizes, []int64{1000, 1000, 500}) {
		t.Errorf("row groups of %v rows", sizes)
	}
	if back := read(t, "parquet", file, cols); len(back) != 2500 || back[2499][0] != int64(2499) {
		t.Errorf("read back %d rows", len(back))
	}
}
