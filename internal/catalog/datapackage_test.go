package catalog

import (
	"slices"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestDataPackageIsValid validates the data package against the published profiles of Data
// Package 1.0 and 2.0, and its Table Schema against the Table Schema 1.0 profile.
func TestDataPackageIsValid(t *testing.T) {
	p := DataPackage(base, observations2019(), release1(), observationColumns())
	for _, profile := range []string{frictionlessPackageV1, frictionlessPackageV2} {
		if err := compileSchema(t, profile).Validate(roundTrip(t, p)); err != nil {
			t.Errorf("%s: %v", profile, err)
		}
	}
	tableSchema := compileSchema(t, frictionlessTableV1)
	for _, r := range p.Resources {
		if err := tableSchema.Validate(roundTrip(t, r.Schema)); err != nil {
			t.Errorf("%s's schema: %v", r.Name, err)
		}
	}
}

// TestDataPackageWithoutColumns checks that a release whose columns are unknown still gets a
// valid package, its files described without a schema.
func TestDataPackageWithoutColumns(t *testing.T) {
	p := DataPackage(base, observations2019(), release1(), nil)
	if err := compileSchema(t, frictionlessPackageV1).Validate(roundTrip(t, p)); err != nil {
		t.Error(err)
	}
	for _, r := range p.Resources {
		if r.Schema != nil || r.Profile != "data-resource" {
			t.Errorf("%s: profile %q, schema %v", r.Name, r.Profile, r.Schema)
		}
	}
}

// TestDataPackageProfilesRejectBrokenPackages shows that the validation can fail: packages
// broken the way a mistake in DataPackage would break them are rejected.
func TestDataPackageProfilesRejectBrokenPackages(t *testing.T) {
	sch := compileSchema(t, frictionlessPackageV1)
	for name, breakIt := range map[string]func(p *Package){
		"uppercase name":      func(p *Package) { p.Name = "Smart-Governance-2019" },
		"hash not in hex":     func(p *Package) { p.Resources[0].Hash = "sha256:not-a-hash" },
		"relative path above": func(p *Package) { p.Resources[0].Path = "../observations.csv" },
		"no fields":           func(p *Package) { p.Resources[0].Schema.Fields = []Field{} },
		"unknown field type":  func(p *Package) { p.Resources[0].Schema.Fields[0].Type = "double" },
		"no resources":        func(p *Package) { p.Resources = nil },
	} {
		p := DataPackage(base, observations2019(), release1(), observationColumns())
		p.Resources[0].Schema = tableSchema(observationColumns()) // not shared with the other resources
		breakIt(&p)
		if err := sch.Validate(roundTrip(t, p)); err == nil {
			t.Errorf("%s: the profile accepted the package", name)
		}
	}
}

// TestDataPackageDescribesTheRelease checks what the package says of the release and its files.
func TestDataPackageDescribesTheRelease(t *testing.T) {
	r := release1()
	p := DataPackage(base, observations2019(), r, observationColumns())
	if p.Name != "smart-governance-2019" || p.ID != datasetPage+"/releases/1" || p.Version != "1.0.0" ||
		p.Created != "2020-03-02T09:00:04Z" || p.Homepage != datasetPage {
		t.Errorf("name %q, id %q, version %q, created %q, homepage %q", p.Name, p.ID, p.Version, p.Created, p.Homepage)
	}
	if p.Title != "Smart Cities Study 2019: observations" || p.Description != observations2019().Description.EN {
		t.Errorf("title %q, description %q: want the English texts", p.Title, p.Description)
	}
	wantLicense := License{Name: "CC-BY-4.0", Path: "https://spdx.org/licenses/CC-BY-4.0",
		Title: "Creative Commons Attribution 4.0 International"}
	if len(p.Licenses) != 1 || p.Licenses[0] != wantLicense {
		t.Errorf("licenses %+v", p.Licenses)
	}
	if len(p.Resources) != len(r.Files) {
		t.Fatalf("%d resources for %d files", len(p.Resources), len(r.Files))
	}
	for i, res := range p.Resources {
		f := r.Files[i]
		if want := datasetPage + "/releases/1/files/" + f.Name; res.Path != want {
			t.Errorf("%s: path %q, want %q", f.Name, res.Path, want)
		}
		if res.Hash != "sha256:"+f.SHA256 || res.Bytes != f.Bytes || res.Format != f.Format {
			t.Errorf("%s: hash %q, bytes %d, format %q", f.Name, res.Hash, res.Bytes, res.Format)
		}
		text := f.Format == "csv" || f.Format == "ndjson" || f.Format == "json"
		if (res.Encoding == "utf-8") != text {
			t.Errorf("%s: encoding %q", f.Name, res.Encoding)
		}
		tabular := res.Profile == "tabular-data-resource" && res.Dialect != nil
		if tabular != (f.Format == "csv") {
			t.Errorf("%s: profile %q, dialect %v: only the CSV is a tabular data resource of version 1", f.Name, res.Profile, res.Dialect)
		}
		if res.Schema == nil || len(res.Schema.Fields) != len(observationColumns()) {
			t.Errorf("%s: schema %+v", f.Name, res.Schema)
		}
	}
	if p.Resources[0].MediaType != "text/csv" {
		t.Errorf("CSV media type %q, want text/csv (the charset is the encoding)", p.Resources[0].MediaType)
	}
}

// TestTableSchemaFollowsTheColumns checks the fields' order, types and constraints.
func TestTableSchemaFollowsTheColumns(t *testing.T) {
	cols := []domain.Column{
		{Name: "city", Title: "City", Type: domain.ColumnString, Required: true},
		{Name: "population", Type: domain.ColumnInteger},
		{Name: "score", Type: domain.ColumnNumber},
		{Name: "metropolis", Type: domain.ColumnBoolean},
		{Name: "updated_at", Type: domain.ColumnDateTime},
		{Name: "value", Type: domain.ColumnAny},
		{Name: "stage", Type: domain.ColumnString, Enum: []string{"none", "pilot", "scaled"}},
	}
	s := tableSchema(cols)
	var names, types []string
	for _, f := range s.Fields {
		names, types = append(names, f.Name), append(types, f.Type)
	}
	if want := []string{"city", "population", "score", "metropolis", "updated_at", "value", "stage"}; !slices.Equal(names, want) {
		t.Errorf("fields %v, want %v", names, want)
	}
	if want := []string{"string", "integer", "number", "boolean", "datetime", "any", "string"}; !slices.Equal(types, want) {
		t.Errorf("types %v, want %v", types, want)
	}
	if c := s.Fields[0].Constraints; c == nil || !c.Required {
		t.Errorf("city's constraints %+v, want required", c)
	}
	if c := s.Fields[1].Constraints; c != nil {
		t.Errorf("population's constraints %+v, want none", c)
	}
	if c := s.Fields[6].Constraints; c == nil || c.Required || !slices.Equal(c.Enum, cols[6].Enum) {
		t.Errorf("stage's constraints %+v, want the enum, not required", c)
	}
	if !slices.Equal(s.MissingValues, []string{""}) {
		t.Errorf("missing values %q", s.MissingValues)
	}
}

// TestFrictionlessName checks that any slug becomes a valid package name.
func TestFrictionlessName(t *testing.T) {
	for in, want := range map[string]string{
		"smart-governance-2019": "smart-governance-2019",
		"Cities 2023":           "cities-2023",
		"observations.csv":      "observations.csv",
	} {
		if got := frictionlessName(in); got != want {
			t.Errorf("frictionlessName(%q) = %q, want %q", in, got, want)
		}
	}
}
