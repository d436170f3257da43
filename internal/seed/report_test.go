package seed_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/reportdoc"
	"github.com/uclg-digital-cities/digitalcities/internal/seed"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestSeededReportIsTheSourceDocument: the 2019–2020 report is loaded as a published report that
// says everything its source says, in its words, and nothing more: every paragraph of the source
// (testdata/report-2019-2020.txt, a copy of the source document) is in the report, and every
// paragraph of the report's texts is in the source.
func TestSeededReportIsTheSourceDocument(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, db); err != nil {
		t.Fatal(err)
	}
	secretariat := &domain.Actor{Role: domain.RoleSecretariat}
	reports, _, err := db.ListReports(ctx, nil, domain.ReportFilter{Limit: 10})
	if err != nil || len(reports) != 1 {
		t.Fatalf("published reports: %d (%v)", len(reports), err)
	}
	r := reports[0]
	if r.Status != "published" || r.PublishedVersion == nil || *r.PublishedVersion != 1 || r.Provenance != "reported" {
		t.Fatalf("report %+v", r)
	}
	v, err := db.GetReportVersion(ctx, secretariat, r.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if domain.SHA256Hex([]byte(v.Canonical)) != v.SHA256 {
		t.Fatal("the published version's checksum does not match its canonical JSON")
	}

	source, err := os.ReadFile("testdata/report-2019-2020.txt")
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string {
		s = strings.ReplaceAll(s, "**", "")
		return strings.Join(strings.Fields(s), " ")
	}
	// The template's own lines (title, numbered headings, lettered priorities) are not text of
	// the report: the rendering writes them.
	template := regexp.MustCompile(`^(Work of Communities of practice|[0-9]\. |[A-E]\. )`)
	var texts []string
	for _, a := range r.Activities {
		texts = append(texts, a.Text.EN)
	}
	for _, s := range append(r.LeadershipUpdate, r.Results...) {
		if s.Title != nil {
			texts = append(texts, s.Title.EN)
		}
		texts = append(texts, s.Text.EN)
	}
	all := norm(strings.Join(texts, "\n"))
	for _, p := range strings.Split(string(source), "\n") {
		p = strings.TrimPrefix(strings.TrimSpace(p), "- ")
		if p == "" || template.MatchString(p) {
			continue
		}
		if !strings.Contains(all, norm(p)) {
			t.Errorf("the report lacks the source's paragraph %q", p)
		}
	}
	src := norm(string(source))
	for _, text := range texts {
		for _, p := range strings.Split(text, "\n") {
			p = strings.TrimPrefix(strings.TrimSpace(p), "- ")
			if p != "" && !strings.Contains(src, norm(p)) {
				t.Errorf("the report says what its source does not: %q", p)
			}
		}
	}

	// Every section of the template has what the source puts there.
	md := reportdoc.Markdown(&reportdoc.Document{Body: "Community of Practice on Digital Cities", Period: r.Period,
		Status: r.Status, Content: r.ReportContent}, nil)
	for _, want := range []string{"### A. Implementation", "### B. Advocacy", "### C. Monitoring and follow-up", "### D. Learning",
		"### E. Strengthening the UCLG network", "## 2. Update in the leadership", "## 3. Summary of results"} {
		if !strings.Contains(md, want) {
			t.Errorf("rendering lacks %q", want)
		}
	}
	if strings.Contains(md, "Nothing reported") {
		t.Error("a section of the template is empty, but the source fills every one")
	}

	// It is linked to what it mentions, and its commitments are open, due as the report says.
	links, _ := r.Links()
	want := map[string]bool{"event congress-panel-urban-innovation-listen-citizens": true, "event uraia-annual-event-malaga": true,
		"event learning-events-2020": true, "event 6th-uclg-congress": true, "study 2019": true, "organisation uraia": true,
		"organisation un-habitat": true, "organisation fmdv": true, "organisation wego": true, "organisation wba": true,
		"city bilbao": true, "community committee-on-culture": true}
	for _, l := range links {
		delete(want, l.Kind+" "+l.Ref)
	}
	if len(want) > 0 {
		t.Errorf("the report does not link %v", want)
	}
	cs, _, err := db.ListCommitments(ctx, domain.CommitmentFilter{Status: "open", Limit: 10})
	if err != nil || len(cs) != 4 || len(r.Commitments) != 4 {
		t.Fatalf("open commitments %d, followed up %d (%v)", len(cs), len(r.Commitments), err)
	}
}
