package domain

import (
	"slices"
	"time"
)

// Framework is a set of indicators organised in a tree of dimensions, such as the 2019 study's
// Smart Governance framework, ITU-T Y.4903 (U4SSC KPIs), ISO 37122 or UN LOSI.
type Framework struct {
	Slug        string      `json:"slug" db:"slug" example:"uclg-smart-governance-2019" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Name        Text        `json:"name" db:"name"`
	Description *Text       `json:"description,omitempty" db:"description"`
	Publisher   *string     `json:"publisher" db:"publisher" example:"UCLG" maxLength:"200"`
	URL         *string     `json:"url" db:"url" format:"uri" maxLength:"500"`
	Provenance  string      `json:"provenance" db:"provenance" enum:"reported,sample,synthetic"`
	Dimensions  []Dimension `json:"dimensions" db:"-" doc:"The dimension tree, flattened: parents before their children." maxItems:"500"`
	Version     int         `json:"version" db:"version" minimum:"1" maximum:"2147483647"`
	CreatedAt   time.Time   `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at" db:"updated_at"`
}

// Dimension is a node of a framework's tree.
type Dimension struct {
	Slug     string  `json:"slug" db:"slug" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" maxLength:"100" example:"transparency"`
	Parent   *string `json:"parent" db:"parent" required:"false" doc:"The parent dimension's slug; null at the top." example:"open-government" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	Name     Text    `json:"name" db:"name"`
	Position int     `json:"position" db:"position" required:"false" readOnly:"true" doc:"Order among its siblings, set from the order of the list." minimum:"0" maximum:"1000"`
}

// FrameworkCreate is what the secretariat sends to create a framework with its dimensions.
type FrameworkCreate struct {
	Slug        string      `json:"slug" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" maxLength:"100"`
	Name        Text        `json:"name"`
	Description *Text       `json:"description,omitempty"`
	Publisher   *string     `json:"publisher,omitempty" maxLength:"200"`
	URL         *string     `json:"url,omitempty" format:"uri" maxLength:"500"`
	Provenance  string      `json:"provenance,omitempty" enum:"reported,sample,synthetic" default:"reported"`
	Dimensions  []Dimension `json:"dimensions" minItems:"1" maxItems:"500" doc:"Parents must come before their children."`
}

// MaxDimensionDepth bounds how deep a framework's dimension tree may be. Real frameworks have two
// or three levels (ISO 37122, U4SSC, the 2019 study's); scorecards aggregate along the tree, so
// its depth bounds their cost.
const MaxDimensionDepth = 6

// Validate checks the framework and that its dimensions form a tree of at most
// MaxDimensionDepth levels.
func (f *FrameworkCreate) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	if !ValidSlug(f.Slug) {
		return Invalid("slug", "must be lowercase words joined by hyphens")
	}
	if err := f.Name.Validate("body.name"); err != nil {
		return err
	}
	if !slices.Contains(Provenances, f.Provenance) {
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	}
	if f.URL != nil && !validWebURL(*f.URL) {
		return Invalid("url", "must be an absolute http or https URL")
	}
	seen := map[string]bool{}
	depth := map[string]int{}
	for i, d := range f.Dimensions {
		if !ValidSlug(d.Slug) {
			return Invalid("dimensions", "item %d: slug must be lowercase words joined by hyphens", i)
		}
		if seen[d.Slug] {
			return Invalid("dimensions", "item %d: dimension %q appears twice", i, d.Slug)
		}
		if d.Parent != nil && !seen[*d.Parent] {
			return Invalid("dimensions", "item %d: parent %q must come earlier in the list", i, *d.Parent)
		}
		depth[d.Slug] = 1
		if d.Parent != nil {
			depth[d.Slug] = depth[*d.Parent] + 1
		}
		if depth[d.Slug] > MaxDimensionDepth {
			return Invalid("dimensions", "item %d: a dimension tree is at most %d levels deep", i, MaxDimensionDepth)
		}
		if err := d.Name.Validate("body.dimensions"); err != nil {
			return err
		}
		seen[d.Slug] = true
	}
	return nil
}
