package api

import (
	"slices"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func TestParseIfMatch(t *testing.T) {
	for in, want := range map[string]domain.IfMatch{
		`"v3"`:                {Versions: []int{3}},
		`*`:                   {Any: true},
		` "v12" `:             {Versions: []int{12}},
		`"v2", "v5"`:          {Versions: []int{2, 5}},
		`W/"v2", "v5"`:        {Versions: []int{5}}, // a weak tag never matches a write
		`"x", "v7",W/"v8"`:    {Versions: []int{7}},
		`"v1","v2" , "v3"`:    {Versions: []int{1, 2, 3}},
		`"v4", "garbage", *x`: {Versions: []int{4}},
	} {
		got, err := parseIfMatch(in)
		if err != nil || got.Any != want.Any || !slices.Equal(got.Versions, want.Versions) {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{`W/"v3"`, `"3"`, `v3`, `"v-1"`, `"vx"`, `W/"v1", W/"v2"`} {
		if _, err := parseIfMatch(in); domain.ErrorCode(err) != domain.EPRECONDITION {
			t.Errorf("%q: %v, want %s", in, err, domain.EPRECONDITION)
		}
	}
	if _, err := parseIfMatch(""); domain.ErrorCode(err) != domain.EPRECONDITIONREQUIRED {
		t.Errorf("empty If-Match: %v, want %s", err, domain.EPRECONDITIONREQUIRED)
	}
	// Any listed tag may match the current version; "*" matches every version.
	m, _ := parseIfMatch(`"v1", "v3"`)
	if m.Allows(2) || !m.Allows(1) || !m.Allows(3) {
		t.Errorf("%+v allows the wrong versions", m)
	}
	if !domain.MatchAny.Allows(42) {
		t.Error("* does not allow any version")
	}
}
