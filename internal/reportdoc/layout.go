package reportdoc

import (
	"fmt"
	"strings"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// span is a text as a rendering shows it, with the language it is really in: the page's, or
// English where the text has no translation.
type span struct{ text, lang string }

// link is a record a section refers to: the kind's label in the page's language and its ref.
type link struct{ kind, ref string }

// section is a report's section in the page's language.
type section struct {
	title *span
	text  span
	links []link
}

// listed is a commitment followed up, as the page lists it.
type listed struct {
	title  span
	status string // in the page's language; "" for a commitment that no longer exists
}

// part is one heading of the template with what it holds.
type part struct {
	level       int // 2 for the template's parts, 3 for the components of part 1
	heading     string
	container   bool // part 1: it holds the components, and is never empty itself
	sections    []section
	commitments []listed
}

// empty reports whether a part has nothing to show.
func (p *part) empty() bool {
	return !p.container && len(p.sections) == 0 && len(p.commitments) == 0
}

// page is a document laid out in one language, for Markdown and HTML alike to write.
type page struct {
	lang    string
	l       *labels
	title   span
	body    span
	period  string
	status  string
	sha256  string
	parts   []part
	english []string // where texts are shown in English, for want of a translation (the note lists them)
}

// layout resolves a document into the words of its language: each text in that language, or in
// English where it has none (recorded in english), and the template's labels.
func layout(d *Document, commitments map[int64]Commitment) *page {
	l, lang := labelsIn(d.Lang)
	p := &page{lang: lang, l: l, sha256: d.SHA256}
	in := func(t domain.Text, where string) span {
		s, used := t.In(lang)
		if used != lang {
			p.english = append(p.english, where)
		}
		return span{s, used}
	}
	c := &d.Content
	p.title = in(c.Title, l.title)
	p.body = span{d.Body, lang} // a slug, or a name of unknown language
	if d.BodyName.EN != "" {
		p.body = in(d.BodyName, l.bodyName)
	}
	p.period = l.period(l.day(d.Period.Start), l.day(d.Period.End))
	p.status = word(l.statuses, d.Status)
	if d.Version > 0 {
		p.status = fmt.Sprintf(l.version, d.Version)
	}
	sectionOf := func(s *domain.ReportSection, where string) section {
		out := section{text: in(s.Text, where)}
		if s.Title != nil {
			t := in(*s.Title, where)
			out.title = &t
		}
		for _, k := range s.Links {
			out.links = append(out.links, link{word(l.linkKinds, k.Kind), k.Ref})
		}
		return out
	}

	p.parts = append(p.parts, part{level: 2, heading: l.activities, container: true})
	for _, key := range domain.StrategicPriorities {
		pt := part{level: 3, heading: l.priorities[key]}
		for i := range c.Activities {
			if c.Activities[i].Priority == key {
				pt.sections = append(pt.sections, sectionOf(&c.Activities[i].ReportSection, pt.heading))
			}
		}
		if key == "monitoring" {
			for _, id := range c.Commitments {
				cm, ok := commitments[id]
				if !ok || strings.TrimSpace(cm.Title.EN) == "" {
					pt.commitments = append(pt.commitments, listed{title: span{fmt.Sprintf(l.commitment, id), lang}})
					continue
				}
				pt.commitments = append(pt.commitments, listed{title: in(cm.Title, l.commitments), status: word(l.commitState, cm.Status)})
			}
		}
		p.parts = append(p.parts, pt)
	}
	for _, tp := range []struct {
		heading  string
		sections []domain.ReportSection
	}{{l.leadership, c.LeadershipUpdate}, {l.results, c.Results}} {
		pt := part{level: 2, heading: tp.heading}
		for i := range tp.sections {
			pt.sections = append(pt.sections, sectionOf(&tp.sections[i], tp.heading))
		}
		p.parts = append(p.parts, pt)
	}
	return p
}

// note is the page's translation note: which parts are shown in English, or "" when none is.
func (p *page) note() string {
	if len(p.english) == 0 || p.l.note == "" {
		return ""
	}
	seen := map[string]bool{}
	var where []string
	for _, w := range p.english {
		if !seen[w] {
			seen[w] = true
			where = append(where, w)
		}
	}
	return fmt.Sprintf(p.l.note, strings.Join(where, ", "))
}
