package releasefile

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// parquetSchema is the Parquet schema of cols (see parquetWriter). It refuses columns whose
// leaves would share a name (a column x_text beside an any column x).
func parquetSchema(cols []domain.Column) (*parquet.Schema, error) {
	var fields orderedGroup
	add := func(name string, node parquet.Node) {
		fields = append(fields, namedNode{Node: node, name: name})
	}
	for _, c := range cols {
		switch c.Type {
		case domain.ColumnAny:
			add(c.Name+anySuffixes[0], parquet.Optional(parquet.Leaf(parquet.DoubleType)))
			add(c.Name+anySuffixes[1], parquet.Optional(parquet.Leaf(parquet.BooleanType)))
			add(c.Name+anySuffixes[2], parquet.Optional(parquet.String()))
			continue
		}
		node := map[domain.ColumnType]parquet.Node{
			domain.ColumnString:   parquet.String(),
			domain.ColumnInteger:  parquet.Int(64),
			domain.ColumnNumber:   parquet.Leaf(parquet.DoubleType),
			domain.ColumnBoolean:  parquet.Leaf(parquet.BooleanType),
			domain.ColumnDateTime: parquet.TimestampAdjusted(parquet.Microsecond, true),
		}[c.Type]
		if !c.Required {
			node = parquet.Optional(node)
		}
		add(c.Name, node)
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.name] {
			return nil, fmt.Errorf("releasefile: two Parquet columns would be named %s", f.name)
		}
		seen[f.name] = true
	}
	return parquet.NewSchema("release", fields), nil
}

// orderedGroup is a Parquet group whose fields keep their order: parquet.Group, a map, sorts
// them by name, and a release's columns have an order.
type orderedGroup []namedNode

// namedNode is a field of an orderedGroup.
type namedNode struct {
	parquet.Node
	name string
}

// Name is the field's name.
func (f namedNode) Name() string { return f.name }

// Value is the field's value in a Go value; this package hands rows, never Go values, to
// the Parquet writer.
func (f namedNode) Value(base reflect.Value) reflect.Value {
	panic("releasefile: a release's Parquet schema does not map Go values")
}

// ID is 0: the fields have no field id.
func (g orderedGroup) ID() int { return 0 }

// String is the group in Parquet's schema notation.
func (g orderedGroup) String() string {
	var b strings.Builder
	b.WriteString("message {")
	for _, f := range g {
		fmt.Fprintf(&b, " %s: %s;", f.name, f.Node)
	}
	b.WriteString(" }")
	return b.String()
}

// Type is a group's type.
func (g orderedGroup) Type() parquet.Type { return parquet.Group{}.Type() }

// Optional is false: the group is the schema's root.
func (g orderedGroup) Optional() bool { return false }

// Repeated is false: the group is the schema's root.
func (g orderedGroup) Repeated() bool { return false }

// Required is true: the group is the schema's root.
func (g orderedGroup) Required() bool { return true }

// Leaf is false: a group is not a leaf.
func (g orderedGroup) Leaf() bool { return false }

// Fields are the group's fields, in order.
func (g orderedGroup) Fields() []parquet.Field {
	fields := make([]parquet.Field, len(g))
	for i, f := range g {
		fields[i] = f
	}
	return fields
}

// Encoding is nil: each leaf has its default.
func (g orderedGroup) Encoding() encoding.Encoding { return nil }

// Compression is nil: the writer's applies.
func (g orderedGroup) Compression() compress.Codec { return nil }

// GoType is the Go type of a parquet.Group of the same fields.
func (g orderedGroup) GoType() reflect.Type {
	group := parquet.Group{}
	for _, f := range g {
		group[f.name] = f.Node
	}
	return group.GoType()
}
