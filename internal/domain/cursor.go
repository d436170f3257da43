package domain

import (
	"encoding/base64"
	"encoding/json"
)

// Cursor is a keyset position in a sorted list: the sort it belongs to, the sort key of the
// last item returned and that item's unique id. It travels to clients as an opaque string.
type Cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v"`
	ID    string `json:"id"`
}

// Encode returns the opaque form of the cursor.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses an opaque cursor and checks that it belongs to the given sort.
func DecodeCursor(s, sort string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := Invalid("cursor", "not a cursor issued by this API for this sort; start again without it")
	if len(s) > 2048 {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != sort || c.ID == "" {
		return nil, bad
	}
	return &c, nil
}
