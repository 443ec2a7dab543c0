-- The persons registry, access links, corrections; users without an
-- email (persons who log in through an access link).

-- users is rebuilt, its rows kept, to make email_key nullable (NULL = no
-- email; UNIQUE lets NULLs repeat): SQLite cannot drop a NOT NULL. The
-- tables referring to users keep their rows: their foreign keys are
-- checked at commit, once the rows are back under the same ids.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE users_copy AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	org_id        TEXT REFERENCES orgs (id), -- NULL for a person
	email         TEXT NOT NULL,             -- as given; '' = none (a person only)
	email_key     TEXT UNIQUE,               -- vault.EmailKey(email): unique in any case; NULL = no email
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'caseworker', 'person')),
	person_id     TEXT NOT NULL,             -- '' but for a person
	password_hash TEXT NOT NULL,             -- '' = no password
	created_at    TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;
INSERT INTO users (id, org_id, email, email_key, name, role, person_id, password_hash, created_at, disabled)
	SELECT id, org_id, email, email_key, name, role, person_id, password_hash, created_at, disabled FROM users_copy;
DROP TABLE users_copy;
-- A person has one account at most (UserByPerson).
CREATE UNIQUE INDEX users_person ON users (person_id) WHERE role = 'person';

CREATE TABLE persons (
	id         TEXT PRIMARY KEY,
	org_id     TEXT NOT NULL REFERENCES orgs (id), -- who registered the person
	name       TEXT NOT NULL,
	name_key   TEXT NOT NULL,                      -- vault.NameKey(name), what FindPersons compares
	birth_date TEXT,                               -- NULL = unknown
	created_at TEXT NOT NULL
) STRICT;
CREATE INDEX persons_org ON persons (org_id, name);

-- PersonVisible, FindPersons and searches under a reader's mandates.
CREATE INDEX mandates_org ON mandates (org_id, person_id);

CREATE TABLE access_links (
	hash       TEXT PRIMARY KEY, -- vault.TokenHash of the link's token
	user_id    TEXT NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
) STRICT;

CREATE TABLE corrections (
	id          INTEGER PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	field       TEXT NOT NULL,
	old         TEXT NOT NULL,
	new         TEXT NOT NULL,
	by_user     TEXT NOT NULL,
	at          TEXT NOT NULL
) STRICT;
CREATE INDEX corrections_document ON corrections (document_id, id);
