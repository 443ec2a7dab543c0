package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"coffre"
	"coffre/vault"
)

const (
	insertPerson = `INSERT INTO persons (id, org_id, name, name_key, birth_date, created_at)
	VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
	personColumns = `id, org_id, name, coalesce(birth_date, ''), created_at`
	selectPerson  = `SELECT ` + personColumns + ` FROM persons WHERE id = ?`
	// findPersons: the persons orgID registered or holds a mandate of,
	// ordered by the folded name ("Émile" next to "Emma").
	findPersons = `SELECT ` + personColumns + ` FROM persons
	WHERE (org_id = ?1 OR id IN (SELECT person_id FROM mandates WHERE org_id = ?1))
		AND name_key LIKE ?2 ESCAPE '\'
	ORDER BY name_key, id LIMIT ?3`
	personVisible = `SELECT EXISTS (SELECT 1 FROM persons WHERE id = ?2 AND org_id = ?1)
	OR EXISTS (SELECT 1 FROM mandates WHERE person_id = ?2 AND org_id = ?1)`
)

// CreatePerson registers p (see vault.Access).
func (s *Store) CreatePerson(ctx context.Context, p vault.Person, now time.Time) (vault.Person, error) {
	p, err := vault.NewPerson(p, now)
	if err != nil {
		return vault.Person{}, fmt.Errorf("vault/sqlite: create person: %w", err)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, orgExists, p.OrgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("org %s: %w", p.OrgID, vault.ErrNotFound)
		}
		res, err := tx.ExecContext(ctx, insertPerson, p.ID, p.OrgID, p.Name, vault.NameKey(p.Name), date(p.BirthDate),
			timestamp(p.CreatedAt))
		if err != nil {
			return err
		}
		if err := inserted(res, vault.ErrConflict); err != nil {
			return fmt.Errorf("id taken: %w", err)
		}
		return nil
	})
	if err != nil {
		return vault.Person{}, fmt.Errorf("vault/sqlite: create person %s: %w", p.ID, err)
	}
	return p, nil
}

// GetPerson returns person id, or ErrNotFound.
func (s *Store) GetPerson(ctx context.Context, id string) (vault.Person, error) {
	p, err := scanPerson(s.r.QueryRowContext(ctx, selectPerson, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err != nil {
		return vault.Person{}, fmt.Errorf("vault/sqlite: get person %s: %w", id, err)
	}
	return p, nil
}

// FindPersons returns the persons visible to orgID whose name contains
// text, accents and case folded, ordered by name.
func (s *Store) FindPersons(ctx context.Context, orgID, text string, limit int) ([]vault.Person, error) {
	if limit <= 0 {
		limit = vault.DefaultPersonsLimit
	}
	ps, err := s.findPersons(ctx, orgID, text, limit)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: find persons: %w", err)
	}
	return ps, nil
}

func (s *Store) findPersons(ctx context.Context, orgID, text string, limit int) ([]vault.Person, error) {
	rows, err := s.r.QueryContext(ctx, findPersons, orgID, vault.NameLike(text), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ps := []vault.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// PersonVisible reports whether orgID registered personID or holds a
// mandate of theirs, in force or not.
func (s *Store) PersonVisible(ctx context.Context, orgID, personID string) (bool, error) {
	var visible bool
	if err := s.rs[personVisible].QueryRowContext(ctx, orgID, personID).Scan(&visible); err != nil {
		return false, fmt.Errorf("vault/sqlite: person visible: %w", err)
	}
	return visible, nil
}

// scanPerson reads one row of personColumns.
func scanPerson(row scanner) (vault.Person, error) {
	var (
		p              vault.Person
		birth, created string
	)
	if err := row.Scan(&p.ID, &p.OrgID, &p.Name, &birth, &created); err != nil {
		return vault.Person{}, err
	}
	var err error
	if birth != "" {
		if p.BirthDate, err = coffre.ParseDate(birth); err != nil {
			return vault.Person{}, err
		}
	}
	p.CreatedAt, err = parseTime(created)
	return p, err
}
