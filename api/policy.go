package api

import (
	"fmt"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Access says who may call an operation.
type Access int

// The kinds of access.
const (
	// Probe operations take no credentials at all (health probes): a token sent is ignored.
	Probe Access = iota + 1
	// Public operations are open to anyone; a token, when sent, must be valid.
	Public
	// Restricted operations need a valid token with one of the policy's Roles.
	Restricted
)

// Budget names the rate budget an operation spends, as it appears in RateLimit-Policy.
type Budget string

// The budgets. Each client (its token, else its address) has one bucket of each per minute.
const (
	BudgetReads   Budget = "reads"
	BudgetWrites  Budget = "writes"
	BudgetExports Budget = "exports"
	BudgetImports Budget = "imports"
)

// Policy is everything an operation declares about how it may be called. It is declared once,
// where the operation is registered (routes.go), stored in the operation's metadata, and
// enforced by the middleware chain (chain.go) after authentication and before Huma reads any
// parameter or body, so that a caller without the right is refused before its input is judged.
type Policy struct {
	Access Access
	// Roles that may call a Restricted operation.
	Roles []domain.Role
	// CityScoped: editors among Roles act only on the cities of their token. The store enforces
	// the scope in SQL from the caller's actor; the declaration documents it and the
	// authorization matrix test checks it.
	CityScoped bool
	// CityPath names the path parameter that holds the city a city-scoped operation acts on,
	// when the path names it: an editor of another city is then refused (403) before anything
	// else about the request is judged.
	CityPath string
	// Owned operations act on resources that belong to the token that created them (webhook
	// subscriptions): the secretariat and admins act on any, the other roles only on their own
	// token's, and another token's is not found (404). The store scopes it in SQL from the
	// caller's actor; the declaration documents it and the authorization matrix test checks it.
	Owned bool
	// Budget is the rate budget a call spends.
	Budget Budget
	// LongRunning operations stream or load data: they set their own deadlines instead of the
	// ordinary request deadline.
	LongRunning bool
	// Secret marks an operation whose response carries a secret (a new token's): it is never
	// stored with an Idempotency-Key, so a retry cannot read it again.
	Secret bool
	// Idempotent operations accept Idempotency-Key.
	Idempotent bool
}

// policyKey is the key of the policy in an operation's metadata.
const policyKey = "policy"

// PolicyOf returns the policy declared for an operation, or nil (for tests and tools that
// read the declarations, such as the authorization matrix).
func PolicyOf(op *huma.Operation) *Policy { return policyOf(op) }

// policyOf returns the policy declared for an operation, or nil.
func policyOf(op *huma.Operation) *Policy {
	if op == nil {
		return nil
	}
	p, _ := op.Metadata[policyKey].(*Policy)
	return p
}

// check reports what is wrong with a declaration, so that a bad one fails at start-up.
func (p Policy) check() error {
	switch {
	case p.Access < Probe || p.Access > Restricted:
		return fmt.Errorf("no access declared")
	case p.Access == Restricted && len(p.Roles) == 0:
		return fmt.Errorf("restricted without roles")
	case p.Access != Restricted && (len(p.Roles) > 0 || p.CityScoped || p.Owned):
		return fmt.Errorf("roles, city scope or ownership on an operation open to anyone")
	case p.CityScoped && !slices.Contains(p.Roles, domain.RoleEditor):
		return fmt.Errorf("city-scoped but editors may not call it")
	case p.CityPath != "" && !p.CityScoped:
		return fmt.Errorf("a city path parameter on an operation that is not city-scoped")
	case p.Budget == "":
		return fmt.Errorf("no rate budget declared")
	case p.Secret && !p.Idempotent:
		return fmt.Errorf("secret only matters for idempotent operations")
	}
	return nil
}

// security is the OpenAPI security requirement that follows from the access: what /docs and
// generated clients show. Operations open to anyone say so ([{}], no lock in /docs); a token
// sent to them anyway is still checked, which their 401 response documents.
func (p Policy) security() []map[string][]string {
	if p.Access == Restricted {
		return []map[string][]string{{"bearer": {}}}
	}
	return []map[string][]string{{}}
}

// allows reports whether an actor (nil when anonymous) may call the operation; the error says
// why not: EUNAUTHORIZED without a token, EFORBIDDEN with a token of another role.
func (p Policy) allows(a *domain.Actor) error {
	if p.Access != Restricted {
		return nil
	}
	if a == nil {
		return domain.Errorf(domain.EUNAUTHORIZED, "this operation needs a bearer token")
	}
	if !a.HasRole(p.Roles...) {
		return domain.Errorf(domain.EFORBIDDEN, "%s %s token may not do this", article(string(a.Role)), a.Role)
	}
	return nil
}

// article is the indefinite article before a word: "an" before a vowel (an admin, an editor),
// "a" otherwise (a secretariat).
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

// allowsCity reports whether an actor may act on the city named in the path, for operations
// that declare CityPath; the store checks the scope again, in SQL.
func (p Policy) allowsCity(a *domain.Actor, city string) error {
	if p.CityPath == "" || a == nil {
		return nil
	}
	if scope := a.ScopeCities(); scope != nil && !slices.Contains(scope, city) {
		return domain.Errorf(domain.EFORBIDDEN, "this token may not write city %q", city)
	}
	return nil
}

// restricted is the policy of an operation for the given roles, spending budget.
func restricted(budget Budget, roles ...domain.Role) Policy {
	return Policy{Access: Restricted, Roles: roles, Budget: budget}
}

// scoped marks editors' access as limited to their cities.
func (p Policy) scoped() Policy { p.CityScoped = true; return p }

// cityIn names the path parameter that holds the city of a city-scoped operation.
func (p Policy) cityIn(param string) Policy { p.CityPath = param; return p }

// owned marks an operation on resources that belong to the token that created them.
func (p Policy) owned() Policy { p.Owned = true; return p }

// idempotent marks an operation that accepts Idempotency-Key.
func (p Policy) idempotent() Policy { p.Idempotent = true; return p }

// longRunning marks an operation that keeps its own deadlines.
func (p Policy) longRunning() Policy { p.LongRunning = true; return p }

// secret marks an operation whose response carries a secret.
func (p Policy) secret() Policy { p.Secret = true; return p }

// The policies of the API's operations, named for what they protect.
var (
	probe        = Policy{Access: Probe, Budget: BudgetReads}
	publicRead   = Policy{Access: Public, Budget: BudgetReads}
	publicExport = Policy{Access: Public, Budget: BudgetExports}.longRunning()

	secretariatWrite   = restricted(BudgetWrites, domain.RoleSecretariat)
	secretariatCreate  = secretariatWrite.idempotent()
	secretariatRelease = restricted(BudgetExports, domain.RoleSecretariat).idempotent().longRunning()
	cityWrite          = restricted(BudgetWrites, domain.RoleSecretariat, domain.RoleEditor).scoped()
	cityResourceWrite  = cityWrite.cityIn("slug")
	cityCreate         = cityWrite.idempotent()
	cityResourceCreate = cityCreate.cityIn("slug")
	cityImport         = restricted(BudgetImports, domain.RoleSecretariat, domain.RoleEditor).scoped().idempotent().longRunning()

	adminRead   = restricted(BudgetReads, domain.RoleAdmin)
	adminWrite  = restricted(BudgetWrites, domain.RoleAdmin)
	tokenCreate = adminWrite.idempotent().secret()
	auditRead   = restricted(BudgetReads, domain.RoleSecretariat, domain.RoleAdmin)

	// Webhook subscriptions: any token may hold some (subscribers hold nothing else).
	subscriptionRead   = restricted(BudgetReads, subscriptionRoles...).owned()
	subscriptionWrite  = restricted(BudgetWrites, subscriptionRoles...).owned()
	subscriptionSecret = subscriptionWrite.idempotent().secret()
)

// subscriptionRoles are the roles that may hold webhook subscriptions: every one.
var subscriptionRoles = []domain.Role{domain.RoleSubscriber, domain.RoleEditor, domain.RoleSecretariat, domain.RoleAdmin}
