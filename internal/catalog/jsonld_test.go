package catalog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

// The namespaces of the DCAT catalog's properties, as full IRIs.
const (
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsDCT   = "http://purl.org/dc/terms/"
	nsFOAF  = "http://xmlns.com/foaf/0.1/"
	nsVCard = "http://www.w3.org/2006/vcard/ns#"
	nsSPDX  = "http://spdx.org/rdf/terms#"
	nsSKOS  = "http://www.w3.org/2004/02/skos/core#"
	nsRDFS  = "http://www.w3.org/2000/01/rdf-schema#"
	nsXSD   = "http://www.w3.org/2001/XMLSchema#"
	nsHydra = "http://www.w3.org/ns/hydra/core#"
)

// node is a node object of an expanded JSON-LD document: full IRIs to arrays of values.
type node = map[string]any

// expand returns a JSON-LD document in expanded form, as a harvester reads it. The processor
// may load nothing (the document's context must be inline) and fails on any property it would
// drop.
func expand(t *testing.T, doc any) []node {
	t.Helper()
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = noRemoteDocuments{}
	opts.SafeMode = true
	out, err := ld.NewJsonLdProcessor().Expand(roundTrip(t, doc), opts)
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	nodes := make([]node, 0, len(out))
	for _, v := range out {
		nodes = append(nodes, v.(node))
	}
	return nodes
}

// noRemoteDocuments refuses every remote context.
type noRemoteDocuments struct{}

// LoadDocument fails: the tests use no network.
func (noRemoteDocuments) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, fmt.Errorf("loading %s: the context must be inline", u)
}

// values returns the values of a property of n.
func values(n node, property string) []node {
	list, _ := n[property].([]any)
	out := make([]node, 0, len(list))
	for _, v := range list {
		out = append(out, v.(node))
	}
	return out
}

// one returns the only value of a property of n, failing the test when there is not exactly one.
func one(t *testing.T, n node, property string) node {
	t.Helper()
	vs := values(n, property)
	if len(vs) != 1 {
		t.Fatalf("%s: %d values, want 1 (node %v)", property, len(vs), n["@id"])
	}
	return vs[0]
}

// id returns the IRI of the only value of a property of n.
func id(t *testing.T, n node, property string) string {
	t.Helper()
	s, _ := one(t, n, property)["@id"].(string)
	return s
}

// literal returns the only value of a property of n as a literal and its datatype.
func literal(t *testing.T, n node, property string) (value, datatype string) {
	t.Helper()
	v := one(t, n, property)
	value, _ = v["@value"].(string)
	datatype, _ = v["@type"].(string)
	return value, datatype
}

// languages returns the language-tagged values of a property of n by language.
func languages(n node, property string) map[string]string {
	out := map[string]string{}
	for _, v := range values(n, property) {
		lang, _ := v["@language"].(string)
		out[lang], _ = v["@value"].(string)
	}
	return out
}

// hasType reports whether n has the type with IRI typ.
func hasType(n node, typ string) bool {
	types, _ := n["@type"].([]any)
	for _, t := range types {
		if t == typ {
			return true
		}
	}
	return false
}

// checkAbsoluteIRIs fails the test for any property, type or reference of the expanded
// document that is not an absolute IRI: a compact IRI whose prefix the context lacks expands
// to itself, which a harvester cannot read.
func checkAbsoluteIRIs(t *testing.T, v any) {
	t.Helper()
	absolute := func(s string) bool {
		return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "mailto:")
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			checkAbsoluteIRIs(t, e)
		}
	case []node:
		for _, e := range v {
			checkAbsoluteIRIs(t, e)
		}
	case node:
		for k, e := range v {
			switch {
			case k == "@id" || k == "@type" && v["@value"] != nil:
				if s, _ := e.(string); !absolute(s) {
					t.Errorf("%s %q is not an absolute IRI", k, s)
				}
			case k == "@type":
				for _, typ := range e.([]any) {
					if s, _ := typ.(string); !absolute(s) {
						t.Errorf("type %q is not an absolute IRI", s)
					}
				}
			case strings.HasPrefix(k, "@"):
			case !absolute(k):
				t.Errorf("property %q is not an absolute IRI", k)
			default:
				checkAbsoluteIRIs(t, e)
			}
		}
	}
}
