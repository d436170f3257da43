package domain

import "time"

// Token is an API token as listed to admins; the secret itself is shown only once, at creation.
type Token struct {
	ID         int64      `json:"id" db:"id" minimum:"1" maximum:"9007199254740991"`
	Name       string     `json:"name" db:"name" doc:"What the token is for, or who holds it." maxLength:"200" example:"Bilbao open data team"`
	Role       Role       `json:"role" db:"role" enum:"admin,secretariat,editor,subscriber" example:"editor"`
	Cities     []string   `json:"cities" db:"-" doc:"Cities an editor may write; empty for other roles." maxItems:"500" maxLength:"100" example:"bilbao"`
	Prefix     string     `json:"prefix" db:"prefix" doc:"The first characters of the secret, to recognise it." maxLength:"12" pattern:"^dcapi_[a-z0-9]{6}$" example:"dcapi_k3x9q2"`
	Version    int        `json:"version" db:"version" minimum:"1" maximum:"2147483647" doc:"Incremented on every change; the ETag is derived from it."`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at" db:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at" db:"revoked_at"`
}

// TokenCreate is what an admin asks for when creating a token.
type TokenCreate struct {
	Name   string   `json:"name" minLength:"1" maxLength:"200" example:"Bilbao open data team"`
	Role   Role     `json:"role" enum:"admin,secretariat,editor,subscriber" example:"editor"`
	Cities []string `json:"cities,omitempty" maxItems:"500" doc:"Required for editors: the cities they may write." maxLength:"100" example:"bilbao"`
}

// Validate checks the role and the city scope.
func (t *TokenCreate) Validate() error {
	switch {
	case t.Name == "":
		return Invalid("name", "is required")
	case t.Role != RoleAdmin && t.Role != RoleSecretariat && t.Role != RoleEditor && t.Role != RoleSubscriber:
		return Invalid("role", "unknown role %q", t.Role)
	case t.Role == RoleEditor && len(t.Cities) == 0:
		return Invalid("cities", "an editor needs at least one city")
	case t.Role != RoleEditor && len(t.Cities) > 0:
		return Invalid("cities", "only editors are scoped to cities")
	}
	for i, c := range t.Cities {
		if !ValidSlug(c) {
			return Invalid("cities", "item %d is not a city slug", i)
		}
	}
	return nil
}
