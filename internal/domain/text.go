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

// Validate checks that the English version is present and no version is blank padding.
func (t Text) Validate(field string) error {
	if strings.TrimSpace(t.EN) == "" {
		return Invalid(field+".en", "the English text is required")
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
