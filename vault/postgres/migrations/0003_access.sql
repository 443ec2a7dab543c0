-- Identity and consent: organisations, users, their API tokens and
-- sessions, and the persons' mandates. Secrets are never stored, only an
-- argon2id hash (passwords) or a SHA-256 (tokens, session ids).

CREATE TABLE orgs (
	id         text PRIMARY KEY,
	name       text NOT NULL UNIQUE,
	created_at timestamptz NOT NULL
);

CREATE TABLE users (
	id            text PRIMARY KEY,
	org_id        text REFERENCES orgs (id), -- NULL for a person
	email         text NOT NULL,             -- as given
	email_key     text NOT NULL UNIQUE,      -- vault.EmailKey(email): unique in any case
	name          text NOT NULL,
	role          text NOT NULL CHECK (role IN ('admin', 'agent', 'caseworker', 'person')),
	person_id     text NOT NULL,             -- '' but for a person
	password_hash text NOT NULL,             -- '' = no password
	created_at    timestamptz NOT NULL,
	disabled      boolean NOT NULL DEFAULT false
);

CREATE TABLE tokens (
	hash       text PRIMARY KEY, -- vault.TokenHash of the token
	user_id    text NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL
);

CREATE TABLE sessions (
	hash       text PRIMARY KEY, -- vault.TokenHash of the session id
	user_id    text NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE mandates (
	id         text PRIMARY KEY,
	person_id  text NOT NULL,
	org_id     text NOT NULL REFERENCES orgs (id),
	grantee_id text REFERENCES users (id), -- NULL = every caseworker of org_id
	granted_at timestamptz NOT NULL,
	until      timestamptz,                -- NULL = no end
	collected  text NOT NULL CHECK (collected IN ('in_person', 'signed_paper', 'online')),
	revoked_at timestamptz,
	revoked_by text NOT NULL DEFAULT ''
);
-- A person's mandates, newest first; MayRead reads them all.
CREATE INDEX mandates_person ON mandates (person_id, granted_at, id);
