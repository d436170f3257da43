// Package reportdoc renders a progress report in UCLG's template as Markdown and as a printable
// HTML page. The HTML is safe against script injection from report text: the Markdown is
// converted without raw HTML, then sanitised with an allow-list policy, and the page carries no
// script of its own (the API serves it with a Content-Security-Policy that forbids scripts too).
package reportdoc

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Document is what a rendering shows: the report's identity and the content of the report or
// of one of its versions.
type Document struct {
	ID      int64
	Body    string // the reporting body's name
	Period  domain.ReportPeriod
	Status  string // draft, submitted, published; or "version n" for a frozen version
	SHA256  string // a version's checksum; "" for the report itself
	Content domain.ReportContent
}

// priorityHeadings are the template's headings of the strategic priorities, lettered as in the
// template.
var priorityHeadings = []struct{ key, heading string }{
	{"implementation", "A. Implementation"},
	{"advocacy", "B. Advocacy"},
	{"monitoring", "C. Monitoring and follow-up"},
	{"learning", "D. Learning"},
	{"network", "E. Strengthening the UCLG network"},
}

// Markdown renders the document in the template's order. Texts are written as stored (they are
// Markdown); headings and link lists are added around them.
func Markdown(d *Document, commitments map[int64]string) string {
	var b strings.Builder
	c := &d.Content
	fmt.Fprintf(&b, "# %s\n\n", oneLine(c.Title.EN))
	fmt.Fprintf(&b, "*%s — %s to %s — %s*\n", oneLine(d.Body), d.Period.Start, d.Period.End, d.Status)
	if d.SHA256 != "" {
		fmt.Fprintf(&b, "\n*SHA-256 of the canonical JSON: `%s`*\n", d.SHA256)
	}
	b.WriteString("\n## 1. Main activities, organised according to the main components of UCLG's strategic priorities\n")
	for _, p := range priorityHeadings {
		fmt.Fprintf(&b, "\n### %s\n", p.heading)
		n := 0
		for _, a := range c.Activities {
			if a.Priority == p.key {
				writeSection(&b, &a.ReportSection)
				n++
			}
		}
		if p.key == "monitoring" && len(c.Commitments) > 0 {
			b.WriteString("\n**Commitments followed up**\n\n")
			for _, id := range c.Commitments {
				fmt.Fprintf(&b, "- %s\n", oneLine(commitments[id]))
			}
			n++
		}
		if n == 0 {
			b.WriteString("\n*Nothing reported.*\n")
		}
	}
	b.WriteString("\n## 2. Update in the leadership and any relevant information\n")
	writeSections(&b, c.LeadershipUpdate)
	b.WriteString("\n## 3. Summary of results\n")
	writeSections(&b, c.Results)
	return b.String()
}

// writeSections writes a part's sections, or says that it has none.
func writeSections(b *strings.Builder, sections []domain.ReportSection) {
	if len(sections) == 0 {
		b.WriteString("\n*Nothing reported.*\n")
	}
	for i := range sections {
		writeSection(b, &sections[i])
	}
}

func writeSection(b *strings.Builder, s *domain.ReportSection) {
	if s.Title != nil {
		fmt.Fprintf(b, "\n#### %s\n", oneLine(s.Title.EN))
	}
	fmt.Fprintf(b, "\n%s\n", fragment(s.Text.EN))
	if len(s.Links) > 0 {
		refs := make([]string, len(s.Links))
		for i, l := range s.Links {
			refs[i] = l.Kind + " `" + l.Ref + "`"
		}
		fmt.Fprintf(b, "\n*Refers to: %s.*\n", strings.Join(refs, ", "))
	}
}

// Patterns of the Markdown constructs that could reach past a text's end or imitate the template.
var (
	atxHeading    = regexp.MustCompile(`^ {0,3}#{1,6}(\s|$)`)
	setextLine    = regexp.MustCompile(`^ {0,3}(=+|-+)\s*$`)
	fenceLine     = regexp.MustCompile("^ {0,3}(```|~~~)")
	rawBlockStart = regexp.MustCompile(`(?i)<(script|pre|style|textarea)\b`)
	rawBlockEnd   = regexp.MustCompile(`(?i)</(script|pre|style|textarea)>`)
)

// fragment makes a text safe to place inside the template: its headings are demoted below the
// template's (to level 5) and setext underlines escaped, and a code fence, an HTML comment or a
// raw HTML block (script, pre, style, textarea) left open is closed at its end, so that no text
// can hide, swallow or imitate the sections that follow it.
func fragment(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	fences := 0
	var fence string
	for i, l := range lines {
		if m := fenceLine.FindStringSubmatch(l); m != nil {
			fences++
			fence = m[1]
			continue
		}
		if fences%2 == 1 {
			continue // inside a code block: nothing there is a heading
		}
		switch {
		case atxHeading.MatchString(l):
			lines[i] = "##### " + strings.TrimLeft(strings.TrimSpace(l), "# ")
		case setextLine.MatchString(l) && i > 0:
			lines[i] = "\\" + strings.TrimSpace(l)
		}
	}
	out := strings.Join(lines, "\n")
	if fences%2 == 1 {
		out += "\n" + fence
	}
	if strings.Count(out, "<!--") > strings.Count(out, "-->") {
		out += " -->"
	}
	for n := len(rawBlockStart.FindAllString(out, -1)) - len(rawBlockEnd.FindAllString(out, -1)); n > 0; n-- {
		out += "\n</pre></script></style></textarea>"
	}
	return out
}

// oneLine keeps a text that goes into a heading or a list item on one line, so that it cannot
// start a block of its own.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// policy is the allow-list the HTML passes through: user-generated-content rules (no script, no
// event handler, no style, no javascript: URL).
var policy = bluemonday.UGCPolicy()

// HTML renders the document as a printable page: the Markdown converted (raw HTML in report text
// is dropped, not rendered), sanitised, in a page with print styles and no script.
func HTML(d *Document, commitments map[int64]string) (string, error) {
	var body bytes.Buffer
	if err := goldmark.Convert([]byte(Markdown(d, commitments)), &body); err != nil {
		return "", err
	}
	safe := policy.SanitizeBytes(body.Bytes())
	var page strings.Builder
	fmt.Fprintf(&page, `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<style>
body { font-family: Georgia, "Times New Roman", serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #999; } h3 { font-size: 1.1rem; }
code { font-size: 0.85em; word-break: break-all; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
</style>
</head>
<body>
`, html.EscapeString(oneLine(d.Content.Title.EN)))
	page.Write(safe)
	page.WriteString("</body>\n</html>\n")
	return page.String(), nil
}
