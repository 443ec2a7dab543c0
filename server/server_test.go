package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
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
type recordingQueue struct {
	mu  sync.Mutex // uploads run concurrently
	ids []string
}

func (q *recordingQueue) Enqueue(_ context.Context, d *vault.Document) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, d.ID)
	return nil
}

// vaultStore is what a vault's database is to coffre serve: SQLite's and
// PostgreSQL's stores are each all three.
type vaultStore interface {
	vault.Store
	vault.Access
	vault.Journal
}

type fixture struct {
	srv    *httptest.Server
	server *Server
	store  vaultStore
	queue  *recordingQueue
	org    vault.Org // the CCAS of agent and caseworker
	// API tokens: an agent, and a caseworker with p1's mandate.
	agent, caseworker string
}

// newFixture serves the API over a real SQLite store and sealed files in
// a temporary directory, for a CCAS that registered persons p1 and p2.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "coffre.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newFixtureOn(t, st, dir)
}

// newFixtureOn is newFixture with the database st, and the sealed files
// and master key in dir.
func newFixtureOn(t testing.TB, st vaultStore, dir string) *fixture {
	t.Helper()
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	master, _, err := seal.LoadOrCreateMasterKeyFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	q := &recordingQueue{}
	s := &Server{Store: st, Originals: originals.Store{Blobs: blobs, Master: master}, Queue: q, Journal: st, Auth: st, Mandates: st, Persons: st, Accounts: st,
		Policy: policy.Default(), MaxBytes: 1 << 20, MaxFiles: 3, Now: time.Now}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, server: s, store: st, queue: q}
	if f.org, err = st.CreateOrg(context.Background(), "CCAS de Test", time.Now()); err != nil {
		t.Fatal(err)
	}
	f.agent, _ = f.user(t, "agent@ccas.fr", vault.RoleAgent)
	var cw vault.User
	f.caseworker, cw = f.user(t, "cw@ccas.fr", vault.RoleCaseworker)
	if _, err := st.GrantMandate(context.Background(), vault.Mandate{PersonID: "p1", OrgID: f.org.ID, GranteeID: cw.ID, Collected: vault.CollectedInPerson}, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"p1", "p2"} { // p2 gave no mandate
		if _, err := st.CreatePerson(context.Background(), vault.Person{ID: p, OrgID: f.org.ID, Name: "Personne " + p}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// user creates a user of the fixture's organisation and returns an API
// token of theirs.
func (f *fixture) user(t testing.TB, email string, role vault.Role) (string, vault.User) {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	u, err := f.store.CreateUser(ctx, vault.User{OrgID: f.org.ID, Email: email, Role: role}, "", now)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.store.CreateToken(ctx, u.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	return tok, u
}

// request sends a request with token and returns the answer.
func (f *fixture) request(t testing.TB, token, method, path string, body io.Reader, ctype string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// get reads path as the caseworker into v.
func (f *fixture) get(t testing.TB, path string, v any) {
	t.Helper()
	resp := f.request(t, f.caseworker, "GET", path, nil, "")
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

type part struct{ name, value string }

// page is a file part the upload accepts: a PDF header is enough, the
// API does not decode (the workers do).
func page(content string) part { return part{"file", "%PDF-1.4\n" + content} }

func (f *fixture) upload(t *testing.T, parts ...part) (int, map[string]any) {
	t.Helper()
	return f.uploadAs(t, f.agent, parts...)
}

// uploadAs uploads parts with token.
func (f *fixture) uploadAs(t *testing.T, token string, parts ...part) (int, map[string]any) {
	t.Helper()
	ctype, body := multipartBody("page.jpg", parts...)
	resp := f.request(t, token, "POST", "/api/v1/documents", bytes.NewReader(body), ctype)
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestUpload(t *testing.T) {
	f := newFixture(t)
	code, out := f.upload(t, part{"person_id", "p1"}, page("recto"), page("verso"))
	if code != http.StatusAccepted || out["state"] != "received" || out["pages"] != 2.0 {
		t.Fatalf("upload: %d %v, want 202 received with 2 pages", code, out)
	}
	id := out["id"].(string)
	if len(f.queue.ids) != 1 || f.queue.ids[0] != id {
		t.Errorf("queued %v, want [%s]", f.queue.ids, id)
	}
	// The original comes back, decrypted, page by page.
	for n, want := range map[string]string{"1": page("recto").value, "2": page("verso").value} {
		resp := f.request(t, f.caseworker, "GET", "/api/v1/documents/"+id+"/file?page="+n, nil, "")
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != want || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("page %s = %q (%s), want %q, not cached", n, b, resp.Header.Get("Cache-Control"), want)
		}
	}
	// The same bytes again for the same person: linked, not queued.
	code, dup := f.upload(t, part{"person_id", "p1"}, page("recto"), page("verso"))
	if code != http.StatusAccepted || dup["duplicate_of"] != id || len(f.queue.ids) != 1 {
		t.Errorf("duplicate: %d %v, queued %d; want 202 duplicate_of %s, not queued", code, dup, len(f.queue.ids), id)
	}
	// The agent's page waits on the duplicate's state: the original's.
	ctx, now := context.Background(), time.Now()
	if _, err := f.store.Claim(ctx, id, time.Minute, now); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Finish(ctx, id, coffre.NewRecord(id), "", vault.StateDone, "Document lu.", now); err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	f.get(t, "/api/v1/documents/"+dup["id"].(string)+"/state", &state)
	if state["state"] != "done" || state["id"] != dup["id"] {
		t.Errorf("duplicate's state = %v, want the original's, done", state)
	}
	// For another person they are another document.
	if _, other := f.upload(t, part{"person_id", "p2"}, page("recto"), page("verso")); other["duplicate_of"] != nil {
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
		{"no person", []part{page("x")}, 400, "personne"},
		{"bad person id", []part{{"person_id", "../etc"}, page("x")}, 400, "personne"},
		{"no file", []part{{"person_id", "p1"}}, 400, "Aucun fichier"},
		{"empty file", []part{{"person_id", "p1"}, {"file", ""}}, 400, "vide"},
		{"too large", []part{{"person_id", "p1"}, {"file", big}}, 413, "dépasse"},
		{"too many files", []part{{"person_id", "p1"}, page("1"), page("2"), page("3"), page("4")}, 413, "Trop de fichiers"},
		{"unknown queue", []part{{"person_id", "p1"}, {"queue", "vip"}, page("x")}, 400, "File inconnue"},
		{"web page", []part{{"person_id", "p1"}, {"file", "<!DOCTYPE html><html><body>x</body></html>"}}, 415, "non pris en charge (html)"},
		{"second file not a document", []part{{"person_id", "p1"}, page("x"), {"file", "PK\x03\x04\x14\x00\x00\x00"}}, 415, "Fichier 2"},
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

// heldOriginals holds each Save until released, or until the test ends,
// and tells when one starts.
type heldOriginals struct {
	Originals
	started chan struct{}
	release chan struct{}
	ended   chan struct{}
}

func (h *heldOriginals) Save(ctx context.Context, doc *vault.Document, files [][]byte) error {
	h.started <- struct{}{}
	select {
	case <-h.release:
	case <-h.ended:
	}
	return h.Originals.Save(ctx, doc, files)
}

// holdSaves makes f's server store at most n uploads at once, each held
// in Save until released.
func (f *fixture) holdSaves(t *testing.T, n int) *heldOriginals {
	h := &heldOriginals{Originals: f.server.Originals, started: make(chan struct{}, 10), release: make(chan struct{}), ended: make(chan struct{})}
	f.server.Originals, f.server.MaxStoring = h, n
	f.srv = httptest.NewServer(f.server.Handler())
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(h.ended) }) // first: Close waits for the uploads
	return h
}

// noneStarts fails if a Save starts within a tenth of a second.
func (h *heldOriginals) noneStarts(t *testing.T) {
	t.Helper()
	select {
	case <-h.started:
		t.Fatal("an upload was stored while it should wait its turn")
	case <-time.After(100 * time.Millisecond):
	}
}

func TestUploadTurns(t *testing.T) {
	f := newFixture(t)
	h := f.holdSaves(t, 2)
	codes := make(chan int, 3)
	for i := range 3 {
		go func() {
			code, _ := f.upload(t, part{"person_id", "p1"}, page(fmt.Sprint("page ", i)))
			codes <- code
		}()
	}
	<-h.started
	<-h.started
	h.noneStarts(t)
	// The third may still be on its way to its turn: /metrics is asked
	// until it counts it.
	var metrics []byte
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		resp := f.request(t, "", "GET", "/metrics", nil, "")
		metrics, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(metrics), `coffre_uploads{state="waiting"} 1`) {
			break
		}
	}
	for _, want := range []string{`coffre_uploads{state="storing"} 2`, `coffre_uploads{state="waiting"} 1`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s:\n%s", want, metrics)
		}
	}
	h.release <- struct{}{} // the first stored frees a turn
	select {
	case <-h.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the third upload never got its turn")
	}
	h.release <- struct{}{}
	h.release <- struct{}{}
	for range 3 {
		if code := <-codes; code != http.StatusAccepted {
			t.Errorf("upload: %d, want 202", code)
		}
	}
}

// An upload whose client leaves while it waits for its turn is not stored.
func TestUploadLeftWaiting(t *testing.T) {
	f := newFixture(t)
	h := f.holdSaves(t, 1)
	first := make(chan int)
	go func() {
		code, _ := f.upload(t, part{"person_id", "p1"}, page("first"))
		first <- code
	}()
	<-h.started
	ctype, body := multipartBody("page.jpg", part{"person_id", "p1"}, page("second"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", f.srv.URL+"/api/v1/documents", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.agent)
	req.Header.Set("Content-Type", ctype)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the second upload was answered %s while the first held the only turn", resp.Status)
	}
	h.release <- struct{}{}
	if code := <-first; code != http.StatusAccepted {
		t.Fatalf("first upload: %d, want 202", code)
	}
	h.noneStarts(t)
	if len(f.queue.ids) != 1 {
		t.Errorf("%d documents queued, want the first only", len(f.queue.ids))
	}
}

func TestDocumentAndSearch(t *testing.T) {
	f := newFixture(t)
	_, out := f.upload(t, part{"person_id", "p1"}, page("avis"))
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
	f.get(t, "/api/v1/documents/"+id, &doc)
	if doc["type"] != "avis_imposition" || doc["state"] != "done" || doc["status"] != "expiring_soon" || doc["person_id"] != "p1" {
		t.Errorf("document = %v", doc)
	}
	if h, _ := doc["history"].([]any); len(h) < 3 {
		t.Errorf("history %v, want received, processing, done", doc["history"])
	}
	for _, q := range []string{"type=avis_imposition", "status=expiring_soon", "q=impot", "person_id=p1&type=avis_imposition&status=expiring_soon"} {
		var res struct{ Documents []map[string]any }
		f.get(t, "/api/v1/documents?person_id=p1&"+q, &res)
		if len(res.Documents) != 1 || res.Documents[0]["id"] != id {
			t.Errorf("search %s: %d documents, want the avis", q, len(res.Documents))
		}
	}
	for _, q := range []string{"type=piece_identite", "status=expired", "q=caf"} {
		var res struct{ Documents []map[string]any }
		f.get(t, "/api/v1/documents?person_id=p1&"+q, &res)
		if len(res.Documents) != 0 {
			t.Errorf("search %s found %d documents, want none", q, len(res.Documents))
		}
	}
	resp := f.request(t, f.caseworker, "GET", "/api/v1/documents/nope", nil, "")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown document: %d, want 404", resp.StatusCode)
	}
	resp = f.request(t, f.caseworker, "GET", "/api/v1/documents?person_id=p1&status=bientot", nil, "")
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

// TestJournal: every upload, view, download and search is in the
// person's journal, in order.
func TestJournal(t *testing.T) {
	f := newFixture(t)
	_, out := f.upload(t, part{"person_id", "p1"}, page("recto"))
	id := out["id"].(string)
	f.upload(t, part{"person_id", "p2"}, page("autre"))
	var doc map[string]any
	f.get(t, "/api/v1/documents/"+id, &doc)
	f.request(t, f.caseworker, "GET", "/api/v1/documents/"+id+"/file", nil, "").Body.Close()
	var res map[string]any
	f.get(t, "/api/v1/persons/p1/documents", &res)
	var journal struct {
		Entries []struct {
			Action, DocumentID, Actor string
			PersonID                  string `json:"person_id"`
		}
	}
	f.get(t, "/api/v1/persons/p1/journal", &journal)
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

// TestAccess: a caseworker reads only under the person's mandate, an
// agent uploads but never reads, and a revoked mandate stops access at
// once.
func TestAccess(t *testing.T) {
	f := newFixture(t)
	_, out := f.upload(t, part{"person_id", "p1"}, page("a"))
	mine := out["id"].(string)
	_, out = f.upload(t, part{"person_id", "p2"}, page("b"))
	other := out["id"].(string)
	otherAgent, _ := f.user(t, "agent2@ccas.fr", vault.RoleAgent) // not the uploader
	for _, tc := range []struct {
		name, token, path string
		code              int
	}{
		{"no token", "", "/api/v1/documents/" + mine, 401},
		{"unknown token", "cft_nope", "/api/v1/documents/" + mine, 401},
		{"caseworker, mandate", f.caseworker, "/api/v1/documents/" + mine, 200},
		{"caseworker, no mandate", f.caseworker, "/api/v1/documents/" + other, 403},
		{"caseworker, other's file", f.caseworker, "/api/v1/documents/" + other + "/file", 403},
		{"caseworker, other's list", f.caseworker, "/api/v1/persons/p2/documents", 403},
		{"caseworker, other's journal", f.caseworker, "/api/v1/persons/p2/journal", 403},
		{"search across the mandates", f.caseworker, "/api/v1/documents?type=avis_imposition", 200},
		{"agent searches", f.agent, "/api/v1/documents", 403},
		{"agent reads", otherAgent, "/api/v1/documents/" + mine, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.request(t, tc.token, "GET", tc.path, nil, "")
			resp.Body.Close()
			if resp.StatusCode != tc.code {
				t.Errorf("%s: %d, want %d", tc.path, resp.StatusCode, tc.code)
			}
		})
	}
	// The refusals are journaled for the person they concern.
	entries, err := f.store.Entries(context.Background(), "p2", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, e := range entries {
		if e.Outcome == "denied" {
			denied++
		}
	}
	if denied != 4 {
		t.Errorf("%d refusals journaled for p2, want 4", denied)
	}
	// The person revokes the mandate: access stops at once.
	ms, err := f.store.Mandates(context.Background(), "p1")
	if err != nil || len(ms) != 1 {
		t.Fatalf("mandates %v, %v", ms, err)
	}
	if err := f.store.RevokeMandate(context.Background(), ms[0].ID, "p1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp := f.request(t, f.caseworker, "GET", "/api/v1/documents/"+mine, nil, "")
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("after revocation: %d, want 403", resp.StatusCode)
	}
}

// TestMandatesAPI: an admin records a person's mandate, the person
// revokes it, and the caseworker's access follows; both are journaled.
// failingMandates fails to grant; the alias names the embedded field
// apart from the Mandates method.
type failingMandates struct{ mandates }

type mandates = Mandates

func (failingMandates) GrantMandate(context.Context, vault.Mandate, time.Time) (vault.Mandate, error) {
	return vault.Mandate{}, errors.New("database away")
}

func TestMandatesAPI(t *testing.T) {
	f := newFixture(t)
	ctx, now := context.Background(), time.Now()
	org, err := f.store.OrgByName(ctx, "CCAS de Test")
	if err != nil {
		t.Fatal(err)
	}
	token := func(u vault.User) string {
		u, err := f.store.CreateUser(ctx, u, "", now)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := f.store.CreateToken(ctx, u.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	admin := token(vault.User{OrgID: org.ID, Email: "admin@ccas.fr", Role: vault.RoleAdmin})
	person := token(vault.User{Email: "p2@exemple.fr", Role: vault.RolePerson, PersonID: "p2"})
	status := func(token, method, path, body string) int {
		resp := f.request(t, token, method, path, strings.NewReader(body), "application/json")
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := status(f.caseworker, "POST", "/api/v1/persons/p2/mandates", `{"collected":"in_person"}`); code != 403 {
		t.Errorf("caseworker grants: %d, want 403", code)
	}
	if code := status(admin, "POST", "/api/v1/persons/p2/mandates", `{"collected":"by pigeon"}`); code != 400 {
		t.Errorf("unknown way of collecting consent: %d, want 400", code)
	}
	// A store that fails is the server's fault, not a bad mandate.
	f.server.Mandates = failingMandates{f.server.Mandates}
	if code := status(admin, "POST", "/api/v1/persons/p2/mandates", `{"collected":"signed_paper"}`); code != 500 {
		t.Errorf("grant while the database fails: %d, want 500", code)
	}
	f.server.Mandates = f.store
	resp := f.request(t, admin, "POST", "/api/v1/persons/p2/mandates", strings.NewReader(`{"collected":"signed_paper"}`), "application/json")
	var m struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	if resp.StatusCode != 201 || m.ID == "" {
		t.Fatalf("admin grants: %d %+v", resp.StatusCode, m)
	}
	if code := status(f.caseworker, "GET", "/api/v1/persons/p2/documents", ""); code != 200 {
		t.Errorf("caseworker under the new mandate: %d, want 200", code)
	}
	if code := status(f.caseworker, "DELETE", "/api/v1/persons/p2/mandates/"+m.ID, ""); code != 403 {
		t.Errorf("caseworker revokes: %d, want 403", code)
	}
	if code := status(person, "DELETE", "/api/v1/persons/p2/mandates/"+m.ID, ""); code != 204 {
		t.Errorf("the person revokes: %d, want 204", code)
	}
	if code := status(f.caseworker, "GET", "/api/v1/persons/p2/documents", ""); code != 403 {
		t.Errorf("caseworker after revocation: %d, want 403", code)
	}
	var journal struct {
		Entries []struct{ Action, Outcome string }
	}
	resp = f.request(t, person, "GET", "/api/v1/persons/p2/journal", nil, "")
	json.NewDecoder(resp.Body).Decode(&journal)
	resp.Body.Close()
	var actions []string
	for _, e := range journal.Entries {
		actions = append(actions, e.Action+":"+e.Outcome)
	}
	if want := "mandate_grant:ok search:ok mandate_revoke:ok search:denied journal:ok"; strings.Join(actions, " ") != want {
		t.Errorf("p2's journal %q, want %q", strings.Join(actions, " "), want)
	}
}

// TestUploaderSeesResult: the agent who uploaded a document sees what was
// read from it for a while, and nothing else of the person's.
func TestUploaderSeesResult(t *testing.T) {
	f := newFixture(t)
	_, out := f.upload(t, part{"person_id", "p2"}, page("photo"))
	id := out["id"].(string)
	other, _ := f.user(t, "agent2@ccas.fr", vault.RoleAgent)
	for _, tc := range []struct {
		who, token, path string
		after            time.Duration
		want             int
	}{
		{"uploader", f.agent, "/api/v1/documents/" + id, 0, 200},
		{"uploader, the file", f.agent, "/api/v1/documents/" + id + "/file", 0, 403},
		{"uploader, the person's list", f.agent, "/api/v1/persons/p2/documents", 0, 403},
		{"another agent", other, "/api/v1/documents/" + id, 0, 403},
		{"uploader, two hours later", f.agent, "/api/v1/documents/" + id, 2 * time.Hour, 403},
	} {
		f.server.Now = func() time.Time { return time.Now().Add(tc.after) }
		resp := f.request(t, tc.token, "GET", tc.path, nil, "")
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.who, resp.StatusCode, tc.want)
		}
	}
}

// TestCorrectionChecked: a correction names a known type, and gives each
// field a value of the kind read (a number a number, a date a date).
func TestCorrectionChecked(t *testing.T) {
	f := newFixture(t)
	_, out := f.upload(t, part{"person_id", "p1"}, page("caf"))
	id := out["id"].(string)
	ctx, now := context.Background(), time.Now()
	if _, err := f.store.Claim(ctx, id, time.Minute, now); err != nil {
		t.Fatal(err)
	}
	rec := coffre.NewRecord(id)
	rec.Type = coffre.TypeAttestationCAF
	rec.Fields = coffre.Fields{"date_edition": coffre.NewDate(2026, 3, 2), "quotient_familial": 612, "numero_allocataire": "1234567"}
	if err := f.store.Finish(ctx, id, rec, "Attestation CAF", vault.StateDone, "Document lu.", now); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"type": "attestation_caff"}`, 400},
		{`{"fields": {"quotient_familial": "six cents"}}`, 400},
		{`{"fields": {"date_edition": "2 mars 2026"}}`, 400},
		{`{"fields": {"numero_allocataire": 1234567}}`, 400},
		{`{"fields": {"date_edition": "2026-03-12", "quotient_familial": 640, "numero_allocataire": "1234568"}}`, 200},
		{`{"type": "avis_imposition"}`, 200},
	} {
		resp := f.request(t, f.caseworker, "PATCH", "/api/v1/documents/"+id, strings.NewReader(tc.body), "application/json")
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.body, resp.StatusCode, tc.want)
		}
	}
}

// TestUploadHeldBudget: the bytes of uploads held in memory at once stay
// within the server's budget: an upload waits while others hold it, and
// goes once they are stored.
func TestUploadHeldBudget(t *testing.T) {
	f := newFixture(t)
	_, request := f.server.uploadBudgets()
	all := max(int64(512<<20), request+heldChunk)
	if err := f.server.held.Acquire(t.Context(), all); err != nil { // others' uploads, being read
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		code, _ := f.upload(t, part{"person_id", "p1"}, page("waits for room"))
		done <- code
	}()
	select {
	case code := <-done:
		t.Fatalf("upload answered %d while the budget was spent", code)
	case <-time.After(300 * time.Millisecond):
	}
	f.server.held.Release(all)
	if code := <-done; code != http.StatusAccepted {
		t.Errorf("upload once the budget was free: %d, want 202", code)
	}
	if !f.server.held.TryAcquire(all) {
		t.Error("the upload kept part of the budget once stored")
	}
}
