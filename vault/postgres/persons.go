package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"coffre"
	"coffre/vault"
)

const (
	insertPerson = `INSERT INTO persons (id, org_id, name, name_key, birth_date, created_at)
	VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`
	personColumns = `id, org_id, name, birth_date, created_at`
	selectPerson  = `SELECT ` + personColumns + ` FROM persons WHERE id = $1`
	// findPersons: the persons orgID registered or holds a mandate of.
	// Ordered by the folded name ("Émile" next to "Emma"), by code
	// point as SQLite does, not by the database's collation.
	findPersons = `SELECT ` + personColumns + ` FROM persons
	WHERE (org_id = $1 OR id IN (SELECT person_id FROM mandates WHERE org_id = $1))
		AND name_key LIKE $2 ESCAPE '\'
	ORDER BY name_key COLLATE "C", id LIMIT $3`
	personVisible = `SELECT EXISTS (SELECT FROM persons WHERE id = $2 AND org_id = $1)
	OR EXISTS (SELECT FROM mandates WHERE person_id = $2 AND org_id = $1)`
)

// CreatePerson registers p (see vault.Access).
func (s *Store) CreatePerson(ctx context.Context, p vault.Person, now time.Time) (vault.Person, error) {
	p, err := vault.NewPerson(p, now)
	if err != nil {
		return vault.Person{}, fmt.Errorf("vault/postgres: create person: %w", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, lockOrg, p.OrgID, "org"); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, insertPerson, p.ID, p.OrgID, p.Name, vault.NameKey(p.Name), date(p.BirthDate),
			p.CreatedAt)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("id taken: %w", vault.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return vault.Person{}, fmt.Errorf("vault/postgres: create person %s: %w", p.ID, err)
	}
	return p, nil
}

// GetPerson returns person id, or ErrNotFound.
func (s *Store) GetPerson(ctx context.Context, id string) (vault.Person, error) {
	p, err := scanPerson(s.pool.QueryRow(ctx, selectPerson, id))
	if errors.Is(err, pgx.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err != nil {
		return vault.Person{}, fmt.Errorf("vault/postgres: get person %s: %w", id, err)
	}
	return p, nil
}

// FindPersons returns the persons visible to orgID whose name contains
// text, accents and case folded, ordered by name.
func (s *Store) FindPersons(ctx context.Context, orgID, text string, limit int) ([]vault.Person, error) {
	if limit <= 0 {
		limit = vault.DefaultPersonsLimit
	}
	rows, err := s.pool.Query(ctx, findPersons, orgID, vault.NameLike(text), limit)
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: find persons: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vault.Person, error) { return scanPerson(row) })
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: find persons: %w", err)
	}
	if ps == nil {
		ps = []vault.Person{}
	}
	return ps, nil
}

// PersonVisible reports whether orgID registered personID or holds a
// mandate of theirs, in force or not.
func (s *Store) PersonVisible(ctx context.Context, orgID, personID string) (bool, error) {
	var visible bool
	if err := s.pool.QueryRow(ctx, personVisible, orgID, personID).Scan(&visible); err != nil {
		return false, fmt.Errorf("vault/postgres: person visible: %w", err)
	}
	return visible, nil
}

// scanPerson reads one row of personColumns.
func scanPerson(row pgx.Row) (vault.Person, error) {
	var (
		p     vault.Person
		birth *time.Time
	)
	if err := row.Scan(&p.ID, &p.OrgID, &p.Name, &birth, &p.CreatedAt); err != nil {
		return vault.Person{}, err
	}
	if birth != nil {
		p.BirthDate = coffre.DateOf(*birth)
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return p, nil
}
