package vault

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Entry is one journaled operation: who did what to whose document, when,
// and how it ended. Its fields are ids and codes only, never a
// document's text, a name or a number: the journal is kept for longer
// than the documents and is shown to the person.
type Entry struct {
	Seq        int64     `json:"seq"` // 1, 2, 3… in append order, no gaps
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`     // who acted: a user id, "system", "anonyme"…
	PersonID   string    `json:"person_id"` // whose documents ("" when none)
	DocumentID string    `json:"document_id"`
	Action     string    `json:"action"`  // upload, view, download, search, export, delete, mandate…
	Outcome    string    `json:"outcome"` // ok, denied, error…
	Prev       string    `json:"prev"`    // hex SHA-256 of the previous entry ("" for the first)
	Hash       string    `json:"hash"`    // hex SHA-256 of this entry, Prev included
}

// EntryTimeLayout is how EntryHash writes At: RFC 3339 in UTC with
// exactly six fractional digits, the microsecond the stores keep.
const EntryTimeLayout = "2006-01-02T15:04:05.000000Z"

// entryHashTag starts every hashed encoding, so that the encoding can
// change one day without an old hash ever matching a new one.
const entryHashTag = "coffre journal v1"

// EntryHash is the hash of e, hex: SHA-256 over the fields entryHashTag,
// Seq (decimal), At (UTC, truncated to the microsecond, EntryTimeLayout),
// Actor, PersonID, DocumentID, Action, Outcome and Prev, in that order,
// each preceded by its length in bytes as a big-endian uint64. The
// lengths make the encoding unambiguous: no two different entries encode
// the same. e.Hash is not hashed.
func EntryHash(e Entry) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range []string{
		entryHashTag,
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Truncate(time.Microsecond).Format(EntryTimeLayout),
		e.Actor, e.PersonID, e.DocumentID, e.Action, e.Outcome, e.Prev,
	} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrTampered is what Verify returns, wrapped with the first bad Seq,
// when an entry was changed, removed or reordered.
var ErrTampered = errors.New("vault: journal tampered with")

// Journal is the append-only, hash-chained journal of operations. Each
// entry's hash covers the previous one's, so changing, removing or
// reordering an entry breaks every link after it.
type Journal interface {
	// Append records e (Seq, Prev and Hash are set by the store,
	// atomically with respect to concurrent Appends from any process) and
	// returns it as stored. At, Actor and Action are required.
	Append(ctx context.Context, e Entry) (Entry, error)
	// Entries returns, oldest first, the entries about personID ("" =
	// all) with Seq > after, at most limit (default 100, max 1000).
	Entries(ctx context.Context, personID string, after int64, limit int) ([]Entry, error)
	// Verify walks the whole chain and returns how many entries it
	// checked; a changed, removed or reordered entry gives ErrTampered
	// wrapped with the first bad Seq, and the count of the good entries
	// before it.
	Verify(ctx context.Context) (int, error)
}

// Limits of Journal.Entries.
const (
	DefaultJournalLimit = 100
	MaxJournalLimit     = 1000
)

// JournalLimit returns the number of entries Entries returns for limit:
// DefaultJournalLimit when it is not positive, at most MaxJournalLimit.
func JournalLimit(limit int) int {
	if limit <= 0 {
		return DefaultJournalLimit
	}
	return min(limit, MaxJournalLimit)
}

// CheckEntry validates e before Append: an entry that does not say when,
// who or what cannot be audited.
func CheckEntry(e Entry) error {
	switch {
	case e.At.IsZero():
		return errors.New("entry without a time")
	case e.Actor == "":
		return errors.New("entry without an actor")
	case e.Action == "":
		return errors.New("entry without an action")
	}
	return nil
}

// RecordsCreation completes e as the entry of a document's creation (see
// Store.CreateJournaled), so that both stores write it alike: its
// document, and its outcome, "ok" or "duplicate".
func (e *Entry) RecordsCreation(documentID string, duplicate bool) {
	e.DocumentID, e.Outcome = documentID, "ok"
	if duplicate {
		e.Outcome = "duplicate"
	}
}

// Chain checks a journal's entries one after the other, oldest first, as
// Verify does; a journal exported as JSON can be checked the same way.
// The zero Chain expects the first entry.
type Chain struct {
	Checked int   // entries found good so far
	last    Entry // the last good entry
}

// Next checks that e follows the entries checked so far: the next Seq,
// Prev the last entry's hash, and Hash its own. The error wraps
// ErrTampered and names the first bad Seq.
func (c *Chain) Next(e Entry) error {
	want := c.last.Seq + 1
	switch {
	case e.Seq > want:
		return fmt.Errorf("entry %d missing (next found is %d): %w", want, e.Seq, ErrTampered)
	case e.Seq < want:
		return fmt.Errorf("entry %d out of order (after %d): %w", e.Seq, c.last.Seq, ErrTampered)
	case e.Prev != c.last.Hash:
		return fmt.Errorf("entry %d does not follow entry %d: %w", e.Seq, c.last.Seq, ErrTampered)
	case e.Hash != EntryHash(e):
		return fmt.Errorf("entry %d changed: %w", e.Seq, ErrTampered)
	}
	c.last = e
	c.Checked++
	return nil
}

// End checks that the chain ends at the head the store recorded (seq and
// hash of the last entry appended), which shows the latest entries were
// not removed.
func (c *Chain) End(seq int64, hash string) error {
	switch {
	case c.last.Seq < seq:
		return fmt.Errorf("entry %d missing (the journal ends at %d): %w", c.last.Seq+1, c.last.Seq, ErrTampered)
	case c.last.Seq > seq:
		return fmt.Errorf("entry %d beyond the journal's head %d: %w", seq+1, seq, ErrTampered)
	case c.last.Hash != hash:
		return fmt.Errorf("entry %d is not the one appended: %w", seq, ErrTampered)
	}
	return nil
}
