package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre"
	"coffre/policy"
	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/originals"
	"coffre/vault/seal"
	"coffre/vault/sqlite"
)

// recordingQueue remembers what was queued (the workers are not part of
// these tests).
type recordingQueue struct{ ids []string }

func (q *recordingQueue) Enqueue(_ context.Context, d *vault.Document) error {
	q.ids = append(q.ids, d.ID)
	return nil
}

type fixture struct {
	srv   *httptest.Server
	store vault.Store
	queue *recordingQueue
}

// newFixture serves the API over a real SQLite store and sealed files in
// a temporary directory.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "coffre.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	master, _, err := seal.LoadOrCreateMasterKeyFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	q := &recordingQueue{}
	s := &Server{Store: st, Originals: originals.Store{Blobs: blobs, Master: master}, Queue: q, Journal: st,
		Policy: policy.Default(), MaxBytes: 1 << 20, MaxFiles: 3, Now: time.Now}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, store: st, queue: q}
}

type part struct{ name, value string }

func (f *fixture) upload(t *testing.T, parts ...part) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		if p.name == "file" {
			w, _ := mw.CreateFormFile("file", "page.jpg")
			w.Write([]byte(p.value))
		} else {
			mw.WriteField(p.name, p.value)
		}
	}
	mw.Close()
	resp, err := http.Post(f.srv.URL+"/api/v1/documents", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestUpload(t *testing.T) {
	f := newFixture(t)
	code, out := f.upload(t, part{"person_id", "p1"}, part{"file", "recto"}, part{"file", "verso"})
	if code != http.StatusAccepted || out["state"] != "received" || out["pages"] != 2.0 {
		t.Fatalf("upload: %d %v, want 202 received with 2 pages", code, out)
	}
	id := out["id"].(string)
	if len(f.queue.ids) != 1 || f.queue.ids[0] != id {
		t.Errorf("queued %v, want [%s]", f.queue.ids, id)
	}
	// The original comes back, decrypted, page by page.
	for page, want := range map[string]string{"1": "recto", "2": "verso"} {
		resp, err := http.Get(f.srv.URL + "/api/v1/documents/" + id + "/file?page=" + page)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != want || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("page %s = %q (%s), want %q, not cached", page, b, resp.Header.Get("Cache-Control"), want)
		}
	}
	// The same bytes again for the same person: linked, not queued.
	code, dup := f.upload(t, part{"person_id", "p1"}, part{"file", "recto"}, part{"file", "verso"})
	if code != http.StatusAccepted || dup["duplicate_of"] != id || len(f.queue.ids) != 1 {
		t.Errorf("duplicate: %d %v, queued %d; want 202 duplicate_of %s, not queued", code, dup, len(f.queue.ids), id)
	}
	// For another person they are another document.
	if _, other := f.upload(t, part{"person_id", "p2"}, part{"file", "recto"}, part{"file", "verso"}); other["duplicate_of"] != nil {
		t.Errorf("another person's upload linked as a duplicate: %v", other)
	}
}

func TestUploadRefused(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("x", 1<<20+1)
	for _, tc := range []struct {
		name  string
		parts []part
		code  int
		says  string
	}{
		{"no person", []part{{"file", "x"}}, 400, "personne"},
		{"bad person id", []part{{"person_id", "../etc"}, {"file", "x"}}, 400, "personne"},
		{"no file", []part{{"person_id", "p1"}}, 400, "Aucun fichier"},
		{"empty file", []part{{"person_id", "p1"}, {"file", ""}}, 400, "vide"},
		{"too large", []part{{"person_id", "p1"}, {"file", big}}, 413, "dépasse"},
		{"too many files", []part{{"person_id", "p1"}, {"file", "1"}, {"file", "2"}, {"file", "3"}, {"file", "4"}}, 413, "Trop de fichiers"},
		{"unknown queue", []part{{"person_id", "p1"}, {"queue", "vip"}, {"file", "x"}}, 400, "File inconnue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.upload(t, tc.parts...)
			if msg, _ := out["error"].(string); code != tc.code || !strings.Contains(msg, tc.says) {
				t.Errorf("%d %q, want %d and a message with %q", code, msg, tc.code, tc.says)
			}
		})
	}
	if len(f.queue.ids) != 0 {
		t.Errorf("refused uploads were queued: %v", f.queue.ids)
	}
}

func TestDocumentAndSearch(t *testing.T) {
	f := newFixture(t)
	_, out := f.upload(t, part{"person_id", "p1"}, part{"file", "avis"})
	id := out["id"].(string)
	ctx := context.Background()
	now := time.Now()
	if _, err := f.store.Claim(ctx, id, time.Minute, now); err != nil {
		t.Fatal(err)
	}
	rec := coffre.NewRecord(id)
	rec.Type = coffre.TypeAvisImposition
	rec.ExpiresOn = coffre.DateOf(now).AddDays(10) // expiring soon, whatever the day
	rec.Fields = coffre.Fields{"annee_revenus": 2024}
	if err := f.store.Finish(ctx, id, rec, "Avis d'impôt sur les revenus", vault.StateDone, "Document lu.", now); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	get(t, f.srv.URL+"/api/v1/documents/"+id, &doc)
	if doc["type"] != "avis_imposition" || doc["state"] != "done" || doc["status"] != "expiring_soon" || doc["person_id"] != "p1" {
		t.Errorf("document = %v", doc)
	}
	if h, _ := doc["history"].([]any); len(h) < 3 {
		t.Errorf("history %v, want received, processing, done", doc["history"])
	}
	for _, q := range []string{"type=avis_imposition", "status=expiring_soon", "q=impot", "person_id=p1&type=avis_imposition&status=expiring_soon"} {
		var res struct{ Documents []map[string]any }
		get(t, f.srv.URL+"/api/v1/documents?"+q, &res)
		if len(res.Documents) != 1 || res.Documents[0]["id"] != id {
			t.Errorf("search %s: %d documents, want the avis", q, len(res.Documents))
		}
	}
	for _, q := range []string{"type=piece_identite", "status=expired", "q=caf"} {
		var res struct{ Documents []map[string]any }
		get(t, f.srv.URL+"/api/v1/documents?"+q, &res)
		if len(res.Documents) != 0 {
			t.Errorf("search %s found %d documents, want none", q, len(res.Documents))
		}
	}
	resp, _ := http.Get(f.srv.URL + "/api/v1/documents/nope")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown document: %d, want 404", resp.StatusCode)
	}
	resp, _ = http.Get(f.srv.URL + "/api/v1/documents?status=bientot")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad status filter: %d, want 400", resp.StatusCode)
	}
}

func TestProbes(t *testing.T) {
	f := newFixture(t)
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": `"database":"ok"`, "/metrics": `coffre_documents{state="received"} 0`} {
		resp, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %s, want 200 with %s", path, resp.StatusCode, b, want)
		}
	}
}

func get(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestJournal: every upload, view, download and search is in the
// person's journal, in order.
func TestJournal(t *testing.T) {
	f := newFixture(t)
	_, out := f.upload(t, part{"person_id", "p1"}, part{"file", "recto"})
	id := out["id"].(string)
	f.upload(t, part{"person_id", "p2"}, part{"file", "autre"})
	var doc map[string]any
	get(t, f.srv.URL+"/api/v1/documents/"+id, &doc)
	resp, err := http.Get(f.srv.URL + "/api/v1/documents/" + id + "/file")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var res map[string]any
	get(t, f.srv.URL+"/api/v1/persons/p1/documents", &res)
	var journal struct {
		Entries []struct {
			Action, DocumentID, Actor string
			PersonID                  string `json:"person_id"`
		}
	}
	get(t, f.srv.URL+"/api/v1/persons/p1/journal", &journal)
	var actions []string
	for _, e := range journal.Entries {
		if e.PersonID != "p1" {
			t.Errorf("p1's journal holds an entry about %q", e.PersonID)
		}
		actions = append(actions, e.Action)
	}
	if want := "upload view download search journal"; strings.Join(actions, " ") != want {
		t.Errorf("journal actions %q, want %q", strings.Join(actions, " "), want)
	}
}
