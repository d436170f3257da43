package catalog

import (
	"fmt"
	"os"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The published schemas, vendored under testdata (see testdata/README.md), by the URLs they
// are published at.
const (
	frictionlessPackageV1 = "https://datapackage.org/profiles/1.0/datapackage.json"
	frictionlessTableV1   = "https://datapackage.org/profiles/1.0/tableschema.json"
	frictionlessPackageV2 = "https://datapackage.org/profiles/2.0/datapackage.json"
	podCatalog            = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
	podDatasetSchema      = "https://project-open-data.cio.gov/v1.1/schema/dataset-non-federal.json"
)

// vendoredSchemas maps each schema's URL to its file.
var vendoredSchemas = map[string]string{
	frictionlessPackageV1: "testdata/frictionless/1.0/datapackage.json",
	frictionlessTableV1:   "testdata/frictionless/1.0/tableschema.json",
	frictionlessPackageV2: "testdata/frictionless/2.0/datapackage.json",
	podCatalog:            "testdata/project-open-data/non-federal-v1.1/catalog.json",
	podDatasetSchema:      "testdata/project-open-data/non-federal-v1.1/dataset-non-federal.json",
	"https://project-open-data.cio.gov/v1.1/schema/distribution.json":      "testdata/project-open-data/non-federal-v1.1/distribution.json",
	"https://project-open-data.cio.gov/v1.1/schema/organization.json":      "testdata/project-open-data/non-federal-v1.1/organization.json",
	"https://project-open-data.cio.gov/v1.1/schema/vcard-non-federal.json": "testdata/project-open-data/non-federal-v1.1/vcard-non-federal.json",
}

// compileSchema compiles the vendored schema published at url, asserting formats. Every
// reference must resolve to a vendored file: loading anything else fails rather than going to
// the network.
func compileSchema(t *testing.T, url string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoading{})
	c.UseRegexpEngine(ecmaScriptRegexp)
	c.AssertFormat()
	for u, path := range vendoredSchemas {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := c.AddResource(u, doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", url, err)
	}
	return sch
}

// noLoading refuses to load any schema that is not vendored.
type noLoading struct{}

// Load fails: the tests use no network.
func (noLoading) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s is not vendored under testdata", url)
}

// ecmaScriptRegexp compiles a schema's pattern as the schemas' authors wrote it, for ECMA-262
// (JSON Schema's dialect): the patterns use look-aheads and back-references.
func ecmaScriptRegexp(pattern string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

// ecmaRegexp adapts a regexp2 expression to the validator.
type ecmaRegexp regexp2.Regexp

// MatchString reports whether s contains a match.
func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

// String returns the pattern.
func (re *ecmaRegexp) String() string {
	return (*regexp2.Regexp)(re).String()
}

// TestECMAScriptPatterns checks the engine on the vendored schemas' own patterns, which Go's
// regexp cannot compile: without it the validation would not mean what the schemas say.
func TestECMAScriptPatterns(t *testing.T) {
	frictionlessPath := `^(?=^[^./~])(^((?!\.{2}).)*$).*$`
	podTemporal := `^([\+-]?\d{4}(?!\d{2}\b))((-?)((0[1-9]|1[0-2])(\3([12]\d|0[1-9]|3[01]))?|W([0-4]\d|5[0-2])(-?[1-7])?|(00[1-9]|0[1-9]\d|[12]\d{2}|3([0-5]\d|6[1-6])))([T\s]((([01]\d|2[0-3])((:?)[0-5]\d)?|24\:?00)([\.,]\d+(?!:))?)?(\17[0-5]\d([\.,]\d+)?)?([zZ]|([\+-])([01]\d|2[0-3]):?([0-5]\d)?)?)?)?(\/)([\+-]?\d{4}(?!\d{2}\b))((-?)((0[1-9]|1[0-2])(\3([12]\d|0[1-9]|3[01]))?|W([0-4]\d|5[0-2])(-?[1-7])?|(00[1-9]|0[1-9]\d|[12]\d{2}|3([0-5]\d|6[1-6])))([T\s]((([01]\d|2[0-3])((:?)[0-5]\d)?|24\:?00)([\.,]\d+(?!:))?)?(\17[0-5]\d([\.,]\d+)?)?([zZ]|([\+-])([01]\d|2[0-3]):?([0-5]\d)?)?)?)?$`
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{frictionlessPath, "https://api.example.org/v1/datasets/a/releases/1/files/observations.csv", true},
		{frictionlessPath, "../secrets.csv", false},
		{frictionlessPath, "/etc/passwd", false},
		{podTemporal, "2019/2020", true},
		{podTemporal, "2019-01-01/2020-12-31", true},
		{podTemporal, "2019-2020", false},
		{podTemporal, "2019/..", false},
	} {
		re, err := ecmaScriptRegexp(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := re.MatchString(c.s); got != c.want {
			t.Errorf("%.30s… matches %q: %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
