package catalog

import (
	"fmt"
	"slices"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestCSVWStructure checks what a CSVW processor requires of the metadata, read back from its
// JSON: the CSV's URL, and a table schema whose columns each have a name, titles and a
// datatype, in the order of the CSV's columns.
func TestCSVWStructure(t *testing.T) {
	cols := observationColumns()
	doc := roundTrip(t, CSVW(base, observations2019(), release1(), cols, "en")).(map[string]any)
	if context, _ := doc["@context"].([]any); len(context) != 2 || context[0] != "http://www.w3.org/ns/csvw" ||
		fmt.Sprint(context[1]) != "map[@language:en]" {
		t.Errorf("@context %v, want CSVW's with English as the default language", doc["@context"])
	}
	if doc["url"] != datasetPage+"/releases/1/files/observations.csv" {
		t.Errorf("url %v, want the release's CSV", doc["url"])
	}
	if titles, _ := doc["dc:title"].([]any); len(titles) != 3 ||
		fmt.Sprint(titles[0]) != "map[@language:en @value:Smart Cities Study 2019: observations]" {
		t.Errorf("dc:title %v, want the title in each language, English first", doc["dc:title"])
	}
	if doc["dc:language"] != "en" {
		t.Errorf("dc:language %v", doc["dc:language"])
	}
	if license, _ := doc["dc:license"].(map[string]any); license["@id"] != "https://spdx.org/licenses/CC-BY-4.0" {
		t.Errorf("dc:license %v", doc["dc:license"])
	}
	if modified, _ := doc["dc:modified"].(map[string]any); modified["@value"] != "2020-03-02T09:00:04Z" || modified["@type"] != "xsd:dateTime" {
		t.Errorf("dc:modified %v, want the release's time as an xsd:dateTime", doc["dc:modified"])
	}
	if dialect, _ := doc["dialect"].(map[string]any); dialect["header"] != true {
		t.Errorf("dialect %v, want a header row", doc["dialect"])
	}
	schema, _ := doc["tableSchema"].(map[string]any)
	columns, _ := schema["columns"].([]any)
	var names []string
	for _, c := range columns {
		col, _ := c.(map[string]any)
		name, _ := col["name"].(string)
		titles, _ := col["titles"].([]any)
		if name == "" || len(titles) == 0 || titles[0] != name || col["datatype"] == nil {
			t.Errorf("column %v: want a name, titles beginning with the header and a datatype", col)
		}
		names = append(names, name)
	}
	var want []string
	for _, c := range cols {
		want = append(want, c.Name)
	}
	if !slices.Equal(names, want) {
		t.Errorf("columns %v, want %v", names, want)
	}
}

// TestCSVWDatatypes checks the datatype of every column type, and the note on an Any column.
func TestCSVWDatatypes(t *testing.T) {
	cols := []domain.Column{
		{Name: "city", Title: "City", Type: domain.ColumnString, Required: true},
		{Name: "population", Type: domain.ColumnInteger},
		{Name: "score", Type: domain.ColumnNumber},
		{Name: "metropolis", Type: domain.ColumnBoolean},
		{Name: "updated_at", Type: domain.ColumnDateTime},
		{Name: "value", Type: domain.ColumnAny},
	}
	table := CSVW(base, observations2019(), release1(), cols, "en")
	var types []string
	for _, c := range table.TableSchema.Columns {
		types = append(types, c.Datatype)
	}
	if want := []string{"string", "integer", "double", "boolean", "dateTime", "string"}; !slices.Equal(types, want) {
		t.Errorf("datatypes %v, want %v", types, want)
	}
	columns := table.TableSchema.Columns
	if !columns[0].Required || columns[1].Required {
		t.Errorf("required: city %v, population %v", columns[0].Required, columns[1].Required)
	}
	if !slices.Equal(columns[0].Titles, []string{"city", "City"}) || !slices.Equal(columns[1].Titles, []string{"population"}) {
		t.Errorf("titles %q and %q", columns[0].Titles, columns[1].Titles)
	}
	if columns[5].Comment == "" || columns[0].Comment != "" {
		t.Errorf("comments %q and %q: only the Any column needs one", columns[5].Comment, columns[0].Comment)
	}
}

// TestCSVWURL checks the metadata's URL, the one the release CSV's Link header names.
func TestCSVWURL(t *testing.T) {
	want := datasetPage + "/releases/1/csv-metadata.json"
	if got := CSVWURL(base, "smart-governance-2019", release1().Number, "en"); got != want {
		t.Errorf("CSVWURL = %q, want %q", got, want)
	}
}
