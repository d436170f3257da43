package catalog

import (
	"testing"
)

// TestSchemaOrgDataset checks, in the JSON, what dataset search engines read.
func TestSchemaOrgDataset(t *testing.T) {
	r := release1()
	doc := roundTrip(t, SchemaOrg(base, observations2019(), &r)).(map[string]any)
	for key, want := range map[string]any{
		"@context":            "https://schema.org",
		"@type":               "Dataset",
		"name":                "Smart Cities Study 2019: observations",
		"description":         observations2019().Description.EN,
		"url":                 datasetPage,
		"license":             "https://spdx.org/licenses/CC-BY-4.0",
		"temporalCoverage":    "2019/2020",
		"version":             "1",
		"dateModified":        "2020-03-02T09:00:04Z",
		"isAccessibleForFree": true,
	} {
		if doc[key] != want {
			t.Errorf("%s: %v, want %v", key, doc[key], want)
		}
	}
	for _, key := range []string{"creator", "publisher"} {
		org, _ := doc[key].(map[string]any)
		if org["@type"] != "Organization" || org["name"] != "UCLG Community of Practice on Digital Cities" {
			t.Errorf("%s: %v", key, doc[key])
		}
	}
	if place, _ := doc["spatialCoverage"].(map[string]any); place["name"] != "World" {
		t.Errorf("spatialCoverage %v", doc["spatialCoverage"])
	}
	distribution, _ := doc["distribution"].([]any)
	if len(distribution) != len(r.Files) {
		t.Fatalf("%d downloads for %d files", len(distribution), len(r.Files))
	}
	for i, d := range distribution {
		dl, _ := d.(map[string]any)
		f := r.Files[i]
		if dl["@type"] != "DataDownload" || dl["contentUrl"] != datasetPage+"/releases/1/files/"+f.Name || dl["encodingFormat"] == "" {
			t.Errorf("%s: %v", f.Name, dl)
		}
	}
	if csv, _ := distribution[0].(map[string]any); csv["encodingFormat"] != "text/csv" || csv["contentSize"] != "183220 B" {
		t.Errorf("CSV download %v", csv)
	}
}

// TestSchemaOrgBeforeTheFirstRelease checks a dataset with no release and an open coverage.
func TestSchemaOrgBeforeTheFirstRelease(t *testing.T) {
	e := unreleased()
	s := SchemaOrg(base, e.Dataset, nil)
	if s.Distribution != nil || s.Version != "" {
		t.Errorf("distribution %v, version %q, want none", s.Distribution, s.Version)
	}
	if s.TemporalCoverage != "2021/.." {
		t.Errorf("temporalCoverage %q, want 2021/..", s.TemporalCoverage)
	}
	if s.DateModified != "2020-03-02T08:40:00Z" {
		t.Errorf("dateModified %q, want when the description changed", s.DateModified)
	}
}

// TestTemporalCoverage checks the intervals of every kind of coverage.
func TestTemporalCoverage(t *testing.T) {
	for _, c := range []struct {
		start, end *int
		want       string
	}{
		{intp(2019), intp(2020), "2019/2020"},
		{intp(2019), nil, "2019/.."},
		{nil, intp(2020), "../2020"},
		{nil, nil, ""},
	} {
		if got := temporalCoverage(c.start, c.end); got != c.want {
			t.Errorf("temporalCoverage = %q, want %q", got, c.want)
		}
	}
}
