// Package seal encrypts coffre's originals at rest. Each document gets its
// own random 256-bit data key, which seals the document's pages with
// AES-256-GCM; the data key itself is stored wrapped (AES-256-GCM again) by
// the master key. Deleting a document's wrapped key therefore shreds the
// document: the sealed pages left behind cannot be opened any more (as
// long as no database backup still holds the wrapped key).
//
// Both formats are: version byte, 96-bit random nonce, GCM ciphertext and
// tag. The version byte and the caller's context (document id, page) are
// authenticated, so a wrapped key or a page cannot be moved to another
// document or page without failing with ErrDecrypt.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
)

// ErrDecrypt means the data cannot be authenticated: wrong key, tampered
// bytes, wrong version or wrong context. It is returned wrapped; test with
// errors.Is. It deliberately does not say which, as GCM cannot tell.
var ErrDecrypt = errors.New("seal: cannot decrypt")

const (
	keySize   = 32 // AES-256
	nonceSize = 12 // GCM's standard 96-bit nonce
	version1  = 1
)

// Domain labels keep a wrapped key and a sealed page from ever being
// valid in each other's place, even under the same key.
const (
	purposeWrap = "coffre/seal/wrap"
	purposePage = "coffre/seal/data"
)

// MasterKey wraps the data keys. It prints redacted, and its bytes sit
// behind a pointer: fmt cannot call String on an unexported field of a
// caller's struct, and would then print a pointer, not the key.
type MasterKey struct{ k *[keySize]byte }

// String redacts the key.
func (MasterKey) String() string { return "seal.MasterKey(redacted)" }

// GoString redacts the key for %#v too.
func (m MasterKey) GoString() string { return m.String() }

// DataKey encrypts one document's pages. Only its wrapped form is stored.
// Like MasterKey, it prints redacted and holds its bytes by pointer.
type DataKey struct{ k *[keySize]byte }

// String redacts the key.
func (DataKey) String() string { return "seal.DataKey(redacted)" }

// GoString redacts the key for %#v too.
func (d DataKey) GoString() string { return d.String() }

// NewDataKey returns a fresh random data key.
func NewDataKey() (DataKey, error) {
	dk := DataKey{k: new([keySize]byte)}
	if _, err := rand.Read(dk.k[:]); err != nil {
		return DataKey{}, fmt.Errorf("seal: new data key: %w", err)
	}
	return dk, nil
}

// Wrap encrypts dk under the master key, bound to docID: the result
// unwraps only with the same docID.
func (m MasterKey) Wrap(dk DataKey, docID string) ([]byte, error) {
	if isZero(dk.k) {
		return nil, errors.New("seal: wrap: zero data key (not made by NewDataKey)")
	}
	out, err := seal(m.k, nil, dk.k[:], purposeWrap, docID)
	if err != nil {
		return nil, fmt.Errorf("seal: wrap key of document %q: %w", docID, err)
	}
	return out, nil
}

// Unwrap decrypts a key made by Wrap for docID. Any mismatch (master key,
// docID, altered bytes) is ErrDecrypt.
func (m MasterKey) Unwrap(wrapped []byte, docID string) (DataKey, error) {
	b, err := open(m.k, wrapped, purposeWrap, docID)
	if err != nil {
		return DataKey{}, fmt.Errorf("seal: unwrap key of document %q: %w", docID, err)
	}
	if len(b) != keySize {
		// Authentic but not a key: only a bug elsewhere can make this.
		return DataKey{}, fmt.Errorf("seal: unwrap key of document %q: %d bytes: %w", docID, len(b), ErrDecrypt)
	}
	dk := DataKey{k: new([keySize]byte)}
	copy(dk.k[:], b)
	clear(b)
	return dk, nil
}

// Seal encrypts plaintext bound to aad, e.g. "docID/page/1", so that a
// sealed page opens only as the page it was sealed as, and appends the
// result to dst: a caller sealing page after page can reuse one buffer.
func (d DataKey) Seal(dst, plaintext []byte, aad string) ([]byte, error) {
	out, err := seal(d.k, dst, plaintext, purposePage, aad)
	if err != nil {
		return nil, fmt.Errorf("seal: seal %q: %w", aad, err)
	}
	return out, nil
}

// Open decrypts what Seal made with the same key and aad.
func (d DataKey) Open(sealed []byte, aad string) ([]byte, error) {
	b, err := open(d.k, sealed, purposePage, aad)
	if err != nil {
		return nil, fmt.Errorf("seal: open %q: %w", aad, err)
	}
	return b, nil
}

// seal returns version || nonce || GCM(plaintext). A random nonce is safe
// here: a data key seals a handful of pages, and the master key would need
// billions of documents before nonce collisions become a concern.
func seal(key *[keySize]byte, dst, plaintext []byte, purpose, context string) ([]byte, error) {
	aead, err := newAEAD(key, context)
	if err != nil {
		return nil, err
	}
	out := slices.Grow(dst, 1+nonceSize+len(plaintext)+aead.Overhead())
	out = append(out, version1)
	nonce := out[len(out) : len(out)+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	out = out[:len(out)+nonceSize]
	return aead.Seal(out, nonce, plaintext, authData(version1, purpose, context)), nil
}

func open(key *[keySize]byte, sealed []byte, purpose, context string) ([]byte, error) {
	aead, err := newAEAD(key, context)
	if err != nil {
		return nil, err
	}
	if len(sealed) < 1+nonceSize+aead.Overhead() {
		return nil, fmt.Errorf("%d bytes, too short: %w", len(sealed), ErrDecrypt)
	}
	if sealed[0] != version1 {
		return nil, fmt.Errorf("unknown format version %d: %w", sealed[0], ErrDecrypt)
	}
	b, err := aead.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], authData(sealed[0], purpose, context))
	if err != nil {
		return nil, ErrDecrypt
	}
	return b, nil
}

func newAEAD(key *[keySize]byte, context string) (cipher.AEAD, error) {
	// A nil or zero key is an uninitialised MasterKey or DataKey, never a
	// real one; refusing it stops "encrypting" with a well-known key.
	if isZero(key) {
		return nil, errors.New("zero key (not loaded or generated)")
	}
	// An empty context would bind nothing: a likely caller bug.
	if context == "" {
		return nil, errors.New("empty context (document id or aad)")
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return aead, nil
}

// authData authenticates the version byte, the purpose and the caller's
// context; the NUL separates purpose from context unambiguously.
func authData(version byte, purpose, context string) []byte {
	b := make([]byte, 0, 1+len(purpose)+1+len(context))
	b = append(b, version)
	b = append(b, purpose...)
	b = append(b, 0)
	return append(b, context...)
}

func isZero(k *[keySize]byte) bool { return k == nil || *k == [keySize]byte{} }
