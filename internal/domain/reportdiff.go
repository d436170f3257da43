package domain

import (
	"encoding/json"
	"fmt"
	"sort"
)

// ContentChange is one difference between two versions of a report: a field, by its JSON path,
// that was added, removed or changed.
type ContentChange struct {
	Path   string  `json:"path" maxLength:"500" example:"activities[2].text.en" doc:"The field, as a JSON path into the content."`
	Change string  `json:"change" enum:"added,removed,changed" example:"changed"`
	Before *string `json:"before" maxLength:"100000" doc:"The field's value in the first version (numbers written as text); null when added." example:"Collaboration on organising learning events."`
	After  *string `json:"after" maxLength:"100000" doc:"The field's value in the second version (numbers written as text); null when removed." example:"Collaboration on organising learning events with UN-Habitat."`
}

// ReportDiff lists the differences between two versions of a report's content.
type ReportDiff struct {
	Report  int64           `json:"report" minimum:"1" maximum:"9007199254740991" example:"1"`
	From    int             `json:"from" minimum:"1" maximum:"100000" example:"1"`
	To      int             `json:"to" minimum:"1" maximum:"100000" example:"2"`
	Changes []ContentChange `json:"changes" nullable:"false" maxItems:"100000" doc:"Every field that differs, in path order; empty when the versions say the same."`
}

// DiffFrozen compares two versions field by field: every leaf value (the period's days, a text
// in a language, a priority, a link, a commitment's status) is compared at its JSON path.
func DiffFrozen(a, b *Frozen) ([]ContentChange, error) {
	la, err := leaves(a)
	if err != nil {
		return nil, err
	}
	lb, err := leaves(b)
	if err != nil {
		return nil, err
	}
	paths := map[string]bool{}
	for p := range la {
		paths[p] = true
	}
	for p := range lb {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	changes := []ContentChange{}
	for _, p := range sorted {
		before, inA := la[p]
		after, inB := lb[p]
		switch {
		case inA && !inB:
			changes = append(changes, ContentChange{Path: p, Change: "removed", Before: &before})
		case !inA && inB:
			changes = append(changes, ContentChange{Path: p, Change: "added", After: &after})
		case before != after:
			changes = append(changes, ContentChange{Path: p, Change: "changed", Before: &before, After: &after})
		}
	}
	return changes, nil
}

// leaves flattens a value's JSON form into its leaf values, as text, by path.
func leaves(v any) (map[string]string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var walk func(path string, x any)
	walk = func(path string, x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, v)
			}
		case []any:
			for i, v := range t {
				walk(fmt.Sprintf("%s[%d]", path, i), v)
			}
		default:
			out[path] = fmt.Sprint(t)
		}
	}
	walk("", doc)
	return out, nil
}
