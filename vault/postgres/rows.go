package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"coffre"
	"coffre/vault"
)

// utc returns t as stored: UTC, to the microsecond.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// date returns d as a date argument, or NULL for the zero Date.
func date(d coffre.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Time()
}

// documentColumns are the columns scanDocument reads, in order.
const documentColumns = `id, person_id, state, queue, sha256, pages, coalesce(duplicate_of, ''),
	wrapped_key, created_at, updated_at, lease_until, attempts, record, text,
	coalesce(superseded_by, ''), uploaded_by`

// scanDocument reads one row of documentColumns.
func scanDocument(row pgx.Row) (*vault.Document, error) {
	var (
		d     vault.Document
		lease *time.Time
	)
	err := row.Scan(&d.ID, &d.PersonID, &d.State, &d.Queue, &d.SHA256, &d.Pages, &d.DuplicateOf,
		&d.WrappedKey, &d.CreatedAt, &d.UpdatedAt, &lease, &d.Attempts, &d.Record, &d.Text, &d.SupersededBy, &d.UploadedBy)
	if err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if lease != nil {
		d.LeaseUntil = lease.UTC()
	}
	return &d, nil
}

// scanDocuments reads all the rows of documentColumns.
func scanDocuments(rows pgx.Rows, err error) ([]vault.Document, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (vault.Document, error) {
		d, err := scanDocument(row)
		if err != nil {
			return vault.Document{}, err
		}
		return *d, nil
	})
}
