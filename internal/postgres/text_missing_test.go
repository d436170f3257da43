package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"unicode"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// TestTextMissingIsDomainTextMissing: the SQL test of a missing translation (text_missing, which
// missing_translations and GET /v1/translations use) says what domain.Text.Missing says, for a
// version made of each white-space character Go knows (blank: missing), of each of them around
// a letter, and of characters that only look blank (a zero-width space, the letter v: present).
// A text that is no text (SQL NULL, JSON null, an empty object) lacks nothing.
func TestTextMissingIsDomainTextMissing(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	versions := []string{"", "Ville", "v", "vvv", "\u200b", "\ufeff", "x\u00a0"}
	for r := rune(0); r <= 0x3000; r++ {
		if unicode.IsSpace(r) {
			versions = append(versions, string(r), string(r)+string(r), string(r)+"Ville"+string(r))
		}
	}
	for _, v := range versions {
		text := domain.Text{EN: "City", FR: v}
		var missing bool
		if err := db.SQL().GetContext(ctx, &missing, `SELECT text_missing($1::jsonb, 'fr')`, text); err != nil {
			t.Fatal(err)
		}
		if want := text.Missing("fr"); missing != want {
			t.Errorf("French %q: text_missing says %v, domain.Text.Missing %v", v, missing, want)
		}
		var has bool // the release files' test of a label in a language (text_has, 00016, 00019)
		if err := db.SQL().GetContext(ctx, &has, `SELECT text_has($1::jsonb, 'fr')`, text); err != nil {
			t.Fatal(err)
		}
		if want := !text.Missing("fr"); has != want {
			t.Errorf("French %q: text_has says %v, domain.Text.Missing %v", v, has, !want)
		}
	}
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{`text_missing(NULL, 'fr')`, false},
		{`text_missing('null', 'fr')`, false},
		{`text_missing('{}', 'fr')`, false},
		{`text_missing('{"en": " ", "fr": " "}', 'fr')`, false}, // blank in every language: nothing to translate
		{`text_missing('{"en": "City"}', 'fr')`, true},
		{`text_missing('{"en": "City", "fr": null}', 'fr')`, true},
		{`text_missing('{"en": "City"}', 'en')`, false},
	} {
		var got sql.NullBool
		if err := db.SQL().GetContext(ctx, &got, `SELECT `+c.sql); err != nil {
			t.Fatal(err)
		}
		if !got.Valid || got.Bool != c.want {
			t.Errorf("%s = %+v, want %v", c.sql, got, c.want)
		}
	}
}
