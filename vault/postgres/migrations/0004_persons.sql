-- The persons registry, access links, corrections; users without an
-- email (persons who log in through an access link).

-- NULL = no email; the UNIQUE constraint lets NULLs repeat.
ALTER TABLE users ALTER COLUMN email_key DROP NOT NULL;
-- A person has one account at most (UserByPerson).
CREATE UNIQUE INDEX users_person ON users (person_id) WHERE role = 'person';

CREATE TABLE persons (
	id         text PRIMARY KEY,
	org_id     text NOT NULL REFERENCES orgs (id), -- who registered the person
	name       text NOT NULL,
	name_key   text NOT NULL,                      -- vault.NameKey(name), what FindPersons compares
	birth_date date,                               -- NULL = unknown
	created_at timestamptz NOT NULL
);
CREATE INDEX persons_org ON persons (org_id, name);

-- PersonVisible, FindPersons and searches under a reader's mandates.
CREATE INDEX mandates_org ON mandates (org_id, person_id);

CREATE TABLE access_links (
	hash       text PRIMARY KEY, -- vault.TokenHash of the link's token
	user_id    text NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);

CREATE TABLE corrections (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	field       text NOT NULL,
	old         text NOT NULL,
	new         text NOT NULL,
	by_user     text NOT NULL,
	at          timestamptz NOT NULL
);
CREATE INDEX corrections_document ON corrections (document_id, id);
