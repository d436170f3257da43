package reportdoc

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// policy is the allow-list the HTML of report texts passes through: user-generated-content
// rules (no script, no event handler, no style, no javascript: URL).
var policy = bluemonday.UGCPolicy()

// pageHead is the page up to its body: the language, the title and print styles, no script.
const pageHead = `<!DOCTYPE html>
<html lang="%s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<style>
body { font-family: Georgia, "Times New Roman", serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #999; } h3 { font-size: 1.1rem; }
code { font-size: 0.85em; word-break: break-all; }
.translation-note { border-left: 3px solid #999; padding-left: 0.75rem; font-style: italic; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
</style>
</head>
<body>
`

// HTML renders the document as a printable page in its language (<html lang>): each text's
// Markdown converted (raw HTML in report text is dropped, not rendered) and sanitised on its
// own, so that no text reaches into the next; a text shown in English for want of a translation
// carries lang="en", and a note at the top lists where.
func HTML(d *Document, commitments map[int64]Commitment) (string, error) {
	p := layout(d, commitments)
	w := &htmlWriter{lang: p.lang}
	fmt.Fprintf(&w.b, pageHead, p.lang, html.EscapeString(oneLine(p.title.text)))
	w.heading(1, p.title)
	fmt.Fprintf(&w.b, "<p><em>%s — %s — %s</em></p>\n", w.inline(p.body), html.EscapeString(p.period), html.EscapeString(p.status))
	if p.sha256 != "" {
		fmt.Fprintf(&w.b, "<p><em>%s <code>%s</code></em></p>\n", html.EscapeString(p.l.checksum), html.EscapeString(p.sha256))
	}
	if note := p.note(); note != "" {
		fmt.Fprintf(&w.b, "<p class=\"translation-note\" role=\"note\">%s</p>\n", html.EscapeString(note))
	}
	for i := range p.parts {
		pt := &p.parts[i]
		fmt.Fprintf(&w.b, "<h%d>%s</h%d>\n", pt.level, html.EscapeString(pt.heading), pt.level)
		for j := range pt.sections {
			w.section(p.l, &pt.sections[j])
		}
		if len(pt.commitments) > 0 {
			fmt.Fprintf(&w.b, "<p><strong>%s</strong></p>\n<ul>\n", html.EscapeString(p.l.commitments))
			for _, c := range pt.commitments {
				w.b.WriteString("<li>" + w.inline(c.title))
				if c.status != "" {
					w.b.WriteString(" (" + html.EscapeString(c.status) + ")")
				}
				w.b.WriteString("</li>\n")
			}
			w.b.WriteString("</ul>\n")
		}
		if pt.empty() {
			fmt.Fprintf(&w.b, "<p><em>%s</em></p>\n", html.EscapeString(p.l.nothing))
		}
	}
	if w.err != nil {
		return "", w.err
	}
	w.b.WriteString("</body>\n</html>\n")
	return w.b.String(), nil
}

// htmlWriter writes a page's body, keeping the first conversion error.
type htmlWriter struct {
	b    strings.Builder
	lang string // the page's
	err  error
}

// langAttr is the lang attribute of an element holding s: none when s is in the page's language.
func (w *htmlWriter) langAttr(s span) string {
	if s.lang == w.lang {
		return ""
	}
	return ` lang="` + html.EscapeString(s.lang) + `"`
}

// inline is s as escaped text, in a span of its language when that is not the page's.
func (w *htmlWriter) inline(s span) string {
	t := html.EscapeString(oneLine(s.text))
	if a := w.langAttr(s); a != "" {
		return "<span" + a + ">" + t + "</span>"
	}
	return t
}

// convert turns Markdown into sanitised HTML.
func (w *htmlWriter) convert(md string) []byte {
	var out bytes.Buffer
	if err := goldmark.Convert([]byte(md), &out); err != nil && w.err == nil {
		w.err = err
	}
	return policy.SanitizeBytes(out.Bytes())
}

// heading writes a heading of level (1 to 6) whose text is Markdown on one line (emphasis,
// code, links), marked with its language when that is not the page's.
func (w *htmlWriter) heading(level int, s span) {
	h := w.convert(strings.Repeat("#", level) + " " + oneLine(s.text))
	open := fmt.Sprintf("<h%d>", level)
	if !bytes.HasPrefix(h, []byte(open)) { // an ATX heading line always converts to one: never seen
		fmt.Fprintf(&w.b, "<h%d%s>%s</h%d>\n", level, w.langAttr(s), html.EscapeString(oneLine(s.text)), level)
		return
	}
	fmt.Fprintf(&w.b, "<h%d%s>", level, w.langAttr(s))
	w.b.Write(h[len(open):])
}

// section writes a report's section: its heading, its text (in a div of its language) and the
// records it refers to.
func (w *htmlWriter) section(l *labels, s *section) {
	if s.title != nil {
		w.heading(4, *s.title)
	}
	fmt.Fprintf(&w.b, "<div%s>\n", w.langAttr(s.text))
	w.b.Write(w.convert(fragment(s.text.text)))
	w.b.WriteString("</div>\n")
	if len(s.links) > 0 {
		refs := make([]string, len(s.links))
		for i, k := range s.links {
			refs[i] = html.EscapeString(k.kind) + " <code>" + html.EscapeString(k.ref) + "</code>"
		}
		before, after, _ := strings.Cut(l.refersTo, "%s")
		fmt.Fprintf(&w.b, "<p><em>%s%s%s</em></p>\n", html.EscapeString(before), strings.Join(refs, ", "), html.EscapeString(after))
	}
}
