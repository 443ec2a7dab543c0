-- Identity and consent: organisations, users, their API tokens and
-- sessions, and the persons' mandates. Times are TEXT like the
-- documents' (UTC, to the microsecond); secrets are never stored, only
-- an argon2id hash (passwords) or a SHA-256 (tokens, session ids).

CREATE TABLE orgs (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	org_id        TEXT REFERENCES orgs (id), -- NULL for a person
	email         TEXT NOT NULL,             -- as given
	email_key     TEXT NOT NULL UNIQUE,      -- vault.EmailKey(email): unique in any case
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'caseworker', 'person')),
	person_id     TEXT NOT NULL,             -- '' but for a person
	password_hash TEXT NOT NULL,             -- '' = no password
	created_at    TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

CREATE TABLE tokens (
	hash       TEXT PRIMARY KEY, -- vault.TokenHash of the token
	user_id    TEXT NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY, -- vault.TokenHash of the session id
	user_id    TEXT NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE mandates (
	id         TEXT PRIMARY KEY,
	person_id  TEXT NOT NULL,
	org_id     TEXT NOT NULL REFERENCES orgs (id),
	grantee_id TEXT REFERENCES users (id), -- NULL = every caseworker of org_id
	granted_at TEXT NOT NULL,
	until      TEXT,                       -- NULL = no end
	collected  TEXT NOT NULL CHECK (collected IN ('in_person', 'signed_paper', 'online')),
	revoked_at TEXT,
	revoked_by TEXT NOT NULL DEFAULT ''
) STRICT;
-- A person's mandates, newest first; MayRead reads them all.
CREATE INDEX mandates_person ON mandates (person_id, granted_at, id);
