package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata"

	"coffre"
	"coffre/vault"
)

// view is what every page template gets.
type view struct {
	Title string
	Me    *me
	Error string // shown at the top, announced (role=alert)
	Info  string // a confirmation, announced politely
	// Refresh, when set, reloads the page after that many seconds (a
	// result being read, without JavaScript).
	Refresh int
	Data    any
}

// parsePages parses each page template with the base layout and the
// partials (files named _*.html).
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := make(map[string]*template.Template)
	for _, name := range names {
		base := path.Base(name)
		if base == "base.html" || strings.HasPrefix(base, "_") { // the layout and the partials
			continue
		}
		pages[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/base.html", "templates/_*.html", name))
	}
	return pages
}

// render writes page name with the base layout.
func (s *site) render(w http.ResponseWriter, code int, name string, v view) {
	s.execute(w, code, name, "base", v)
}

// execute writes template tmpl of page name, buffered so that an error
// does not leave half a page.
func (s *site) execute(w http.ResponseWriter, code int, name, tmpl string, v view) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, tmpl, v); err != nil {
		s.Logger.Error("template failed", "page", name, "err", err)
		http.Error(w, msgInternal, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // personal data: no copies in caches
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

var funcs = template.FuncMap{
	"static": staticURL,
	"collectedLabel": func(v string) string {
		for _, w := range collectedWays {
			if w.Value == v {
				return w.Label
			}
		}
		return v
	},
	"date":        frenchDate,
	"datetime":    frenchDateTime,
	"typeLabel":   typeLabel,
	"statusLabel": statusLabel,
	"fieldLabel":  fieldLabel,
	"fieldValue":  fieldValue,
	"checkLabel":  checkLabel,
	"roleLabel":   roleLabel,
	"actionLabel": actionLabel,
	"stateLabel":  stateLabel,
	"pages":       pageNumbers,
	"inputValue":  inputValue,
	"isDate":      isDate,
	"kinds":       func() []kind { return kinds },
}

// document is a document as the API shows it.
type document struct {
	coffre.Record
	ID           string        `json:"id"`
	PersonID     string        `json:"person_id"`
	State        vault.State   `json:"state"`
	CreatedAt    time.Time     `json:"created_at"`
	DuplicateOf  string        `json:"duplicate_of"`
	SupersededBy string        `json:"superseded_by"`
	History      []vault.Event `json:"history"`
	Corrections  []correction  `json:"corrections"`
}

type correction struct {
	Field string    `json:"field"`
	Old   string    `json:"old"`
	New   string    `json:"new"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

// Pending reports whether the workers have not read the document yet.
func (d document) Pending() bool {
	return d.State == vault.StateReceived || d.State == vault.StateProcessing
}

// Unreadable reports whether the readability check failed: the photo
// must be taken again.
func (d document) Unreadable() bool {
	c, ok := d.Check(coffre.CheckReadable)
	return ok && !c.OK
}

// Current reports whether the document is a proof in force: read (and
// readable), not replaced by a newer one, not expired.
func (d document) Current() bool {
	return (d.State == vault.StateDone || d.State == vault.StateNeedsReview) && !d.Unreadable() &&
		d.SupersededBy == "" && d.Status != coffre.StatusExpired
}

// Corrected reports whether field was corrected by someone.
func (d document) Corrected(field string) bool {
	for _, c := range d.Corrections {
		if c.Field == field {
			return true
		}
	}
	return false
}

// FieldNames are the document's fields in a stable order.
func (d document) FieldNames() []string {
	names := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Summary says in plain words what the document is and until when it
// holds, e.g. "Avis d'imposition 2025 sur les revenus 2024 — valable
// jusqu'au 14/09/2026".
func (d document) Summary() string {
	what := d.Title()
	switch d.Status {
	case coffre.StatusValid, coffre.StatusExpiringSoon:
		return what + " — valable jusqu'au " + frenchDate(d.ExpiresOn)
	case coffre.StatusExpired:
		return what + " — expiré depuis le " + frenchDate(d.ExpiresOn.AddDays(1))
	}
	return what + " — validité indéterminée"
}

// Title names the document: its type, and its year or date when known.
func (d document) Title() string {
	switch d.Type {
	case coffre.TypeAvisImposition:
		if y, ok := d.Fields["annee_revenus"].(float64); ok {
			return "Avis d'imposition " + strconv.Itoa(int(y)+1) + " sur les revenus " + strconv.Itoa(int(y))
		}
	case coffre.TypeAttestationCAF:
		if s, ok := d.Fields["date_edition"].(string); ok {
			return "Attestation CAF du " + fieldValue(s)
		}
	}
	return typeLabel(d.Type, d.Subtype)
}

func typeLabel(t coffre.DocType, subtype string) string {
	switch subtype {
	case coffre.SubtypeCNI:
		return "Carte nationale d'identité"
	case coffre.SubtypePasseport:
		return "Passeport"
	case coffre.SubtypeTitreSejour:
		return "Titre de séjour"
	}
	switch t {
	case coffre.TypeAvisImposition:
		return "Avis d'imposition"
	case coffre.TypeAttestationCAF:
		return "Attestation CAF"
	case coffre.TypePieceIdentite:
		return "Pièce d'identité"
	}
	return "Document non reconnu"
}

func statusLabel(s coffre.Status) string {
	switch s {
	case coffre.StatusValid:
		return "Valide"
	case coffre.StatusExpiringSoon:
		return "Expire bientôt"
	case coffre.StatusExpired:
		return "Expiré"
	}
	return "Validité indéterminée"
}

func stateLabel(s vault.State) string {
	switch s {
	case vault.StateReceived:
		return "reçu"
	case vault.StateProcessing:
		return "en cours de lecture"
	case vault.StateDone:
		return "lu"
	case vault.StateFailed:
		return "échec"
	case vault.StateNeedsReview:
		return "à vérifier"
	}
	return string(s)
}

var fieldLabels = map[string]string{
	"annee_revenus":             "Année des revenus",
	"numero_fiscal":             "Numéro fiscal",
	"reference_avis":            "Référence de l'avis",
	"revenu_fiscal_reference":   "Revenu fiscal de référence (€)",
	"nombre_parts":              "Nombre de parts",
	"numero_allocataire":        "Numéro d'allocataire",
	"date_edition":              "Date d'édition",
	"date_etablissement":        "Date d'établissement",
	"date_mise_en_recouvrement": "Date de mise en recouvrement",
	"document_kind":             "Nature du document",
	"quotient_familial":         "Quotient familial (€)",
	"document_number":           "Numéro du document",
	"surname":                   "Nom",
	"given_names":               "Prénoms",
	"birth_date":                "Date de naissance",
	"expiry_date":               "Date d'expiration",
	"issue_date":                "Date de délivrance",
	"sex":                       "Sexe",
	"nationality":               "Nationalité",
	"type":                      "Type",
	"subtype":                   "Sous-type",
}

func fieldLabel(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	return name
}

// fieldValue writes a field's value for reading: dates as JJ/MM/AAAA,
// lists joined.
func fieldValue(v any) string {
	switch v := v.(type) {
	case string:
		if d, err := coffre.ParseDate(v); err == nil {
			return frenchDate(d)
		}
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fieldValue(p)
		}
		return strings.Join(parts, ", ")
	case bool:
		if v {
			return "oui"
		}
		return "non"
	}
	return inputValue(v)
}

var checkLabels = map[string]string{
	coffre.CheckReadable:  "Photo lisible",
	"mrz_check_digits":    "Bande MRZ vérifiée (chiffres de contrôle)",
	"mrz_visual_match":    "Bande MRZ conforme au recto imprimé",
	"reference_avis_year": "Référence de l'avis conforme à l'année",
}

func checkLabel(name string) string {
	if l, ok := checkLabels[name]; ok {
		return l
	}
	return name
}

func roleLabel(r vault.Role) string {
	switch r {
	case vault.RoleAdmin:
		return "administrateur"
	case vault.RoleAgent:
		return "agent d'accueil"
	case vault.RoleCaseworker:
		return "travailleur social"
	case vault.RolePerson:
		return "personne"
	}
	return string(r)
}

var actionLabels = map[string]string{
	"upload":         "dépôt d'un document",
	"view":           "consultation d'un document",
	"download":       "ouverture de l'original",
	"search":         "recherche dans vos documents",
	"journal":        "consultation de ce journal",
	"alerts":         "consultation des alertes",
	"export":         "téléchargement de tous les documents",
	"delete":         "suppression",
	"correct":        "correction d'un document",
	"mandates":       "consultation des mandats",
	"mandate_grant":  "mandat donné",
	"mandate_revoke": "mandat révoqué",
	"access_link":    "lien d'accès créé pour vous",
	"delete_person":  "suppression de toutes vos données",
}

func actionLabel(a string) string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return a
}

func frenchDate(d coffre.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.Time().Format("02/01/2006")
}

// paris is the time zone dates and times are shown in: the users are in
// France.
// time/tzdata is embedded, so that loading it cannot fail.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

func frenchDateTime(t time.Time) string { return t.In(paris).Format("02/01/2006 à 15:04") }

// pageNumbers returns 1…n, for the pages of a document.
func pageNumbers(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}
