package releasefile

import (
	"encoding/json"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// parquetWriter writes the Parquet file (see the package documentation). Its rows go to the
// Parquet writer in batches, which cuts a row group every parquetRowGroup rows, so that
// memory stays bounded however many rows there are. SNAPPY and version 1 data pages are what
// every Parquet reader reads; ZSTD made files a tenth smaller, but its encoder's state
// tripled the heap a write holds, to about 45 MiB.
type parquetWriter struct {
	w     *parquet.Writer
	cols  []domain.Column
	batch []parquet.Row // rows not yet handed to w
}

// parquetRowGroup is how many rows a row group holds at most. Tests lower it.
var parquetRowGroup = 64 << 10

// parquetBatch is how many rows are handed to the Parquet writer at once.
const parquetBatch = 256

// anySuffixes name the three columns of an any column, in the order of their leaves.
var anySuffixes = [3]string{"_number", "_boolean", "_text"}

func newParquetWriter(w io.Writer, cols []domain.Column) (*parquetWriter, error) {
	schema, err := parquetSchema(cols)
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(cols)
	if err != nil {
		return nil, err
	}
	pw := parquet.NewWriter(w, schema,
		parquet.Compression(&parquet.Snappy),
		parquet.DataPageVersion(1),
		parquet.MaxRowsPerRowGroup(int64(parquetRowGroup)),
		parquet.KeyValueMetadata("columns", string(meta)))
	return &parquetWriter{w: pw, cols: cols, batch: make([]parquet.Row, 0, parquetBatch)}, nil
}

func (p *parquetWriter) row(values []any) error {
	n := len(p.batch)
	p.batch = p.batch[:n+1]
	r := p.batch[n][:0]
	leaf := 0
	for i, v := range values {
		c := p.cols[i]
		if c.Type == domain.ColumnAny {
			for k := range anySuffixes {
				value := parquet.NullValue().Level(0, 0, leaf+k)
				if v != nil && anyLeaf(v) == k {
					value = parquetValue(v).Level(0, 1, leaf+k)
				}
				r = append(r, value)
			}
			leaf += len(anySuffixes)
			continue
		}
		switch {
		case v == nil:
			r = append(r, parquet.NullValue().Level(0, 0, leaf))
		case c.Required:
			r = append(r, parquetValue(v).Level(0, 0, leaf))
		default:
			r = append(r, parquetValue(v).Level(0, 1, leaf))
		}
		leaf++
	}
	p.batch[n] = r
	if len(p.batch) == cap(p.batch) {
		return p.flush()
	}
	return nil
}

// anyLeaf is which of an any column's three leaves holds v: 0 a number, 1 a boolean, 2 a text.
func anyLeaf(v any) int {
	switch v.(type) {
	case float64:
		return 0
	case bool:
		return 1
	}
	return 2
}

// parquetValue is a checked value as Parquet holds it.
func parquetValue(v any) parquet.Value {
	switch x := v.(type) {
	case string:
		return parquet.ValueOf(v) // without copying the text, which cannot change
	case int64:
		return parquet.Int64Value(x)
	case float64:
		return parquet.DoubleValue(x)
	case bool:
		return parquet.BooleanValue(x)
	case time.Time:
		return parquet.Int64Value(x.UnixMicro())
	}
	return parquet.NullValue()
}

// flush hands the batch to the Parquet writer, which copies the values.
func (p *parquetWriter) flush() error {
	if _, err := p.w.WriteRows(p.batch); err != nil {
		return err
	}
	p.batch = p.batch[:0]
	return nil
}

func (p *parquetWriter) finish() error {
	if err := p.flush(); err != nil {
		return err
	}
	return p.w.Close()
}
