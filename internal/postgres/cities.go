package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

const cityColumns = `slug, name, country, section, metropolis_member, population, population_year,
	latitude, longitude, website, open_data_portal, cop_member, cop_role, provenance, version,
	created_at, updated_at`

// getCitySQL reads one city by slug; cityVersionSQL only its version.
const (
	getCitySQL     = `SELECT ` + cityColumns + ` FROM cities WHERE slug = $1`
	cityVersionSQL = `SELECT version FROM cities WHERE slug = $1`
)

// cityFields are the fields of c that the columns of cityColumns are scanned into, in their order.
func cityFields(c *domain.City) []any {
	return []any{&c.Slug, &c.Name, &c.Country, &c.Section, &c.MetropolisMember, &c.Population, &c.PopulationYear,
		&c.Latitude, &c.Longitude, &c.Website, &c.OpenDataPortal, &c.CopMember, &c.CopRole, &c.Provenance, &c.Version,
		&c.CreatedAt, &c.UpdatedAt}
}

// citySort is one whitelisted order: a non-null SQL expression, the type its cursor value is
// cast to, and how the cursor value is read off a city.
type citySort struct {
	expr string
	cast string
	desc bool
	key  func(c *domain.City) string
}

// validKey reports whether a cursor's value is one the sort's key could have written: the
// cursor is checked as it is read, rather than failing as a cast in SQL.
func (s citySort) validKey(v string) bool {
	switch s.cast {
	case "bigint":
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case "timestamptz":
		t, err := time.Parse(time.RFC3339Nano, v)
		return err == nil && t.Year() >= 1
	}
	return true
}

var citySorts = func() map[string]citySort {
	base := map[string]citySort{
		"slug":       {expr: "slug", cast: "text", key: func(c *domain.City) string { return c.Slug }},
		"name":       {expr: fmt.Sprintf("left(name->>'en', %d)", nameSortChars), cast: "text", key: nameKey},
		"population": {expr: "coalesce(population, -1)", cast: "bigint", key: populationKey},
		"updated_at": {expr: "updated_at", cast: "timestamptz", key: func(c *domain.City) string { return c.UpdatedAt.Format(time.RFC3339Nano) }},
	}
	all := map[string]citySort{}
	for name, s := range base {
		all[name] = s
		s.desc = true
		all["-"+name] = s
	}
	return all
}()

// nameSortChars is how many characters of a city's English name the name sort compares: the
// length that cities_name_idx holds (migration 00003), which keeps its entries, and cursors,
// bounded whatever the length of a name. The sort's SQL expression must stay the index's
// expression, left(name->>'en', 200), for the index to serve it.
const nameSortChars = 200

// nameKey is the name sort's cursor value: the first nameSortChars characters of the name,
// as PostgreSQL's left() counts them (code points).
func nameKey(c *domain.City) string {
	if r := []rune(c.Name.EN); len(r) > nameSortChars {
		return string(r[:nameSortChars])
	}
	return c.Name.EN
}

func populationKey(c *domain.City) string {
	if c.Population == nil {
		return "-1"
	}
	return strconv.FormatInt(*c.Population, 10)
}

// ListCities returns one page of cities and the cursor of the next page (nil on the last).
func (db *DB) ListCities(ctx context.Context, f domain.CityFilter) ([]domain.City, *domain.Cursor, error) {
	query, args, sort, err := cityListSQL(f)
	if err != nil {
		return nil, nil, err
	}
	var cities []domain.City
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &cities, query, args...); err != nil {
		return nil, nil, mapError(err)
	}
	if len(cities) <= f.Limit {
		return cities, nil, nil
	}
	cities = cities[:f.Limit]
	last := &cities[len(cities)-1]
	return cities, &domain.Cursor{Sort: f.Sort, Value: sort.key(last), ID: last.Slug}, nil
}

// cityListSQL is the query of a page of list-cities, its arguments and its sort.
func cityListSQL(f domain.CityFilter) (string, []any, citySort, error) {
	sort, ok := citySorts[f.Sort]
	if !ok {
		return "", nil, sort, domain.Invalid("sort", "unknown sort %q", f.Sort)
	}
	// Only the filters given become conditions, so that each query is planned for its own.
	var args queryArgs
	var where []string
	if f.Country != "" {
		where = append(where, "country = "+args.add(f.Country))
	}
	if f.Section != "" {
		where = append(where, "section = "+args.add(f.Section))
	}
	if f.CopMember != nil {
		where = append(where, "cop_member = "+args.add(*f.CopMember))
	}
	if f.Query != "" {
		where = append(where, searchCond(&args, searchCities, f.Query))
	}
	if f.MissingLanguage != "" {
		where = append(where, missingCond(&args, "cities", "cities", f.MissingLanguage))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "city", "slug", f.UpdatedSince))
	}
	if f.After != nil {
		if !sort.validKey(f.After.Value) {
			return "", nil, sort, domain.Invalid("cursor", "not a cursor issued by this API for this sort; start again without it")
		}
		op := ">"
		if sort.desc {
			op = "<"
		}
		where = append(where, fmt.Sprintf("(%s, slug) %s (CAST(%s AS %s), %s)", sort.expr, op, args.add(f.After.Value), sort.cast,
			args.add(f.After.ID)))
	}
	dir := "ASC"
	if sort.desc {
		dir = "DESC"
	}
	query := `SELECT ` + cityColumns + ` FROM cities` + whereClause(where) + `
		ORDER BY ` + sort.expr + ` ` + dir + `, slug ` + dir + `
		LIMIT ` + args.add(f.Limit+1)
	return query, args, sort, nil
}

// GetCity returns one city by slug. Its columns are scanned by position (cityFields), not by
// sqlx's mapping of names, which looked up the struct's fields by reflection on every call: a
// tenth of the CPU of a read of one city.
func (db *DB) GetCity(ctx context.Context, slug string) (*domain.City, error) {
	var c domain.City
	if err := db.readerStmts(ctx).queryRow(ctx, getCitySQL, []any{slug}, func(r *sqlx.Rows) error {
		return r.Scan(cityFields(&c)...)
	}); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, domain.Errorf(domain.ENOTFOUND, "no city %q", slug)
		}
		return nil, mapError(err)
	}
	return &c, nil
}

// CityVersion is the version of a city, which is all that a conditional read needs to answer
// 304 (ENOTFOUND when there is no such city).
func (db *DB) CityVersion(ctx context.Context, slug string) (int, error) {
	var v int
	if err := db.readerStmts(ctx).queryRow(ctx, cityVersionSQL, []any{slug}, func(r *sqlx.Rows) error {
		return r.Scan(&v)
	}); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, domain.Errorf(domain.ENOTFOUND, "no city %q", slug)
		}
		return 0, mapError(err)
	}
	return v, nil
}

// CreateCity inserts a city; ECONFLICT when the slug is taken. A city created with the slug of
// a deleted one starts at a version after the deleted one's, so that its ETags are new.
func (db *DB) CreateCity(ctx context.Context, caller domain.Caller, slug string, f domain.CityFields) (*domain.City, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Invalid("slug", "must be lowercase letters and digits joined by single hyphens")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var c domain.City
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		// FOR UPDATE waits for a delete of this slug still in flight, whose tombstone the next
		// statement then sees.
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM cities WHERE slug = $1 FOR UPDATE)`, slug); err != nil {
			return err
		}
		if taken {
			return domain.Errorf(domain.ECONFLICT, "a city with slug %q already exists", slug)
		}
		version, err := firstVersion(ctx, tx, "city", slug)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &c, `
			INSERT INTO cities (slug, name, country, section, metropolis_member, population, population_year,
				latitude, longitude, website, open_data_portal, cop_member, cop_role, provenance, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			RETURNING `+cityColumns,
			slug, f.Name, f.Country, f.Section, f.MetropolisMember, f.Population, f.PopulationYear,
			f.Latitude, f.Longitude, f.Website, f.OpenDataPortal, f.CopMember, f.CopRole, f.Provenance, version)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "a city with slug %q already exists", slug)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "city", slug, nil, &c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// UpdateCity replaces the writable fields of a city with what change returns, given the current
// city locked in the transaction, when ifMatch allows its version. The version and the
// editor's city scope are checked in the UPDATE itself.
func (db *DB) UpdateCity(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch,
	change func(current *domain.City) (domain.CityFields, error)) (*domain.City, error) {
	actor := caller.Actor
	var after domain.City
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockCity(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		if !actor.AllCities() && !slices.Contains(actor.ScopeCities(), slug) {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not write city %q", slug)
		}
		f, err := change(before)
		if err != nil {
			return err
		}
		if err := f.Validate(); err != nil {
			return err
		}
		err = tx.GetContext(ctx, &after, `
			UPDATE cities SET name = $4, country = $5, section = $6, metropolis_member = $7,
				population = $8, population_year = $9, latitude = $10, longitude = $11, website = $12,
				open_data_portal = $13, cop_member = $14, cop_role = $15, provenance = $16,
				version = version + 1, updated_at = now()
			WHERE slug = $1 AND version = $2
			  AND ($3::text[] IS NULL OR slug = ANY($3))
			RETURNING `+cityColumns,
			slug, before.Version, nullableArray(actor.ScopeCities()), f.Name, f.Country, f.Section, f.MetropolisMember,
			f.Population, f.PopulationYear, f.Latitude, f.Longitude, f.Website, f.OpenDataPortal,
			f.CopMember, f.CopRole, f.Provenance)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EPRECONDITION, "city %q changed since it was read", slug)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "city", slug, before, &after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// DeleteCity deletes a city when ifMatch allows its version and leaves its tombstone, so that
// a city created again with its slug does not reuse its ETags. A city that other data refers to
// (observations, study participation, roles in UCLG bodies, events, trend adoption records) is
// not deleted: ECONFLICT says what refers to it (the foreign keys remain the last guard).
func (db *DB) DeleteCity(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch) error {
	actor := caller.Actor
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockCity(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		if err := cityReferences(ctx, tx, slug, actor.ScopeCities()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			DELETE FROM cities WHERE slug = $1 AND version = $2
			  AND ($3::text[] IS NULL OR slug = ANY($3))`,
			slug, before.Version, nullableArray(actor.ScopeCities()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EFORBIDDEN, "this token may not delete city %q", slug)
		}
		if err := bury(ctx, tx, "city", slug, before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "city", slug, before, nil)
	})
}

// cityRefLimit bounds how far cityReferences counts rows of one kind, and how many events it names.
const cityRefLimit = 1000

// cityReferences returns ECONFLICT saying what refers to a city, or nil when nothing does. A
// caller whose scope (nil: all cities) leaves the city out is told EFORBIDDEN, without learning
// what refers to it.
func cityReferences(ctx context.Context, tx *sqlx.Tx, slug string, scope []string) error {
	var refs struct {
		Allowed      bool           `db:"allowed"`
		Observations int            `db:"observations"`
		Studies      pq.Int64Array  `db:"studies"`
		Roles        int            `db:"roles"`
		Located      pq.StringArray `db:"located"`
		Participates pq.StringArray `db:"participates"`
		Adoptions    int            `db:"adoptions"`
		Datasets     pq.StringArray `db:"datasets"`
	}
	if scope == nil || slices.Contains(scope, slug) {
		if err := linkedFromReports(ctx, tx, "city", slug); err != nil {
			return err
		}
	}
	err := tx.GetContext(ctx, &refs, `
		SELECT $2::text[] IS NULL OR $1 = ANY($2) AS allowed,
			(SELECT count(*) FROM (SELECT 1 FROM observations WHERE city = $1 LIMIT $3) o) AS observations,
			ARRAY(SELECT edition FROM study_cities WHERE city = $1 ORDER BY edition) AS studies,
			(SELECT count(*) FROM body_roles WHERE city = $1) AS roles,
			ARRAY(SELECT slug FROM events WHERE city = $1 ORDER BY slug LIMIT 6) AS located,
			ARRAY(SELECT DISTINCT event FROM event_cities WHERE city = $1 ORDER BY event LIMIT 6) AS participates,
			(SELECT count(*) FROM (SELECT 1 FROM trend_adoptions WHERE city = $1 LIMIT $3) a) AS adoptions,
			ARRAY(SELECT slug FROM datasets WHERE content->'cities' ? $1 ORDER BY slug LIMIT 6) AS datasets`,
		slug, nullableArray(scope), cityRefLimit)
	if err != nil {
		return err
	}
	if !refs.Allowed {
		return domain.Errorf(domain.EFORBIDDEN, "this token may not delete city %q", slug)
	}
	count := func(n int, what string) string {
		if n >= cityRefLimit {
			return fmt.Sprintf("%d or more %s", cityRefLimit, what)
		}
		return fmt.Sprintf("%d %s", n, what)
	}
	events := func(slugs []string) string {
		if len(slugs) > 5 {
			return strings.Join(slugs[:5], ", ") + " and others"
		}
		return strings.Join(slugs, ", ")
	}
	var what []string
	if refs.Observations > 0 {
		what = append(what, count(refs.Observations, "observation(s)"))
	}
	if len(refs.Studies) > 0 {
		eds := make([]string, len(refs.Studies))
		for i, e := range refs.Studies {
			eds[i] = strconv.FormatInt(e, 10)
		}
		what = append(what, "its participation in the studies "+strings.Join(eds, ", "))
	}
	if refs.Roles > 0 {
		what = append(what, fmt.Sprintf("%d role(s) in UCLG bodies", refs.Roles))
	}
	if len(refs.Located) > 0 {
		what = append(what, "the events "+events(refs.Located)+" (as their location)")
	}
	if len(refs.Participates) > 0 {
		what = append(what, "the events "+events(refs.Participates)+" (as a participant)")
	}
	if refs.Adoptions > 0 {
		what = append(what, count(refs.Adoptions, "trend adoption record(s)"))
	}
	if len(refs.Datasets) > 0 {
		what = append(what, "the datasets "+events(refs.Datasets)+" (in their content)")
	}
	if len(what) == 0 {
		return nil
	}
	return domain.Errorf(domain.ECONFLICT, "city %q is referred to by %s: delete or change those first", slug, strings.Join(what, ", "))
}

// lockCity reads a city FOR UPDATE and says why a write cannot go on: ENOTFOUND or EPRECONDITION.
func lockCity(ctx context.Context, tx *sqlx.Tx, slug string, ifMatch domain.IfMatch) (*domain.City, error) {
	var c domain.City
	err := tx.GetContext(ctx, &c, `SELECT `+cityColumns+` FROM cities WHERE slug = $1 FOR UPDATE`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no city %q", slug)
	}
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("city %q", slug), c.Version, ifMatch); err != nil {
		return nil, err
	}
	return &c, nil
}

// nullableArray passes nil as SQL NULL (no scope) and any other slice as a text[].
func nullableArray(s []string) any {
	if s == nil {
		return nil
	}
	return pq.Array(s)
}
