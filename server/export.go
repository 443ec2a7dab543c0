package server

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"coffre/vault"
)

const (
	actionExport = "export"
	msgNoExport  = "Accès refusé : seule la personne elle-même, ou un administrateur sur sa demande et sous son mandat, peut tout télécharger."
)

// exportReadme documents the archive's layout inside it, so that whoever
// opens the export years later needs nothing else to read it.
const exportReadme = `Export coffre — tous les documents d'une personne et leur journal.

Contenu (formats ouverts) :
  documents.json          la liste des documents : identifiant, date de dépôt,
                          type, champs lus, dates de validité, contrôles,
                          historique, corrections, et les fichiers de chaque
                          document (chemin dans l'archive, type MIME, SHA-256).
  documents/ID/page-N.EXT les fichiers originaux, tels que déposés, octet pour
                          octet (N = numéro de page, EXT selon le format).
  journal.json            le journal des opérations sur vos documents : qui,
                          quand, quoi, avec quel résultat. Chaque entrée porte
                          l'empreinte (SHA-256) de la précédente.

Les formats sont décrits dans la documentation de coffre (docs/export.md).
`

// exportFile is one original in the archive.
type exportFile struct {
	Path   string `json:"path"` // "" when the original could not be read (see ERREURS.txt)
	Mime   string `json:"mime"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// exportDocument is a document in documents.json: its view plus where its
// files are.
type exportDocument struct {
	documentView
	Files []exportFile `json:"files"`
}

// export answers a ZIP of everything the vault holds about a person
// (décret 2018-853: recovery of all documents and data, in an open
// format, by a single request): every original as uploaded, the records
// in JSON, and the person's journal. It reads all the metadata before
// the first byte goes out, so that a store error is still an error
// status; the originals are then streamed one at a time.
func (s *Server) export(w http.ResponseWriter, r *http.Request, u vault.User) {
	person := r.PathValue("id")
	if !s.mayRead(w, r, u, actionExport, person, "") {
		return
	}
	if u.Role != vault.RolePerson && u.Role != vault.RoleAdmin {
		s.journal(r, u, actionExport, person, "", "denied")
		s.fail(w, r, http.StatusForbidden, msgNoExport, nil)
		return
	}
	var docs []vault.Document
	q := vault.Query{PersonID: person, Limit: 500}
	for {
		page, err := s.Store.Search(r.Context(), q)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		docs = append(docs, page.Documents...)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	if err := s.journal(r, u, actionExport, person, "", "ok"); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	// The journal is read after the export's own entry, so that it shows.
	entries, err := s.allEntries(r, person)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	listing := make([]exportDocument, len(docs))
	for i := range docs {
		// Search leaves out the corrections; Get reads them.
		d, err := s.Store.Get(r.Context(), docs[i].ID)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		docs[i] = *d
		history, err := s.Store.Events(r.Context(), d.ID)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		listing[i] = exportDocument{documentView: s.view(d, history)}
		for n, p := range d.Pages {
			listing[i].Files = append(listing[i].Files, exportFile{Path: pagePath(d.ID, n+1, p.Mime), Mime: p.Mime, Size: p.Size})
		}
	}

	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="coffre-export-%s.zip"`, s.today()))
	w.Header().Set("Cache-Control", "no-store")
	zw := zip.NewWriter(w)
	defer zw.Close()
	// The originals go first: their SHA-256s are known once read, and
	// documents.json, which lists them, comes after. An original that
	// cannot be read (a lost blob) does not cost the person the rest:
	// it is listed in ERREURS.txt and left out.
	var missing []string
	for i := range docs {
		for n := range docs[i].Pages {
			f := &listing[i].Files[n]
			data, err := s.Originals.File(r.Context(), &docs[i], n+1)
			if err != nil {
				s.Logger.ErrorContext(r.Context(), "export: original unreadable", "document_id", docs[i].ID, "page", n+1, "err", err)
				missing = append(missing, f.Path)
				f.Path = ""
				continue
			}
			sum := sha256.Sum256(data)
			f.SHA256 = hex.EncodeToString(sum[:])
			if err := writeZipFile(zw, f.Path, data, docs[i].CreatedAt); err != nil {
				return
			}
		}
	}
	for _, part := range []struct {
		name string
		v    any
	}{{"documents.json", listing}, {"journal.json", entries}} {
		data, err := json.MarshalIndent(part.v, "", "  ")
		if err != nil || writeZipFile(zw, part.name, data, s.Now()) != nil {
			return
		}
	}
	if len(missing) > 0 {
		report := "Ces fichiers originaux n'ont pas pu être lus et manquent dans l'archive ;\n" +
			"leurs informations sont dans documents.json. Signalez-le à l'organisation.\n\n" + strings.Join(missing, "\n") + "\n"
		if writeZipFile(zw, "ERREURS.txt", []byte(report), s.Now()) != nil {
			return
		}
	}
	writeZipFile(zw, "LISEZMOI.txt", []byte(exportReadme), s.Now())
}

// allEntries reads the whole journal of a person, page by page.
func (s *Server) allEntries(r *http.Request, person string) ([]vault.Entry, error) {
	var all []vault.Entry
	after := int64(0)
	for {
		entries, err := s.Journal.Entries(r.Context(), person, after, vault.MaxJournalLimit)
		if err != nil {
			return nil, fmt.Errorf("journal of the export: %w", err)
		}
		all = append(all, entries...)
		if len(entries) < vault.MaxJournalLimit {
			return all, nil
		}
		after = entries[len(entries)-1].Seq
	}
}

func pagePath(docID string, n int, mime string) string {
	return path.Join("documents", docID, fmt.Sprintf("page-%d%s", n, mimetype.Lookup(mime).Extension()))
}

func writeZipFile(zw *zip.Writer, name string, data []byte, modified time.Time) error {
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}
