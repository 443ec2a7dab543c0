package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"coffre"
	"coffre/vault"
)

func TestSummary(t *testing.T) {
	date := func(s string) coffre.Date {
		d, err := coffre.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name string
		doc  document
		want string
	}{
		{"avis valid", document{Record: coffre.Record{Type: coffre.TypeAvisImposition, Fields: coffre.Fields{"annee_revenus": 2024.0},
			ExpiresOn: date("2026-09-14"), Status: coffre.StatusValid}},
			"Avis d'imposition 2025 sur les revenus 2024 — valable jusqu'au 14/09/2026"},
		{"cni expired", document{Record: coffre.Record{Type: coffre.TypePieceIdentite, Subtype: coffre.SubtypeCNI,
			ExpiresOn: date("2024-03-31"), Status: coffre.StatusExpired}},
			"Carte nationale d'identité — expiré depuis le 01/04/2024"},
		{"caf soon", document{Record: coffre.Record{Type: coffre.TypeAttestationCAF, Fields: coffre.Fields{"date_edition": "2025-01-05"},
			ExpiresOn: date("2025-04-05"), Status: coffre.StatusExpiringSoon}},
			"Attestation CAF du 05/01/2025 — valable jusqu'au 05/04/2025"},
		{"unknown", document{Record: coffre.Record{Type: coffre.TypeUnknown, Status: coffre.StatusUndetermined}},
			"Document non reconnu — validité indéterminée"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.doc.Summary(); got != tt.want {
				t.Errorf("Summary() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCorrectionOf(t *testing.T) {
	doc := document{Record: coffre.Record{Type: coffre.TypePieceIdentite, Subtype: coffre.SubtypeCNI, Fields: coffre.Fields{
		"nombre_parts": 1.5, "given_names": []any{"JEANNE", "MARIE"}, "birth_date": "1980-02-01", "surname": "DUPONT"}}}
	tests := []struct {
		name string
		form url.Values
		want map[string]any
	}{
		{"nothing changed", url.Values{"kind": {"piece_identite/cni"}, "field_nombre_parts": {"1.5"}, "field_surname": {" DUPONT "},
			"field_given_names": {"JEANNE, MARIE"}, "field_birth_date": {"1980-02-01"}}, map[string]any{}},
		{"kind", url.Values{"kind": {"piece_identite/passeport"}}, map[string]any{"type": "piece_identite", "subtype": "passeport"}},
		{"typed fields", url.Values{"field_nombre_parts": {"2,5"}, "field_given_names": {"JEANNE,  ANNE ,"}, "field_birth_date": {"1980-02-03"}},
			map[string]any{"fields": map[string]any{"nombre_parts": 2.5, "given_names": []string{"JEANNE", "ANNE"}, "birth_date": "1980-02-03"}}},
		{"bad number sent as typed", url.Values{"field_nombre_parts": {"deux"}}, map[string]any{"fields": map[string]any{"nombre_parts": "deux"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/documents/x", strings.NewReader(tt.form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if diff := cmp.Diff(tt.want, correctionOf(&doc, r)); diff != "" {
				t.Errorf("correctionOf (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFieldValue(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{49634.0, "49634"},
		{2.5, "2.5"},
		{"2024-09-14", "14/09/2024"},
		{"3126654144718", "3126654144718"},
		{[]any{"JEANNE", "MARIE"}, "JEANNE, MARIE"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := fieldValue(tt.in); got != tt.want {
			t.Errorf("fieldValue(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDocumentGroups(t *testing.T) {
	tests := []struct {
		doc                      document
		current, pending, unread bool
	}{
		{document{State: vault.StateDone, Record: coffre.Record{Status: coffre.StatusValid}}, true, false, false},
		{document{State: vault.StateDone, SupersededBy: "x", Record: coffre.Record{Status: coffre.StatusValid}}, false, false, false},
		{document{State: vault.StateDone, Record: coffre.Record{Status: coffre.StatusExpired}}, false, false, false},
		{document{State: vault.StateProcessing}, false, true, false},
		{document{State: vault.StateDone, Record: coffre.Record{Status: coffre.StatusUndetermined,
			Checks: []coffre.Check{{Name: coffre.CheckReadable, OK: false}}}}, false, false, true},
	}
	for i, tt := range tests {
		if got := tt.doc.Current(); got != tt.current {
			t.Errorf("%d: Current() = %v", i, got)
		}
		if got := tt.doc.Pending(); got != tt.pending {
			t.Errorf("%d: Pending() = %v", i, got)
		}
		if got := tt.doc.Unreadable(); got != tt.unread {
			t.Errorf("%d: Unreadable() = %v", i, got)
		}
	}
}

func TestJournalLines(t *testing.T) {
	at := func(min int) time.Time { return time.Date(2026, 11, 24, 9, min, 0, 0, time.UTC) }
	view := func(min int, actor, doc string) vault.Entry {
		return vault.Entry{At: at(min), Actor: actor, DocumentID: doc, Action: "view", Outcome: "ok"}
	}
	tests := []struct {
		name    string
		entries []vault.Entry // oldest first, as the API gives them
		want    []journalLine // newest first
	}{
		{"none", nil, nil},
		{"a run of views, one line", []vault.Entry{view(1, "agent", "d1"), view(2, "agent", "d1"), view(3, "agent", "d1")},
			[]journalLine{{Entry: view(3, "agent", "d1"), Count: 3, First: at(1)}}},
		{"another document or user, another line", []vault.Entry{view(1, "agent", "d1"), view(2, "agent", "d2"), view(3, "cw", "d2")},
			[]journalLine{{Entry: view(3, "cw", "d2"), Count: 1, First: at(3)}, {Entry: view(2, "agent", "d2"), Count: 1, First: at(2)},
				{Entry: view(1, "agent", "d1"), Count: 1, First: at(1)}}},
		{"the person's own visits left out, around them a run", []vault.Entry{view(1, "agent", "d1"), view(2, "me", "d1"), view(3, "agent", "d1")},
			[]journalLine{{Entry: view(3, "agent", "d1"), Count: 2, First: at(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, journalLines(tt.entries, "me")); diff != "" {
				t.Errorf("journalLines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStaticCaching: pages link to versioned static files, which are
// cached for good; an old or missing version must be checked again.
func TestStaticCaching(t *testing.T) {
	h := New(Config{API: http.NotFoundHandler()})
	page := httptest.NewRecorder()
	h.ServeHTTP(page, httptest.NewRequest("GET", "/connexion", nil))
	css := staticURL("app.css")
	if !strings.Contains(page.Body.String(), css) {
		t.Fatalf("the login page does not link %s", css)
	}
	for _, tc := range []struct{ url, cache string }{
		{css, "public, max-age=31536000, immutable"},
		{"/static/app.css?v=0ld", "no-cache"},
		{"/static/app.css", "no-cache"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", tc.url, nil))
		if w.Code != 200 || w.Header().Get("Cache-Control") != tc.cache {
			t.Errorf("%s: %d, Cache-Control %q; want 200, %q", tc.url, w.Code, w.Header().Get("Cache-Control"), tc.cache)
		}
	}
}

// TestAllDocuments: a list the API gives in pages is read to its last
// page, each asked for with the cursor the one before gave.
func TestAllDocuments(t *testing.T) {
	var asked []string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		asked = append(asked, q.Get("status")+"/"+q.Get("limit")+"/"+q.Get("cursor"))
		next := map[string]string{"": "c2", "c2": "c3", "c3": ""}[q.Get("cursor")]
		fmt.Fprintf(w, `{"documents": [{"id": "after %s"}], "next_cursor": %q}`, q.Get("cursor"), next)
	})
	s := &site{Config: Config{API: api}}
	docs, err := s.allDocuments(httptest.NewRequest("GET", "/alertes", nil), "/api/v1/documents", url.Values{"status": {"expired"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	if want := []string{"after ", "after c2", "after c3"}; !slices.Equal(ids, want) {
		t.Errorf("documents %q, want %q", ids, want)
	}
	if want := []string{"expired/500/", "expired/500/c2", "expired/500/c3"}; !slices.Equal(asked, want) {
		t.Errorf("asked %q, want %q", asked, want)
	}
}
