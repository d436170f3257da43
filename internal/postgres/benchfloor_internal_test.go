package postgres

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// The benchmark floor (scripts/bench/floor, run by `make bench`) keeps a copy of the store's SQL
// for the city it reads; it must stay the store's SQL, or the benchmark compares the API with a
// different query: this test reads the floor's constant and compares it with the store's,
// whitespace aside. (Pages and exports are built by the store's own ObservationPageSQL.)
func TestBenchFloorRunsTheStoreSQL(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "../../scripts/bench/floor/sql.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	if _, err := conf.Check("floor", fset, []*ast.File{file}, info); err != nil {
		t.Fatal(err)
	}
	floor := map[string]string{}
	for id, obj := range info.Defs {
		if c, ok := obj.(*types.Const); ok {
			floor[id.Name] = constant.StringVal(c.Val())
		}
	}
	// Pages and exports: the floor asks ObservationPageSQL, the store's own query builder.
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for name, want := range map[string]string{
		"citySQL": getCitySQL,
	} {
		if got, ok := floor[name]; !ok {
			t.Errorf("scripts/bench/floor/sql.go has no constant %s", name)
		} else if norm(got) != norm(want) {
			t.Errorf("scripts/bench/floor/sql.go: %s has drifted from the store's SQL; copy it again:\n%s", name, want)
		}
	}
}
