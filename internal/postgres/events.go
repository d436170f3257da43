package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
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

// eventSelect reads events with their partners and cities, in the order the event lists them.
// Days are read as text (YYYY-MM-DD) whatever the session's DateStyle.
const eventSelect = `
	SELECT e.slug, e.title, e.type, e.description, e.parent, e.online, e.city, e.place, e.country,
		e.start_value, e.start_precision,
		to_char(e.start_earliest, 'YYYY-MM-DD') AS start_earliest,
		to_char(e.start_latest, 'YYYY-MM-DD') AS start_latest,
		to_char(e.end_date, 'YYYY-MM-DD') AS end_date,
		e.status, e.outcomes, e.links, e.provenance, e.version, e.created_at, e.updated_at,
		coalesce((SELECT jsonb_agg(jsonb_build_object('organisation', p.organisation, 'role', p.role) ORDER BY p.position)
			FROM event_partners p WHERE p.event = e.slug), '[]') AS partners,
		coalesce((SELECT jsonb_agg(jsonb_build_object('city', c.city, 'role', c.role) ORDER BY c.position)
			FROM event_cities c WHERE c.event = e.slug), '[]') AS cities
	FROM events e`

// eventOrder is the order of every list of events: by the earliest day an event could start
// (unknown dates last), the more precise date first, then slug. events_start_idx serves it.
const eventOrder = `coalesce(e.start_earliest, 'infinity'::date), e.precision_rank, e.slug`

// eventRow is an event as read, flat.
type eventRow struct {
	Slug           string                        `db:"slug"`
	Title          domain.Text                   `db:"title"`
	Type           string                        `db:"type"`
	Description    *domain.Text                  `db:"description"`
	Parent         *string                       `db:"parent"`
	Online         bool                          `db:"online"`
	City           *string                       `db:"city"`
	Place          *domain.Text                  `db:"place"`
	Country        *string                       `db:"country"`
	StartValue     *string                       `db:"start_value"`
	StartPrecision string                        `db:"start_precision"`
	StartEarliest  *string                       `db:"start_earliest"`
	StartLatest    *string                       `db:"start_latest"`
	EndDate        *string                       `db:"end_date"`
	Status         string                        `db:"status"`
	Outcomes       domain.Texts                  `db:"outcomes"`
	Links          domain.EventLinks             `db:"links"`
	Provenance     string                        `db:"provenance"`
	Version        int                           `db:"version"`
	CreatedAt      time.Time                     `db:"created_at"`
	UpdatedAt      time.Time                     `db:"updated_at"`
	Partners       jsonList[domain.EventPartner] `db:"partners"`
	Cities         jsonList[domain.EventCity]    `db:"cities"`
}

// jsonList reads a jsonb array.
type jsonList[T any] []T

// Scan reads the list from jsonb.
func (l *jsonList[T]) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
		*l = jsonList[T]{}
		return nil
	default:
		return errors.New("postgres: unsupported jsonb source type")
	}
	var items []T
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	*l = items
	return nil
}

func (r *eventRow) event() domain.Event {
	e := domain.Event{Slug: r.Slug, Title: r.Title, Type: r.Type, Description: r.Description, Parent: r.Parent,
		Location: domain.EventLocation{Online: r.Online, City: r.City, Place: r.Place, Country: r.Country},
		Start:    domain.DateWithPrecision{Value: r.StartValue, Precision: r.StartPrecision},
		End:      r.EndDate, StartEarliest: r.StartEarliest, StartLatest: r.StartLatest, Status: r.Status,
		Partners: append([]domain.EventPartner{}, r.Partners...), Cities: append([]domain.EventCity{}, r.Cities...),
		Outcomes: r.Outcomes, Links: r.Links, Provenance: r.Provenance, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if e.Outcomes == nil {
		e.Outcomes = domain.Texts{}
	}
	if e.Links == nil {
		e.Links = domain.EventLinks{}
	}
	return e
}

// ListEvents returns one page of events in the order of eventOrder and the cursor of the next
// page (nil on the last). With f.Limit 0 it returns every matching event (calendar feeds).
func (db *DB) ListEvents(ctx context.Context, f domain.EventFilter) ([]domain.Event, *domain.Cursor, error) {
	var where []string
	var args queryArgs
	arg := args.add
	if f.Type != "" {
		where = append(where, "e.type = "+arg(f.Type))
	}
	if f.Status != "" {
		where = append(where, "e.status = "+arg(f.Status))
	}
	if f.Partner != "" {
		where = append(where, "EXISTS (SELECT 1 FROM event_partners p WHERE p.event = e.slug AND p.organisation = "+arg(f.Partner)+")")
	}
	if f.City != "" {
		c := arg(f.City)
		where = append(where, "(e.city = "+c+" OR EXISTS (SELECT 1 FROM event_cities c WHERE c.event = e.slug AND c.city = "+c+"))")
	}
	if f.Parent != "" {
		where = append(where, "e.parent = "+arg(f.Parent))
	}
	if f.From != nil || f.To != nil {
		// The event's possible days overlap the range: it could still be on (or after) from, and
		// it could have started by to. An unknown date satisfies neither comparison (NULL).
		var in []string
		if f.From != nil {
			in = append(in, "e.last_day >= "+arg(f.From.Format(time.DateOnly))+"::date")
		}
		if f.To != nil {
			in = append(in, "e.start_earliest <= "+arg(f.To.Format(time.DateOnly))+"::date")
		}
		cond := "(" + strings.Join(in, " AND ") + ")"
		if f.Undated {
			cond = "(" + cond + " OR e.start_earliest IS NULL)"
		}
		where = append(where, cond)
	}
	if f.Upcoming != nil {
		// Not over (its last possible day is today or later, or its date is unknown) and neither
		// cancelled nor completed. Never NULL: a known date has a last_day.
		cond := "((e.last_day >= " + arg(f.Today.Format(time.DateOnly)) + "::date OR e.start_earliest IS NULL)" +
			" AND e.status NOT IN ('cancelled', 'completed'))"
		if !*f.Upcoming {
			cond = "NOT " + cond
		}
		where = append(where, cond)
	}
	if f.DayKnown {
		where = append(where, "e.start_precision = 'day'")
	}
	if f.Query != "" {
		where = append(where, searchCond(&args, searchEvents, f.Query))
	}
	if f.MissingLanguage != "" {
		where = append(where, missingCond(&args, "events", "e", f.MissingLanguage))
	}
	if f.UpdatedSince != nil {
		where = append(where, changedSince(&args, "event", "e.slug", f.UpdatedSince))
	}
	if f.After != nil {
		day, rank, err := decodeEventCursor(f.After)
		if err != nil {
			return nil, nil, err
		}
		where = append(where, "("+eventOrder+") > ("+arg(day)+"::date, "+arg(rank)+"::smallint, "+arg(f.After.ID)+")")
	}
	query := eventSelect
	if len(where) > 0 {
		query += "\n\tWHERE " + strings.Join(where, "\n\t  AND ")
	}
	query += "\n\tORDER BY " + eventOrder
	if f.Limit > 0 {
		query += "\n\tLIMIT " + arg(f.Limit+1)
	}
	var rows []eventRow
	if err := sqlx.SelectContext(ctx, db.reader(ctx), &rows, query, args...); err != nil {
		return nil, nil, mapError(err)
	}
	events := make([]domain.Event, 0, len(rows))
	for i := range rows {
		events = append(events, rows[i].event())
	}
	if f.Limit == 0 || len(events) <= f.Limit {
		return events, nil, nil
	}
	events = events[:f.Limit]
	return events, eventCursor(&events[len(events)-1]), nil
}

// eventCursor is the keyset position after an event: its earliest possible start ("infinity"
// when unknown) and its precision's rank, as "2020-01-01/3", and its slug.
func eventCursor(e *domain.Event) *domain.Cursor {
	day := "infinity"
	if e.StartEarliest != nil {
		day = *e.StartEarliest
	}
	return &domain.Cursor{Sort: domain.EventSort, Value: day + "/" + strconv.Itoa(domain.PrecisionRank(e.Start.Precision)), ID: e.Slug}
}

// decodeEventCursor reads the sort key of an event cursor, refusing what eventCursor cannot have written.
func decodeEventCursor(c *domain.Cursor) (day string, rank int, err error) {
	bad := domain.Invalid("cursor", "not a cursor issued by this API for this sort; start again without it")
	day, r, ok := strings.Cut(c.Value, "/")
	if !ok || !domain.ValidSlug(c.ID) {
		return "", 0, bad
	}
	if day != "infinity" {
		// Events start from MinYear to MaxYear, and so does every cursor issued for them; a day
		// outside them is made by hand, and some (the year 0) are not dates PostgreSQL can read.
		if _, err := domain.ParseDay("cursor", day); err != nil {
			return "", 0, bad
		}
	}
	rank, err = strconv.Atoi(r)
	if err != nil || rank < 0 || rank > 4 {
		return "", 0, bad
	}
	return day, rank, nil
}

// CheckEventReferences returns EINVALID naming the first slug of an event filter that names
// nothing: an organisation (partner), a city or a parent event. Lists call it only when a page
// comes back empty, so that a typo is a 422 rather than an empty list.
func (db *DB) CheckEventReferences(ctx context.Context, f domain.EventFilter) error {
	var missing struct {
		Partner bool `db:"partner"`
		City    bool `db:"city"`
		Parent  bool `db:"parent"`
	}
	err := db.reader(ctx).GetContext(ctx, &missing, `
		SELECT
			$1 <> '' AND NOT EXISTS (SELECT 1 FROM organisations WHERE slug = $1) AS partner,
			$2 <> '' AND NOT EXISTS (SELECT 1 FROM cities WHERE slug = $2) AS city,
			$3 <> '' AND NOT EXISTS (SELECT 1 FROM events WHERE slug = $3) AS parent`,
		f.Partner, f.City, f.Parent)
	switch {
	case err != nil:
		return mapError(err)
	case missing.Partner:
		return domain.Invalid("partner", "no organisation %q", f.Partner)
	case missing.City:
		return domain.Invalid("city", "no city %q", f.City)
	case missing.Parent:
		return domain.Invalid("parent", "no event %q", f.Parent)
	}
	return nil
}

// GetEvent returns one event by slug.
func (db *DB) GetEvent(ctx context.Context, slug string) (*domain.Event, error) {
	return getEvent(ctx, db.reader(ctx), slug)
}

func getEvent(ctx context.Context, q sqlx.QueryerContext, slug string) (*domain.Event, error) {
	var r eventRow
	err := sqlx.GetContext(ctx, q, &r, eventSelect+` WHERE e.slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no event %q", slug)
	}
	if err != nil {
		return nil, mapError(err)
	}
	e := r.event()
	return &e, nil
}

// CreateEvent inserts an event with its partners and cities; ECONFLICT when the slug is taken.
// An event created with the slug of a deleted one starts at a version after the deleted one's.
func (db *DB) CreateEvent(ctx context.Context, caller domain.Caller, slug string, f domain.EventFields) (*domain.Event, error) {
	if !domain.ValidSlug(slug) {
		return nil, domain.Invalid("slug", "must be lowercase letters and digits joined by single hyphens")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var after *domain.Event
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		// FOR UPDATE waits for a delete of this slug still in flight, whose tombstone the next
		// statement then sees.
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM events WHERE slug = $1 FOR UPDATE)`, slug); err != nil {
			return err
		}
		if taken {
			return domain.Errorf(domain.ECONFLICT, "an event with slug %q already exists", slug)
		}
		version, err := firstVersion(ctx, tx, "event", slug)
		if err != nil {
			return err
		}
		if err := checkEventFields(ctx, tx, slug, &f); err != nil {
			return err
		}
		days := eventDays(f.Start)
		_, err = tx.ExecContext(ctx, `
			INSERT INTO events (slug, title, type, description, parent, online, city, place, country,
				start_value, start_precision, start_earliest, start_latest, end_date, status, outcomes, links,
				provenance, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			slug, f.Title, f.Type, f.Description, f.Parent, f.Location.Online, f.Location.City, f.Location.Place,
			f.Location.Country, f.Start.Value, f.Start.Precision, days[0], days[1], f.End, f.Status, f.Outcomes,
			f.Links, f.Provenance, version)
		if isUniqueViolation(err) {
			return domain.Errorf(domain.ECONFLICT, "an event with slug %q already exists", slug)
		}
		if err != nil {
			return err
		}
		if err := writeEventMembers(ctx, tx, slug, &f); err != nil {
			return err
		}
		if after, err = getEvent(ctx, tx, slug); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "create", "event", slug, nil, after)
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// UpdateEvent replaces the writable fields of an event with what change returns, given the
// current event locked in the transaction, when ifMatch allows its version. The version is
// checked in the UPDATE itself.
func (db *DB) UpdateEvent(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch,
	change func(current *domain.Event) (domain.EventFields, error)) (*domain.Event, error) {
	var after *domain.Event
	err := db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockEvent(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		f, err := change(before)
		if err != nil {
			return err
		}
		if err := f.Validate(); err != nil {
			return err
		}
		if err := checkEventFields(ctx, tx, slug, &f); err != nil {
			return err
		}
		days := eventDays(f.Start)
		res, err := tx.ExecContext(ctx, `
			UPDATE events SET title = $3, type = $4, description = $5, parent = $6, online = $7, city = $8,
				place = $9, country = $10, start_value = $11, start_precision = $12, start_earliest = $13,
				start_latest = $14, end_date = $15, status = $16, outcomes = $17, links = $18, provenance = $19,
				version = version + 1, updated_at = now()
			WHERE slug = $1 AND version = $2`,
			slug, before.Version, f.Title, f.Type, f.Description, f.Parent, f.Location.Online, f.Location.City,
			f.Location.Place, f.Location.Country, f.Start.Value, f.Start.Precision, days[0], days[1], f.End,
			f.Status, f.Outcomes, f.Links, f.Provenance)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "event %q changed since it was read", slug)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_partners WHERE event = $1`, slug); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_cities WHERE event = $1`, slug); err != nil {
			return err
		}
		if err := writeEventMembers(ctx, tx, slug, &f); err != nil {
			return err
		}
		if after, err = getEvent(ctx, tx, slug); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "update", "event", slug, before, after)
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// DeleteEvent deletes an event when ifMatch allows its version and leaves its tombstone. An
// event that other events are part of cannot be deleted (ECONFLICT): change their parent first.
func (db *DB) DeleteEvent(ctx context.Context, caller domain.Caller, slug string, ifMatch domain.IfMatch) error {
	return db.inTx(ctx, caller, func(tx *sqlx.Tx) error {
		before, err := lockEvent(ctx, tx, slug, ifMatch)
		if err != nil {
			return err
		}
		if err := linkedFromReports(ctx, tx, "event", slug); err != nil {
			return err
		}
		var children []string
		if err := tx.SelectContext(ctx, &children, `SELECT slug FROM events WHERE parent = $1 ORDER BY slug LIMIT 3`, slug); err != nil {
			return err
		}
		if len(children) > 0 {
			return domain.Errorf(domain.ECONFLICT, "event %q has sub-events (%s): delete them or change their parent first",
				slug, strings.Join(children, ", "))
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM events WHERE slug = $1 AND version = $2`, slug, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.Errorf(domain.EPRECONDITION, "event %q changed since it was read", slug)
		}
		if err := bury(ctx, tx, "event", slug, before.Version); err != nil {
			return err
		}
		return audit(ctx, tx, caller, "delete", "event", slug, before, nil)
	})
}

// lockEvent locks an event's row, reads it and says why a write cannot go on: ENOTFOUND or
// EPRECONDITION.
func lockEvent(ctx context.Context, tx *sqlx.Tx, slug string, ifMatch domain.IfMatch) (*domain.Event, error) {
	var version int
	err := tx.GetContext(ctx, &version, `SELECT version FROM events WHERE slug = $1 FOR UPDATE`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no event %q", slug)
	}
	if err != nil {
		return nil, err
	}
	if err := checkVersion(fmt.Sprintf("event %q", slug), version, ifMatch); err != nil {
		return nil, err
	}
	return getEvent(ctx, tx, slug)
}

// eventDays are the earliest and latest day an event could start, as dates for the database
// (nil when unknown).
func eventDays(start domain.DateWithPrecision) [2]any {
	first, last, ok := start.Days()
	if !ok {
		return [2]any{nil, nil}
	}
	return [2]any{first.Format(time.DateOnly), last.Format(time.DateOnly)}
}

// eventHierarchyLock is the transaction-level advisory lock that writes changing an event's
// parent take, so that two of them cannot make a cycle together.
const eventHierarchyLock = `SELECT pg_advisory_xact_lock(hashtext('digitalcities: event hierarchy'))`

// checkEventFields checks what an event's fields refer to: the parent event (which must exist
// and must not be the event or one of its sub-events), the location's city (whose country the
// location takes), the partner organisations and the cities. Unknown slugs are EINVALID naming
// the field.
func checkEventFields(ctx context.Context, tx *sqlx.Tx, slug string, f *domain.EventFields) error {
	orgs := make([]string, len(f.Partners))
	for i, p := range f.Partners {
		orgs[i] = p.Organisation
	}
	cities := make([]string, len(f.Cities))
	for i, c := range f.Cities {
		cities[i] = c.City
	}
	var found struct {
		Parent        bool           `db:"parent"`
		CityCountry   *string        `db:"city_country"`
		MissingOrgs   pq.StringArray `db:"missing_orgs"`
		MissingCities pq.StringArray `db:"missing_cities"`
	}
	err := tx.GetContext(ctx, &found, `
		SELECT
			EXISTS (SELECT 1 FROM events WHERE slug = $1) AS parent,
			(SELECT country FROM cities WHERE slug = $2) AS city_country,
			ARRAY(SELECT o FROM unnest($3::text[]) AS o WHERE NOT EXISTS (SELECT 1 FROM organisations WHERE slug = o)) AS missing_orgs,
			ARRAY(SELECT c FROM unnest($4::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM cities WHERE slug = c)) AS missing_cities`,
		f.Parent, f.Location.City, pq.Array(orgs), pq.Array(cities))
	if err != nil {
		return err
	}
	if f.Parent != nil {
		if *f.Parent == slug {
			return domain.Invalid("parent", "an event cannot be part of itself")
		}
		if !found.Parent {
			return domain.Invalid("parent", "no event %q", *f.Parent)
		}
		if _, err := tx.ExecContext(ctx, eventHierarchyLock); err != nil {
			return err
		}
		var cycle bool
		err := tx.GetContext(ctx, &cycle, `
			WITH RECURSIVE ancestors (slug) AS (
				SELECT $1::text
				UNION
				SELECT e.parent FROM events e JOIN ancestors a ON e.slug = a.slug WHERE e.parent IS NOT NULL
			)
			SELECT EXISTS (SELECT 1 FROM ancestors WHERE slug = $2)`, *f.Parent, slug)
		if err != nil {
			return err
		}
		if cycle {
			return domain.Invalid("parent", "event %q is part of %q: making it the parent would make a cycle", *f.Parent, slug)
		}
	}
	if c := f.Location.City; c != nil {
		switch {
		case found.CityCountry == nil:
			return domain.Invalid("location.city", "no city %q", *c)
		case f.Location.Country == nil:
			f.Location.Country = found.CityCountry
		case *f.Location.Country != *found.CityCountry:
			return domain.Invalid("location.country", "city %q is in %s, not %s", *c, *found.CityCountry, *f.Location.Country)
		}
	}
	for i, p := range f.Partners {
		if slices.Contains(found.MissingOrgs, p.Organisation) {
			return domain.Invalid(fmt.Sprintf("partners[%d].organisation", i), "no organisation %q", p.Organisation)
		}
	}
	for i, c := range f.Cities {
		if slices.Contains(found.MissingCities, c.City) {
			return domain.Invalid(fmt.Sprintf("cities[%d].city", i), "no city %q", c.City)
		}
	}
	return nil
}

// writeEventMembers inserts an event's partners and cities, keeping the order given.
func writeEventMembers(ctx context.Context, tx *sqlx.Tx, slug string, f *domain.EventFields) error {
	orgs, roles := make([]string, len(f.Partners)), make([]string, len(f.Partners))
	for i, p := range f.Partners {
		orgs[i], roles[i] = p.Organisation, p.Role
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO event_partners (event, organisation, role, position)
		SELECT $1, m.organisation, m.role, m.n FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS m (organisation, role, n)`,
		slug, pq.Array(orgs), pq.Array(roles)); err != nil {
		return err
	}
	cities, cityRoles := make([]string, len(f.Cities)), make([]string, len(f.Cities))
	for i, c := range f.Cities {
		cities[i], cityRoles[i] = c.City, c.Role
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO event_cities (event, city, role, position)
		SELECT $1, m.city, m.role, m.n FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS m (city, role, n)`,
		slug, pq.Array(cities), pq.Array(cityRoles))
	return err
}

// CityNames returns the names of the cities with the given slugs (those that exist), for
// writing locations out.
func (db *DB) CityNames(ctx context.Context, slugs []string) (map[string]domain.Text, error) {
	names := map[string]domain.Text{}
	if len(slugs) == 0 {
		return names, nil
	}
	var rows []struct {
		Slug string      `db:"slug"`
		Name domain.Text `db:"name"`
	}
	if err := db.reader(ctx).SelectContext(ctx, &rows, `SELECT slug, name FROM cities WHERE slug = ANY($1)`, pq.Array(slugs)); err != nil {
		return nil, mapError(err)
	}
	for _, r := range rows {
		names[r.Slug] = r.Name
	}
	return names, nil
}
