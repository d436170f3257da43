// Package reportdoc renders a progress report in UCLG's template as Markdown and as a printable
// HTML page, in English, French or Spanish: the template's headings and wording in that
// language, and each of the report's texts in it where translated, else in English, which the
// rendering says (a note at the top; in HTML, lang="en" on each such element too).
//
// The HTML is safe against script injection from report text: each text's Markdown is
// converted without raw HTML, then sanitised with an allow-list policy, and the page carries no
// script of its own (the API serves it with a Content-Security-Policy that forbids scripts too).
package reportdoc

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Document is what a rendering shows: the report's identity and the content of the report or
// of one of its versions, and the language to show it in.
type Document struct {
	ID       int64
	Body     string      // the reporting body's slug or name, shown when BodyName is empty
	BodyName domain.Text // the reporting body's name
	Period   domain.ReportPeriod
	Status   string // draft, submitted or published; ignored for a version
	Version  int    // a frozen version's number; 0 for the report itself
	SHA256   string // a version's checksum; "" for the report itself
	Content  domain.ReportContent
	Lang     string // en, fr or es; English when empty or any other
}

// Commitment is a commitment a report follows up, as a rendering lists it: its title and its
// status (open, in_progress, done, dropped). A commitment missing from the map a rendering is
// given is listed by its id.
type Commitment struct {
	Title  domain.Text
	Status string
}

// Markdown renders the document in the template's order. Texts are written as stored (they are
// Markdown); headings and link lists are added around them. Markdown has no way to mark a
// passage's language: the note at the top says which parts are in English.
func Markdown(d *Document, commitments map[int64]Commitment) string {
	p := layout(d, commitments)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", oneLine(p.title.text))
	fmt.Fprintf(&b, "*%s — %s — %s*\n", oneLine(p.body.text), p.period, p.status)
	if p.sha256 != "" {
		fmt.Fprintf(&b, "\n*%s `%s`*\n", p.l.checksum, p.sha256)
	}
	if note := p.note(); note != "" {
		fmt.Fprintf(&b, "\n> %s\n", note)
	}
	for i := range p.parts {
		pt := &p.parts[i]
		fmt.Fprintf(&b, "\n%s %s\n", strings.Repeat("#", pt.level), pt.heading)
		for j := range pt.sections {
			writeSection(&b, p.l, &pt.sections[j])
		}
		if len(pt.commitments) > 0 {
			fmt.Fprintf(&b, "\n**%s**\n\n", p.l.commitments)
			for _, c := range pt.commitments {
				fmt.Fprintf(&b, "- %s\n", oneLine(c.line()))
			}
		}
		if pt.empty() {
			fmt.Fprintf(&b, "\n*%s*\n", p.l.nothing)
		}
	}
	return b.String()
}

// line is how a list shows a commitment: its title, and its status in parentheses.
func (c listed) line() string {
	if c.status == "" {
		return c.title.text
	}
	return c.title.text + " (" + c.status + ")"
}

// writeSection writes a section: its heading, its text and the records it refers to.
func writeSection(b *strings.Builder, l *labels, s *section) {
	if s.title != nil {
		fmt.Fprintf(b, "\n#### %s\n", oneLine(s.title.text))
	}
	fmt.Fprintf(b, "\n%s\n", fragment(s.text.text))
	if len(s.links) > 0 {
		refs := make([]string, len(s.links))
		for i, k := range s.links {
			refs[i] = k.kind + " `" + k.ref + "`"
		}
		fmt.Fprintf(b, "\n*"+l.refersTo+"*\n", strings.Join(refs, ", "))
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
