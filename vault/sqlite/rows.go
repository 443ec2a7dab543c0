package sqlite

import (
	"database/sql"
	"encoding/json"
	"time"

	"coffre"
	"coffre/vault"
)

// timeLayout is how times are stored: UTC, fixed width, so that text
// order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// utc returns t as stored: UTC, to the microsecond.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// timestamp returns t as stored, in text.
func timestamp(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTime reads a stored time; "" (NULL) is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeLayout, s)
}

// date returns d as stored: 'YYYY-MM-DD', or NULL for the zero Date.
func date(d coffre.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// documentColumns are the columns scanDocument reads, in order.
const documentColumns = `id, person_id, state, queue, sha256, pages, coalesce(duplicate_of, ''),
	wrapped_key, created_at, updated_at, coalesce(lease_until, ''), attempts, record, text,
	coalesce(superseded_by, ''), uploaded_by`

type scanner interface{ Scan(dest ...any) error }

// scanDocument reads one row of documentColumns.
func scanDocument(row scanner) (*vault.Document, error) {
	var (
		d                       vault.Document
		pages, created, updated string
		lease                   string
		record                  sql.NullString
	)
	err := row.Scan(&d.ID, &d.PersonID, &d.State, &d.Queue, &d.SHA256, &pages, &d.DuplicateOf,
		&d.WrappedKey, &created, &updated, &lease, &d.Attempts, &record, &d.Text, &d.SupersededBy, &d.UploadedBy)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(pages), &d.Pages); err != nil {
		return nil, err
	}
	if record.Valid {
		d.Record = new(coffre.Record)
		if err := json.Unmarshal([]byte(record.String), d.Record); err != nil {
			return nil, err
		}
	}
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	d.LeaseUntil, err = parseTime(lease)
	return &d, err
}

// scanDocuments reads all the rows of documentColumns.
func scanDocuments(rows *sql.Rows, err error) ([]vault.Document, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var docs []vault.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		docs = append(docs, *d)
	}
	return docs, rows.Err()
}
