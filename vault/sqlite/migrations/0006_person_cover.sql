-- A caseworker searches across the persons who gave a mandate: thousands
-- of persons, whose documents are gathered through documents_person and
-- sorted. Covering the filters there too reads a row only for each result.
DROP INDEX documents_person;
CREATE INDEX documents_person ON documents (person_id, created_at, id, type, subtype, state, expires_on)
	WHERE duplicate_of IS NULL;
