package vault

import (
	"context"
	"errors"
	"fmt"
)

// RewrapBatch is how many documents' keys Store.Rewrap replaces per
// transaction: enough that a vault of a million documents takes two
// thousand commits, few enough that a transaction stays short and locks
// little.
const RewrapBatch = 500

// A KeyBatch is one transaction of a store's Rewrap: it reads the
// non-empty wrapped keys of up to RewrapBatch documents whose ids come
// after after (in id order, "" = from the first), locked against a
// concurrent Delete, replaces each by RewrapKey's result, commits, and
// returns the last id read ("" when there was none) and how many keys it
// replaced.
type KeyBatch func(ctx context.Context, after string) (last string, n int, err error)

// RewrapAll runs batch until the documents run out, for the stores'
// Rewrap. Walking the ids in order, rather than selecting the keys not
// yet rewrapped (which the database cannot tell), makes each document's
// key be read once. It returns how many keys the committed batches
// replaced, on failure too.
func RewrapAll(ctx context.Context, batch KeyBatch) (int, error) {
	total, after := 0, ""
	for {
		last, n, err := batch(ctx, after)
		if err != nil {
			return total, fmt.Errorf("rewrap after %d keys: %w", total, err)
		}
		total += n
		if last == "" {
			return total, nil
		}
		after = last
	}
}

// RewrapKey returns rewrap's new key for document docID, refusing an
// empty one: storing it would shred the document.
func RewrapKey(rewrap func(docID string, wrapped []byte) ([]byte, error), docID string, wrapped []byte) ([]byte, error) {
	key, err := rewrap(docID, wrapped)
	if err == nil && len(key) == 0 {
		err = errors.New("empty key")
	}
	if err != nil {
		return nil, fmt.Errorf("key of document %s: %w", docID, err)
	}
	return key, nil
}
