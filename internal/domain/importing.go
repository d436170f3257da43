package domain

// Import modes: all_or_nothing imports nothing when any row has a problem; valid_rows imports
// the rows without problems and reports the others.
const (
	ImportAllOrNothing = "all_or_nothing"
	ImportValidRows    = "valid_rows"
)

// ImportColumns are the CSV columns an observation import reads. city, indicator, year,
// value and status are required; the export's server-owned columns (id, value_type, version,
// created_at, updated_at) are accepted and ignored, so that an export can be imported again.
var ImportColumns = []string{"city", "indicator", "year", "edition", "value", "status", "quality", "source",
	"footnote", "provenance", "verification"}

// ImportRequiredColumns must be in the header row.
var ImportRequiredColumns = []string{"city", "indicator", "year", "value", "status"}

// ImportIgnoredColumns are server-owned and skipped.
var ImportIgnoredColumns = []string{"id", "value_type", "version", "created_at", "updated_at"}

// MaxImportProblems caps the problems listed in a report; the counts stay exact.
const MaxImportProblems = 1000

// ImportProblem is one problem of one row. Row 1 is the first row after the header.
type ImportProblem struct {
	Row     int    `json:"row" doc:"Row number, 1 for the first row after the header." minimum:"1" maximum:"2147483647"`
	Field   string `json:"field" doc:"The column at fault, or \"row\" for the whole row." maxLength:"50"`
	Problem string `json:"problem" maxLength:"500"`
}

// ImportReport says what an import did.
type ImportReport struct {
	Mode              string          `json:"mode" enum:"all_or_nothing,valid_rows"`
	Rows              int             `json:"rows" doc:"Data rows read." minimum:"0" maximum:"2147483647"`
	Valid             int             `json:"valid" doc:"Rows without problems." minimum:"0" maximum:"2147483647"`
	Created           int             `json:"created" minimum:"0" maximum:"2147483647"`
	Updated           int             `json:"updated" minimum:"0" maximum:"2147483647"`
	Unchanged         int             `json:"unchanged" minimum:"0" maximum:"2147483647"`
	Rejected          int             `json:"rejected" doc:"Rows not imported because of a problem." minimum:"0" maximum:"2147483647"`
	Problems          []ImportProblem `json:"problems" doc:"At most 1000 problems, in row order." maxItems:"1000"`
	ProblemsTruncated bool            `json:"problems_truncated"`
	OutOfScope        int             `json:"-"` // rows of cities the token may not write
}

// AddProblem records a problem, keeping at most MaxImportProblems of them.
func (r *ImportReport) AddProblem(row int, field, problem string) {
	if len(r.Problems) >= MaxImportProblems {
		r.ProblemsTruncated = true
		return
	}
	r.Problems = append(r.Problems, ImportProblem{Row: row, Field: field, Problem: problem})
}
