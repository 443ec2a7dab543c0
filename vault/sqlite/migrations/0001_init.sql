-- Documents, their history, expiry alerts, and the full-text index.
-- Times are TEXT 'YYYY-MM-DDTHH:MM:SS.ffffffZ' in UTC (sortable as text),
-- dates TEXT 'YYYY-MM-DD'.

CREATE TABLE documents (
	seq           INTEGER PRIMARY KEY, -- stable rowid, the FTS index's key
	id            TEXT NOT NULL UNIQUE,
	person_id     TEXT NOT NULL,
	state         TEXT NOT NULL CHECK (state IN ('received', 'processing', 'done', 'failed', 'needs_review')),
	queue         TEXT NOT NULL,
	sha256        TEXT NOT NULL,
	pages         TEXT NOT NULL, -- JSON array
	duplicate_of  TEXT REFERENCES documents (id),
	wrapped_key   BLOB,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	lease_until   TEXT,
	attempts      INTEGER NOT NULL DEFAULT 0,
	record        TEXT, -- JSON coffre.Record, set by Finish
	type          TEXT NOT NULL DEFAULT '',
	subtype       TEXT NOT NULL DEFAULT '',
	issued_on     TEXT,
	expires_on    TEXT,
	text          TEXT NOT NULL DEFAULT '',
	superseded_by TEXT REFERENCES documents (id)
) STRICT;

-- One original per person and content; duplicates point to it.
CREATE UNIQUE INDEX documents_person_sha256 ON documents (person_id, sha256)
	WHERE duplicate_of IS NULL;

-- Search, newest first. documents_created covers the filters but the
-- person's and the text's, so that walking it in order reads a row only
-- for each result; a person has few documents; a rare expiry range is
-- faster read from documents_expires and sorted.
CREATE INDEX documents_created ON documents (created_at, id, type, subtype, state, expires_on)
	WHERE duplicate_of IS NULL;
CREATE INDEX documents_person ON documents (person_id, created_at, id)
	WHERE duplicate_of IS NULL;
CREATE INDEX documents_expires ON documents (expires_on)
	WHERE duplicate_of IS NULL AND expires_on IS NOT NULL;

-- Stale: the documents still waiting for the pipeline.
CREATE INDEX documents_pending ON documents (state, updated_at)
	WHERE state IN ('received', 'processing');

CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	from_state  TEXT NOT NULL, -- '' when the document was created
	to_state    TEXT NOT NULL,
	at          TEXT NOT NULL,
	cause       TEXT NOT NULL
) STRICT;
CREATE INDEX events_document ON events (document_id, id);

CREATE TABLE alerts (
	id          INTEGER PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	person_id   TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('expiring_soon', 'expired')),
	expires_on  TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (document_id, kind)
) STRICT;
CREATE INDEX alerts_created ON alerts (created_at, id);
CREATE INDEX alerts_person ON alerts (person_id, created_at, id);

-- Full text of the OCR, case and accents folded ("impot" finds "impôt"),
-- kept in sync with documents.text by the triggers below.
CREATE VIRTUAL TABLE documents_fts USING fts5 (
	text,
	content = 'documents',
	content_rowid = 'seq',
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
	INSERT INTO documents_fts (rowid, text) VALUES (new.seq, new.text);
END;

CREATE TRIGGER documents_fts_update AFTER UPDATE OF text ON documents BEGIN
	INSERT INTO documents_fts (documents_fts, rowid, text) VALUES ('delete', old.seq, old.text);
	INSERT INTO documents_fts (rowid, text) VALUES (new.seq, new.text);
END;

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
	INSERT INTO documents_fts (documents_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
