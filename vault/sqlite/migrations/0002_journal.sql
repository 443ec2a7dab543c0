-- The journal of operations: append-only and hash-chained (see
-- vault.EntryHash). Times are TEXT like the documents' (UTC, to the
-- microsecond).

CREATE TABLE journal (
	seq         INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	person_id   TEXT NOT NULL,
	document_id TEXT NOT NULL,
	action      TEXT NOT NULL,
	outcome     TEXT NOT NULL,
	prev        TEXT NOT NULL,
	hash        TEXT NOT NULL
) STRICT;

-- A person's journal, in order.
CREATE INDEX journal_person ON journal (person_id, seq);

-- The last entry appended, so that Verify notices the latest entries
-- removed (nothing would follow them to break a link). It only moves
-- forward, one entry at a time.
CREATE TABLE journal_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash TEXT NOT NULL
) STRICT;
INSERT INTO journal_head (id, seq, hash) VALUES (1, 0, '');

-- Append-only: what is journaled stays as it was written.
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN
	SELECT RAISE(ABORT, 'journal is append-only');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN
	SELECT RAISE(ABORT, 'journal is append-only');
END;
CREATE TRIGGER journal_head_forward BEFORE UPDATE ON journal_head
	WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 BEGIN
	SELECT RAISE(ABORT, 'journal head only moves forward');
END;
CREATE TRIGGER journal_head_no_delete BEFORE DELETE ON journal_head BEGIN
	SELECT RAISE(ABORT, 'journal head is permanent');
END;
