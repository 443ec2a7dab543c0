package web_test

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"golang.org/x/image/draw"

	"coffre"
	"coffre/vault"
)

const chromium = "/usr/bin/chromium"

// axePath is where make deps puts axe-core (see the Makefile).
const axePath = ".cache/axe/axe.min.js"

// browser is one user's browser: its own cookies.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  string
	shot string // where screenshots go

	mu       sync.Mutex
	errors   []string // reported by the page (see listen)
	received int64    // bytes taken from the network, headers included (see weigh)
}

// newBrowser opens a headless Chromium with its own profile. Its
// temporary directory is the test's: Chromium, stopped, leaves its
// singleton socket's directory behind in /tmp.
func newBrowser(t *testing.T, s *site, axe, shots string) *browser {
	t.Helper()
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.Flag("lang", "fr-FR"), chromedp.WindowSize(360, 800),
		chromedp.Env("TMPDIR="+t.TempDir()))...)
	t.Cleanup(cancel)
	b := &browser{t: t, base: s.url, axe: axe, shot: shots}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithListener(b.listen))
	t.Cleanup(cancel)
	b.ctx = ctx
	// The first action starts the browser, which lives as long as the
	// context of that action: not one with a timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatalf("browser: %v", err)
	}
	return b
}

// listen keeps the page's script errors and what the browser reports as
// errors, such as a style or script the Content-Security-Policy blocked.
func (b *browser) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = fmt.Sprintf("%s (%s:%d)", d.Text, d.URL, d.LineNumber+1)
		if d.Exception != nil {
			msg += ": " + d.Exception.Description
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError && ev.Entry.Source != cdplog.EntrySourceNetwork {
			msg = ev.Entry.Text
		}
	case *network.EventLoadingFinished:
		b.mu.Lock()
		b.received += int64(ev.EncodedDataLength)
		b.mu.Unlock()
	default:
		return
	}
	if msg != "" {
		b.mu.Lock()
		b.errors = append(b.errors, msg)
		b.mu.Unlock()
	}
}

// call is the action of sending one DevTools protocol command to the page.
func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cmd, params)
		return err
	})
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v (on %s)", err, b.location())
	}
}

// follow runs steps that load another page (a link followed, a form
// sent) and returns once it is loaded: waiting for an element alone may
// find it on the page being left.
func (b *browser) follow(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v (on %s)", err, b.location())
	}
}

func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// text returns the visible text of the page's main content.
func (b *browser) text() string { return b.textOf("main") }

func (b *browser) textOf(selector string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", selector, err)
	}
	return s
}

// open goes to path and waits for the page's main content.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
}

func (b *browser) login(email string) {
	b.t.Helper()
	b.loginWith(email, password)
}

func (b *browser) loginWith(email, pass string) {
	b.t.Helper()
	b.open("/connexion")
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), pass),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("nav")))
}

// wantText fails unless the page's main content says each of want.
func (b *browser) wantText(want ...string) {
	b.t.Helper()
	got := b.text()
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Fatalf("page %s does not say %q; it says:\n%s", b.location(), w, got)
		}
	}
}

// check runs axe-core on the page, failing on serious or critical
// violations, and saves screenshots at phone and desktop widths.
func (b *browser) check(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
		b.t.Fatalf("axe-core: %v", err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run({resultTypes: ["violations"]}).then(r => r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe-core: %v", err)
	}
	for _, v := range violations {
		b.t.Errorf("%s (%s): accessibility: %s", name, b.location(), v)
	}
	b.mu.Lock()
	for _, e := range b.errors {
		b.t.Errorf("%s (%s): the browser reports: %s", name, b.location(), e)
	}
	b.errors = nil
	b.mu.Unlock()
	for _, width := range []int64{360, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
			b.t.Fatalf("viewport: %v", err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join(b.shot, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do(chromedp.EmulateViewport(360, 800))
}

// TestBrowser drives the site in Chromium as its users do: an agent on a
// phone, caseworkers with and without a mandate, the person, an admin.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests: not with -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is needed (%v): run make deps", err)
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is needed (%v): run make deps", err)
	}
	shots := cmp.Or(os.Getenv("ARTIFACTS"), "testdata/screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newSite(t)
	ctx, now := context.Background(), time.Now()
	s.user(t, "agent@ccas.test", vault.RoleAgent, s.org)
	s.user(t, "travailleur@ccas.test", vault.RoleCaseworker, s.org)
	s.user(t, "admin@ccas.test", vault.RoleAdmin, s.org)
	other, err := s.store.CreateOrg(ctx, "CCAS Voisin", now)
	if err != nil {
		t.Fatal(err)
	}
	s.user(t, "voisin@ccas.test", vault.RoleCaseworker, other)
	p, err := s.store.CreatePerson(ctx, vault.Person{OrgID: s.org.ID, Name: "Élodie Martin"}, now)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.store.GrantMandate(ctx, vault.Mandate{PersonID: p.ID, OrgID: s.org.ID, Collected: vault.CollectedInPerson}, now)
	if err != nil {
		t.Fatal(err)
	}
	env := &scenario{mandate: m, s: s, axe: string(axe), shots: shots, person: p}

	for _, sc := range []struct {
		name string
		run  func(e *scenario, t *testing.T)
	}{
		{"agent", (*scenario).agent},
		{"slow network", (*scenario).slowNetwork},
		{"page weight", (*scenario).pageWeight},
		{"caseworker", (*scenario).caseworker},
		{"no mandate", (*scenario).noMandate},
		{"alerts", (*scenario).alerts},
		{"person revokes", (*scenario).personRevokes},
		{"admin", (*scenario).admin},
		{"admin mandate", (*scenario).adminMandate},
		{"person deletes", (*scenario).personDeletes},
		{"password", (*scenario).changePassword},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(env, t) })
	}
}

type scenario struct {
	s       *site
	axe     string
	shots   string
	person  vault.Person
	mandate vault.Mandate
	avisID  string // the avis d'imposition the agent uploaded
	cniID   string // the expired CNI of alerts (without an original)
}

func (e *scenario) browser(t *testing.T) *browser { return newBrowser(t, e.s, e.axe, e.shots) }

// agent: on a phone, finds the person, photographs an avis d'imposition
// and sees what it is; then a blurred photo, and is told to take it again.
func (e *scenario) agent(t *testing.T) {
	b := e.browser(t)
	b.open("/connexion")
	b.check("connexion")
	b.login("agent@ccas.test")
	b.check("depot")
	b.do(chromedp.SendKeys(chromedp.CSS("#q"), "elodie"), chromedp.Click(chromedp.CSS("form[role=search] button")),
		chromedp.WaitVisible(chromedp.CSS(".choices a")))
	b.check("depot-recherche")
	b.do(chromedp.Click(chromedp.CSS(".choices a")), chromedp.WaitVisible(chromedp.CSS("#recto")))
	b.check("photo")

	photo, err := filepath.Abs("../testdata/corpus/avis-004-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	elapsed := b.upload(photo, e.s, &e.avisID)
	b.wantText("Avis d'imposition 2023 sur les revenus 2022")
	b.check("resultat")
	doc, err := e.s.store.Get(context.Background(), e.avisID)
	if err != nil {
		t.Fatal(err)
	}
	var pipelineMS int64
	for _, ms := range doc.Record.TimingsMS {
		pipelineMS += ms
	}
	t.Logf("one-page photo: result shown %v after tapping Envoyer; the pipeline took %v", elapsed, time.Duration(pipelineMS)*time.Millisecond)

	blurred := filepath.Join(t.TempDir(), "floue.jpg")
	blur(t, photo, blurred)
	b.do(chromedp.Navigate(e.s.url+"/depot/"+e.person.ID), chromedp.WaitVisible(chromedp.CSS("#recto")))
	var blurredID string
	b.upload(blurred, e.s, &blurredID)
	b.wantText("Photo illisible", "Reprendre la photo")
	b.check("resultat-illisible")
}

// slowNetwork: on a slow connection, a large photo is sent resized, and
// still read.
func (e *scenario) slowNetwork(t *testing.T) {
	big := filepath.Join(t.TempDir(), "grande.jpg")
	resize(t, "../testdata/corpus/avis-008-photo.jpg", big, 4032, 100) // a 12-megapixel phone photo
	info, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.login("agent@ccas.test")
	b.open("/depot/" + e.person.ID)
	b.do(call(network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Latency: 400, DownloadThroughput: 50_000, UploadThroughput: 50_000, ConnectionType: network.ConnectionTypeCellular3g}))
	var id string
	b.upload(big, e.s, &id)
	b.wantText("Avis d'imposition")
	doc, err := e.s.store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Pages[0]
	if got.Size >= info.Size() || got.Mime != "image/jpeg" {
		t.Errorf("page sent on a slow network: %s of %d bytes, want a JPEG smaller than the %d-byte original", got.Mime, got.Size, info.Size())
	}
	t.Logf("slow network: a %d-byte photo sent as %d bytes, read as %s", info.Size(), got.Size, doc.Record.Type)
}

// upload chooses file on the upload page, taps Envoyer, and waits for the
// result; it returns the document's id, then the time from the tap to the
// result shown.
func (b *browser) upload(file string, s *site, id *string) time.Duration {
	b.t.Helper()
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#recto"), []string{file}))
	start := time.Now()
	b.do(chromedp.Click(chromedp.CSS("#upload button[type=submit]")))
	select {
	case *id = <-s.processed:
	case <-time.After(60 * time.Second):
		b.t.Fatal("the workers did not finish the document within a minute")
	}
	b.do(chromedp.WaitVisible(chromedp.CSS(`#result .result[data-pending="false"]`)))
	return time.Since(start)
}

// blur writes a copy of the photo at src so blurred that it cannot be
// read: scaled down 12 times, then up again.
func blur(t *testing.T, src, dst string) {
	t.Helper()
	small := filepath.Join(t.TempDir(), "petite.jpg")
	img := decode(t, src)
	resize(t, src, small, img.Bounds().Dy()/12, 90)
	resize(t, small, dst, img.Bounds().Dy(), 90)
}

// resize writes the image at src scaled to height pixels as a JPEG of
// quality q at dst.
func resize(t *testing.T, src, dst string, height, q int) {
	t.Helper()
	img := decode(t, src)
	r := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, r.Dx()*height/r.Dy(), height))
	draw.BiLinear.Scale(out, out.Bounds(), img, r, draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// caseworker: with the person's mandate, finds the avis by type, opens
// it, corrects a field and sees it marked corrected.
func (e *scenario) caseworker(t *testing.T) {
	b := e.browser(t)
	b.login("travailleur@ccas.test")
	b.check("accueil-travailleur")
	b.follow(chromedp.SetValue(chromedp.CSS("#type"), "avis_imposition/"), chromedp.Click(chromedp.CSS("form[role=search] button")))
	b.do(chromedp.WaitVisible(chromedp.CSS(".card a")))
	b.wantText("Avis d'imposition 2023 sur les revenus 2022", "Élodie Martin")
	b.check("recherche")
	b.do(chromedp.Click(chromedp.CSS(".card a")), chromedp.WaitVisible(chromedp.CSS("#corriger")))
	b.wantText("Revenu fiscal de référence", "Photo lisible")
	b.check("document")
	b.do(chromedp.SetValue(chromedp.CSS("#field_nombre_parts"), "3"), chromedp.Click(chromedp.CSS("#corriger ~ form button")),
		chromedp.WaitVisible(chromedp.CSS(".alert.info")))
	b.wantText("Correction enregistrée", "corrigé")
	b.check("document-corrige")
	b.open("/personnes/" + e.person.ID)
	b.wantText("Justificatifs en cours de validité", "Expirés ou remplacés")
	b.check("personne")
}

// noMandate: a caseworker of another organisation neither finds the
// document nor opens it: the API does not even tell it exists.
func (e *scenario) noMandate(t *testing.T) {
	b := e.browser(t)
	b.login("voisin@ccas.test")
	b.open("/recherche?type=avis_imposition%2F")
	if strings.Contains(b.text(), "Élodie Martin") {
		t.Error("a caseworker without a mandate finds the person's documents")
	}
	b.open("/documents/" + e.avisID)
	b.wantText("Document introuvable")
	b.check("document-introuvable")
}

// alerts: an expired CNI of the person is listed.
func (e *scenario) alerts(t *testing.T) {
	ctx, now := context.Background(), time.Now()
	d := &vault.Document{ID: vault.NewID(), PersonID: e.person.ID, State: vault.StateReceived, Queue: vault.QueueBulk,
		SHA256: vault.NewID(), Pages: []vault.Page{{Mime: "image/jpeg", Size: 1}}}
	if _, _, err := e.s.store.Create(ctx, d, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.store.Claim(ctx, d.ID, time.Minute, now); err != nil {
		t.Fatal(err)
	}
	rec := coffre.NewRecord("")
	rec.Type, rec.Subtype, rec.ExpiresOn = coffre.TypePieceIdentite, coffre.SubtypeCNI, coffre.DateOf(now).AddDays(-10)
	rec.Fields["document_number"] = "X4RTBPFW4"
	if err := e.s.store.Finish(ctx, d.ID, rec, "", vault.StateDone, "Document lu.", now); err != nil {
		t.Fatal(err)
	}
	e.cniID = d.ID
	b := e.browser(t)
	b.login("travailleur@ccas.test")
	b.open("/alertes")
	b.wantText("Élodie Martin", "Carte nationale d'identité", "Expiré")
	b.check("alertes")
}

// personRevokes: a caseworker gives the person an access link; the
// person logs in with it, sees who read their documents, and revokes the
// mandate; the caseworker loses access at once.
func (e *scenario) personRevokes(t *testing.T) {
	cw := e.browser(t)
	cw.login("travailleur@ccas.test")
	cw.open("/personnes/" + e.person.ID)
	cw.do(chromedp.Click(chromedp.CSS("#lien ~ form button")), chromedp.WaitVisible(chromedp.CSS("code.secret")))
	cw.check("personne-lien")
	link := strings.TrimSpace(cw.textOf("code.secret"))
	if !strings.HasPrefix(link, e.s.url+"/acces/") {
		t.Fatalf("access link %q: want a full address on the site", link)
	}

	b := e.browser(t)
	b.do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("main button")))
	b.check("lien-acces")
	b.do(chromedp.Click(chromedp.CSS("main button")), chromedp.WaitVisible(chromedp.CSS("#mandats")))
	b.wantText("Avis d'imposition", "consultation d'un document", "Retirer l'accès")
	b.check("mes-documents")
	b.do(chromedp.Click(chromedp.CSS("#mandats ~ ul button")), chromedp.WaitVisible(chromedp.CSS(".alert.info")))
	b.wantText("Mandat révoqué")

	cw.open("/documents/" + e.avisID)
	cw.wantText("Accès refusé")
}

// admin: lists the accounts and creates one.
func (e *scenario) admin(t *testing.T) {
	b := e.browser(t)
	b.login("admin@ccas.test")
	b.open("/admin")
	b.wantText("agent@ccas.test")
	b.check("admin")
	b.do(chromedp.SendKeys(chromedp.CSS("#u-name"), "Nouvel agent"), chromedp.SendKeys(chromedp.CSS("#u-email"), "nouvel@ccas.test"),
		chromedp.SendKeys(chromedp.CSS("#u-password"), password), chromedp.Click(chromedp.CSS("#nouveau ~ form button")),
		chromedp.WaitVisible(chromedp.CSS(".alert.info")))
	b.wantText("Compte créé", "nouvel@ccas.test")
	b.do(chromedp.Click(chromedp.CSS(`button[aria-label="Créer un jeton pour agent@ccas.test"]`)), chromedp.WaitVisible(chromedp.CSS("code.secret")))
	if token := b.textOf("code.secret"); !strings.HasPrefix(token, vault.TokenPrefix) {
		t.Errorf("token shown %q: want %s…", token, vault.TokenPrefix)
	}
	b.check("admin-jeton")
	b.do(chromedp.Click(chromedp.CSS(`button[aria-label="Désactiver nouvel@ccas.test"]`)), chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Réactiver nouvel@ccas.test"]`)))
	b.wantText("désactivé")
}

// slow3G is the network of a phone with a poor signal: 400 kbit/s each
// way, 400 ms of latency.
var slow3G = network.Conditions{Latency: 400, DownloadThroughput: 400_000 / 8, UploadThroughput: 400_000 / 8,
	ConnectionType: network.ConnectionTypeCellular3g}

// weigh opens path as on a first visit (nothing cached) on the slow3G
// network, and returns the bytes the page and what it loads took from
// the network, and the time until its load event.
func (b *browser) weigh(path string) (int64, time.Duration) {
	b.t.Helper()
	b.do(call(network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}),
		call(network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{&slow3G}}))
	b.mu.Lock()
	b.received = 0
	b.mu.Unlock()
	start := time.Now()
	b.open(path)
	elapsed := time.Since(start)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.received, elapsed
}

// pageWeight: the pages used most at the counter load quickly on a poor
// phone network: their weight and load time are logged, for the record,
// and held to a budget.
func (e *scenario) pageWeight(t *testing.T) {
	// Measured: 14.7 to 16.8 kB (the page, app.css and app.js, headers
	// included) and 1.2 to 1.4 s; the budget leaves room for the pages to
	// grow, not for a framework or a web font.
	const maxBytes, maxTime = 30_000, 4 * time.Second
	for _, p := range []struct{ name, user, path string }{
		{"connexion", "", "/connexion"},
		{"dépôt (photo)", "agent@ccas.test", "/depot/" + e.person.ID},
		{"recherche", "travailleur@ccas.test", "/recherche?type=avis_imposition%2F"},
	} {
		b := e.browser(t)
		if p.user != "" {
			b.login(p.user)
		}
		n, elapsed := b.weigh(p.path)
		t.Logf("page %s on slow 3G (400 kbit/s, 400 ms): %d bytes transferred, loaded in %v", p.name, n, elapsed.Round(10*time.Millisecond))
		if n > maxBytes || elapsed > maxTime {
			t.Errorf("page %s on slow 3G: %d bytes in %v, want at most %d bytes in %v", p.name, n, elapsed, maxBytes, maxTime)
		}
	}
}

// adminMandate: the person revoked the mandate (personRevokes); an admin
// records a new one, given on signed paper until a date, and the
// caseworkers read the person's documents again, until the admin revokes
// it on the person's instruction.
func (e *scenario) adminMandate(t *testing.T) {
	b := e.browser(t)
	b.login("admin@ccas.test")
	b.open("/personnes/" + e.person.ID)
	b.wantText("Accès refusé", "Enregistrer un mandat")
	b.check("personne-sans-mandat")
	until := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	b.do(chromedp.Click(chromedp.CSS("#collected-signed_paper")), chromedp.SetValue(chromedp.CSS("#until"), until),
		chromedp.Click(chromedp.CSS("#mandat ~ form button")), chromedp.WaitVisible(chromedp.CSS("#encours")))
	b.wantText("Mandat enregistré", "Avis d'imposition 2023 sur les revenus 2022")
	b.check("personne-mandat")

	cw := e.browser(t)
	cw.login("travailleur@ccas.test")
	cw.open("/personnes/" + e.person.ID)
	cw.wantText("Avis d'imposition 2023 sur les revenus 2022")

	// On the person's instruction, the admin revokes it; access stops.
	b.open("/personnes/" + e.person.ID)
	b.wantText("Mandats en cours", "Sur papier signé")
	b.do(chromedp.Click(chromedp.CSS("section[aria-labelledby=mandats] form button")), chromedp.WaitVisible(chromedp.CSS(".alert.info")))
	b.wantText("Mandat révoqué")
	b.check("personne-mandat-revoque")
	cw.open("/personnes/" + e.person.ID)
	cw.wantText("Accès refusé")
}

// personDeletes: the person deletes a document, which is no longer
// listed; downloads everything and finds the photo the agent took in it,
// byte for byte; then deletes everything, after a confirmation, and is
// told so.
func (e *scenario) personDeletes(t *testing.T) {
	ctx, now := context.Background(), time.Now()
	u, err := e.s.store.UserByPerson(ctx, e.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	token, err := e.s.store.CreateAccessLink(ctx, u.ID, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.do(chromedp.Navigate(e.s.url+"/acces/"+token), chromedp.Click(chromedp.CSS("main button")), chromedp.WaitVisible(chromedp.CSS("#mandats")))

	// The CNI first: it has no original (see alerts), which the export
	// could not hold.
	cni := `main a[href="/documents/` + e.cniID + `"]`
	b.do(chromedp.Click(chromedp.CSS(cni)), chromedp.WaitVisible(chromedp.CSS("#supprimer")),
		chromedp.Click(chromedp.CSS("#supprimer ~ p a")), chromedp.WaitVisible(chromedp.CSS("main form button.danger")))
	b.wantText("Carte nationale d'identité", "définitive", "Le journal garde la trace")
	b.check("supprimer-document")
	b.do(chromedp.Click(chromedp.CSS("main form button.danger")), chromedp.WaitVisible(chromedp.CSS(".alert.info")))
	b.wantText("Document supprimé")
	if gone, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('`+cni+`') === null`)); err != nil || !gone {
		t.Errorf("the deleted document is still listed (%v)", err)
	}

	archive := b.download(`a[href$="/export"]`)
	photo, err := os.ReadFile("../testdata/corpus/avis-004-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range archive.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("export, %s: %v", f.Name, err)
		}
	}
	if _, ok := files["documents.json"]; !ok {
		t.Errorf("export: no documents.json among %d files", len(files))
	}
	if got := files["documents/"+e.avisID+"/page-1.jpg"]; !bytes.Equal(got, photo) {
		t.Errorf("export: the avis's page is %d bytes, not the %d bytes uploaded", len(got), len(photo))
	}

	b.do(chromedp.Click(chromedp.CSS(`a[href$="/supprimer"]`)), chromedp.WaitVisible(chromedp.CSS("main form button.danger")))
	b.wantText("Tous vos documents", "définitive", "Le journal garde la trace")
	b.check("supprimer-tout")
	// The page that follows is the only one without a menu: the person
	// is no longer logged in.
	b.do(chromedp.Click(chromedp.CSS("main form button.danger")), chromedp.WaitNotPresent(chromedp.CSS("nav")), chromedp.WaitVisible(chromedp.CSS("main")))
	b.wantText("supprimés définitivement")
	b.check("donnees-supprimees")
	b.open("/mes-documents")
	if loc := b.location(); !strings.HasSuffix(loc, "/connexion") {
		t.Errorf("after deleting everything, the person's session still opens %s", loc)
	}
}

// download clicks the link selector names and returns the ZIP archive the
// browser saved.
func (b *browser) download(selector string) *zip.Reader {
	b.t.Helper()
	dir := b.t.TempDir()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	events := true
	b.do(call(cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events}),
		chromedp.Click(chromedp.CSS(selector)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			b.t.Fatal("download canceled by the browser")
		}
		if ev.State != cdpbrowser.DownloadProgressStateCompleted {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			b.t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.t.Fatalf("download: not a ZIP archive: %v", err)
		}
		return z
	}
	b.t.Fatal("download: not completed within a minute")
	return nil
}

// changePassword: a caseworker changes their password, is logged out,
// and logs in with the new one.
func (e *scenario) changePassword(t *testing.T) {
	e.s.user(t, "compte@ccas.test", vault.RoleCaseworker, e.s.org)
	b := e.browser(t)
	b.login("compte@ccas.test")
	b.open("/compte")
	b.check("compte")
	const newPassword = "une phrase assez longue"
	b.do(chromedp.SendKeys(chromedp.CSS("#current"), password), chromedp.SendKeys(chromedp.CSS("#new"), newPassword),
		chromedp.Click(chromedp.CSS("main button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".alert.info")))
	b.wantText("Mot de passe changé")
	b.loginWith("compte@ccas.test", newPassword)
	b.wantText("Rechercher")
}
