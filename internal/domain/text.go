package domain

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"strings"
)

// Languages lists the languages that texts meant for people may be written in: UCLG's three.
var Languages = []string{"en", "fr", "es"}

// Text is a text meant for people, in up to three languages. English is always present; the
// French and Spanish versions are added as translations arrive.
type Text struct {
	EN string `json:"en" minLength:"1" maxLength:"2000" doc:"English text (always present)."`
	FR string `json:"fr,omitempty" maxLength:"2000" doc:"French text, when translated."`
	ES string `json:"es,omitempty" maxLength:"2000" doc:"Spanish text, when translated."`
}

// Validate checks that the English version is present and that no translation is only spaces
// (one that is, missing_translations would count as missing while the API stored it).
func (t Text) Validate(field string) error {
	if strings.TrimSpace(t.EN) == "" {
		return Invalid(field+".en", "the English text is required")
	}
	for _, v := range []struct{ lang, text string }{{"fr", t.FR}, {"es", t.ES}} {
		if v.text != "" && strings.TrimSpace(v.text) == "" {
			return Invalid(field+"."+v.lang, "a translation of only spaces is no translation: leave it out, or send null to remove one")
		}
	}
	return nil
}

// Value stores a Text as a jsonb object.
func (t Text) Value() (driver.Value, error) {
	return json.Marshal(t)
}

// Scan reads a Text from a jsonb column.
func (t *Text) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, t)
	case string:
		return json.Unmarshal([]byte(v), t)
	case nil:
		*t = Text{}
		return nil
	}
	return errors.New("domain.Text: unsupported source type")
}

// NonCharacter reports whether r is U+FFFE or U+FFFF: Unicode reserves them as never to be
// characters, and XML (so XLSX) cannot hold them. The API refuses them in every text it stores.
func NonCharacter(r rune) bool { return r == 0xFFFE || r == 0xFFFF }

// LanguageAll asks for every language of a text at once, the {en, fr, es} object.
const LanguageAll = "all"

// IsLanguage reports whether lang is one of UCLG's three languages.
func IsLanguage(lang string) bool {
	return lang == "en" || lang == "fr" || lang == "es"
}

// In returns the text in lang (en, fr or es) and the language it is really in: the English text
// when lang's version is missing or blank (English is always present).
func (t Text) In(lang string) (text, used string) {
	var s string
	switch lang {
	case "fr":
		s = t.FR
	case "es":
		s = t.ES
	default:
		return t.EN, "en"
	}
	if strings.TrimSpace(s) == "" {
		return t.EN, "en"
	}
	return s, lang
}

// Missing reports whether the text has no version, or only a blank one, in lang.
func (t Text) Missing(lang string) bool {
	_, used := t.In(lang)
	return used != lang
}

// UnmarshalJSON reads the {en, fr, es} object or, as a response in one language gives it, a
// plain string, which is taken as the English text. The API's requests take only the object
// (their schema says so and Huma checks it before decoding): the string form is for clients
// that read a response in English back into a Text.
func (t *Text) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // as for any struct
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text{EN: s}
		return nil
	}
	type object Text // without this method
	var o object
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*t = Text(o)
	return nil
}
