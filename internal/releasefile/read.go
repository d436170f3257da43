package releasefile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Read reads a file that Write wrote in format, of size bytes, with the columns cols, and
// returns its rows with values typed as Write takes them. It holds the whole file's rows in
// memory: it is meant for tests (the golden round trips), not for big files. A header that
// does not name cols in order is an error.
//
// What a format cannot tell apart comes back as Write's documentation says: from CSV, an
// empty text is null (or "" in a required string or any column), and a text of an any
// column that reads as a number or a boolean is one.
func Read(format string, r io.ReaderAt, size int64, cols []domain.Column) ([][]any, error) {
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
	in := io.NewSectionReader(r, 0, size)
	switch format {
	case "csv":
		return readCSV(in, cols)
	case "ndjson":
		return readNDJSON(in, cols)
	case "json":
		return readJSON(in, cols)
	case "xlsx":
		return readXLSX(in, cols)
	case "parquet":
		return readParquet(r, size, cols)
	}
	return nil, fmt.Errorf("releasefile: unknown format %q", format)
}

// columnNames are the names of cols, in order.
func columnNames(cols []domain.Column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

func readCSV(r io.Reader, cols []domain.Column) ([][]any, error) {
	cr := csvReader{r: bufio.NewReader(r)}
	header, err := cr.read()
	if err != nil {
		return nil, fmt.Errorf("releasefile: CSV header: %w", err)
	}
	if !slices.Equal(header, columnNames(cols)) {
		return nil, fmt.Errorf("releasefile: CSV header %q is not the columns %q", header, columnNames(cols))
	}
	var rows [][]any
	for {
		record, err := cr.read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("releasefile: CSV row %d: %w", len(rows)+1, err)
		}
		if len(record) != len(cols) {
			return nil, fmt.Errorf("releasefile: CSV row %d has %d cells for %d columns", len(rows)+1, len(record), len(cols))
		}
		row := make([]any, len(cols))
		for i, cell := range record {
			if row[i], err = parseCSVCell(cols[i], cell); err != nil {
				return nil, fmt.Errorf("releasefile: CSV row %d, column %s: %w", len(rows)+1, cols[i].Name, err)
			}
		}
		rows = append(rows, row)
	}
}

// csvNumber is the form in which the CSV writes numbers.
var csvNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// parseCSVCell reads a CSV cell back into the value that the writer wrote it from; texts are
// restored as the CSV import restores them (domain.RestoreCSVCell).
func parseCSVCell(col domain.Column, cell string) (any, error) {
	if cell == "" {
		if col.Required && (col.Type == domain.ColumnString || col.Type == domain.ColumnAny) {
			return "", nil
		}
		return nil, nil
	}
	switch col.Type {
	case domain.ColumnString:
		return domain.RestoreCSVCell(cell), nil
	case domain.ColumnInteger:
		return strconv.ParseInt(cell, 10, 64)
	case domain.ColumnNumber:
		return strconv.ParseFloat(cell, 64)
	case domain.ColumnBoolean:
		return strconv.ParseBool(cell)
	case domain.ColumnDateTime:
		return parseTime(cell)
	}
	switch { // any
	case cell == "true" || cell == "false":
		return cell == "true", nil
	case csvNumber.MatchString(cell):
		return strconv.ParseFloat(cell, 64)
	}
	return domain.RestoreCSVCell(cell), nil
}

// parseTime reads a time as the writers write it: RFC 3339 in UTC.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil && t.Location() != time.UTC {
		return t, fmt.Errorf("%s is not in UTC", s)
	}
	return t, err
}

func readNDJSON(r io.Reader, cols []domain.Column) ([][]any, error) {
	br := bufio.NewReader(r)
	var rows [][]any
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("releasefile: NDJSON line %d does not end in a line feed", len(rows)+1)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		row, err := readObject(dec, cols)
		if err != nil {
			return nil, fmt.Errorf("releasefile: NDJSON line %d: %w", len(rows)+1, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("releasefile: NDJSON line %d holds more than one object", len(rows)+1)
		}
		rows = append(rows, row)
	}
}

func readJSON(r io.Reader, cols []domain.Column) ([][]any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil, fmt.Errorf("releasefile: JSON is not an array (%v)", err)
	}
	rows := [][]any{}
	for dec.More() {
		row, err := readObject(dec, cols)
		if err != nil {
			return nil, fmt.Errorf("releasefile: JSON row %d: %w", len(rows)+1, err)
		}
		rows = append(rows, row)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim(']') {
		return nil, fmt.Errorf("releasefile: JSON array does not end (%v)", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("releasefile: JSON goes on after its array")
	}
	return rows, nil
}

// readObject reads a row's JSON object, whose keys must be the column names in order.
func readObject(dec *json.Decoder, cols []domain.Column) ([]any, error) {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not an object (%v)", err)
	}
	row := make([]any, len(cols))
	for i, col := range cols {
		key, err := dec.Token()
		if err != nil || key != col.Name {
			return nil, fmt.Errorf("key %v where %s was expected (%v)", key, col.Name, err)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if row[i], err = jsonValue(col, v); err != nil {
			return nil, fmt.Errorf("%s: %w", col.Name, err)
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, fmt.Errorf("more keys than columns (%v)", err)
	}
	return row, nil
}

// jsonValue types a decoded JSON value (numbers as json.Number) by its column.
func jsonValue(col domain.Column, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if col.Type == domain.ColumnBoolean || col.Type == domain.ColumnAny {
			return x, nil
		}
	case string:
		switch col.Type {
		case domain.ColumnString, domain.ColumnAny:
			return x, nil
		case domain.ColumnDateTime:
			return parseTime(x)
		}
	case json.Number:
		switch col.Type {
		case domain.ColumnInteger:
			return strconv.ParseInt(string(x), 10, 64)
		case domain.ColumnNumber, domain.ColumnAny:
			return strconv.ParseFloat(string(x), 64)
		}
	}
	return nil, fmt.Errorf("%T in a %s column", v, col.Type)
}
