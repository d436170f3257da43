package seed

import (
	"fmt"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// seededText is one text the seed writes, with where it is and whether it may be translated:
// names may carry a sourced translation; text quoted from or written after the English sources
// (the report, milestones, focuses, descriptions, event titles, indicators, trends) may not.
type seededText struct {
	where      string
	text       domain.Text
	translated bool // whether a sourced translation is allowed
}

// allSeededTexts lists every text of the seed data.
func allSeededTexts() []seededText {
	var out []seededText
	add := func(where string, t domain.Text, translated bool) {
		out = append(out, seededText{where, t, translated})
	}
	for _, c := range cities {
		add("city "+c.slug, c.fields.Name, true)
	}
	for _, b := range bodies {
		add("community "+b.slug, b.name, true)
		add("community "+b.slug+" description", b.description, false)
	}
	for _, r := range roles {
		if r.Representative != nil {
			add("role representative in "+r.Body, *r.Representative, true)
		}
	}
	for _, o := range organisations {
		add("organisation "+o.slug, o.name, true)
	}
	for _, f := range frameworks {
		add("framework "+f.Slug, f.Name, true)
		if f.Description != nil {
			add("framework "+f.Slug+" description", *f.Description, false)
		}
		for _, d := range f.Dimensions {
			add("dimension "+d.Slug, d.Name, false)
		}
	}
	for _, i := range indicators {
		add("indicator "+i.slug, i.fields.Name, false)
		for _, t := range []*domain.Text{i.fields.Description, i.fields.Methodology} {
			if t != nil {
				add("indicator "+i.slug+" text", *t, false)
			}
		}
		for _, l := range i.fields.Levels {
			add("indicator "+i.slug+" level", l.Label, false)
		}
	}
	for _, s := range studies {
		where := fmt.Sprint("study ", s.edition)
		add(where, s.fields.Title, true)
		add(where+" focus", s.fields.Focus, false)
		for _, m := range s.fields.Schedule {
			add(where+" milestone", m.Milestone, false)
		}
		if s.fields.Conclusions != nil {
			add(where+" conclusions", *s.fields.Conclusions, false)
		}
	}
	for _, e := range events {
		add("event "+e.slug, e.fields.Title, false)
		if e.fields.Description != nil {
			add("event "+e.slug+" description", *e.fields.Description, false)
		}
		if e.fields.Location.Place != nil {
			add("event "+e.slug+" place", *e.fields.Location.Place, true)
		}
	}
	for _, t := range trends {
		add("trend "+t.slug, t.fields.Name, false)
		add("trend "+t.slug+" description", t.fields.Description, false)
	}
	for _, d := range datasets {
		add("dataset "+d.slug, d.fields.Title, true)
		add("dataset "+d.slug+" description", d.fields.Description, false)
	}
	for _, c := range reportCommitments {
		add("commitment", c.Title, false)
	}
	content := reportContent([]int64{1, 2, 3, 4})
	add("report title", content.Title, false)
	for _, a := range content.Activities {
		add("report activity", a.Text, false)
	}
	for _, s := range append(content.LeadershipUpdate, content.Results...) {
		if s.Title != nil {
			add("report section title", *s.Title, false)
		}
		add("report section", s.Text, false)
	}
	return out
}

// TestSeededTranslationsAreSourced: a seeded text carries a French or Spanish version only where
// it may (a name, not text of the English sources) and only as sourcedTexts gives it, with its
// source; and sourcedTexts lists nothing the seed does not use.
func TestSeededTranslationsAreSourced(t *testing.T) {
	sourced := map[domain.Text]sourcedText{}
	for _, s := range sourcedTexts {
		if s.source == "" || (s.kind != fromUCLG && s.kind != fromOwner && s.kind != exonym && s.kind != ownTranslation) {
			t.Errorf("%q: translation without a source or a kind (%q, %q)", s.text.EN, s.kind, s.source)
		}
		if s.text.FR == "" && s.text.ES == "" {
			t.Errorf("%q: listed with no translation", s.text.EN)
		}
		if _, dup := sourced[s.text]; dup {
			t.Errorf("%q: listed twice", s.text.EN)
		}
		sourced[s.text] = s
	}
	used := map[domain.Text]bool{}
	texts := allSeededTexts()
	for _, s := range texts {
		if s.text.FR == "" && s.text.ES == "" {
			continue
		}
		switch _, ok := sourced[s.text]; {
		case !s.translated:
			t.Errorf("%s: text of the English sources carries a translation: %+v", s.where, s.text)
		case !ok:
			t.Errorf("%s: a translation that sourcedTexts does not list: %+v", s.where, s.text)
		}
		used[s.text] = true
	}
	for _, s := range sourcedTexts {
		if !used[s.text] {
			t.Errorf("%q: listed in sourcedTexts but seeded nowhere", s.text.EN)
		}
	}

	// Which seeded names are translated, and how: a change here is a change of what the API
	// presents as a French or Spanish name, and must come with its source.
	want := map[string]string{
		"organisation uclg":                     fromUCLG,
		"community digital-cities":              fromUCLG,
		"community committee-on-culture":        fromUCLG,
		"study 2017":                            fromUCLG,
		"study 2019":                            fromUCLG,
		"study 2021":                            fromUCLG,
		"organisation un-habitat":               fromOwner,
		"organisation fmdv":                     fromOwner,
		"role representative in digital-cities": ownTranslation,
		"dataset community-cities":              ownTranslation,
		"event 6th-uclg-congress place":         exonym,
		"event uraia-annual-event-malaga place": exonym,
	}
	for _, c := range cities {
		want["city "+c.slug] = exonym
	}
	got := map[string]string{}
	for _, s := range texts {
		if src, ok := sourced[s.text]; ok {
			got[s.where] = src.kind
		}
	}
	for where, kind := range want {
		if got[where] != kind {
			t.Errorf("%s: translated as %q, want %q", where, got[where], kind)
		}
	}
	for where, kind := range got {
		if _, ok := want[where]; !ok {
			t.Errorf("%s: translated (%s), but not expected to be", where, kind)
		}
	}
}

// TestSupersededNamesAreReplaced: every name an earlier seed wrote and the seed now writes
// otherwise is of a record the seed holds, and differs from what the seed writes now.
func TestSupersededNamesAreReplaced(t *testing.T) {
	for _, s := range supersededNames {
		now, ok := seededName(s.resource, s.key)
		if !ok {
			t.Errorf("%s %s: not seeded", s.resource, s.key)
			continue
		}
		if now == s.was || now.EN != s.was.EN {
			t.Errorf("%s %s: the superseded name %+v is not replaced by %+v of the same English", s.resource, s.key, s.was, now)
		}
	}
}
