package catalog

import (
	"slices"
	"testing"
)

// TestProjectOpenDataIsValid validates the catalog against the Project Open Data v1.1 schema
// for non-federal catalogs, which validates each dataset with its dataset schema.
func TestProjectOpenDataIsValid(t *testing.T) {
	c := ProjectOpenData(base, []Entry{entry1(), unreleased()})
	if err := compileSchema(t, podCatalog).Validate(roundTrip(t, c)); err != nil {
		t.Error(err)
	}
}

// TestProjectOpenDataSchemaRejectsBrokenDatasets shows that the validation can fail.
func TestProjectOpenDataSchemaRejectsBrokenDatasets(t *testing.T) {
	sch := compileSchema(t, podDatasetSchema)
	for name, breakIt := range map[string]func(d *PODDataset){
		"periodicity in words": func(d *PODDataset) { d.AccrualPeriodicity = "every two years" },
		"temporal with a dash": func(d *PODDataset) { d.Temporal = "2019-2020" },
		"no access level":      func(d *PODDataset) { d.AccessLevel = "open" },
		"email without mailto": func(d *PODDataset) { d.ContactPoint.HasEmail = "info@uclg.org" },
		"media type with a charset": func(d *PODDataset) {
			d.Distribution[0].MediaType = "text/csv; charset=utf-8"
		},
		"modified in words": func(d *PODDataset) { d.Modified = "March 2020" },
	} {
		d := podDataset(base, entry1())
		breakIt(&d)
		if err := sch.Validate(roundTrip(t, d)); err == nil {
			t.Errorf("%s: the schema accepted the dataset", name)
		}
	}
}

// TestProjectOpenDataDescribesTheDatasets checks the fields the schema cannot judge.
func TestProjectOpenDataDescribesTheDatasets(t *testing.T) {
	c := ProjectOpenData(base, []Entry{entry1(), unreleased()})
	if c.ConformsTo != "https://project-open-data.cio.gov/v1.1/schema" || len(c.Dataset) != 2 {
		t.Fatalf("conformsTo %q, %d datasets", c.ConformsTo, len(c.Dataset))
	}
	d := c.Dataset[0]
	if d.Title != "Smart Cities Study 2019: observations" || d.Description != observations2019().Description.EN {
		t.Errorf("title %q, description %q: want the English texts", d.Title, d.Description)
	}
	if d.Identifier != datasetPage || d.License != "https://spdx.org/licenses/CC-BY-4.0" || d.AccessLevel != "public" {
		t.Errorf("identifier %q, license %q, access level %q", d.Identifier, d.License, d.AccessLevel)
	}
	if d.Temporal != "2019/2020" || d.AccrualPeriodicity != "R/P2Y" || d.Modified != "2020-03-02T09:00:04Z" {
		t.Errorf("temporal %q, periodicity %q, modified %q", d.Temporal, d.AccrualPeriodicity, d.Modified)
	}
	if d.ContactPoint.HasEmail != "mailto:info@uclg.org" || d.Publisher.Name != "UCLG Community of Practice on Digital Cities" {
		t.Errorf("contact %+v, publisher %+v", d.ContactPoint, d.Publisher)
	}
	if want := []string{"Government and public sector", "Science and technology"}; !slices.Equal(d.Theme, want) {
		t.Errorf("themes %q, want %q", d.Theme, want)
	}
	if len(d.Distribution) != 5 {
		t.Fatalf("%d distributions, want 5", len(d.Distribution))
	}
	csv := d.Distribution[0]
	if csv.DownloadURL != datasetPage+"/releases/1/files/observations.csv" || csv.MediaType != "text/csv" ||
		csv.Format != "CSV" || csv.DescribedBy != datasetPage+"/releases/1/csv-metadata.json" {
		t.Errorf("CSV distribution %+v", csv)
	}
	if xlsx := d.Distribution[3]; xlsx.DescribedBy != datasetPage+"/releases/1/datapackage.json" {
		t.Errorf("XLSX described by %q, want the data package", xlsx.DescribedBy)
	}

	// Before its first release a dataset has no files, and its open coverage no temporal.
	u := c.Dataset[1]
	if u.Distribution != nil || u.DescribedBy != "" || u.Temporal != "" || u.AccrualPeriodicity != "irregular" {
		t.Errorf("unreleased dataset %+v", u)
	}
	if !slices.Equal(u.Keyword, []string{"trend adoption"}) {
		t.Errorf("keywords %q: a dataset without keywords or themes is tagged with its content", u.Keyword)
	}
}

// TestPeriodicities checks every accrual periodicity the domain allows.
func TestPeriodicities(t *testing.T) {
	for p, want := range map[string]periodicity{
		"":          {euFrequency + "IRREG", "irregular"},
		"irregular": {euFrequency + "IRREG", "irregular"},
		"annual":    {euFrequency + "ANNUAL", "R/P1Y"},
		"biennial":  {euFrequency + "BIENNIAL", "R/P2Y"},
		"triennial": {euFrequency + "TRIENNIAL", "R/P3Y"},
		"quarterly": {euFrequency + "QUARTERLY", "R/P3M"},
		"monthly":   {euFrequency + "MONTHLY", "R/P1M"},
	} {
		d := observations2019()
		d.AccrualPeriodicity = p
		if got := periodicityOf(d); got != want {
			t.Errorf("%q: %+v, want %+v", p, got, want)
		}
	}
}
