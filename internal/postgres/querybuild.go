package postgres

import (
	"strconv"
	"strings"
)

// The lists build their SQL from the filters they are given, each value a placeholder: these
// are the two pieces every builder uses.

// queryArgs collects the arguments of a query as its placeholders are written.
type queryArgs []any

// add appends v and returns its placeholder ($n).
func (a *queryArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// whereClause joins conditions with AND; "" when there are none.
func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
