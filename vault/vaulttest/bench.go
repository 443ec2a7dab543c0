package vaulttest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre"
	"coffre/vault"
)

// benchDocuments is how many documents BenchSearch loads.
const benchDocuments = 100_000

// benchAsOf is the day the benchmark's statuses are computed for; expiry
// dates spread three years on either side.
var benchAsOf = coffre.NewDate(2025, time.June, 15)

// BenchSearch loads benchDocuments generated documents into the empty
// store s with load, the store's bulk insert, then measures
// representative searches, one sub-benchmark each, and reports their
// 95th percentile latency as p95-ms: run it with -benchtime 100x or so,
// as under 20 searches that is the slowest one.
func BenchSearch(b *testing.B, s vault.Store, load func(ctx context.Context, docs []vault.Document) error) {
	docs := generate(benchDocuments)
	// The mandates first: load then brings the planner's statistics up to
	// date, as autovacuum would have on a vault in use.
	reader := grantBenchMandates(b, s, docs)
	start := time.Now()
	if err := load(b.Context(), docs); err != nil {
		b.Fatalf("loading %d documents: %v", len(docs), err)
	}
	b.Logf("loaded %d documents in %v", len(docs), time.Since(start).Round(time.Millisecond))
	for _, bq := range benchQueries(b, s, docs, reader) {
		b.Run(bq.name, func(b *testing.B) { measure(b, s, bq.query) })
	}
}

type benchQuery struct {
	name  string
	query func(i int) vault.Query // the i-th query to run
}

// benchQueries returns the searches BenchSearch measures, on docs.
func benchQueries(b *testing.B, s vault.Store, docs []vault.Document, reader *vault.Reader) []benchQuery {
	person := func(i int) string { return docs[i*7919%len(docs)].PersonID }
	typeStatus := func(i int) vault.Query {
		types := []coffre.DocType{coffre.TypeAvisImposition, coffre.TypePieceIdentite, coffre.TypeAttestationCAF}
		statuses := []coffre.Status{coffre.StatusExpiringSoon, coffre.StatusExpired, coffre.StatusValid, coffre.StatusUndetermined}
		return vault.Query{Type: types[i%len(types)], Status: statuses[i/len(types)%len(statuses)], AsOf: benchAsOf, SoonDays: 30}
	}
	// Words found in many documents, then names found in a few, or none.
	words := []string{"impot", "besancon", "allocations", "passeport", "montbeliard", "quotient familial",
		"durand", "epinal", "prefecture doubs", "sejour"}
	rareWords := []string{"durand anais epinal", "nguyen remi vesoul", "muller chloe", "hamidi yanis beziers", "introuvable"}
	return []benchQuery{
		{"TypeStatus", typeStatus},
		{"Person", func(i int) vault.Query { return vault.Query{PersonID: person(i)} }},
		{"Text", func(i int) vault.Query { return vault.Query{Text: words[i%len(words)]} }},
		{"TextRare", func(i int) vault.Query { return vault.Query{Text: rareWords[i%len(rareWords)]} }},
		{"Combined", func(i int) vault.Query {
			q := typeStatus(i)
			q.Text = cities[i%len(cities)]
			return q
		}},
		{"PersonTypeStatus", func(i int) vault.Query {
			q := typeStatus(i)
			q.PersonID = person(i)
			return q
		}},
		{"SecondPage", secondPages(b, s, typeStatus)},
		{"Mandated", func(i int) vault.Query {
			q := typeStatus(i)
			q.Reader = reader
			return q
		}},
	}
}

// benchMandates is how many persons give the benchmark's caseworker a
// mandate: a CCAS's active files.
const benchMandates = 2000

// grantBenchMandates has benchMandates persons of docs give an
// organisation a mandate, and returns a caseworker of it as a Reader.
func grantBenchMandates(b *testing.B, s vault.Store, docs []vault.Document) *vault.Reader {
	a, ok := s.(vault.Access)
	if !ok {
		b.Skipf("%T is not a vault.Access", s)
	}
	ctx := b.Context()
	org, err := a.CreateOrg(ctx, "CCAS du banc d'essai", benchAsOf.Time())
	if err != nil {
		b.Fatal(err)
	}
	granted := map[string]bool{}
	for i := 0; len(granted) < benchMandates && i < len(docs); i++ {
		p := docs[i*7919%len(docs)].PersonID
		if granted[p] {
			continue
		}
		if _, err := a.GrantMandate(ctx, vault.Mandate{PersonID: p, OrgID: org.ID, Collected: vault.CollectedInPerson}, benchAsOf.Time()); err != nil {
			b.Fatal(err)
		}
		granted[p] = true
	}
	return &vault.Reader{OrgID: org.ID, UserID: vault.NewID(), At: benchAsOf.Time().Add(time.Hour)}
}

// secondPages returns queries for the second pages of the first queries.
func secondPages(b *testing.B, s vault.Store, first func(i int) vault.Query) func(i int) vault.Query {
	var next []vault.Query
	for i := range 12 {
		q := first(i)
		page, err := s.Search(b.Context(), q)
		if err != nil {
			b.Fatal(err)
		}
		if page.Next != "" {
			q.Cursor = page.Next
			next = append(next, q)
		}
	}
	return func(i int) vault.Query { return next[i%len(next)] }
}

// measure runs the queries of query in turn, and reports the 95th
// percentile of their latencies.
func measure(b *testing.B, s vault.Store, query func(i int) vault.Query) {
	var times []time.Duration
	results := 0
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		page, err := s.Search(b.Context(), query(i))
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		results += len(page.Documents)
	}
	slices.Sort(times)
	p95 := times[(len(times)*95+99)/100-1]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(results)/float64(len(times)), "docs/op")
}

// generate returns n documents as the pipeline leaves them, ready for a
// bulk load: of n/20 persons, created over the three years before
// benchAsOf, mostly done, with records of the four types expiring within
// three years of benchAsOf, and short French OCR-like texts. The same n
// gives the same documents.
func generate(n int) []vault.Document {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	start := benchAsOf.Time().AddDate(-3, 0, 0)
	step := 3 * 365 * 24 * time.Hour / time.Duration(n)
	docs := make([]vault.Document, n)
	for i := range docs {
		created := start.Add(time.Duration(i)*step + time.Duration(r.Int64N(int64(step)))).Truncate(time.Millisecond)
		rec, text := generateRecord(r)
		docs[i] = vault.Document{
			ID:         fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()),
			PersonID:   fmt.Sprintf("P%05d", r.IntN(max(n/20, 1))),
			State:      pick(r, []vault.State{vault.StateDone, vault.StateDone, vault.StateDone, vault.StateDone, vault.StateDone, vault.StateDone, vault.StateDone, vault.StateDone, vault.StateNeedsReview, vault.StateFailed}),
			Queue:      vault.QueueBulk,
			SHA256:     fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()),
			Pages:      []vault.Page{{Mime: "image/jpeg", Size: 500_000 + r.Int64N(3_000_000)}},
			WrappedKey: fmt.Appendf(nil, "%016x%016x%08x", r.Uint64(), r.Uint64(), r.Uint32()),
			CreatedAt:  created,
			UpdatedAt:  created.Add(time.Minute),
			Attempts:   1,
			Record:     &rec,
			Text:       text,
		}
	}
	return docs
}

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

var (
	cities = []string{"Besançon", "Montbéliard", "Pontarlier", "Lons-le-Saunier", "Vesoul", "Belfort", "Dole",
		"Orléans", "Nîmes", "Chambéry", "Évreux", "Épinal", "Mâcon", "Saint-Étienne", "Béziers", "Besançon"}
	surnames = []string{"MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "PETIT", "DURAND", "LEROY",
		"MOREAU", "LEFÈVRE", "GARCIA", "NGUYEN", "MÜLLER", "BENOÎT", "FRANÇOIS", "HAMIDI"}
	givenNames = []string{"Hélène", "Jérôme", "Zoé", "Chloé", "Léa", "Noé", "Anaïs", "Benoît", "Inès",
		"François", "Mélanie", "Loïc", "Célia", "Rémi", "Maëlle", "Yanis"}
	departments = []string{"Doubs", "Jura", "Haute-Saône", "Territoire de Belfort", "Loiret", "Gard", "Savoie", "Eure"}
	noise       = []string{"", "", "l|", "—", "0O", "«", "»", ".:", "ï¿½"}
)

// generateRecord returns a random record and its OCR text.
func generateRecord(r *rand.Rand) (coffre.Record, string) {
	rec := coffre.NewRecord("scan.jpg")
	name := pick(r, surnames) + " " + pick(r, givenNames)
	city := pick(r, cities)
	if r.IntN(10) > 0 {
		rec.ExpiresOn = benchAsOf.AddDays(r.IntN(2*3*365+1) - 3*365)
	}
	var text string
	switch n := r.IntN(20); {
	case n < 6:
		rec.Type = coffre.TypeAvisImposition
		year := 2019 + r.IntN(6)
		text = fmt.Sprintf("DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES AVIS D'IMPÔT %d SUR LES REVENUS DE L'ANNÉE %d "+
			"Déclarant 1 : %s Revenu fiscal de référence : %d € Centre des finances publiques de %s",
			year+1, year, name, 8000+r.IntN(40000), city)
	case n < 13:
		rec.Type = coffre.TypePieceIdentite
		rec.Subtype = pick(r, []string{coffre.SubtypeCNI, coffre.SubtypeCNI, coffre.SubtypePasseport, coffre.SubtypeTitreSejour})
		title := map[string]string{coffre.SubtypeCNI: "CARTE NATIONALE D'IDENTITÉ", coffre.SubtypePasseport: "PASSEPORT", coffre.SubtypeTitreSejour: "TITRE DE SÉJOUR"}[rec.Subtype]
		text = fmt.Sprintf("RÉPUBLIQUE FRANÇAISE %s N° %012d Nom : %s Né(e) le %02d.%02d.%d à %s Préfecture du %s",
			title, r.Int64N(1e12), name, 1+r.IntN(28), 1+r.IntN(12), 1940+r.IntN(65), city, pick(r, departments))
	case n < 19:
		rec.Type = coffre.TypeAttestationCAF
		text = fmt.Sprintf("Caisse d'allocations familiales du %s ATTESTATION DE PAIEMENT Allocataire : %s "+
			"Aide personnalisée au logement : %d,%02d € Quotient familial : %d Fait à %s",
			pick(r, departments), name, 100+r.IntN(500), r.IntN(100), 300+r.IntN(1200), city)
	default:
		rec.Type, rec.ExpiresOn = coffre.TypeUnknown, coffre.Date{}
		text = fmt.Sprintf("Facture d'électricité %s échéance réglée, %s", name, city)
	}
	if !rec.ExpiresOn.IsZero() {
		rec.IssuedOn = rec.ExpiresOn.AddDays(-365 * (1 + r.IntN(10)))
	}
	return rec, strings.Join([]string{text, pick(r, noise)}, " ")
}
