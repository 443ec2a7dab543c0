package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"coffre"
	"coffre/vault"
)

const (
	// supersede points every done document with an expiry to the newest
	// of its person, type and subtype: the latest issued, or, when a date
	// of issue is missing, the latest received that day or after.
	supersede = `WITH ranked AS (
		SELECT id, first_value(id) OVER (
			PARTITION BY person_id, type, subtype
			ORDER BY coalesce(issued_on, substr(created_at, 1, 10)) DESC, created_at DESC, id DESC
		) AS newest
		FROM documents
		WHERE state = 'done' AND duplicate_of IS NULL AND expires_on IS NOT NULL AND type <> 'unknown'
	)
	UPDATE documents SET superseded_by = ranked.newest, updated_at = ?1
	FROM ranked
	WHERE documents.id = ranked.id AND ranked.newest <> ranked.id
		AND documents.superseded_by IS NOT ranked.newest`
	// raiseAlerts raises the alerts due, each (document, kind) once ever.
	raiseAlerts = `INSERT INTO alerts (document_id, person_id, kind, expires_on, created_at)
	SELECT id, person_id, CASE WHEN expires_on < ?2 THEN 'expired' ELSE 'expiring_soon' END, expires_on, ?1
	FROM documents
	WHERE state = 'done' AND duplicate_of IS NULL AND superseded_by IS NULL AND expires_on <= ?3
	ON CONFLICT (document_id, kind) DO NOTHING
	RETURNING ` + alertColumns
	alertColumns = `id, document_id, person_id, kind, expires_on, created_at`
	selectAlerts = `SELECT ` + alertColumns + ` FROM alerts
	WHERE (?1 = '' OR person_id = ?1) AND created_at >= ?2
	ORDER BY created_at, id`
)

// FlagExpiries marks superseded documents, then raises the alerts due on
// asOf for the others.
func (s *Store) FlagExpiries(ctx context.Context, asOf coffre.Date, soonDays int, now time.Time) ([]vault.Alert, error) {
	alerts, err := s.flagExpiries(ctx, asOf, soonDays, timestamp(now))
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: flag expiries %s: %w", asOf, err)
	}
	return alerts, nil
}

func (s *Store) flagExpiries(ctx context.Context, asOf coffre.Date, soonDays int, now string) ([]vault.Alert, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, supersede, now); err != nil {
		return nil, fmt.Errorf("supersede: %w", err)
	}
	alerts, err := scanAlerts(tx.QueryContext(ctx, raiseAlerts, now, asOf.String(), asOf.AddDays(soonDays).String()))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(alerts, func(a, b vault.Alert) int { return cmp.Compare(a.ID, b.ID) })
	return alerts, tx.Commit()
}

// Alerts returns the alerts raised since since, for personID or everyone
// (""), oldest first.
func (s *Store) Alerts(ctx context.Context, personID string, since time.Time) ([]vault.Alert, error) {
	alerts, err := scanAlerts(s.r.QueryContext(ctx, selectAlerts, personID, timestamp(since)))
	if err != nil {
		return nil, fmt.Errorf("vault/sqlite: alerts: %w", err)
	}
	return alerts, nil
}

func scanAlerts(rows *sql.Rows, err error) ([]vault.Alert, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var alerts []vault.Alert
	for rows.Next() {
		var a vault.Alert
		var expires, created string
		if err := rows.Scan(&a.ID, &a.DocumentID, &a.PersonID, &a.Kind, &expires, &created); err != nil {
			return nil, err
		}
		if a.ExpiresOn, err = coffre.ParseDate(expires); err != nil {
			return nil, err
		}
		if a.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		alerts = append(alerts, a)
	}
	return alerts, rows.Err()
}
