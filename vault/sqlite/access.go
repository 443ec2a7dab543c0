package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"coffre/vault"
)

var _ vault.Access = (*Store)(nil)

// Uniqueness is checked by the INSERT itself (ON CONFLICT DO NOTHING, no
// row inserted = taken), not by reading first: two processes creating
// the same name at once cannot both succeed, and no driver error code
// needs decoding.
const (
	insertOrg = `INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`
	orgByName = `SELECT id, name, created_at FROM orgs WHERE name = ?`
	orgExists = `SELECT count(*) FROM orgs WHERE id = ?`

	insertUser = `INSERT INTO users (id, org_id, email, email_key, name, role, person_id, password_hash,
	created_at, disabled) VALUES (?, NULLIF(?, ''), ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
	userColumns = `u.id, coalesce(u.org_id, ''), u.email, u.name, u.role, u.person_id, u.created_at, u.disabled`
	userByEmail = `SELECT ` + userColumns + `, u.password_hash FROM users u WHERE u.email_key = ?`
	userByToken = `SELECT ` + userColumns + ` FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`
	userBySess  = `SELECT ` + userColumns + ` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ? AND s.expires_at > ?`
	userExists  = `SELECT count(*) FROM users WHERE id = ?`
	userByID    = `SELECT ` + userColumns + ` FROM users u WHERE u.id = ?`
	userByPers  = `SELECT ` + userColumns + ` FROM users u WHERE u.person_id = ? AND u.role = 'person'`
	usersOfOrg  = `SELECT ` + userColumns + ` FROM users u WHERE u.org_id = ? ORDER BY u.email_key, u.id`
	disableUser = `UPDATE users SET disabled = ? WHERE id = ?`
	setPassword = `UPDATE users SET password_hash = ? WHERE id = ?`
	// actors takes the ids as a JSON array: one statement for any number.
	actors = `SELECT u.id, u.name, u.role, coalesce(o.name, '') FROM users u LEFT JOIN orgs o ON o.id = u.org_id
		WHERE u.id IN (SELECT value FROM json_each(?))`

	// The token rows are inserted only for a user that exists, so that
	// an unknown user is ErrNotFound rather than a foreign key error.
	insertToken   = `INSERT INTO tokens (hash, user_id, created_at) SELECT ?, id, ? FROM users WHERE id = ?`
	insertSession = `INSERT INTO sessions (hash, user_id, created_at, expires_at) SELECT ?, id, ?, ? FROM users WHERE id = ?`
	deleteSession = `DELETE FROM sessions WHERE hash = ?`
	insertLink    = `INSERT INTO access_links (hash, user_id, created_at, expires_at) SELECT ?, id, ?, ? FROM users WHERE id = ?`
	// useLink deletes the link whatever its expiry: an expired one is
	// no use either.
	useLink = `DELETE FROM access_links WHERE hash = ? RETURNING user_id, expires_at`

	insertMandate = `INSERT INTO mandates (id, person_id, org_id, grantee_id, granted_at, until, collected)
	VALUES (?, ?, ?, NULLIF(?, ''), ?, NULLIF(?, ''), ?)`
	revokeMandate = `UPDATE mandates SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL`
	mandateExists = `SELECT count(*) FROM mandates WHERE id = ?`
	mandatesOf    = `SELECT m.id, m.person_id, m.org_id, coalesce(m.grantee_id, ''), m.granted_at, coalesce(m.until, ''),
	m.collected, coalesce(m.revoked_at, ''), m.revoked_by, o.name FROM mandates m JOIN orgs o ON o.id = m.org_id
	WHERE m.person_id = ? ORDER BY m.granted_at DESC, m.id DESC`
)

// CreateOrg creates the organisation name; a name taken is ErrConflict.
func (s *Store) CreateOrg(ctx context.Context, name string, now time.Time) (vault.Org, error) {
	if name == "" {
		return vault.Org{}, errors.New("vault/sqlite: create org: no name")
	}
	o := vault.Org{ID: vault.NewID(), Name: name, CreatedAt: utc(now)}
	res, err := s.w.ExecContext(ctx, insertOrg, o.ID, o.Name, timestamp(o.CreatedAt))
	if err == nil {
		err = inserted(res, vault.ErrConflict)
	}
	if err != nil {
		return vault.Org{}, fmt.Errorf("vault/sqlite: create org %q: %w", name, err)
	}
	return o, nil
}

// OrgByName returns the organisation name, or ErrNotFound.
func (s *Store) OrgByName(ctx context.Context, name string) (vault.Org, error) {
	var (
		o       vault.Org
		created string
	)
	err := s.r.QueryRowContext(ctx, orgByName, name).Scan(&o.ID, &o.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err == nil {
		o.CreatedAt, err = parseTime(created)
	}
	if err != nil {
		return vault.Org{}, fmt.Errorf("vault/sqlite: org %q: %w", name, err)
	}
	return o, nil
}

// CreateUser creates u with password (see vault.Access).
func (s *Store) CreateUser(ctx context.Context, u vault.User, password string, now time.Time) (vault.User, error) {
	if err := vault.CheckUser(u); err != nil {
		return vault.User{}, fmt.Errorf("vault/sqlite: create user: %w", err)
	}
	hash := vault.HashPassword(password) // slow on purpose: before taking the write lock
	u.ID, u.CreatedAt = vault.NewID(), utc(now)
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if u.OrgID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, orgExists, u.OrgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("org %s: %w", u.OrgID, vault.ErrNotFound)
			}
		}
		res, err := tx.ExecContext(ctx, insertUser, u.ID, u.OrgID, u.Email, vault.EmailKey(u.Email), u.Name, u.Role,
			u.PersonID, hash, timestamp(u.CreatedAt), u.Disabled)
		if err != nil {
			return err
		}
		if err := inserted(res, vault.ErrConflict); err != nil {
			return fmt.Errorf("email, or the person's account, taken: %w", err)
		}
		return nil
	})
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/sqlite: create user: %w", err)
	}
	return u, nil
}

// Users returns the users of orgID, disabled included, by email key.
func (s *Store) Users(ctx context.Context, orgID string) ([]vault.User, error) {
	us, err := s.users(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: users of org %s: %w", orgID, err)
	}
	return us, nil
}

// Actors describes the users of ids.
func (s *Store) Actors(ctx context.Context, ids []string) (map[string]vault.Actor, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: actors: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, actors, string(list))
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: actors: %w", err)
	}
	defer rows.Close()
	out := make(map[string]vault.Actor, len(ids))
	for rows.Next() {
		var id string
		var a vault.Actor
		if err := rows.Scan(&id, &a.Name, &a.Role, &a.OrgName); err != nil {
			return nil, fmt.Errorf("vault/sqlite: actors: %w", err)
		}
		out[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vault/sqlite: actors: %w", err)
	}
	return out, nil
}

func (s *Store) users(ctx context.Context, orgID string) ([]vault.User, error) {
	rows, err := s.r.QueryContext(ctx, usersOfOrg, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	us := []vault.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// SetUserDisabled disables or enables userID; disabling deletes its
// tokens, sessions and access links in the same transaction.
func (s *Store) SetUserDisabled(ctx context.Context, userID string, disabled bool) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, disableUser, disabled, userID)
		if err != nil {
			return err
		}
		if err := inserted(res, vault.ErrNotFound); err != nil || !disabled {
			return err
		}
		for _, stmt := range eraseSecrets {
			if _, err := tx.ExecContext(ctx, stmt, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("vault/sqlite: set user %s disabled %v: %w", userID, disabled, err)
	}
	return nil
}

// SetPassword replaces userID's password and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, userID, password string) error {
	hash := vault.HashPassword(password) // outside the write lock: it takes a tenth of a second
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, setPassword, hash, userID)
		if err != nil {
			return err
		}
		if err := inserted(res, vault.ErrNotFound); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("vault/sqlite: set password of %s: %w", userID, err)
	}
	return nil
}

// eraseSecrets are what lets user ?1 in without a password, which
// disabling the user deletes.
var eraseSecrets = []string{
	`DELETE FROM tokens WHERE user_id = ?1`,
	`DELETE FROM sessions WHERE user_id = ?1`,
	`DELETE FROM access_links WHERE user_id = ?1`,
}

// Authenticate returns the enabled user with email and password, or
// ErrUnauthorized. The password is checked even when the email is
// unknown or the user disabled, so that all failures take as long.
func (s *Store) Authenticate(ctx context.Context, email, password string) (vault.User, error) {
	var hash string
	u, err := scanUser(s.r.QueryRowContext(ctx, userByEmail, vault.EmailKey(email)), &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return vault.User{}, fmt.Errorf("vault/sqlite: authenticate: %w", err)
	}
	if !vault.CheckPassword(hash, password) || err != nil || u.Disabled {
		return vault.User{}, fmt.Errorf("vault/sqlite: authenticate: %w", vault.ErrUnauthorized)
	}
	return u, nil
}

// CreateToken returns a new API token of userID; only its hash is kept.
func (s *Store) CreateToken(ctx context.Context, userID string, now time.Time) (string, error) {
	token := vault.NewToken(vault.TokenPrefix)
	res, err := s.w.ExecContext(ctx, insertToken, vault.TokenHash(token), timestamp(now), userID)
	if err == nil {
		err = inserted(res, vault.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("vault/sqlite: create token: user %s: %w", userID, err)
	}
	return token, nil
}

// UserByToken returns the enabled user of token, or ErrUnauthorized.
func (s *Store) UserByToken(ctx context.Context, token string) (vault.User, error) {
	u, err := enabled(scanUser(s.rs[userByToken].QueryRowContext(ctx, vault.TokenHash(token))))
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/sqlite: user by token: %w", err)
	}
	return u, nil
}

// CreateSession returns the id of a new session of userID, until now+ttl.
func (s *Store) CreateSession(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("vault/sqlite: create session: ttl %v", ttl)
	}
	id := vault.NewToken(vault.SessionPrefix)
	res, err := s.w.ExecContext(ctx, insertSession, vault.TokenHash(id), timestamp(now), timestamp(now.Add(ttl)), userID)
	if err == nil {
		err = inserted(res, vault.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("vault/sqlite: create session: user %s: %w", userID, err)
	}
	return id, nil
}

// UserBySession returns the enabled user of session id at now, or
// ErrUnauthorized.
func (s *Store) UserBySession(ctx context.Context, id string, now time.Time) (vault.User, error) {
	u, err := enabled(scanUser(s.r.QueryRowContext(ctx, userBySess, vault.TokenHash(id), timestamp(now))))
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/sqlite: user by session: %w", err)
	}
	return u, nil
}

// DeleteSession ends session id, known or not.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.w.ExecContext(ctx, deleteSession, vault.TokenHash(id)); err != nil {
		return fmt.Errorf("vault/sqlite: delete session: %w", err)
	}
	return nil
}

// UserByPerson returns the account of personID, or ErrNotFound.
func (s *Store) UserByPerson(ctx context.Context, personID string) (vault.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, userByPers, personID))
	if errors.Is(err, sql.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/sqlite: user by person %s: %w", personID, err)
	}
	return u, nil
}

// CreateAccessLink returns the token of a new access link of userID,
// usable once until now+ttl.
func (s *Store) CreateAccessLink(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("vault/sqlite: create access link: ttl %v", ttl)
	}
	token := vault.NewToken(vault.LinkPrefix)
	res, err := s.w.ExecContext(ctx, insertLink, vault.TokenHash(token), timestamp(now), timestamp(now.Add(ttl)), userID)
	if err == nil {
		err = inserted(res, vault.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("vault/sqlite: create access link: user %s: %w", userID, err)
	}
	return token, nil
}

// UseAccessLink deletes the link of token and returns its enabled user,
// or ErrUnauthorized.
func (s *Store) UseAccessLink(ctx context.Context, token string, now time.Time) (vault.User, error) {
	var userID, expires string
	err := s.w.QueryRowContext(ctx, useLink, vault.TokenHash(token)).Scan(&userID, &expires)
	var u vault.User
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && expires <= timestamp(now):
		err = vault.ErrUnauthorized
	case err == nil:
		u, err = enabled(scanUser(s.r.QueryRowContext(ctx, userByID, userID)))
	}
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/sqlite: use access link: %w", err)
	}
	return u, nil
}

// GrantMandate records m (see vault.Access).
func (s *Store) GrantMandate(ctx context.Context, m vault.Mandate, now time.Time) (vault.Mandate, error) {
	m, err := vault.NewMandate(m, now)
	if err != nil {
		return vault.Mandate{}, fmt.Errorf("vault/sqlite: grant mandate: %w", err)
	}
	until := ""
	if !m.Until.IsZero() {
		until = timestamp(m.Until)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, orgExists, m.OrgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("org %s: %w", m.OrgID, vault.ErrNotFound)
		}
		if m.GranteeID != "" {
			if err := tx.QueryRowContext(ctx, userExists, m.GranteeID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("grantee %s: %w", m.GranteeID, vault.ErrNotFound)
			}
		}
		_, err := tx.ExecContext(ctx, insertMandate, m.ID, m.PersonID, m.OrgID, m.GranteeID, timestamp(m.GrantedAt),
			until, m.Collected)
		return err
	})
	if err != nil {
		return vault.Mandate{}, fmt.Errorf("vault/sqlite: grant mandate: %w", err)
	}
	return m, nil
}

// RevokeMandate revokes mandate id: ErrNotFound, or ErrConflict when it
// already was.
func (s *Store) RevokeMandate(ctx context.Context, id, by string, now time.Time) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, revokeMandate, timestamp(now), by, id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n > 0 {
			return err
		}
		var exists int
		if err := tx.QueryRowContext(ctx, mandateExists, id).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return vault.ErrNotFound
		}
		return fmt.Errorf("%w: already revoked", vault.ErrConflict)
	})
	if err != nil {
		return fmt.Errorf("vault/sqlite: revoke mandate %s: %w", id, err)
	}
	return nil
}

// Mandates returns the mandates of personID, newest first.
func (s *Store) Mandates(ctx context.Context, personID string) ([]vault.Mandate, error) {
	ms, err := s.mandates(ctx, personID)
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: mandates: %w", err)
	}
	return ms, nil
}

// MayRead reports whether u may read personID's documents at now (see
// vault.MayReadSelf and vault.MandateAllows).
func (s *Store) MayRead(ctx context.Context, u vault.User, personID string, now time.Time) (bool, error) {
	ok, err := vault.MayRead(ctx, u, personID, now, s.mandates)
	if err != nil {
		return false, fmt.Errorf("vault/sqlite: may read: %w", err)
	}
	return ok, nil
}

func (s *Store) mandates(ctx context.Context, personID string) ([]vault.Mandate, error) {
	rows, err := s.r.QueryContext(ctx, mandatesOf, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ms := []vault.Mandate{}
	for rows.Next() {
		var (
			m                       vault.Mandate
			granted, until, revoked string
		)
		if err := rows.Scan(&m.ID, &m.PersonID, &m.OrgID, &m.GranteeID, &granted, &until, &m.Collected,
			&revoked, &m.RevokedBy, &m.OrgName); err != nil {
			return nil, err
		}
		if m.GrantedAt, err = parseTime(granted); err != nil {
			return nil, err
		}
		if m.Until, err = parseTime(until); err != nil {
			return nil, err
		}
		if m.RevokedAt, err = parseTime(revoked); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// writeTx runs f in a transaction of the writing connection (BEGIN
// IMMEDIATE: what f reads stays true until it commits).
func (s *Store) writeTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// inserted returns none unless res affected a row.
func inserted(res sql.Result, none error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return none
	}
	return nil
}

// scanUser reads one row of userColumns, then into extra.
func scanUser(row scanner, extra ...any) (vault.User, error) {
	var (
		u       vault.User
		created string
	)
	err := row.Scan(append([]any{&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.PersonID, &created, &u.Disabled},
		extra...)...)
	if err != nil {
		return vault.User{}, err
	}
	u.CreatedAt, err = parseTime(created)
	return u, err
}

// enabled turns no user, or a disabled one, into ErrUnauthorized.
func enabled(u vault.User, err error) (vault.User, error) {
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && u.Disabled:
		return vault.User{}, vault.ErrUnauthorized
	case err != nil:
		return vault.User{}, err
	}
	return u, nil
}
