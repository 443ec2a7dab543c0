-- Who uploaded each document (vault.Document.UploadedBy), and the
-- listing of an organisation's users.

-- '' for the documents stored before: their uploader was not kept.
ALTER TABLE documents ADD COLUMN uploaded_by TEXT NOT NULL DEFAULT '';

-- Users: an organisation's users, by email key.
CREATE INDEX users_org ON users (org_id, email_key);
