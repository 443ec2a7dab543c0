package server

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestJournalOnePerAction: each operation on a person's vault leaves
// exactly one entry in their journal, saying who did what, on which
// document, and how it ended.
func TestJournalOnePerAction(t *testing.T) {
	m := newMatrix(t)
	doc := m.docs["pM"]
	var uploaded string
	steps := []struct {
		caller, method, path, body string
		action, outcome            string
		onDocument                 bool
	}{
		{"agent A", "POST", "", "upload", actionUpload, "ok", true},
		{"caseworker A", "GET", "/api/v1/documents/{D}", "", actionView, "ok", true},
		{"agent A", "GET", "/api/v1/documents/{U}/state", "", "", "", false}, // says nothing read: not journaled
		{"caseworker A", "GET", "/api/v1/documents/{D}/file", "", actionDownload, "ok", true},
		{"caseworker A", "GET", "/api/v1/persons/pM/documents", "", actionSearch, "ok", false},
		{"caseworker A", "GET", "/api/v1/documents", "", actionSearch, "ok", false}, // across persons: found pM's
		{"caseworker A", "GET", "/api/v1/alerts?person_id=pM", "", actionAlerts, "ok", false},
		{"caseworker A", "GET", "/api/v1/persons/pM/mandates", "", actionMandates, "ok", false},
		{"caseworker A", "PATCH", "/api/v1/documents/{D}", `{"fields": {"annee_revenus": 2023}}`, actionCorrect, "ok", true},
		{"caseworker B", "GET", "/api/v1/documents/{D}", "", actionView, "denied", true}, // another CCAS: 404, journaled
		{"admin A", "POST", "/api/v1/persons/pM/mandates", `{"collected": "online"}`, actionMandateGrant, "ok", false},
		{"caseworker A", "POST", "/api/v1/persons/pM/access-link", "", actionAccessLink, "ok", false},
		{"person pM", "GET", "/api/v1/persons/pM/export", "", actionExport, "ok", false},
		{"person pM", "DELETE", "/api/v1/persons/pM/mandates/" + m.mandate["pM"], "", actionMandateRevoke, "ok", false},
		{"person pM", "DELETE", "/api/v1/documents/{U}", "", actionDelete, "ok", true},
		{"person pM", "GET", "/api/v1/persons/pM/journal", "", actionJournal, "ok", false},
	}
	ctx := context.Background()
	before, err := m.store.Entries(ctx, "pM", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		target := doc
		if strings.Contains(st.path, "{U}") {
			target = uploaded
		}
		if st.body == "upload" {
			code, out := m.uploadAs(t, m.tokens[st.caller], part{"person_id", "pM"}, page("journal test"))
			if code != 202 {
				t.Fatalf("upload: %d %v", code, out)
			}
			uploaded, target = out["id"].(string), out["id"].(string)
		} else {
			var body io.Reader
			if st.body != "" {
				body = strings.NewReader(st.body)
			}
			path := strings.NewReplacer("{D}", doc, "{U}", uploaded).Replace(st.path)
			resp := m.request(t, m.tokens[st.caller], st.method, path, body, "application/json")
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if (resp.StatusCode >= 300) != (st.outcome == "denied") {
				t.Fatalf("%s %s as %s: %d", st.method, path, st.caller, resp.StatusCode)
			}
		}
		after, err := m.store.Entries(ctx, "pM", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if st.action == "" {
			if len(after) != len(before) {
				t.Fatalf("%s: %d journal entries added, want none", st.path, len(after)-len(before))
			}
			continue
		}
		if len(after) != len(before)+1 {
			t.Fatalf("%s: %d journal entries added, want 1", st.action, len(after)-len(before))
		}
		e := after[len(after)-1]
		wantDoc := ""
		if st.onDocument {
			wantDoc = target
		}
		if e.Action != st.action || e.Outcome != st.outcome || e.DocumentID != wantDoc || e.Actor == "" || e.PersonID != "pM" {
			t.Errorf("entry %+v, want %s %s on %q", e, st.action, st.outcome, wantDoc)
		}
		before = after
	}
}
