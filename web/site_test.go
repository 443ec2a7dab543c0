package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"coffre/intake"
	"coffre/ocr"
	"coffre/pipeline"
	"coffre/policy"
	"coffre/server"
	"coffre/vault"
	"coffre/vault/blob"
	"coffre/vault/originals"
	"coffre/vault/seal"
	"coffre/vault/sqlite"
	"coffre/web"
	"coffre/workers"
)

// TestMain runs the tests with one OpenMP thread per Tesseract engine,
// as coffre itself does (see cmd/coffre's ensureThreadLimit): OpenMP
// reads it when the library loads, so the process starts again with it.
func TestMain(m *testing.M) {
	if _, set := os.LookupEnv("OMP_THREAD_LIMIT"); !set {
		exe, err := os.Executable()
		if err == nil {
			syscall.Exec(exe, os.Args, append(os.Environ(), "OMP_THREAD_LIMIT=1"))
		}
	}
	os.Exit(m.Run())
}

// site is the whole of coffre in the test process: a SQLite vault, sealed
// originals, the API, workers running the real pipeline (Tesseract), and
// the web interface, behind the same protection as in production.
type site struct {
	url   string
	store *sqlite.Store
	org   vault.Org
	// processed receives each document's id once the workers are done.
	processed chan string
}

// newSite starts a site on a local address; everything stops with t.
func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "coffre.db"))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	master, _, err := seal.LoadOrCreateMasterKeyFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	orig := originals.Store{Blobs: blobs, Master: master}
	pool, err := ocr.NewPool(2, "fra", 3)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	scanner := &pipeline.Pipeline{Recognizer: ocr.Engine{Pool: pool}, Orienter: ocr.Engine{Pool: pool}, MRZReader: ocr.Engine{Pool: pool},
		Policy: policy.Default(), Limits: intake.DefaultLimits(), Logger: logger}
	s := &site{store: st, processed: make(chan string, 100)}
	q := &inProcessQueue{proc: &workers.Processor{Store: st, Originals: orig, Scanner: scanner, Now: time.Now, Logger: logger}, done: s.processed}
	api := &server.Server{Store: st, Originals: orig, Queue: q, Journal: st, Auth: st, Mandates: st, Persons: st, Accounts: st,
		Policy: policy.Default(), Now: time.Now, Logger: logger}
	// Every scenario logs in from 127.0.0.1, a dozen times in less than
	// a minute: the login limits, tested in auth_test.go, would refuse
	// the last ones.
	unlimited := server.NewLimiter(time.Millisecond, 1000)
	srv := httptest.NewServer(server.Protect(web.New(web.Config{API: api.Handler(), Sessions: st, Now: time.Now, Logger: logger,
		LoginsPerAddr: unlimited, LoginsPerEmail: unlimited})))
	t.Cleanup(func() {
		srv.Close()
		q.wg.Wait()
		pool.Close()
		st.Close()
	})
	s.url = srv.URL
	if s.org, err = st.CreateOrg(ctx, "CCAS de Test", time.Now()); err != nil {
		t.Fatal(err)
	}
	return s
}

// inProcessQueue runs each document's processing task at once in a
// goroutine: the Processor of the workers, without Redis.
type inProcessQueue struct {
	proc *workers.Processor
	done chan<- string
	wg   sync.WaitGroup
}

func (q *inProcessQueue) Enqueue(_ context.Context, doc *vault.Document) error {
	task, err := workers.NewProcessTask(doc, 0)
	if err != nil {
		return err
	}
	q.wg.Go(func() {
		q.proc.ProcessTask(context.Background(), task)
		q.done <- doc.ID
	})
	return nil
}

// user creates an account of the test organisation (or of org, for
// another one) with a password.
func (s *site) user(t *testing.T, email string, role vault.Role, org vault.Org) vault.User {
	t.Helper()
	u, err := s.store.CreateUser(context.Background(), vault.User{OrgID: org.ID, Email: email, Name: email, Role: role}, password, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const password = "un mot de passe assez long"

// TestUploadWithoutScript: the upload form works without JavaScript too:
// it posts to the page, which forwards to the API and shows the result
// page, reloading itself until the document is read.
func TestUploadWithoutScript(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the OCR pipeline: not with -short")
	}
	s := newSite(t)
	s.user(t, "agent@ccas.test", vault.RoleAgent, s.org)
	p, err := s.store.CreatePerson(context.Background(), vault.Person{OrgID: s.org.ID, Name: "Jean Dupont"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(s.url+"/connexion", url.Values{"email": {"agent@ccas.test"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	photo, err := os.ReadFile("../testdata/corpus/avis-004-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("person_id", p.ID)
	fw, _ := mw.CreateFormFile("file", "recto.jpg")
	fw.Write(photo)
	mw.Close()
	resp, err = client.Post(s.url+"/depot/"+p.ID, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/resultat/") {
		t.Fatalf("upload without script: status %d at %s, want the result page:\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	if strings.Contains(string(page), "Lecture du document en cours") && !strings.Contains(string(page), `http-equiv="refresh"`) {
		t.Errorf("the result page, read in progress, does not reload itself:\n%s", page)
	}
	<-s.processed
	resp, err = client.Get(resp.Request.URL.String())
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Avis d&#39;imposition 2023 sur les revenus 2022") || strings.Contains(string(page), `http-equiv="refresh"`) {
		t.Errorf("the result page, once read, does not say what the document is, or still reloads:\n%s", page)
	}
}
