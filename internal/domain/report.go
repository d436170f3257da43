package domain

import (
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ReportStatuses are the stages of a progress report's workflow.
var ReportStatuses = []string{"draft", "submitted", "published"}

// reportTransitions says which statuses a report may move to from each status: an editor
// submits a draft, and the secretariat either returns it (with a reason) or publishes it.
var reportTransitions = map[string][]string{
	"draft":     {"submitted"},
	"submitted": {"draft", "published"},
	"published": {},
}

// AllowedTransitions lists the statuses a report in status may move to.
func AllowedTransitions(status string) []string { return slices.Clone(reportTransitions[status]) }

// CheckTransition says whether actor may move a report from one status to another, and why
// not: ECONFLICT naming the allowed transitions, EFORBIDDEN for a role that may not make it,
// EINVALID when a return has no reason.
func CheckTransition(actor *Actor, from, to, reason string) error {
	allowed := reportTransitions[from]
	if !slices.Contains(allowed, to) {
		if len(allowed) == 0 {
			return Errorf(ECONFLICT, "a %s report cannot change status", from)
		}
		return Errorf(ECONFLICT, "a %s report can move only to: %s", from, strings.Join(allowed, ", "))
	}
	if to != "submitted" && !actor.HasRole(RoleSecretariat) {
		return Errorf(EFORBIDDEN, "only the secretariat returns or publishes a submitted report")
	}
	if from == "submitted" && to == "draft" && strings.TrimSpace(reason) == "" {
		return Invalid("reason", "say why the report is returned")
	}
	return nil
}

// StrategicPriorities are the components of UCLG's strategic priorities under which a report
// lists its activities, in the template's order.
var StrategicPriorities = []string{"implementation", "advocacy", "monitoring", "learning", "network"}

// ReportLinkKinds are the kinds of record a report's text may link.
var ReportLinkKinds = []string{"event", "study", "trend", "organisation", "city", "community", "commitment", "dataset"}

// ReportLink links a part of a report to a record the API holds.
type ReportLink struct {
	Kind string `json:"kind" enum:"event,study,trend,organisation,city,community,commitment,dataset" example:"event"`
	Ref  string `json:"ref" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"uclg-congress-2019-panel" doc:"The record's identifier: a slug, a study edition's year, or a commitment's id."`
}

// ReportSection is a piece of a report: an optional heading, Markdown text (stored as written)
// and links to the records it mentions.
type ReportSection struct {
	Title *Text        `json:"title,omitempty" doc:"A heading, when the text has one."`
	Text  Text         `json:"text" doc:"Markdown, stored as written."`
	Links []ReportLink `json:"links" required:"false" nullable:"false" maxItems:"50" doc:"The records the text refers to."`
}

// Activity is a report's activity under one of UCLG's strategic priorities.
type Activity struct {
	Priority string `json:"priority" enum:"implementation,advocacy,monitoring,learning,network" example:"learning" doc:"The component of UCLG's strategic priorities: implementation, advocacy, monitoring and follow-up, learning, strengthening the network."`
	ReportSection
}

// ReportContent is what a report says, in UCLG's template. Submitting freezes it as a version.
type ReportContent struct {
	Title            Text            `json:"title"`
	Activities       []Activity      `json:"activities" required:"false" nullable:"false" maxItems:"200" doc:"The activities, each under a strategic priority, in the order written."`
	Commitments      []int64         `json:"commitments" required:"false" nullable:"false" maxItems:"100" minimum:"1" maximum:"9007199254740991" doc:"The commitments followed up under monitoring and follow-up, by id."`
	LeadershipUpdate []ReportSection `json:"leadership_update" required:"false" nullable:"false" maxItems:"20" doc:"Update in the leadership and any relevant information."`
	Results          []ReportSection `json:"results" required:"false" nullable:"false" maxItems:"20" doc:"The summary of results."`
}

// Value stores the content as jsonb.
func (c ReportContent) Value() (driver.Value, error) { return json.Marshal(c) }

// Scan reads the content from jsonb.
func (c *ReportContent) Scan(src any) error { return scanJSON(src, c) }

// Validate checks the content and gives empty lists rather than null.
func (c *ReportContent) Validate() error {
	if err := c.Title.Validate("title"); err != nil {
		return err
	}
	if c.Activities == nil {
		c.Activities = []Activity{}
	}
	if c.Commitments == nil {
		c.Commitments = []int64{}
	}
	if c.LeadershipUpdate == nil {
		c.LeadershipUpdate = []ReportSection{}
	}
	if c.Results == nil {
		c.Results = []ReportSection{}
	}
	for i := range c.Activities {
		a := &c.Activities[i]
		if !slices.Contains(StrategicPriorities, a.Priority) {
			return Invalid(fmt.Sprintf("activities[%d].priority", i), "unknown strategic priority %q", a.Priority)
		}
		if err := a.validate(fmt.Sprintf("activities[%d]", i)); err != nil {
			return err
		}
	}
	for name, list := range map[string][]ReportSection{"leadership_update": c.LeadershipUpdate, "results": c.Results} {
		for i := range list {
			if err := list[i].validate(fmt.Sprintf("%s[%d]", name, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *ReportSection) validate(field string) error {
	if s.Links == nil {
		s.Links = []ReportLink{}
	}
	if s.Title != nil {
		if err := s.Title.Validate(field + ".title"); err != nil {
			return err
		}
	}
	if err := s.Text.Validate(field + ".text"); err != nil {
		return err
	}
	for j, l := range s.Links {
		if !slices.Contains(ReportLinkKinds, l.Kind) {
			return Invalid(fmt.Sprintf("%s.links[%d].kind", field, j), "unknown kind %q", l.Kind)
		}
	}
	return nil
}

// Links lists every link of the content, each once, with the field that holds it.
func (c *ReportContent) Links() (links []ReportLink, fields []string) {
	seen := map[ReportLink]bool{}
	add := func(field string, ls []ReportLink) {
		for j, l := range ls {
			if !seen[l] {
				seen[l] = true
				links = append(links, l)
				fields = append(fields, fmt.Sprintf("%s.links[%d]", field, j))
			}
		}
	}
	for i, a := range c.Activities {
		add(fmt.Sprintf("activities[%d]", i), a.Links)
	}
	for i, s := range c.LeadershipUpdate {
		add(fmt.Sprintf("leadership_update[%d]", i), s.Links)
	}
	for i, s := range c.Results {
		add(fmt.Sprintf("results[%d]", i), s.Links)
	}
	return links, fields
}

// CanonicalJSON is the canonical form of v, the one a version's SHA-256 is taken of: JSON with
// object keys sorted, no insignificant whitespace, and HTML characters not escaped.
func CanonicalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return nil, err
	}
	var out strings.Builder
	e := json.NewEncoder(&out)
	e.SetEscapeHTML(false)
	if err := e.Encode(doc); err != nil { // maps encode with sorted keys
		return nil, err
	}
	return []byte(strings.TrimSuffix(out.String(), "\n")), nil
}

// Frozen is what a submission freezes, all of it: the body, the period, the content and the
// commitments followed up as they stood then. Its canonical JSON is the version's checksum, and
// versions are compared and rendered from it alone, so nothing edited later changes them.
type Frozen struct {
	Body        string               `json:"body" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-cities"`
	Period      ReportPeriod         `json:"period"`
	Content     ReportContent        `json:"content"`
	Commitments []CommitmentSnapshot `json:"commitments" nullable:"false" maxItems:"100" doc:"The commitments followed up, as they stood at submission."`
}

// CommitmentSnapshot is a commitment as it stood when a version was submitted.
type CommitmentSnapshot struct {
	ID     int64             `json:"id" minimum:"1" maximum:"9007199254740991" example:"1"`
	Title  Text              `json:"title"`
	Owner  string            `json:"owner" maxLength:"200" example:"Committee on Digital Cities"`
	Due    DateWithPrecision `json:"due"`
	Status string            `json:"status" enum:"open,in_progress,done,dropped" example:"open"`
}

// Value stores the snapshots as jsonb.
func (s CommitmentSnapshots) Value() (driver.Value, error) {
	if s == nil {
		s = CommitmentSnapshots{}
	}
	return json.Marshal(s)
}

// CommitmentSnapshots is a version's list of commitment snapshots, stored as jsonb.
type CommitmentSnapshots []CommitmentSnapshot

// Scan reads the snapshots from jsonb.
func (s *CommitmentSnapshots) Scan(src any) error { return scanJSON(src, s) }

// SHA256Hex is the hexadecimal SHA-256 of b.
func SHA256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ReportPeriod is the period a report covers, from its first to its last day.
type ReportPeriod struct {
	Start string `json:"start" db:"period_start" format:"date" example:"2019-01-01" doc:"The first day covered."`
	End   string `json:"end" db:"period_end" format:"date" example:"2020-12-31" doc:"The last day covered."`
}

// Validate checks that both days exist, within the years dates may have, and are in order.
func (p ReportPeriod) Validate() error {
	s, err := ParseDay("period.start", p.Start)
	if err != nil {
		return err
	}
	e, err := ParseDay("period.end", p.End)
	if err != nil {
		return err
	}
	if e.Before(s) {
		return Invalid("period.end", "is before the start")
	}
	return nil
}

// Report is a progress report of a UCLG body to the World Secretariat.
type Report struct {
	ID     int64        `json:"id" db:"id" minimum:"1" maximum:"9007199254740991" example:"1"`
	Body   string       `json:"body" db:"body" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-cities" doc:"The body that reports: a community's slug."`
	Period ReportPeriod `json:"period" db:"-"`
	Status string       `json:"status" db:"status" enum:"draft,submitted,published" example:"published"`
	ReportContent
	SubmittedVersion *int               `json:"submitted_version" db:"submitted_version" minimum:"1" maximum:"100000" doc:"The number of the last version submitted; null before the first submission."`
	PublishedVersion *int               `json:"published_version" db:"published_version" minimum:"1" maximum:"100000" doc:"The number of the version published; null until published."`
	AllowedNext      []string           `json:"allowed_transitions" db:"-" enum:"draft,submitted,published" maxItems:"2" nullable:"false" doc:"The statuses the report may move to now."`
	History          []ReportTransition `json:"history" db:"-" nullable:"false" maxItems:"1000" doc:"Every change of status, oldest first."`
	PrefilledFrom    *PrefillSummary    `json:"prefilled_from,omitempty" db:"prefilled_from" doc:"Present when the draft was pre-filled from the API's data: what was gathered, and on which basis."`
	Provenance       string             `json:"provenance" db:"provenance" enum:"reported,sample,synthetic" example:"reported"`
	Version          int                `json:"version" db:"version" minimum:"1" maximum:"2147483647" example:"1"`
	CreatedAt        time.Time          `json:"created_at" db:"created_at"`
	UpdatedAt        time.Time          `json:"updated_at" db:"updated_at"`
}

// ReportTransition is one change of a report's status.
type ReportTransition struct {
	From    string    `json:"from" db:"from_status" enum:"draft,submitted,published"`
	To      string    `json:"to" db:"to_status" enum:"draft,submitted,published"`
	At      time.Time `json:"at" db:"at"`
	Actor   string    `json:"actor" db:"actor" maxLength:"20" example:"secretariat" doc:"The role that made the change."`
	Reason  *string   `json:"reason" db:"reason" maxLength:"2000" doc:"Why the report was returned; null otherwise."`
	Version *int      `json:"version" db:"version_number" minimum:"1" maximum:"100000" doc:"The version a submission froze, or that was published."`
}

// ReportVersion is a submitted report's content, frozen: it never changes again.
type ReportVersion struct {
	Report      int64                `json:"report" db:"report" minimum:"1" maximum:"9007199254740991" example:"1"`
	Number      int                  `json:"number" db:"number" minimum:"1" maximum:"100000" example:"1"`
	Body        string               `json:"body" db:"body" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-cities"`
	Period      ReportPeriod         `json:"period" db:"-"`
	Content     ReportContent        `json:"content"`
	Commitments []CommitmentSnapshot `json:"commitments" nullable:"false" maxItems:"100" doc:"The commitments followed up, as they stood at submission."`
	Canonical   string               `json:"canonical" maxLength:"10000000" doc:"What the submission froze (body, period, content and commitments as they stood) as canonical JSON, exactly the bytes (UTF-8) whose SHA-256 is sha256: check it with any SHA-256 tool." example:"{\"activities\":[],\"commitments\":[],\"leadership_update\":[],\"results\":[],\"title\":{\"en\":\"Report\"}}"`
	SHA256      string               `json:"sha256" db:"sha256" minLength:"64" maxLength:"64" pattern:"^[0-9a-f]{64}$" example:"9f2c5a6b1e0d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3" doc:"SHA-256 of canonical (object keys sorted, no whitespace, UTF-8)."`
	SubmittedAt time.Time            `json:"submitted_at" db:"submitted_at"`
	SubmittedBy string               `json:"submitted_by" db:"submitted_by" maxLength:"20" example:"editor" doc:"The role that submitted it."`
}

// Frozen returns what the version froze, as its checksum and comparisons see it.
func (v *ReportVersion) Frozen() *Frozen {
	return &Frozen{Body: v.Body, Period: v.Period, Content: v.Content, Commitments: v.Commitments}
}

// PrefillSummary says what a pre-filled draft gathered, and on which basis.
type PrefillSummary struct {
	Basis
	Events               int  `json:"events" minimum:"0" maximum:"100000" doc:"Events in the period, listed under learning or advocacy."`
	Milestones           int  `json:"milestones" minimum:"0" maximum:"100000" doc:"Study milestones in the period, listed under implementation."`
	AdoptionChanges      int  `json:"adoption_changes" minimum:"0" maximum:"100000" doc:"Changes of a city's adoption stage assessed in the period, listed under monitoring."`
	Commitments          int  `json:"commitments" minimum:"0" maximum:"100000" doc:"Commitments due in the period or still open, listed under monitoring."`
	IncludesInventedData bool `json:"includes_invented_data" doc:"True when sample or synthetic records were gathered: the draft then says so in its text."`
	DatasetReleases      int  `json:"dataset_releases" minimum:"0" maximum:"100000" doc:"Releases of open datasets published in the period, listed under implementation."`
}

// Value stores the summary as jsonb.
func (p PrefillSummary) Value() (driver.Value, error) { return json.Marshal(p) }

// Scan reads the summary from jsonb.
func (p *PrefillSummary) Scan(src any) error { return scanJSON(src, p) }

// ReportFilter selects reports for a list, ordered by id.
type ReportFilter struct {
	Body            string
	Status          string
	Commitment      int64      // reports that follow up this commitment (0: any)
	From, To        string     // reports whose period overlaps [From, To]
	Query           string     // accent- and case-insensitive substring of the title in any language
	MissingLanguage string     // a language ("fr", "es"): only those with a text that lacks it, "" for any
	UpdatedSince    *SyncPoint // only items changed from this point on (updated_since)
	AfterID         int64
	Limit           int
}

// CommitmentStatuses are the states of a commitment followed up from report to report.
var CommitmentStatuses = []string{"open", "in_progress", "done", "dropped"}

// Commitment is something a body undertook that reports follow up across periods, such as the
// study's promotion plan.
type Commitment struct {
	ID int64 `json:"id" db:"id" minimum:"1" maximum:"9007199254740991" example:"1"`
	CommitmentFields
	History   []CommitmentStatus `json:"history" db:"-" nullable:"false" maxItems:"1000" doc:"Every status the commitment has had, oldest first."`
	Version   int                `json:"version" db:"version" minimum:"1" maximum:"2147483647" example:"1"`
	CreatedAt time.Time          `json:"created_at" db:"created_at"`
	UpdatedAt time.Time          `json:"updated_at" db:"updated_at"`
}

// CommitmentFields are the writable fields of a commitment.
type CommitmentFields struct {
	Body        string            `json:"body" db:"body" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"digital-cities" doc:"The body that undertook it."`
	Title       Text              `json:"title" db:"title"`
	Description *Text             `json:"description,omitempty" db:"description"`
	Owner       string            `json:"owner" db:"owner" minLength:"1" maxLength:"200" example:"Committee on Digital Cities" doc:"Who carries it out."`
	Due         DateWithPrecision `json:"due" db:"due" doc:"When it is due, as precisely as known."`
	Status      string            `json:"status" db:"status" enum:"open,in_progress,done,dropped" example:"open"`
	StatusNote  *string           `json:"status_note,omitempty" db:"-" maxLength:"2000" doc:"On a write that changes the status: a note kept with it in history."`
	Provenance  string            `json:"provenance" db:"provenance" required:"false" enum:"reported,sample,synthetic" default:"reported" example:"reported"`
}

// Validate checks the fields.
func (f *CommitmentFields) Validate() error {
	if f.Provenance == "" {
		f.Provenance = "reported"
	}
	if err := f.Title.Validate("title"); err != nil {
		return err
	}
	if f.Description != nil {
		if err := f.Description.Validate("description"); err != nil {
			return err
		}
	}
	switch {
	case strings.TrimSpace(f.Owner) == "":
		return Invalid("owner", "name who carries it out")
	case !slices.Contains(CommitmentStatuses, f.Status):
		return Invalid("status", "unknown status %q", f.Status)
	case !slices.Contains(Provenances, f.Provenance):
		return Invalid("provenance", "unknown provenance %q", f.Provenance)
	}
	return f.Due.Validate("due")
}

// CommitmentStatus is one status a commitment had.
type CommitmentStatus struct {
	Status string    `json:"status" db:"status" enum:"open,in_progress,done,dropped"`
	At     time.Time `json:"at" db:"at"`
	Note   *string   `json:"note" db:"note" maxLength:"2000"`
}

// CommitmentFilter selects commitments for a list, ordered by id.
type CommitmentFilter struct {
	Body         string
	Status       string
	UpdatedSince *SyncPoint // only items changed from this point on (updated_since)
	AfterID      int64
	Limit        int
}
