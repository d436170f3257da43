package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// reportsWorld: the body digital-cities chaired by alpha, with its editors and the secretariat.
type reportsWorld struct {
	h                         *harness
	sec, edAlpha, edBeta, adm string
}

func newReportsWorld(t *testing.T) *reportsWorld {
	h := newHarness(t)
	studyFixture(t, h)
	if _, err := h.db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('digital-cities', '{"en": "Digital Cities"}', 'community_of_practice')`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateBodyRole(fixtureCtx(), fixtureCaller, domain.BodyRoleFields{Body: "digital-cities", City: ptr("alpha"), Role: "chair"}); err != nil {
		t.Fatal(err)
	}
	w := &reportsWorld{h: h}
	w.sec, _ = h.token(domain.RoleSecretariat)
	w.edAlpha, _ = h.token(domain.RoleEditor, "alpha")
	w.edBeta, _ = h.token(domain.RoleEditor, "beta")
	w.adm, _ = h.token(domain.RoleAdmin)
	return w
}

func ifMatch(tag string) map[string]string { return map[string]string{"If-Match": tag} }

func draftBody(text string) map[string]any {
	return map[string]any{"body": "digital-cities", "period": map[string]any{"start": "2019-01-01", "end": "2020-12-31"},
		"title": map[string]any{"en": "Work in 2019-2020"},
		"activities": []any{map[string]any{"priority": "learning", "text": map[string]any{"en": text},
			"links": []any{map[string]any{"kind": "study", "ref": "2019"}}}},
		"leadership_update": []any{map[string]any{"text": map[string]any{"en": "No change."}}},
		"results":           []any{map[string]any{"text": map[string]any{"en": "The study was drafted."}}}}
}

func TestReportWorkflow(t *testing.T) {
	w := newReportsWorld(t)
	h := w.h
	var r domain.Report

	// Editors of the chair city write drafts; others may not, and anonymous callers do not see them.
	h.do(req{method: "POST", path: "/v1/reports", body: draftBody("x")}).expect(t, 401)
	h.do(req{method: "POST", path: "/v1/reports", body: draftBody("x"), token: w.edBeta}).expect(t, 403)
	h.do(req{method: "POST", path: "/v1/reports", body: draftBody("x"), token: w.adm}).expect(t, 403)
	res := h.do(req{method: "POST", path: "/v1/reports", body: draftBody("Learning events were organised."), token: w.edAlpha}).expect(t, 201)
	res.JSON(t, &r)
	path := res.Header.Get("Location")
	if path != fmt.Sprintf("/v1/reports/%d", r.ID) || r.Status != "draft" || fmt.Sprint(r.AllowedNext) != "[submitted]" {
		t.Fatalf("created %s %+v", path, r)
	}
	h.do(req{method: "GET", path: path}).expect(t, 404)
	h.do(req{method: "GET", path: path, token: w.edBeta}).expect(t, 404)
	h.do(req{method: "GET", path: path, token: w.sec}).expect(t, 200)
	var page struct {
		Items []domain.Report `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/reports"}).expect(t, 200).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("anonymous callers see drafts: %d", len(page.Items))
	}
	h.do(req{method: "GET", path: "/v1/reports?status=draft", token: w.edAlpha}).expect(t, 200).JSON(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("the body's editor does not see its draft: %d", len(page.Items))
	}

	// Refused content, naming the field.
	bad := draftBody("x")
	bad["activities"] = []any{map[string]any{"priority": "learning", "text": map[string]any{"en": "x"},
		"links": []any{map[string]any{"kind": "event", "ref": "no-such-event"}}}}
	h.do(req{method: "POST", path: "/v1/reports", body: bad, token: w.sec}).expect(t, 422).errorAt(t, "body.activities[0].links[0].ref")
	bad = draftBody("x")
	bad["period"] = map[string]any{"start": "2020-01-01", "end": "2019-12-31"}
	h.do(req{method: "POST", path: "/v1/reports", body: bad, token: w.sec}).expect(t, 422).errorAt(t, "body.period.end")
	bad = draftBody("x")
	bad["period"] = map[string]any{"start": "0000-01-01", "end": "2019-12-31"}
	h.do(req{method: "POST", path: "/v1/reports", body: bad, token: w.sec}).expect(t, 422).errorAt(t, "body.period.start")
	h.do(req{method: "GET", path: "/v1/reports?from=0000-01-01"}).expect(t, 422).errorAt(t, "query.from")
	bad = draftBody("x")
	bad["body"] = "atlantis"
	h.do(req{method: "POST", path: "/v1/reports", body: bad, token: w.sec}).expect(t, 422).errorAt(t, "body.body")

	// Edit the draft, then submit it: version 1, frozen with the SHA-256 of its canonical JSON.
	edit := draftBody("Learning events were organised with UN-Habitat.")
	delete(edit, "body")
	h.do(req{method: "PUT", path: path, body: edit, token: w.edAlpha}).expect(t, 428)
	h.do(req{method: "PUT", path: path, body: edit, token: w.edAlpha, header: ifMatch(`"v1"`)}).expect(t, 200)
	h.do(req{method: "PUT", path: path, body: edit, token: w.edBeta, header: ifMatch(`"v2"`)}).expect(t, 403)
	transition := func(token, to, reason, tag string) *response {
		return h.do(req{method: "POST", path: path + "/transitions", token: token, header: ifMatch(tag),
			body: map[string]any{"to": to, "reason": reason}})
	}
	transition(w.edAlpha, "published", "", `"v2"`).expect(t, 409)
	transition(w.edBeta, "submitted", "", `"v2"`).expect(t, 403)
	transition(w.edAlpha, "submitted", "", `"v2"`).expect(t, 200).JSON(t, &r)
	if r.Status != "submitted" || r.SubmittedVersion == nil || *r.SubmittedVersion != 1 || len(r.AllowedNext) != 0 {
		t.Fatalf("submitted, and nothing the editor may do next: %+v", r)
	}
	var v1 domain.ReportVersion
	h.do(req{method: "GET", path: path + "/versions/1", token: w.sec}).expect(t, 200).JSON(t, &v1)
	sum := sha256.Sum256([]byte(v1.Canonical))
	if hex.EncodeToString(sum[:]) != v1.SHA256 || v1.Content.Activities[0].Text.EN != "Learning events were organised with UN-Habitat." {
		t.Fatalf("version 1: %+v", v1)
	}
	var canon domain.Frozen
	if err := json.Unmarshal([]byte(v1.Canonical), &canon); err != nil || canon.Content.Title.EN != "Work in 2019-2020" ||
		canon.Period.Start != "2019-01-01" || canon.Body != "digital-cities" {
		t.Fatalf("canonical JSON: %v %s", err, v1.Canonical)
	}

	// A submitted report cannot be edited; only the secretariat returns (with a reason) or publishes.
	h.do(req{method: "PUT", path: path, body: edit, token: w.edAlpha, header: ifMatch(`"v3"`)}).expect(t, 409)
	transition(w.edAlpha, "published", "", `"v3"`).expect(t, 403)
	transition(w.edAlpha, "draft", "please add outcomes", `"v3"`).expect(t, 403)
	transition(w.sec, "draft", "", `"v3"`).expect(t, 422).errorAt(t, "body.reason")
	transition(w.sec, "draft", "Please add the learning events' outcomes.", `"v3"`).expect(t, 200).JSON(t, &r)
	if r.Status != "draft" || len(r.History) != 2 || r.History[1].Reason == nil || r.History[1].Actor != "secretariat" {
		t.Fatalf("returned %+v", r)
	}
	edit2 := draftBody("Learning events were organised with UN-Habitat and WeGO.")
	delete(edit2, "body")
	edit2["period"] = map[string]any{"start": "2019-06-01", "end": "2020-12-31"}
	h.do(req{method: "PUT", path: path, body: edit2, token: w.edAlpha, header: ifMatch(`"v4"`)}).expect(t, 200)
	transition(w.edAlpha, "submitted", "", `"v5"`).expect(t, 200)
	conflict := transition(w.sec, "submitted", "", `"v6"`).expect(t, 409)
	if !strings.Contains(string(conflict.Body), "draft, published") {
		t.Fatalf("an invalid transition names the allowed ones: %s", conflict.Body)
	}
	transition(w.sec, "published", "", `"v6"`).expect(t, 200).JSON(t, &r)
	if r.Status != "published" || *r.PublishedVersion != 2 || len(r.AllowedNext) != 0 {
		t.Fatalf("published %+v", r)
	}
	transition(w.sec, "draft", "late change", `"v7"`).expect(t, 409)

	// Anonymous readers see the published report and its published version only, and no return
	// reason (it may quote an unpublished version).
	var public domain.Report
	h.do(req{method: "GET", path: path}).expect(t, 200).JSON(t, &public)
	for _, tr := range public.History {
		if tr.Reason != nil {
			t.Fatalf("anonymous readers see a return reason: %+v", public.History)
		}
	}
	var bySec domain.Report
	h.do(req{method: "GET", path: path, token: w.sec}).expect(t, 200).JSON(t, &bySec)
	if bySec.History[1].Reason == nil {
		t.Fatal("the secretariat does not see the return reason")
	}
	var versions struct {
		Items []domain.ReportVersion `json:"items"`
	}
	h.do(req{method: "GET", path: path + "/versions"}).expect(t, 200).JSON(t, &versions)
	if len(versions.Items) != 1 || versions.Items[0].Number != 2 {
		t.Fatalf("anonymous versions %+v", versions.Items)
	}
	h.do(req{method: "GET", path: path + "/versions/1"}).expect(t, 404)
	h.do(req{method: "GET", path: path + "/versions", token: w.sec}).expect(t, 200).JSON(t, &versions)
	if len(versions.Items) != 2 {
		t.Fatalf("secretariat versions %d", len(versions.Items))
	}

	// The diff between the versions names the changed text.
	var diff domain.ReportDiff
	h.do(req{method: "GET", path: path + "/diff?from=1&to=2", token: w.sec}).expect(t, 200).JSON(t, &diff)
	var paths []string
	for _, c := range diff.Changes {
		paths = append(paths, c.Path+" "+c.Change)
	}
	// The period is frozen with the content: a change of it is a change of the version.
	if fmt.Sprint(paths) != "[content.activities[0].text.en changed period.start changed]" ||
		*diff.Changes[0].After != "Learning events were organised with UN-Habitat and WeGO." {
		t.Fatalf("diff %v", paths)
	}
	h.do(req{method: "GET", path: path + "/diff?from=1&to=2"}).expect(t, 404) // version 1 is not public
	h.do(req{method: "GET", path: path + "/diff?from=2&to=9", token: w.sec}).expect(t, 404)

	// A report with versions is never deleted; a fresh draft is.
	h.do(req{method: "DELETE", path: path, token: w.sec, header: ifMatch("*")}).expect(t, 409)
	var fresh domain.Report
	h.do(req{method: "POST", path: "/v1/reports", body: draftBody("x"), token: w.edAlpha}).expect(t, 201).JSON(t, &fresh)
	h.do(req{method: "DELETE", path: fmt.Sprintf("/v1/reports/%d", fresh.ID), token: w.edAlpha, header: ifMatch(`"v1"`)}).expect(t, 204)

	// Every transition is audited, and the versions never changed: not by the API, and the
	// database refuses any statement that would.
	var n int
	if err := h.db.SQL().Get(&n, `SELECT count(*) FROM audit_log WHERE resource = 'report' AND resource_id = $1`, fmt.Sprint(r.ID)); err != nil || n != 7 {
		t.Fatalf("audit rows %d (%v), want the create, 2 edits and 4 transitions", n, err)
	}
	var again domain.ReportVersion
	h.do(req{method: "GET", path: path + "/versions/1", token: w.sec}).expect(t, 200).JSON(t, &again)
	if again.SHA256 != v1.SHA256 || again.Canonical != v1.Canonical {
		t.Fatal("version 1 changed")
	}
	for _, stmt := range []string{`UPDATE report_versions SET sha256 = repeat('0', 64)`, `DELETE FROM report_versions`,
		`TRUNCATE report_versions CASCADE`} {
		if _, err := h.db.SQL().Exec(stmt); err == nil || !strings.Contains(err.Error(), "never change") {
			t.Errorf("%s: %v", stmt, err)
		}
	}
}

func TestReportRenderings(t *testing.T) {
	w := newReportsWorld(t)
	h := w.h
	// An attempted script injection in every kind of text.
	evil := draftBody("<script>alert('text')</script> <img src=x onerror=alert(1)> [click](javascript:alert(2)) " +
		"<a href=\"javascript:alert(3)\">a</a> <iframe src=\"https://evil.example\"></iframe>")
	evil["title"] = map[string]any{"en": "Report <script>alert('title')</script>\n# Injected heading"}
	evil["results"] = []any{map[string]any{"title": map[string]any{"en": "<style>body{display:none}</style>Results"},
		"text": map[string]any{"en": "<svg onload=alert(4)></svg>**Done.**"}}}
	var r domain.Report
	h.do(req{method: "POST", path: "/v1/reports", body: evil, token: w.sec}).expect(t, 201).JSON(t, &r)
	path := fmt.Sprintf("/v1/reports/%d", r.ID)

	// Stored as written.
	if !strings.Contains(r.Activities[0].Text.EN, "<script>alert('text')</script>") {
		t.Fatalf("the text is not stored as written: %q", r.Activities[0].Text.EN)
	}
	page := h.do(req{method: "GET", path: path, token: w.sec, header: map[string]string{"Accept": "text/html"}}).expect(t, 200)
	html := strings.ToLower(string(page.Body))
	for _, bad := range []string{"<script", "onerror", "onload", "javascript:", "<iframe", "<style>body", "<svg"} {
		if strings.Contains(html, bad) {
			t.Errorf("the HTML page holds %q", bad)
		}
	}
	for _, good := range []string{"<h3>a. implementation</h3>", "<strong>done.</strong>", "<h2>3. summary of results</h2>"} {
		if !strings.Contains(html, good) {
			t.Errorf("the HTML page lacks %q", good)
		}
	}
	if strings.Contains(html, "<h1>injected heading</h1>") {
		t.Error("a title started a heading of its own")
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") || strings.Join(page.Header.Values("Vary"), ", ") != "Accept, Accept-Language" ||
		page.Header.Get("Content-Language") != "en" {
		t.Errorf("headers %v", page.Header)
	}

	md := h.do(req{method: "GET", path: path + "?format=markdown", token: w.sec}).expect(t, 200)
	if !strings.Contains(string(md.Body), "### D. Learning") || !strings.HasPrefix(md.Header.Get("Content-Type"), "text/markdown") {
		t.Errorf("markdown: %s", md.Body)
	}
	js := h.do(req{method: "GET", path: path, token: w.sec, header: map[string]string{"Accept": "application/json"}}).expect(t, 200)

	// One ETag per representation, each revalidated on its own.
	tags := map[string]bool{page.Header.Get("ETag"): true, md.Header.Get("ETag"): true, js.Header.Get("ETag"): true}
	if len(tags) != 3 {
		t.Fatalf("representations share an ETag: %v", tags)
	}
	for accept, tag := range map[string]string{"text/html": page.Header.Get("ETag"), "text/markdown": md.Header.Get("ETag")} {
		h.do(req{method: "GET", path: path, token: w.sec, header: map[string]string{"Accept": accept, "If-None-Match": tag}}).expect(t, 304)
	}
	h.do(req{method: "GET", path: path, token: w.sec, header: map[string]string{"Accept": "image/png"}}).expect(t, 406)
	h.do(req{method: "GET", path: path, token: w.sec, header: map[string]string{"Accept": "text/markdown;q=0.2, text/html;q=0.9"}}).
		expect(t, 200)
}

func TestReportPrefillAndCommitments(t *testing.T) {
	w := newReportsWorld(t)
	h := w.h
	ctx := fixtureCtx()
	// The fixture period is 2021. In it: a reported panel (with an outcome), a sample webinar, a
	// study milestone; outside it, an event of 2019. Adoption: alpha's t1 went from pilot (2020)
	// to scaled (2021); beta's first record (2021) is sample.
	for _, e := range []struct {
		slug, typ, start, provenance string
	}{{"panel-2021", "panel", "2021-03-04", "reported"}, {"webinar-2021", "webinar", "2021-Q2", "sample"},
		{"old-2019", "workshop", "2019", "reported"}} {
		precision := map[int]string{10: "day", 7: "quarter", 4: "year"}[len(e.start)]
		f := domain.EventFields{Title: domain.Text{EN: "Event " + e.slug}, Type: e.typ, Status: "completed",
			Start: domain.DateWithPrecision{Value: ptr(e.start), Precision: precision}, Provenance: e.provenance,
			Outcomes: domain.Texts{{EN: "Outcome of " + e.slug}}}
		if _, err := h.db.CreateEvent(ctx, fixtureCaller, e.slug, f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.db.SQL().Exec(`UPDATE studies SET schedule = '[{"when": {"value": "2021-06", "precision": "month"}, "milestone": {"en": "Launch"}}, {"when": {"value": "2019", "precision": "year"}, "milestone": {"en": "Old"}}]' WHERE edition = 2019`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateTrend(ctx, fixtureCaller, "t1", domain.TrendFields{Name: domain.Text{EN: "T1"}, Description: domain.Text{EN: "T1"}, Category: "iot"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		city, stage, provenance string
		year                    int
	}{{"alpha", "pilot", "reported", 2020}, {"alpha", "scaled", "reported", 2021}, {"beta", "pilot", "sample", 2021}} {
		if _, err := h.db.CreateAdoption(ctx, fixtureCaller, domain.AdoptionKey{Trend: "t1", City: a.city, Year: a.year},
			domain.AdoptionFields{Stage: a.stage, Source: "Test", Provenance: a.provenance}); err != nil {
			t.Fatal(err)
		}
	}

	// Commitments: written by the chair city's editors, with a status history.
	commitment := func(title, due, precision, status string) domain.Commitment {
		var c domain.Commitment
		var value any = due
		if due == "" {
			value = nil
		}
		h.do(req{method: "POST", path: "/v1/commitments", token: w.edAlpha, body: map[string]any{"body": "digital-cities",
			"title": map[string]any{"en": title}, "owner": "Committee", "due": map[string]any{"value": value, "precision": precision},
			"status": status}}).expect(t, 201).JSON(t, &c)
		return c
	}
	plan := commitment("Promotion plan", "2021", "year", "open")
	forums := commitment("Forums", "", "unknown", "in_progress")
	later := commitment("Later", "2023-Q1", "quarter", "open")
	done := commitment("Done already", "2020", "year", "done")
	h.do(req{method: "POST", path: "/v1/commitments", token: w.edBeta, body: map[string]any{"body": "digital-cities",
		"title": map[string]any{"en": "x"}, "owner": "x", "due": map[string]any{"value": nil, "precision": "unknown"}, "status": "open"}}).expect(t, 403)
	var list struct {
		Items []domain.Commitment `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/commitments?status=open"}).expect(t, 200).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != plan.ID || list.Items[1].ID != later.ID {
		t.Fatalf("open commitments %+v", list.Items)
	}
	h.do(req{method: "GET", path: "/v1/commitments?body=atlantis"}).expect(t, 422).errorAt(t, "query.body")

	// Status changes join the history; the body cannot change.
	upd := map[string]any{"body": "digital-cities", "title": map[string]any{"en": "Promotion plan"}, "owner": "Committee",
		"due": map[string]any{"value": "2021", "precision": "year"}, "status": "done", "status_note": "Adopted in June."}
	var c domain.Commitment
	h.do(req{method: "PUT", path: fmt.Sprintf("/v1/commitments/%d", plan.ID), token: w.edAlpha, body: upd, header: ifMatch(`"v1"`)}).expect(t, 200).JSON(t, &c)
	if len(c.History) != 2 || c.History[1].Status != "done" || *c.History[1].Note != "Adopted in June." {
		t.Fatalf("history %+v", c.History)
	}
	h.do(req{method: "PUT", path: fmt.Sprintf("/v1/commitments/%d", plan.ID), token: w.edAlpha, body: upd, header: ifMatch(`"v1"`)}).expect(t, 412)
	upd["status"] = "open"
	h.do(req{method: "PUT", path: fmt.Sprintf("/v1/commitments/%d", plan.ID), token: w.edAlpha, body: upd, header: ifMatch(`"v2"`)}).expect(t, 200)

	// A draft for 2021 pre-filled from the data: reported records only by default.
	body := map[string]any{"body": "digital-cities", "period": map[string]any{"start": "2021-01-01", "end": "2021-12-31"},
		"title": map[string]any{"en": "Work in 2021"}, "prefill": map[string]any{}}
	var r domain.Report
	h.do(req{method: "POST", path: "/v1/reports", body: body, token: w.edAlpha}).expect(t, 201).JSON(t, &r)
	var lines []string
	for _, a := range r.Activities {
		lines = append(lines, a.Priority+": "+strings.SplitN(a.Text.EN, "\n", 2)[0])
	}
	want := []string{
		"advocacy: **Event panel-2021** (panel, 2021-03-04; status: completed).",
		"implementation: Smart Cities Study 2019 (2021-06): Launch",
		"monitoring: Changes in cities' adoption of technology trends assessed in the period:",
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("pre-filled activities:\n got %q\nwant %q", lines, want)
	}
	if !strings.Contains(r.Activities[0].Text.EN, "Outcome of panel-2021") || !strings.Contains(r.Activities[2].Text.EN, "from pilot to scaled (2021)") ||
		strings.Contains(r.Activities[2].Text.EN, "Beta") {
		t.Errorf("outcomes and adoption changes: %q / %q", r.Activities[0].Text.EN, r.Activities[2].Text.EN)
	}
	if fmt.Sprint(r.Commitments) != fmt.Sprint([]int64{plan.ID, forums.ID}) {
		t.Errorf("commitments followed up %v, want the open ones due by the end of 2021 or of unknown date (%d, %d); not %d (2023) nor %d (done)",
			r.Commitments, plan.ID, forums.ID, later.ID, done.ID)
	}
	p := r.PrefilledFrom
	if p == nil || p.Events != 1 || p.Milestones != 1 || p.AdoptionChanges != 1 || p.Commitments != 2 || p.IncludesInventedData ||
		fmt.Sprint(p.Provenance) != "[reported]" {
		t.Errorf("prefilled_from %+v", p)
	}

	// Asked for sample data too: the sample webinar (learning) and beta's record come in, marked.
	body["prefill"] = map[string]any{"provenance": []string{"reported", "sample"}}
	h.do(req{method: "POST", path: "/v1/reports", body: body, token: w.edAlpha}).expect(t, 201).JSON(t, &r)
	if p := r.PrefilledFrom; p == nil || p.Events != 2 || p.AdoptionChanges != 2 || !p.IncludesInventedData {
		t.Errorf("prefilled_from with sample data %+v", p)
	}
	invented := 0
	for _, a := range r.Activities {
		if strings.Contains(a.Text.EN, "invented for demonstrations") {
			invented++
		}
	}
	if invented != 2 {
		t.Errorf("%d pre-filled items say they are invented, want 2 (the webinar and the adoption changes)", invented)
	}
	body["prefill"] = map[string]any{"verification": []string{"rejected"}}
	h.do(req{method: "POST", path: "/v1/reports", body: body, token: w.edAlpha}).expect(t, 422)

	// The reports that mention a commitment.
	var reports struct {
		Items []domain.Report `json:"items"`
	}
	h.do(req{method: "GET", path: fmt.Sprintf("/v1/reports?commitment=%d", forums.ID), token: w.sec}).expect(t, 200).JSON(t, &reports)
	if len(reports.Items) != 2 {
		t.Errorf("reports mentioning commitment %d: %d", forums.ID, len(reports.Items))
	}
	h.do(req{method: "GET", path: fmt.Sprintf("/v1/reports?commitment=%d", later.ID), token: w.sec}).expect(t, 200).JSON(t, &reports)
	if len(reports.Items) != 0 {
		t.Errorf("reports mentioning commitment %d: %d", later.ID, len(reports.Items))
	}
}

// TestReportsHoldAgainstTheAttack: what an outside attack on the reports found, each case.
func TestReportsHoldAgainstTheAttack(t *testing.T) {
	w := newReportsWorld(t)
	h := w.h
	var c domain.Commitment
	h.do(req{method: "POST", path: "/v1/commitments", token: w.sec, body: map[string]any{"body": "digital-cities",
		"title": map[string]any{"en": "Promotion plan"}, "owner": "Committee", "due": map[string]any{"value": "2020", "precision": "year"},
		"status": "open"}}).expect(t, 201).JSON(t, &c)

	// A text cannot hide, swallow or imitate the template's sections that follow it.
	body := draftBody("Innocent text\n\n<!-- hidden")
	body["activities"] = []any{
		map[string]any{"priority": "implementation", "text": map[string]any{"en": "Innocent text\n\n<!-- hidden"}},
		map[string]any{"priority": "advocacy", "text": map[string]any{"en": "```\nunclosed fence\n\n# 9. Fake section\nFake\n===\n<pre>"}},
		map[string]any{"priority": "learning", "text": map[string]any{"en": "LEARNING TEXT"}}}
	body["commitments"] = []any{c.ID}
	var r domain.Report
	h.do(req{method: "POST", path: "/v1/reports", token: w.sec, body: body}).expect(t, 201).JSON(t, &r)
	path := fmt.Sprintf("/v1/reports/%d", r.ID)
	html := string(h.do(req{method: "GET", path: path + "?format=html", token: w.sec}).expect(t, 200).Body)
	for _, want := range []string{"LEARNING TEXT", "Promotion plan (open)", "The study was drafted.", "No change."} {
		if !strings.Contains(html, want) {
			t.Errorf("a text hid %q from the page", want)
		}
	}
	if strings.Contains(html, "<h1>9. Fake section") || strings.Contains(html, "<h1>Fake") {
		t.Error("a text made a heading of the template's level")
	}

	// A version is rendered from what it froze: editing a commitment later changes neither its
	// rendering nor its ETag; the live report's rendering and ETag change.
	h.do(req{method: "POST", path: path + "/transitions", token: w.sec, header: ifMatch(`"v1"`), body: map[string]any{"to": "submitted"}}).expect(t, 200)
	before := h.do(req{method: "GET", path: path + "/versions/1?format=markdown", token: w.sec}).expect(t, 200)
	live := h.do(req{method: "GET", path: path + "?format=markdown", token: w.sec}).expect(t, 200)
	h.do(req{method: "PUT", path: fmt.Sprintf("/v1/commitments/%d", c.ID), token: w.sec, header: ifMatch(`"v1"`),
		body: map[string]any{"body": "digital-cities", "title": map[string]any{"en": "RENAMED"}, "owner": "x",
			"due": map[string]any{"value": "2024", "precision": "year"}, "status": "done"}}).expect(t, 200)
	after := h.do(req{method: "GET", path: path + "/versions/1?format=markdown", token: w.sec}).expect(t, 200)
	if string(after.Body) != string(before.Body) || after.Header.Get("ETag") != before.Header.Get("ETag") ||
		!strings.Contains(string(after.Body), "Promotion plan (open)") {
		t.Errorf("the version's rendering changed with the commitment:\n%s", after.Body)
	}
	live2 := h.do(req{method: "GET", path: path + "?format=markdown", token: w.sec}).expect(t, 200)
	if live2.Header.Get("ETag") == live.Header.Get("ETag") || !strings.Contains(string(live2.Body), "RENAMED (done)") {
		t.Errorf("the live rendering did not follow the commitment (ETag %s)", live2.Header.Get("ETag"))
	}

	// A commitment of another body cannot be followed up, nor one twice.
	if _, err := h.db.SQL().Exec(`INSERT INTO communities (slug, name, kind) VALUES ('other-body', '{"en": "Other"}', 'committee')`); err != nil {
		t.Fatal(err)
	}
	var other domain.Commitment
	h.do(req{method: "POST", path: "/v1/commitments", token: w.sec, body: map[string]any{"body": "other-body",
		"title": map[string]any{"en": "Theirs"}, "owner": "x", "due": map[string]any{"value": nil, "precision": "unknown"},
		"status": "open"}}).expect(t, 201).JSON(t, &other)
	bad := draftBody("x")
	bad["commitments"] = []any{other.ID}
	h.do(req{method: "POST", path: "/v1/reports", token: w.sec, body: bad}).expect(t, 422).errorAt(t, "body.commitments[0]")
	bad["commitments"] = []any{c.ID, c.ID}
	h.do(req{method: "POST", path: "/v1/reports", token: w.sec, body: bad}).expect(t, 422).errorAt(t, "body.commitments[1]")

	// What a report links cannot be deleted from under it.
	linked := draftBody("x")
	linked["activities"] = []any{map[string]any{"priority": "learning", "text": map[string]any{"en": "With Beta."},
		"links": []any{map[string]any{"kind": "city", "ref": "beta"}}}}
	h.do(req{method: "POST", path: "/v1/reports", token: w.sec, body: linked}).expect(t, 201)
	res := h.do(req{method: "DELETE", path: "/v1/cities/beta", token: w.sec, header: ifMatch("*")}).expect(t, 409)
	if !strings.Contains(string(res.Body), "linked from reports") {
		t.Errorf("the conflict does not say why: %s", res.Body)
	}

	// A pre-filled draft saves back as it is: a long list of adoption changes is split into
	// texts within the 2,000 characters a text holds.
	ctx := fixtureCtx()
	for i := 0; i < 40; i++ {
		slug := fmt.Sprintf("trend-with-a-long-name-%02d", i)
		if _, err := h.db.CreateTrend(ctx, fixtureCaller, slug, domain.TrendFields{Name: domain.Text{EN: "A trend with a rather long name " + slug},
			Description: domain.Text{EN: "x"}, Category: "other"}); err != nil {
			t.Fatal(err)
		}
		for _, city := range []string{"alpha", "beta", "gamma"} {
			if _, err := h.db.CreateAdoption(ctx, fixtureCaller, domain.AdoptionKey{Trend: slug, City: city, Year: 2021},
				domain.AdoptionFields{Stage: "pilot", Source: "Test"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var pre domain.Report
	h.do(req{method: "POST", path: "/v1/reports", token: w.sec, body: map[string]any{"body": "digital-cities",
		"period": map[string]any{"start": "2021-01-01", "end": "2021-12-31"}, "title": map[string]any{"en": "2021"},
		"prefill": map[string]any{}}}).expect(t, 201).JSON(t, &pre)
	if pre.PrefilledFrom == nil || pre.PrefilledFrom.AdoptionChanges != 120 || len(pre.Activities) < 4 {
		t.Fatalf("prefilled %+v with %d activities", pre.PrefilledFrom, len(pre.Activities))
	}
	for _, a := range pre.Activities {
		if n := len([]rune(a.Text.EN)); n > 2000 || len(a.Links) > 50 {
			t.Errorf("a pre-filled text of %d characters, %d links", n, len(a.Links))
		}
	}
	put := map[string]any{"period": pre.Period, "title": pre.Title, "activities": pre.Activities, "commitments": pre.Commitments,
		"leadership_update": pre.LeadershipUpdate, "results": pre.Results}
	h.do(req{method: "PUT", path: fmt.Sprintf("/v1/reports/%d", pre.ID), token: w.sec, header: ifMatch(`"v1"`), body: put}).expect(t, 200)
}
