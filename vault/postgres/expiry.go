package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"coffre"
	"coffre/vault"
)

const (
	lockFlag = `SELECT pg_advisory_xact_lock($1)`
	// supersede points every done document with an expiry to the newest
	// of its person, type and subtype: the latest issued, or, when a date
	// of issue is missing, the latest received that day or after.
	supersede = `WITH ranked AS (
		SELECT id, first_value(id) OVER (
			PARTITION BY person_id, type, subtype
			ORDER BY coalesce(issued_on, (created_at AT TIME ZONE 'UTC')::date) DESC, created_at DESC, id DESC
		) AS newest
		FROM documents
		WHERE state = 'done' AND duplicate_of IS NULL AND expires_on IS NOT NULL AND type <> 'unknown'
	)
	UPDATE documents SET superseded_by = ranked.newest, updated_at = $1
	FROM ranked
	WHERE documents.id = ranked.id AND ranked.newest <> ranked.id
		AND documents.superseded_by IS DISTINCT FROM ranked.newest`
	// raiseAlerts raises the alerts due, each (document, kind) once ever.
	raiseAlerts = `INSERT INTO alerts (document_id, person_id, kind, expires_on, created_at)
	SELECT id, person_id, CASE WHEN expires_on < $2 THEN 'expired' ELSE 'expiring_soon' END, expires_on, $1
	FROM documents
	WHERE state = 'done' AND duplicate_of IS NULL AND superseded_by IS NULL AND expires_on <= $3
	ON CONFLICT (document_id, kind) DO NOTHING
	RETURNING ` + alertColumns
	alertColumns = `id, document_id, person_id, kind, expires_on, created_at`
	selectAlerts = `SELECT ` + alertColumns + ` FROM alerts
	WHERE ($1 = '' OR person_id = $1) AND created_at >= $2
	ORDER BY created_at, id`
)

// FlagExpiries marks superseded documents, then raises the alerts due on
// asOf for the others.
func (s *Store) FlagExpiries(ctx context.Context, asOf coffre.Date, soonDays int, now time.Time) ([]vault.Alert, error) {
	now = utc(now)
	var alerts []vault.Alert
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockFlag, flagLock); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.Exec(ctx, supersede, now); err != nil {
			return fmt.Errorf("supersede: %w", err)
		}
		var err error
		alerts, err = scanAlerts(tx.Query(ctx, raiseAlerts, now, asOf.Time(), asOf.AddDays(soonDays).Time()))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: flag expiries %s: %w", asOf, err)
	}
	slices.SortFunc(alerts, func(a, b vault.Alert) int { return cmp.Compare(a.ID, b.ID) })
	return alerts, nil
}

// Alerts returns the alerts raised since since, for personID or everyone
// (""), oldest first.
func (s *Store) Alerts(ctx context.Context, personID string, since time.Time) ([]vault.Alert, error) {
	alerts, err := scanAlerts(s.pool.Query(ctx, selectAlerts, personID, since))
	if err != nil {
		return nil, fmt.Errorf("vault/postgres: alerts: %w", err)
	}
	return alerts, nil
}

func scanAlerts(rows pgx.Rows, err error) ([]vault.Alert, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (vault.Alert, error) {
		var a vault.Alert
		var expires time.Time
		err := row.Scan(&a.ID, &a.DocumentID, &a.PersonID, &a.Kind, &expires, &a.CreatedAt)
		a.ExpiresOn, a.CreatedAt = coffre.DateOf(expires), a.CreatedAt.UTC()
		return a, err
	})
}
