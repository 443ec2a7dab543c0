package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func testMaster(t *testing.T) MasterKey {
	t.Helper()
	dk, err := NewDataKey() // any random 32 bytes will do
	if err != nil {
		t.Fatal(err)
	}
	return MasterKey{k: dk.k}
}

func sameKey(a, b *[keySize]byte) bool { return a != nil && b != nil && *a == *b }

func TestWrapRoundTrip(t *testing.T) {
	m := testMaster(t)
	dk, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	w, err := m.Wrap(dk, "doc1")
	if err != nil {
		t.Fatal(err)
	}
	if w[0] != version1 || len(w) != 1+nonceSize+keySize+16 {
		t.Fatalf("wrapped format: version %d, %d bytes", w[0], len(w))
	}
	got, err := m.Unwrap(w, "doc1")
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(got.k, dk.k) {
		t.Fatal("unwrapped key differs")
	}
	w2, _ := m.Wrap(dk, "doc1")
	if bytes.Equal(w, w2) {
		t.Fatal("two wraps are identical: nonce not random")
	}
}

func TestSealRoundTrip(t *testing.T) {
	dk, _ := NewDataKey()
	for _, pt := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte("page"), 100000)} {
		s, err := dk.Seal(nil, pt, "doc1/page/1")
		if err != nil {
			t.Fatal(err)
		}
		got, err := dk.Open(s, "doc1/page/1")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("round trip of %d bytes differs", len(pt))
		}
	}
}

// TestSealAppends: Seal appends to the buffer it is given, whose bytes
// stay, and a buffer sealed into again holds the new page alone.
func TestSealAppends(t *testing.T) {
	dk, _ := NewDataKey()
	buf := make([]byte, 0, 64)
	buf = append(buf, "head"...)
	s, err := dk.Seal(buf, []byte("recto"), "doc1/page/1")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(s, []byte("head")) {
		t.Fatalf("the buffer's bytes were overwritten: %q", s[:4])
	}
	if got, err := dk.Open(s[4:], "doc1/page/1"); err != nil || string(got) != "recto" {
		t.Fatalf("open after head: %q, %v", got, err)
	}
	again, err := dk.Seal(s[:0], []byte("verso"), "doc1/page/2")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dk.Open(again, "doc1/page/2"); err != nil || string(got) != "verso" {
		t.Fatalf("open of a buffer sealed into again: %q, %v", got, err)
	}
}

func TestTamperEveryByte(t *testing.T) {
	m := testMaster(t)
	dk, _ := NewDataKey()
	w, _ := m.Wrap(dk, "doc1")
	s, _ := dk.Seal(nil, []byte("carte d'identité"), "doc1/page/1")
	for i := range w {
		b := bytes.Clone(w)
		b[i] ^= 0x01
		if _, err := m.Unwrap(b, "doc1"); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("wrapped byte %d flipped: err %v, want ErrDecrypt", i, err)
		}
	}
	for i := range s {
		b := bytes.Clone(s)
		b[i] ^= 0x80
		if _, err := dk.Open(b, "doc1/page/1"); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("sealed byte %d flipped: err %v, want ErrDecrypt", i, err)
		}
	}
	for _, n := range []int{0, 1, 1 + nonceSize, len(s) - 1} {
		if _, err := dk.Open(s[:n], "doc1/page/1"); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("truncated to %d: err %v, want ErrDecrypt", n, err)
		}
	}
	if _, err := dk.Open(append(bytes.Clone(s), 0), "doc1/page/1"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("extended: err %v, want ErrDecrypt", err)
	}
}

func TestWrongContext(t *testing.T) {
	m := testMaster(t)
	dk, _ := NewDataKey()
	w, _ := m.Wrap(dk, "doc1")
	if _, err := m.Unwrap(w, "doc2"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("other docID: err %v, want ErrDecrypt", err)
	}
	s, _ := dk.Seal(nil, []byte("page one"), "doc1/page/1")
	for _, aad := range []string{"doc1/page/2", "doc2/page/1", "doc1/page/1 "} {
		if _, err := dk.Open(s, aad); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("aad %q: err %v, want ErrDecrypt", aad, err)
		}
	}
	// A wrapped key is not a sealed page, even under the same key.
	asData := DataKey{k: m.k}
	if _, err := asData.Open(w, "doc1"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("wrapped key opened as page: err %v", err)
	}
}

func TestWrongKeys(t *testing.T) {
	m1, m2 := testMaster(t), testMaster(t)
	dk, _ := NewDataKey()
	w, _ := m1.Wrap(dk, "doc1")
	if _, err := m2.Unwrap(w, "doc1"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("wrong master: err %v, want ErrDecrypt", err)
	}
	other, _ := NewDataKey()
	s, _ := dk.Seal(nil, []byte("p"), "doc1/page/1")
	if _, err := other.Open(s, "doc1/page/1"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("wrong data key: err %v, want ErrDecrypt", err)
	}
}

func TestZeroKeysAndEmptyContextRefused(t *testing.T) {
	dk, _ := NewDataKey()
	if _, err := (MasterKey{}).Wrap(dk, "doc1"); err == nil {
		t.Error("zero master key wrapped")
	}
	if _, err := testMaster(t).Wrap(DataKey{}, "doc1"); err == nil {
		t.Error("zero data key wrapped")
	}
	if _, err := (DataKey{}).Seal(nil, []byte("p"), "doc1/page/1"); err == nil {
		t.Error("zero data key sealed")
	}
	if _, err := testMaster(t).Wrap(dk, ""); err == nil {
		t.Error("empty docID accepted")
	}
	if _, err := dk.Seal(nil, []byte("p"), ""); err == nil {
		t.Error("empty aad accepted")
	}
}

func TestLoadMasterKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb, 0xff, 0x3e}, 11)[:32] // has + / in std base64
	want := MasterKey{k: new([keySize]byte)}
	copy(want.k[:], raw)
	for name, v := range map[string]string{
		"hex":          hex.EncodeToString(raw),
		"HEX":          strings.ToUpper(hex.EncodeToString(raw)),
		"hex newline":  hex.EncodeToString(raw) + "\n",
		"std":          base64.StdEncoding.EncodeToString(raw),
		"raw std":      base64.RawStdEncoding.EncodeToString(raw),
		"url":          base64.URLEncoding.EncodeToString(raw),
		"raw url":      base64.RawURLEncoding.EncodeToString(raw),
		"std + spaces": "  " + base64.StdEncoding.EncodeToString(raw) + " ",
	} {
		got, err := LoadMasterKey(v)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !sameKey(got.k, want.k) {
			t.Errorf("%s: wrong key", name)
		}
	}
	secret := "s3cretvalue-that-must-not-leak"
	for name, v := range map[string]string{
		"empty":      "",
		"blank":      "   ",
		"short hex":  hex.EncodeToString(raw[:31]),
		"long hex":   hex.EncodeToString(raw) + "00",
		"bad hex":    strings.Repeat("zz", 32),
		"hex typo":   hex.EncodeToString(raw[:2]) + "g" + hex.EncodeToString(raw[2:])[1:],
		"16 bytes":   base64.StdEncoding.EncodeToString(raw[:16]),
		"zeros":      strings.Repeat("0", 64),
		"passphrase": secret,
	} {
		_, err := LoadMasterKey(v)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.TrimSpace(v) != "" && strings.Contains(err.Error(), strings.TrimSpace(v)) {
			t.Errorf("%s: error echoes the value: %v", name, err)
		}
	}
}

func TestStringRedacts(t *testing.T) {
	m, err := LoadMasterKey(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	dk, _ := NewDataKey()
	for _, s := range []string{
		fmt.Sprint(m), fmt.Sprintf("%v %+v %#v %s", m, m, m, m),
		fmt.Sprintf("%v", &m), fmt.Sprintf("%v %#v", dk, dk),
		fmt.Sprintf("%v", struct{ K MasterKey }{m}),
		// fmt cannot call String on unexported fields: the pointer
		// inside keeps the bytes out of such a print too.
		fmt.Sprintf("%v %+v redacted", struct{ m MasterKey }{m}, struct{ d DataKey }{dk}),
	} {
		// Bytes would print as "[171 171 …]" or "abab…"; a pointer
		// prints as 0xc…, which cannot contain a space.
		dkDec := strings.Trim(fmt.Sprint(dk.k[:4]), "[]")
		if strings.Contains(s, "abab") || strings.Contains(s, "171 171") || strings.Contains(s, dkDec) {
			t.Errorf("leaks key: %q", s)
		}
		if !strings.Contains(s, "redacted") {
			t.Errorf("not redacted: %q", s)
		}
	}
	if m.String() != "seal.MasterKey(redacted)" {
		t.Errorf("String() = %q", m.String())
	}
}

func TestKeyFileCreatedThenReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	k1, created, err := LoadOrCreateMasterKeyFile(path)
	if err != nil || !created {
		t.Fatalf("first call: created %v, err %v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if len(b) != 65 || b[64] != '\n' {
		t.Errorf("file content: %d bytes", len(b))
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d entries in the directory, want only the key file", len(entries))
	}
	k2, created, err := LoadOrCreateMasterKeyFile(path)
	if err != nil || created {
		t.Fatalf("second call: created %v, err %v", created, err)
	}
	if !sameKey(k1.k, k2.k) {
		t.Fatal("second call returned another key")
	}
	// The key read from the file is the one LoadMasterKey reads from it.
	k3, err := LoadMasterKey(string(b))
	if err != nil || !sameKey(k3.k, k1.k) {
		t.Fatalf("file content does not load as the same key: %v", err)
	}
}

func TestKeyFileRefusedWhenReadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadOrCreateMasterKeyFile(path)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("0644 key file: err %v, want a refusal telling to chmod 600", err)
	}
	if strings.Contains(err.Error(), "abab") {
		t.Fatalf("error echoes the key: %v", err)
	}
	os.Chmod(path, 0o600)
	if _, created, err := LoadOrCreateMasterKeyFile(path); err != nil || created {
		t.Fatalf("after chmod 600: created %v, err %v", created, err)
	}
}

func TestKeyFileMalformed(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty":     "",
		"short":     strings.Repeat("ab", 31),
		"not hex":   strings.Repeat("zz", 32),
		"two lines": strings.Repeat("ab", 32) + "\n\n",
		"zeros":     strings.Repeat("0", 64),
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		os.WriteFile(path, []byte(content), 0o600)
		if _, _, err := LoadOrCreateMasterKeyFile(path); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, err := LoadOrCreateMasterKeyFile(filepath.Join(dir, "missing-dir", "k")); err == nil {
		t.Error("key file in a missing directory: no error")
	}
}

func TestKeyFileConcurrentCreate(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "master.key")
		const n = 8
		var (
			wg      sync.WaitGroup
			keys    [n]MasterKey
			created [n]bool
			errs    [n]error
		)
		for i := range n {
			wg.Go(func() { keys[i], created[i], errs[i] = LoadOrCreateMasterKeyFile(path) })
		}
		wg.Wait()
		creators := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("round %d, goroutine %d: %v", round, i, errs[i])
			}
			if !sameKey(keys[i].k, keys[0].k) {
				t.Fatalf("round %d: goroutines got different keys", round)
			}
			if created[i] {
				creators++
			}
		}
		if creators != 1 {
			t.Fatalf("round %d: %d creators, want 1", round, creators)
		}
	}
}
