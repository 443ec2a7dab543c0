package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"coffre/vault"
)

var _ vault.Access = (*Store)(nil)

// Uniqueness is checked by the INSERT itself (ON CONFLICT DO NOTHING, no
// row inserted = taken), not by reading first: two processes creating
// the same name at once cannot both succeed, and no error code needs
// decoding.
const (
	insertOrg = `INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`
	orgByName = `SELECT id, name, created_at FROM orgs WHERE name = $1`

	// The organisation's row is locked (FOR KEY SHARE, as the foreign key
	// would) so that it cannot go between the check and the insert.
	lockOrg    = `SELECT EXISTS (SELECT FROM orgs WHERE id = $1 FOR KEY SHARE)`
	lockUser   = `SELECT EXISTS (SELECT FROM users WHERE id = $1 FOR KEY SHARE)`
	insertUser = `INSERT INTO users (id, org_id, email, email_key, name, role, person_id, password_hash,
	created_at, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`
	userColumns = `u.id, coalesce(u.org_id, ''), u.email, u.name, u.role, u.person_id, u.created_at, u.disabled`
	userByEmail = `SELECT ` + userColumns + `, u.password_hash FROM users u WHERE u.email_key = $1`
	userByToken = `SELECT ` + userColumns + ` FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1`
	userBySess  = `SELECT ` + userColumns + ` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1 AND s.expires_at > $2`
	userByID    = `SELECT ` + userColumns + ` FROM users u WHERE u.id = $1`
	userByPers  = `SELECT ` + userColumns + ` FROM users u WHERE u.person_id = $1 AND u.role = 'person'`
	// usersOfOrg orders by code point, as SQLite does.
	usersOfOrg  = `SELECT ` + userColumns + ` FROM users u WHERE u.org_id = $1 ORDER BY u.email_key COLLATE "C", u.id`
	disableUser = `UPDATE users SET disabled = $1 WHERE id = $2`
	setPassword = `UPDATE users SET password_hash = $1 WHERE id = $2`
	actors      = `SELECT u.id, u.name, u.role, coalesce(o.name, '') FROM users u LEFT JOIN orgs o ON o.id = u.org_id
		WHERE u.id = ANY($1)`

	// Tokens and sessions are inserted only for a user that exists, so
	// that an unknown user is ErrNotFound rather than a foreign key error.
	insertToken   = `INSERT INTO tokens (hash, user_id, created_at) SELECT $1, id, $2 FROM users WHERE id = $3`
	insertSession = `INSERT INTO sessions (hash, user_id, created_at, expires_at) SELECT $1, id, $2, $3 FROM users WHERE id = $4`
	deleteSession = `DELETE FROM sessions WHERE hash = $1`
	insertLink    = `INSERT INTO access_links (hash, user_id, created_at, expires_at) SELECT $1, id, $2, $3 FROM users WHERE id = $4`
	// useLink deletes the link whatever its expiry: an expired one is no
	// use either. Of two uses at once, the second finds no row to delete.
	useLink = `DELETE FROM access_links WHERE hash = $1 RETURNING user_id, expires_at`

	insertMandate = `INSERT INTO mandates (id, person_id, org_id, grantee_id, granted_at, until, collected)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`
	revokeMandate = `UPDATE mandates SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL`
	mandateExists = `SELECT EXISTS (SELECT FROM mandates WHERE id = $1)`
	mandatesOf    = `SELECT m.id, m.person_id, m.org_id, coalesce(m.grantee_id, ''), m.granted_at, m.until,
	m.collected, m.revoked_at, m.revoked_by, o.name FROM mandates m JOIN orgs o ON o.id = m.org_id
	WHERE m.person_id = $1 ORDER BY m.granted_at DESC, m.id DESC`
)

// CreateOrg creates the organisation name; a name taken is ErrConflict.
func (s *Store) CreateOrg(ctx context.Context, name string, now time.Time) (vault.Org, error) {
	if name == "" {
		return vault.Org{}, errors.New("vault/postgres: create org: no name")
	}
	o := vault.Org{ID: vault.NewID(), Name: name, CreatedAt: utc(now)}
	tag, err := s.pool.Exec(ctx, insertOrg, o.ID, o.Name, o.CreatedAt)
	if err == nil && tag.RowsAffected() == 0 {
		err = vault.ErrConflict
	}
	if err != nil {
		return vault.Org{}, fmt.Errorf("vault/postgres: create org %q: %w", name, err)
	}
	return o, nil
}

// OrgByName returns the organisation name, or ErrNotFound.
func (s *Store) OrgByName(ctx context.Context, name string) (vault.Org, error) {
	var o vault.Org
	err := s.pool.QueryRow(ctx, orgByName, name).Scan(&o.ID, &o.Name, &o.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err != nil {
		return vault.Org{}, fmt.Errorf("vault/postgres: org %q: %w", name, err)
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return o, nil
}

// CreateUser creates u with password (see vault.Access).
func (s *Store) CreateUser(ctx context.Context, u vault.User, password string, now time.Time) (vault.User, error) {
	if err := vault.CheckUser(u); err != nil {
		return vault.User{}, fmt.Errorf("vault/postgres: create user: %w", err)
	}
	hash := vault.HashPassword(password) // slow on purpose: before the transaction
	u.ID, u.CreatedAt = vault.NewID(), utc(now)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if u.OrgID != "" {
			if err := exists(ctx, tx, lockOrg, u.OrgID, "org"); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, insertUser, u.ID, nullable(u.OrgID), u.Email, nullable(vault.EmailKey(u.Email)), u.Name,
			string(u.Role), u.PersonID, hash, u.CreatedAt, u.Disabled)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("email, or the person's account, taken: %w", vault.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/postgres: create user: %w", err)
	}
	return u, nil
}

// Users returns the users of orgID, disabled included, by email key.
func (s *Store) Users(ctx context.Context, orgID string) ([]vault.User, error) {
	rows, err := s.pool.Query(ctx, usersOfOrg, orgID)
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: users of org %s: %w", orgID, err)
	}
	us, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vault.User, error) { return scanUser(row) })
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: users of org %s: %w", orgID, err)
	}
	if us == nil {
		us = []vault.User{}
	}
	return us, nil
}

// Actors describes the users of ids.
func (s *Store) Actors(ctx context.Context, ids []string) (map[string]vault.Actor, error) {
	rows, err := s.pool.Query(ctx, actors, ids)
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: actors: %w", err)
	}
	defer rows.Close()
	out := make(map[string]vault.Actor, len(ids))
	for rows.Next() {
		var id string
		var a vault.Actor
		if err := rows.Scan(&id, &a.Name, &a.Role, &a.OrgName); err != nil {
			return nil, fmt.Errorf("vault/postgres: actors: %w", err)
		}
		out[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vault/postgres: actors: %w", err)
	}
	return out, nil
}

// SetUserDisabled disables or enables userID; disabling deletes its
// tokens, sessions and access links in the same transaction. One
// created at the same time may escape the deletion, but not the
// disabled flag, which every use of it checks.
func (s *Store) SetUserDisabled(ctx context.Context, userID string, disabled bool) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, disableUser, disabled, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return vault.ErrNotFound
		}
		if !disabled {
			return nil
		}
		for _, stmt := range eraseSecrets {
			if _, err := tx.Exec(ctx, stmt, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("vault/postgres: set user %s disabled %v: %w", userID, disabled, err)
	}
	return nil
}

// SetPassword replaces userID's password and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, userID, password string) error {
	hash := vault.HashPassword(password)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, setPassword, hash, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return vault.ErrNotFound
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("vault/postgres: set password of %s: %w", userID, err)
	}
	return nil
}

// eraseSecrets are what lets user $1 in without a password, which
// disabling the user deletes.
var eraseSecrets = []string{
	`DELETE FROM tokens WHERE user_id = $1`,
	`DELETE FROM sessions WHERE user_id = $1`,
	`DELETE FROM access_links WHERE user_id = $1`,
}

// Authenticate returns the enabled user with email and password, or
// ErrUnauthorized. The password is checked even when the email is
// unknown or the user disabled, so that all failures take as long.
func (s *Store) Authenticate(ctx context.Context, email, password string) (vault.User, error) {
	var hash string
	u, err := scanUser(s.pool.QueryRow(ctx, userByEmail, vault.EmailKey(email)), &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return vault.User{}, fmt.Errorf("vault/postgres: authenticate: %w", err)
	}
	if !vault.CheckPassword(hash, password) || err != nil || u.Disabled {
		return vault.User{}, fmt.Errorf("vault/postgres: authenticate: %w", vault.ErrUnauthorized)
	}
	return u, nil
}

// CreateToken returns a new API token of userID; only its hash is kept.
func (s *Store) CreateToken(ctx context.Context, userID string, now time.Time) (string, error) {
	token := vault.NewToken(vault.TokenPrefix)
	tag, err := s.pool.Exec(ctx, insertToken, vault.TokenHash(token), utc(now), userID)
	if err == nil && tag.RowsAffected() == 0 {
		err = vault.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("vault/postgres: create token: user %s: %w", userID, err)
	}
	return token, nil
}

// UserByToken returns the enabled user of token, or ErrUnauthorized.
func (s *Store) UserByToken(ctx context.Context, token string) (vault.User, error) {
	u, err := enabled(scanUser(s.pool.QueryRow(ctx, userByToken, vault.TokenHash(token))))
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/postgres: user by token: %w", err)
	}
	return u, nil
}

// CreateSession returns the id of a new session of userID, until now+ttl.
func (s *Store) CreateSession(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("vault/postgres: create session: ttl %v", ttl)
	}
	id := vault.NewToken(vault.SessionPrefix)
	tag, err := s.pool.Exec(ctx, insertSession, vault.TokenHash(id), utc(now), utc(now.Add(ttl)), userID)
	if err == nil && tag.RowsAffected() == 0 {
		err = vault.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("vault/postgres: create session: user %s: %w", userID, err)
	}
	return id, nil
}

// UserBySession returns the enabled user of session id at now, or
// ErrUnauthorized.
func (s *Store) UserBySession(ctx context.Context, id string, now time.Time) (vault.User, error) {
	u, err := enabled(scanUser(s.pool.QueryRow(ctx, userBySess, vault.TokenHash(id), utc(now))))
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/postgres: user by session: %w", err)
	}
	return u, nil
}

// DeleteSession ends session id, known or not.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, deleteSession, vault.TokenHash(id)); err != nil {
		return fmt.Errorf("vault/postgres: delete session: %w", err)
	}
	return nil
}

// UserByPerson returns the account of personID, or ErrNotFound.
func (s *Store) UserByPerson(ctx context.Context, personID string) (vault.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, userByPers, personID))
	if errors.Is(err, pgx.ErrNoRows) {
		err = vault.ErrNotFound
	}
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/postgres: user by person %s: %w", personID, err)
	}
	return u, nil
}

// CreateAccessLink returns the token of a new access link of userID,
// usable once until now+ttl.
func (s *Store) CreateAccessLink(ctx context.Context, userID string, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("vault/postgres: create access link: ttl %v", ttl)
	}
	token := vault.NewToken(vault.LinkPrefix)
	tag, err := s.pool.Exec(ctx, insertLink, vault.TokenHash(token), utc(now), utc(now.Add(ttl)), userID)
	if err == nil && tag.RowsAffected() == 0 {
		err = vault.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("vault/postgres: create access link: user %s: %w", userID, err)
	}
	return token, nil
}

// UseAccessLink deletes the link of token and returns its enabled user,
// or ErrUnauthorized.
func (s *Store) UseAccessLink(ctx context.Context, token string, now time.Time) (vault.User, error) {
	var (
		userID  string
		expires time.Time
		u       vault.User
	)
	err := s.pool.QueryRow(ctx, useLink, vault.TokenHash(token)).Scan(&userID, &expires)
	switch {
	case errors.Is(err, pgx.ErrNoRows) || err == nil && !expires.After(now):
		err = vault.ErrUnauthorized
	case err == nil:
		u, err = enabled(scanUser(s.pool.QueryRow(ctx, userByID, userID)))
	}
	if err != nil {
		return vault.User{}, fmt.Errorf("vault/postgres: use access link: %w", err)
	}
	return u, nil
}

// GrantMandate records m (see vault.Access).
func (s *Store) GrantMandate(ctx context.Context, m vault.Mandate, now time.Time) (vault.Mandate, error) {
	m, err := vault.NewMandate(m, now)
	if err != nil {
		return vault.Mandate{}, fmt.Errorf("vault/postgres: grant mandate: %w", err)
	}
	var until any // NULL = no end
	if !m.Until.IsZero() {
		until = m.Until
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, lockOrg, m.OrgID, "org"); err != nil {
			return err
		}
		if m.GranteeID != "" {
			if err := exists(ctx, tx, lockUser, m.GranteeID, "grantee"); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, insertMandate, m.ID, m.PersonID, m.OrgID, nullable(m.GranteeID), m.GrantedAt,
			until, m.Collected)
		return err
	})
	if err != nil {
		return vault.Mandate{}, fmt.Errorf("vault/postgres: grant mandate: %w", err)
	}
	return m, nil
}

// RevokeMandate revokes mandate id: ErrNotFound, or ErrConflict when it
// already was. The UPDATE's condition decides between two revocations at
// once: the second waits for the first, re-reads the row and finds it
// revoked.
func (s *Store) RevokeMandate(ctx context.Context, id, by string, now time.Time) error {
	tag, err := s.pool.Exec(ctx, revokeMandate, utc(now), by, id)
	if err == nil && tag.RowsAffected() == 0 {
		var found bool
		if err = s.pool.QueryRow(ctx, mandateExists, id).Scan(&found); err == nil {
			err = vault.ErrNotFound
			if found {
				err = fmt.Errorf("%w: already revoked", vault.ErrConflict)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("vault/postgres: revoke mandate %s: %w", id, err)
	}
	return nil
}

// Mandates returns the mandates of personID, newest first.
func (s *Store) Mandates(ctx context.Context, personID string) ([]vault.Mandate, error) {
	ms, err := s.mandates(ctx, personID)
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: mandates: %w", err)
	}
	return ms, nil
}

// MayRead reports whether u may read personID's documents at now (see
// vault.MayReadSelf and vault.MandateAllows).
func (s *Store) MayRead(ctx context.Context, u vault.User, personID string, now time.Time) (bool, error) {
	ok, err := vault.MayRead(ctx, u, personID, now, s.mandates)
	if err != nil {
		return false, fmt.Errorf("vault/postgres: may read: %w", err)
	}
	return ok, nil
}

func (s *Store) mandates(ctx context.Context, personID string) ([]vault.Mandate, error) {
	rows, err := s.pool.Query(ctx, mandatesOf, personID)
	if err != nil {
		return nil, err
	}
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (vault.Mandate, error) {
		var (
			m              vault.Mandate
			until, revoked *time.Time
		)
		if err := row.Scan(&m.ID, &m.PersonID, &m.OrgID, &m.GranteeID, &m.GrantedAt, &until, &m.Collected,
			&revoked, &m.RevokedBy, &m.OrgName); err != nil {
			return vault.Mandate{}, err
		}
		m.GrantedAt = m.GrantedAt.UTC()
		if until != nil {
			m.Until = until.UTC()
		}
		if revoked != nil {
			m.RevokedAt = revoked.UTC()
		}
		return m, nil
	})
	if ms == nil && err == nil {
		ms = []vault.Mandate{}
	}
	return ms, err
}

// exists returns ErrNotFound, about what, unless query finds id.
func exists(ctx context.Context, tx pgx.Tx, query, id, what string) error {
	var found bool
	if err := tx.QueryRow(ctx, query, id).Scan(&found); err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%s %s: %w", what, id, vault.ErrNotFound)
	}
	return nil
}

// nullable returns s, or NULL for "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// scanUser reads one row of userColumns, then into extra.
func scanUser(row pgx.Row, extra ...any) (vault.User, error) {
	var (
		u    vault.User
		role string
	)
	err := row.Scan(append([]any{&u.ID, &u.OrgID, &u.Email, &u.Name, &role, &u.PersonID, &u.CreatedAt, &u.Disabled},
		extra...)...)
	if err != nil {
		return vault.User{}, err
	}
	u.Role, u.CreatedAt = vault.Role(role), u.CreatedAt.UTC()
	return u, nil
}

// enabled turns no user, or a disabled one, into ErrUnauthorized.
func enabled(u vault.User, err error) (vault.User, error) {
	switch {
	case errors.Is(err, pgx.ErrNoRows) || err == nil && u.Disabled:
		return vault.User{}, vault.ErrUnauthorized
	case err != nil:
		return vault.User{}, err
	}
	return u, nil
}
