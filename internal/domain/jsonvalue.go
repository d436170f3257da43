package domain

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
)

// Milestones is a schedule stored as jsonb.
type Milestones []Milestone

// Value stores the schedule as jsonb.
func (m Milestones) Value() (driver.Value, error) {
	if m == nil {
		m = Milestones{}
	}
	return json.Marshal(m)
}

// Scan reads the schedule from jsonb.
func (m *Milestones) Scan(src any) error { return scanJSON(src, m) }

// Levels are an ordinal indicator's levels stored as jsonb.
type Levels []Level

// Value stores the levels as jsonb.
func (l Levels) Value() (driver.Value, error) {
	if l == nil {
		l = Levels{}
	}
	return json.Marshal(l)
}

// Scan reads the levels from jsonb.
func (l *Levels) Scan(src any) error { return scanJSON(src, l) }

// scanJSON decodes a jsonb column into dst; NULL leaves dst as it is.
func scanJSON(src any, dst any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, dst)
	case string:
		return json.Unmarshal([]byte(v), dst)
	case nil:
		return nil
	}
	return errors.New("domain: unsupported jsonb source type")
}
