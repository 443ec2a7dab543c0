-- The journal of operations: append-only and hash-chained (see
-- vault.EntryHash).

CREATE TABLE journal (
	seq         bigint PRIMARY KEY,
	at          timestamptz NOT NULL,
	actor       text NOT NULL,
	person_id   text NOT NULL,
	document_id text NOT NULL,
	action      text NOT NULL,
	outcome     text NOT NULL,
	prev        text NOT NULL,
	hash        text NOT NULL
);

-- A person's journal, in order.
CREATE INDEX journal_person ON journal (person_id, seq);

-- The last entry appended. Appends lock its one row (SELECT … FOR
-- UPDATE), which serialises them across processes within this schema
-- only; and Verify compares it with the chain's end, so that removing
-- the latest entries (which nothing follows) shows. It only moves
-- forward, one entry at a time.
CREATE TABLE journal_head (
	id   boolean PRIMARY KEY DEFAULT true CHECK (id),
	seq  bigint NOT NULL,
	hash text NOT NULL
);
INSERT INTO journal_head (seq, hash) VALUES (0, '');

-- Append-only: what is journaled stays as it was written.
CREATE FUNCTION journal_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'journal is append-only (% on %)', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
	FOR EACH ROW EXECUTE FUNCTION journal_refuse();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
	FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse();
CREATE TRIGGER journal_head_forward BEFORE UPDATE ON journal_head
	FOR EACH ROW WHEN (new.id IS DISTINCT FROM old.id OR new.seq <> old.seq + 1)
	EXECUTE FUNCTION journal_refuse();
CREATE TRIGGER journal_head_permanent BEFORE DELETE OR TRUNCATE ON journal_head
	FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse();
