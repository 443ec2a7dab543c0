package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"coffre"
	"coffre/vault"
)

type searchData struct {
	Type, Status, Text, PersonName, PersonID string
	Choices                                  []person // the persons the name matches, when several
	Results                                  []row
	Next                                     string // the next page's URL
}

// row is a document with its person.
type row struct {
	Doc    document
	Person person
}

type kind struct{ Value, Label string }

// kinds are the document types one can search for or correct to, as
// "type/subtype".
var kinds = []kind{
	{"avis_imposition/", "Avis d'imposition"},
	{"attestation_caf/", "Attestation CAF"},
	{"piece_identite/cni", "Carte nationale d'identité"},
	{"piece_identite/passeport", "Passeport"},
	{"piece_identite/titre_sejour", "Titre de séjour"},
	{"piece_identite/", "Pièce d'identité (toutes)"},
	{"unknown/", "Document non reconnu"},
}

// search finds documents across the persons who gave the user's
// organisation a mandate: filters combine, results come by pages.
func (s *site) search(w http.ResponseWriter, r *http.Request, u *me) error {
	in := r.URL.Query()
	d := searchData{Type: in.Get("type"), Status: in.Get("status"), Text: strings.TrimSpace(in.Get("q")),
		PersonName: strings.TrimSpace(in.Get("personne")), PersonID: in.Get("person_id")}
	v := view{Title: "Rechercher", Me: u, Data: &d}
	if in.Has("supprime") {
		v.Info = "Toutes les données de la personne ont été supprimées."
	}
	if d.PersonID == "" && d.PersonName != "" {
		var out struct {
			Persons []person `json:"persons"`
		}
		if err := s.call(r, http.MethodGet, apiPath("/api/v1/persons", url.Values{"q": {d.PersonName}}), nil, &out); err != nil {
			return err
		}
		switch len(out.Persons) {
		case 0:
			v.Error = "Aucune personne ne porte ce nom : vérifiez l'orthographe."
		case 1:
			d.PersonID = out.Persons[0].ID
		default:
			d.Choices = out.Persons
		}
		if d.PersonID == "" {
			s.render(w, http.StatusOK, "search.html", v)
			return nil
		}
	}
	q := url.Values{}
	typ, subtype, _ := strings.Cut(d.Type, "/")
	for k, val := range map[string]string{"type": typ, "subtype": subtype, "status": d.Status, "q": d.Text,
		"person_id": d.PersonID, "cursor": in.Get("cursor"), "limit": "20"} {
		if val != "" {
			q.Set(k, val)
		}
	}
	var page struct {
		Documents  []document `json:"documents"`
		NextCursor string     `json:"next_cursor"`
	}
	if err := s.call(r, http.MethodGet, apiPath("/api/v1/documents", q), nil, &page); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		v.Error = ae.Message
	}
	rows, err := s.withPersons(r, page.Documents)
	if err != nil {
		return err
	}
	d.Results = rows
	if page.NextCursor != "" {
		next := r.URL.Query()
		next.Set("cursor", page.NextCursor)
		next.Set("person_id", d.PersonID)
		d.Next = "/recherche?" + next.Encode()
	}
	s.render(w, http.StatusOK, "search.html", v)
	return nil
}

// withPersons pairs documents with their persons, each person asked once.
func (s *site) withPersons(r *http.Request, docs []document) ([]row, error) {
	persons := map[string]person{}
	rows := make([]row, len(docs))
	for i, d := range docs {
		p, ok := persons[d.PersonID]
		if !ok {
			if err := s.call(r, http.MethodGet, "/api/v1/persons/"+url.PathEscape(d.PersonID), nil, &p); err != nil {
				return nil, err
			}
			persons[d.PersonID] = p
		}
		rows[i] = row{Doc: d, Person: p}
	}
	return rows, nil
}

type alertGroup struct {
	Person person
	Docs   []document
}

// alerts lists, by person, the proofs in force that have expired or
// expire within the policy's notice (30 days).
func (s *site) alerts(w http.ResponseWriter, r *http.Request, u *me) error {
	var docs []document
	for _, status := range []coffre.Status{coffre.StatusExpired, coffre.StatusExpiringSoon} {
		found, err := s.allDocuments(r, "/api/v1/documents", url.Values{"status": {string(status)}})
		if err != nil {
			return err
		}
		for _, d := range found {
			if d.SupersededBy == "" { // a newer one replaced it: nothing to ask for
				docs = append(docs, d)
			}
		}
	}
	rows, err := s.withPersons(r, docs)
	if err != nil {
		return err
	}
	var groups []alertGroup
	index := map[string]int{}
	for _, rw := range rows {
		i, ok := index[rw.Person.ID]
		if !ok {
			i = len(groups)
			index[rw.Person.ID] = i
			groups = append(groups, alertGroup{Person: rw.Person})
		}
		groups[i].Docs = append(groups[i].Docs, rw.Doc)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Person.Name < groups[j].Person.Name })
	s.render(w, http.StatusOK, "alerts.html", view{Title: "Alertes d'expiration", Me: u, Data: groups})
	return nil
}

type personData struct {
	Person  person
	Current []typeGroup // proofs in force, by type
	Old     []document  // expired or replaced by a newer one
	Other   []document  // being read, unreadable, or failed
	// Refused, when set, is why the user may not see the documents (no
	// mandate): the page then shows the person alone, and to an admin
	// the form to record the mandate.
	Refused string
	Link    *accessLinkView
	Ways    []kind // how a mandate's consent may have been collected
	// Mandates are the person's mandates: all of them on their own page;
	// those in force for their organisation on an admin's, who revokes
	// one on the person's instruction.
	Mandates []mandate
}

type typeGroup struct {
	Label string
	Docs  []document
}

type accessLinkView struct {
	URL       string    `json:"url"` // a path: the page makes it a full address
	ExpiresAt time.Time `json:"expires_at"`
}

// collectedWays are how the person's consent to a mandate was collected,
// as the API names them.
var collectedWays = []kind{
	{vault.CollectedInPerson, "En personne, au guichet"},
	{vault.CollectedSignedPaper, "Sur papier signé"},
	{vault.CollectedOnline, "En ligne"},
}

// person shows a person's proofs: those in force by type, the others set
// apart.
func (s *site) person(w http.ResponseWriter, r *http.Request, u *me) error {
	v := view{Me: u}
	switch q := r.URL.Query(); {
	case q.Has("mandat"):
		v.Info = "Mandat enregistré : les travailleurs sociaux de votre organisation peuvent consulter les documents de la personne."
	case q.Has("supprime"):
		v.Info = "Document supprimé."
	case q.Has("revoque"):
		v.Info = "Mandat révoqué : votre organisation ne peut plus consulter les documents de la personne."
	}
	return s.showPerson(w, r, v, nil)
}

// showPerson renders the person's page with v's messages and, when just
// created, an access link to give them.
func (s *site) showPerson(w http.ResponseWriter, r *http.Request, v view, link *accessLinkView) error {
	d, err := s.personData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	d.Link, d.Ways = link, collectedWays
	if v.Me.Admin() && d.Refused == "" {
		ms, err := s.mandates(r, d.Person.ID)
		if err != nil {
			return err
		}
		// The admin acts on the mandates given to their organisation.
		for _, m := range ms {
			if m.OrgID == v.Me.OrgID && m.InForce(s.Now()) {
				d.Mandates = append(d.Mandates, m)
			}
		}
	}
	v.Title, v.Data = d.Person.Name, d
	s.render(w, http.StatusOK, "person.html", v)
	return nil
}

// allDocuments lists the documents the API's path finds with q, page
// after page to the last.
func (s *site) allDocuments(r *http.Request, path string, q url.Values) ([]document, error) {
	q.Set("limit", "500")
	var docs []document
	for {
		var page struct {
			Documents []document `json:"documents"`
			Next      string     `json:"next_cursor"`
		}
		if err := s.call(r, http.MethodGet, apiPath(path, q), nil, &page); err != nil {
			return nil, err
		}
		docs = append(docs, page.Documents...)
		if page.Next == "" {
			return docs, nil
		}
		q.Set("cursor", page.Next)
	}
}

func (s *site) personData(r *http.Request, id string) (*personData, error) {
	d := &personData{}
	if err := s.call(r, http.MethodGet, "/api/v1/persons/"+url.PathEscape(id), nil, &d.Person); err != nil {
		return nil, err
	}
	docs, err := s.allDocuments(r, "/api/v1/persons/"+url.PathEscape(id)+"/documents", url.Values{})
	if err != nil {
		ae, ok := refusal(err)
		if !ok || ae.Code != http.StatusForbidden {
			return nil, err
		}
		d.Refused = ae.Message
		return d, nil
	}
	index := map[string]int{}
	for _, doc := range docs {
		switch {
		case doc.Current():
			label := typeLabel(doc.Type, doc.Subtype)
			i, ok := index[label]
			if !ok {
				i = len(d.Current)
				index[label] = i
				d.Current = append(d.Current, typeGroup{Label: label})
			}
			d.Current[i].Docs = append(d.Current[i].Docs, doc)
		case doc.Pending() || doc.State == vault.StateFailed || doc.Unreadable():
			d.Other = append(d.Other, doc)
		default:
			d.Old = append(d.Old, doc)
		}
	}
	return d, nil
}

// accessLinkCreate makes a single-use link for the person to log in,
// shown once to be given to them.
func (s *site) accessLinkCreate(w http.ResponseWriter, r *http.Request, u *me) error {
	v := view{Me: u}
	var link accessLinkView
	if err := s.call(r, http.MethodPost, "/api/v1/persons/"+url.PathEscape(r.PathValue("id"))+"/access-link", map[string]string{}, &link); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		v.Error = ae.Message
		return s.showPerson(w, r, v, nil)
	}
	link.URL = s.origin(r) + link.URL
	return s.showPerson(w, r, v, &link)
}

// grantMandate records, for an admin, the mandate the person gave their
// organisation, and how their consent was collected.
func (s *site) grantMandate(w http.ResponseWriter, r *http.Request, u *me) error {
	id := url.PathEscape(r.PathValue("id"))
	in := map[string]string{"collected": r.PostFormValue("collected")}
	if until := r.PostFormValue("until"); until != "" {
		in["until"] = until
	}
	if err := s.call(r, http.MethodPost, "/api/v1/persons/"+id+"/mandates", in, nil); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		return s.showPerson(w, r, view{Me: u, Error: ae.Message}, nil)
	}
	http.Redirect(w, r, "/personnes/"+id+"?mandat", http.StatusSeeOther)
	return nil
}

type documentData struct {
	Doc  document
	Kind string // the document's, as "type/subtype"
}

// document shows a document: its pages, what was read, the checks, its
// history, and the correction form.
func (s *site) document(w http.ResponseWriter, r *http.Request, u *me) error {
	v := view{Title: "Document", Me: u}
	if r.URL.Query().Has("corrige") {
		v.Info = "Correction enregistrée."
	}
	return s.showDocument(w, r, v)
}

func (s *site) showDocument(w http.ResponseWriter, r *http.Request, v view) error {
	var d document
	if err := s.call(r, http.MethodGet, "/api/v1/documents/"+url.PathEscape(r.PathValue("id")), nil, &d); err != nil {
		return err
	}
	v.Title = d.Title()
	v.Data = documentData{Doc: d, Kind: string(d.Type) + "/" + d.Subtype}
	s.render(w, http.StatusOK, "document.html", v)
	return nil
}

// correct sends the fields the caseworker changed.
func (s *site) correct(w http.ResponseWriter, r *http.Request, u *me) error {
	id := r.PathValue("id")
	var d document
	if err := s.call(r, http.MethodGet, "/api/v1/documents/"+url.PathEscape(id), nil, &d); err != nil {
		return err
	}
	patch := correctionOf(&d, r)
	if len(patch) == 0 {
		http.Redirect(w, r, "/documents/"+url.PathEscape(id), http.StatusSeeOther)
		return nil
	}
	if err := s.call(r, http.MethodPatch, "/api/v1/documents/"+url.PathEscape(id), patch, nil); err != nil {
		ae, ok := refusal(err)
		if !ok {
			return err
		}
		return s.showDocument(w, r, view{Me: u, Error: ae.Message})
	}
	http.Redirect(w, r, "/documents/"+url.PathEscape(id)+"?corrige", http.StatusSeeOther)
	return nil
}

// correctionOf returns the PATCH body for what the form changes in d:
// the kind, and each field whose value differs, typed like the value it
// replaces (numbers, lists of names, text and dates).
func correctionOf(d *document, r *http.Request) map[string]any {
	patch := map[string]any{}
	if kind := r.PostFormValue("kind"); kind != "" && kind != string(d.Type)+"/"+d.Subtype {
		typ, subtype, _ := strings.Cut(kind, "/")
		patch["type"], patch["subtype"] = typ, subtype
	}
	fields := map[string]any{}
	for _, name := range d.FieldNames() {
		in, ok := r.PostForm["field_"+name]
		if !ok || strings.TrimSpace(in[0]) == inputValue(d.Fields[name]) {
			continue
		}
		fields[name] = typedLike(d.Fields[name], strings.TrimSpace(in[0]))
	}
	if len(fields) > 0 {
		patch["fields"] = fields
	}
	return patch
}

// typedLike converts s to the JSON type of old; a number that does not
// parse is sent as typed, for the API to refuse with its message.
func typedLike(old any, s string) any {
	switch old.(type) {
	case float64:
		if n, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64); err == nil {
			return n
		}
	case bool:
		if b, err := strconv.ParseBool(s); err == nil {
			return b
		}
	case []any:
		var list []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
		return list
	}
	return s
}

// inputValue is a field's value as the correction form edits it.
func inputValue(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = inputValue(p)
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// isDate reports whether a field's value is a date, for a date input.
func isDate(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	_, err := coffre.ParseDate(s)
	return err == nil
}
