-- Documents, their history, expiry alerts, and the full-text index.

-- Accents folded before French stemming: "impot" finds "impôt". The
-- extension goes to public, not to the current schema, so that dropping
-- a schema (as the tests do) never drops it under other schemas' feet.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

DO $$
DECLARE
	ext_schema text;
BEGIN
	SELECT n.nspname INTO ext_schema
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'unaccent';
	CREATE TEXT SEARCH CONFIGURATION coffre_french (COPY = pg_catalog.french);
	EXECUTE format(
		'ALTER TEXT SEARCH CONFIGURATION coffre_french
		ALTER MAPPING FOR hword, hword_part, word WITH %I.unaccent, french_stem',
		ext_schema);
END
$$;

CREATE TABLE documents (
	id            text PRIMARY KEY,
	person_id     text NOT NULL,
	state         text NOT NULL CHECK (state IN ('received', 'processing', 'done', 'failed', 'needs_review')),
	queue         text NOT NULL,
	sha256        text NOT NULL,
	pages         jsonb NOT NULL,
	duplicate_of  text REFERENCES documents (id),
	wrapped_key   bytea,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL,
	lease_until   timestamptz,
	attempts      integer NOT NULL DEFAULT 0,
	record        jsonb, -- coffre.Record, set by Finish
	type          text NOT NULL DEFAULT '',
	subtype       text NOT NULL DEFAULT '',
	issued_on     date,
	expires_on    date,
	text          text NOT NULL DEFAULT '',
	text_search   tsvector GENERATED ALWAYS AS (to_tsvector('coffre_french', text)) STORED,
	superseded_by text REFERENCES documents (id)
);

-- One original per person and content; duplicates point to it.
CREATE UNIQUE INDEX documents_person_sha256 ON documents (person_id, sha256)
	WHERE duplicate_of IS NULL;

-- Search: newest first, alone or within a person, a type, an expiry
-- range, or the documents whose text matches.
CREATE INDEX documents_created ON documents (created_at, id)
	WHERE duplicate_of IS NULL;
CREATE INDEX documents_person ON documents (person_id, created_at, id)
	WHERE duplicate_of IS NULL;
CREATE INDEX documents_type ON documents (type, subtype, created_at, id)
	WHERE duplicate_of IS NULL;
CREATE INDEX documents_expires ON documents (expires_on)
	WHERE duplicate_of IS NULL;
CREATE INDEX documents_text ON documents USING gin (text_search)
	WHERE duplicate_of IS NULL;

-- Stale: the documents still waiting for the pipeline.
CREATE INDEX documents_pending ON documents (state, updated_at)
	WHERE state IN ('received', 'processing');

CREATE TABLE events (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	from_state  text NOT NULL, -- '' when the document was created
	to_state    text NOT NULL,
	at          timestamptz NOT NULL,
	cause       text NOT NULL
);
CREATE INDEX events_document ON events (document_id, id);

CREATE TABLE alerts (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	person_id   text NOT NULL,
	kind        text NOT NULL CHECK (kind IN ('expiring_soon', 'expired')),
	expires_on  date NOT NULL,
	created_at  timestamptz NOT NULL,
	UNIQUE (document_id, kind)
);
CREATE INDEX alerts_created ON alerts (created_at, id);
CREATE INDEX alerts_person ON alerts (person_id, created_at, id);
