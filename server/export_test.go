package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"coffre/vault"
)

// personToken returns an API token of the person personID themself.
func (f *fixture) personToken(t *testing.T, personID string) string {
	t.Helper()
	ctx := context.Background()
	u, err := f.store.CreateUser(ctx, vault.User{Email: personID + "@example.org", Role: vault.RolePerson, PersonID: personID}, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.store.CreateToken(ctx, u.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestExport: the person's ZIP holds exactly their documents, byte for
// byte, with the metadata and the journal; nobody else's.
func TestExport(t *testing.T) {
	f := newFixture(t)
	uploads := map[string][]string{} // document id → pages as uploaded
	for _, pages := range [][]part{{page("avis 2025")}, {page("cni recto"), page("cni verso")}} {
		_, out := f.upload(t, append([]part{{"person_id", "p1"}}, pages...)...)
		for _, p := range pages {
			uploads[out["id"].(string)] = append(uploads[out["id"].(string)], p.value)
		}
	}
	_, other := f.upload(t, part{"person_id", "p2"}, page("someone else"))

	resp := f.request(t, f.personToken(t, "p1"), "GET", "/api/v1/persons/p1/export", nil, "")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var listing []struct {
		ID       string `json:"id"`
		PersonID string `json:"person_id"`
		Files    []struct{ Path, SHA256 string }
	}
	if err := json.Unmarshal(files["documents.json"], &listing); err != nil {
		t.Fatalf("documents.json: %v", err)
	}
	originals := 0
	for _, d := range listing {
		want, ok := uploads[d.ID]
		if !ok || d.PersonID != "p1" {
			t.Errorf("document %s of %s in p1's export", d.ID, d.PersonID)
			continue
		}
		if len(d.Files) != len(want) {
			t.Fatalf("document %s: %d files listed, want %d", d.ID, len(d.Files), len(want))
		}
		for i, f := range d.Files {
			if got := files[f.Path]; string(got) != want[i] || f.SHA256 == "" {
				t.Errorf("%s = %q (sha256 %q), want the upload %q", f.Path, got, f.SHA256, want[i])
			}
			originals++
		}
	}
	if len(listing) != len(uploads) || originals != 3 {
		t.Errorf("%d documents and %d originals exported, want %d and 3", len(listing), originals, len(uploads))
	}
	for name := range files {
		if strings.Contains(name, other["id"].(string)) {
			t.Errorf("another person's document in the export: %s", name)
		}
	}
	var journal []vault.Entry
	if err := json.Unmarshal(files["journal.json"], &journal); err != nil || len(journal) == 0 {
		t.Fatalf("journal.json: %v, %d entries", err, len(journal))
	}
	if last := journal[len(journal)-1]; last.Action != actionExport || last.PersonID != "p1" {
		t.Errorf("last journal entry %+v, want the export itself", last)
	}
	if len(files["LISEZMOI.txt"]) == 0 {
		t.Error("no LISEZMOI.txt describing the layout")
	}

	// A caseworker under mandate reads but does not export; another
	// person does not even learn that p1 exists.
	for _, tc := range []struct {
		who, token string
		code       int
	}{{"caseworker", f.caseworker, http.StatusForbidden}, {"person p2", f.personToken(t, "p2"), http.StatusNotFound}} {
		resp := f.request(t, tc.token, "GET", "/api/v1/persons/p1/export", nil, "")
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("%s export: %d, want %d", tc.who, resp.StatusCode, tc.code)
		}
	}
}

// TestExportMissingOriginal: a lost original is listed in ERREURS.txt and
// the rest of the export still comes.
func TestExportMissingOriginal(t *testing.T) {
	f := newFixture(t)
	_, lost := f.upload(t, part{"person_id", "p1"}, page("lost"))
	_, kept := f.upload(t, part{"person_id", "p1"}, page("kept"))
	d, err := f.store.Get(context.Background(), lost["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.server.Originals.Delete(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	resp := f.request(t, f.personToken(t, "p1"), "GET", "/api/v1/persons/p1/export", nil, "")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("export with a lost original: %v", err)
	}
	names := map[string]string{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		names[zf.Name] = string(b)
	}
	keptPath := "documents/" + kept["id"].(string) + "/page-1.pdf"
	if names[keptPath] != page("kept").value {
		t.Errorf("the readable original %s is missing or wrong", keptPath)
	}
	if report := names["ERREURS.txt"]; !strings.Contains(report, lost["id"].(string)) {
		t.Errorf("ERREURS.txt = %q, want the lost original listed", report)
	}
	if _, ok := names["documents.json"]; !ok {
		t.Error("no documents.json")
	}
}
