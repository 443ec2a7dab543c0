package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the coffre command, so that the
// end-to-end tests run real coffre processes (and can kill them).
func TestMain(m *testing.M) {
	if os.Getenv("COFFRE_TEST_AS_MAIN") == "1" {
		ctx, stop := signalContext()
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// proc is a coffre process started by a test.
type proc struct {
	cmd    *exec.Cmd
	addr   string // serve: the API's base URL
	out    *bytes.Buffer
	token  string      // the API token requests carry (see authorize)
	stdout chan string // what the process printed after its first line
}

// startCoffre starts `coffre args…` with env, and for serve waits for
// its address.
func startCoffre(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "COFFRE_TEST_AS_MAIN=1", "OMP_THREAD_LIMIT=1"), env...)
	p := &proc{cmd: cmd, out: &bytes.Buffer{}}
	cmd.Stderr = p.out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.kill(syscall.SIGKILL)
		checkLogs(t, args, p.out.Bytes())
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		cmd.Wait()
		t.Fatalf("coffre %v said nothing; stderr:\n%s", args, p.out)
	}
	if _, url, ok := strings.Cut(lines.Text(), "service prêt sur "); ok {
		p.addr = url
	}
	p.stdout = make(chan string, 100)
	go func() {
		for lines.Scan() {
			select {
			case p.stdout <- lines.Text():
			default: // nobody reads it
			}
		}
	}()
	return p
}

func (p *proc) kill(sig syscall.Signal) {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(sig)
		p.cmd.Wait()
	}
}

// upload posts files as the pages of one document of person.
func (p *proc) upload(t testing.TB, person string, files ...string) string {
	t.Helper()
	pages := make([][]byte, len(files))
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages[i] = data
	}
	return p.uploadPages(t, person, pages...)
}

// uploadPages posts pages as one document of person.
func (p *proc) uploadPages(t testing.TB, person string, pages ...[]byte) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("person_id", person)
	for i, data := range pages {
		w, _ := mw.CreateFormFile("file", fmt.Sprintf("page-%d", i+1))
		w.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", p.addr+"/api/v1/documents", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := p.do(t, req)
	defer resp.Body.Close()
	var out struct{ ID, Error string }
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %s", resp.StatusCode, out.Error)
	}
	return out.ID
}

// do sends req with the process's token.
func (p *proc) do(t testing.TB, req *http.Request) *http.Response {
	t.Helper()
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (p *proc) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	req, err := http.NewRequest("GET", p.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp := p.do(t, req)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// docView is the part of a document's JSON the tests look at.
type docView struct {
	ID, State, Type, Subtype, Status, Error string
	DuplicateOf                             string `json:"duplicate_of"`
	Messages                                []string
	History                                 []struct{ From, To string }
}

// waitDone waits until none of the documents is received or processing,
// then reads each once. It polls as an agent's page does, the state alone
// (a few hundred microseconds, not journaled), and only the first
// document not yet seen done: later ones, queued after it, are mostly
// pending too. Polling every pending record every 100 ms made the service
// spend 15 % more processor time on 45 pages than reading them, each read
// journaled.
func (p *proc) waitDone(t testing.TB, ids []string, timeout time.Duration) map[string]docView {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for pending := ids; len(pending) > 0; {
		var s struct{ State string }
		p.getJSON(t, "/api/v1/documents/"+pending[0]+"/state", &s)
		if s.State != "received" && s.State != "processing" {
			pending = pending[1:]
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s still %s after %v, %d of %d not seen done", pending[0], s.State, timeout, len(pending), len(ids))
		}
		time.Sleep(100 * time.Millisecond)
	}
	docs := make(map[string]docView, len(ids))
	for _, id := range ids {
		var d docView
		p.getJSON(t, "/api/v1/documents/"+id, &d)
		docs[id] = d
	}
	return docs
}

func corpusFile(name string) string { return filepath.Join(corpusDir, name) }

// firstAdminToken reads the administrator's token the first start prints.
func firstAdminToken(t testing.TB, p *proc) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case line := <-p.stdout:
			if _, tok, ok := strings.Cut(line, "conservez-le) : "); ok {
				return tok
			}
		case <-timeout:
			t.Fatal("the first start printed no administrator token")
		}
	}
}

// coffreCmd runs `coffre args…` with env to its end and returns its
// standard output.
func coffreCmd(t testing.TB, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "COFFRE_TEST_AS_MAIN=1", "OMP_THREAD_LIMIT=1"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("coffre %v: %v\n%s", args, err, stderr.String())
	}
	checkLogs(t, args, stderr.Bytes())
	return string(out)
}

// authorize creates, through the commands an administrator uses, a
// caseworker's API token and the mandates of persons to their CCAS.
func authorize(t testing.TB, env []string, persons ...string) string {
	t.Helper()
	out := strings.Split(strings.TrimSpace(coffreCmd(t, env, "token", "create", "--org", "CCAS de Test", "--role", "caseworker")), "\n")
	for _, person := range persons {
		coffreCmd(t, env, "mandate", "grant", "--person", person, "--org", "CCAS de Test", "--collected", "in_person")
	}
	return out[len(out)-1]
}

func TestServeEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("real OCR")
	}
	env := []string{"COFFRE_DATA_DIR=" + t.TempDir()}
	srv := startCoffre(t, env, "serve", "--addr", "127.0.0.1:0", "--workers", "2")
	// The first start creates an administrator and prints their token,
	// with which an admin registers a person and records their mandate.
	srv.token = firstAdminToken(t, srv)
	req, err := http.NewRequest("POST", srv.addr+"/api/v1/persons", strings.NewReader(`{"name":"Personne Neuf"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp := srv.do(t, req)
	var person struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&person)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || person.ID == "" {
		t.Fatalf("the first administrator registers a person: %s", resp.Status)
	}
	req, err = http.NewRequest("POST", srv.addr+"/api/v1/persons/"+person.ID+"/mandates", strings.NewReader(`{"collected":"in_person"}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp := srv.do(t, req); resp.StatusCode != http.StatusCreated {
		t.Errorf("the first administrator records a mandate: %s", resp.Status)
	}
	srv.token = authorize(t, env, "p1", "p2")
	avis := srv.upload(t, "p1", corpusFile("avis-005-photo.jpg"))
	cni := srv.upload(t, "p1", corpusFile("cni-old-035-photo.jpg"))
	blurred := srv.upload(t, "p2", corpusFile("caf-020-photo.jpg"))
	corrupt := srv.upload(t, "p2", writeTemp(t, "corrupt.jpg", append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{0}, 500)...)))
	dup := srv.upload(t, "p1", corpusFile("avis-005-photo.jpg"))
	docs := srv.waitDone(t, []string{avis, cni, blurred, corrupt, dup}, 3*time.Minute)

	want := map[string]struct{ state, typ, status string }{
		avis:    {"done", "avis_imposition", ""},
		cni:     {"done", "piece_identite", "expired"},
		blurred: {"done", "unknown", "undetermined"},
		corrupt: {"failed", "unknown", "undetermined"},
		dup:     {"done", "avis_imposition", ""},
	}
	for id, w := range want {
		d := docs[id]
		if d.State != w.state || d.Type != w.typ || (w.status != "" && d.Status != w.status) {
			t.Errorf("%s: state %s, type %s, status %s; want %s, %s, %s", id, d.State, d.Type, d.Status, w.state, w.typ, cmp.Or(w.status, "any"))
		}
	}
	if len(docs[blurred].Messages) == 0 || docs[corrupt].Error == "" {
		t.Errorf("no message for the agent: blurred %q, corrupt %q", docs[blurred].Messages, docs[corrupt].Error)
	}
	if docs[dup].DuplicateOf != avis {
		t.Errorf("duplicate_of = %q, want %s", docs[dup].DuplicateOf, avis)
	}

	resp, err = http.Get(srv.addr + "/metrics") // monitoring needs no token
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`coffre_documents{state="done"} 3`, `coffre_documents{state="failed"} 1`, `coffre_stage_seconds_count{stage="decode"} 4`, `coffre_stage_seconds_count{stage="ocr"} 3`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s:\n%s", want, metrics)
		}
	}

	var found struct{ Documents []docView }
	srv.getJSON(t, "/api/v1/documents?type=piece_identite&status=expired&person_id=p1", &found)
	if len(found.Documents) != 1 || found.Documents[0].ID != cni {
		t.Errorf("search by type, status and person: %+v, want the CNI", found.Documents)
	}
	srv.getJSON(t, "/api/v1/documents?person_id=p1&q=impots", &found)
	if len(found.Documents) != 1 || found.Documents[0].ID != avis {
		t.Errorf("text search 'impots': %+v, want the avis (and not its duplicate)", found.Documents)
	}

	// The daily task, run on a day when the avis has expired too.
	coffreCmd(t, env, "flag-expiries", "--as-of", "2031-01-01")
	if out := coffreCmd(t, env, "journal", "verify"); !strings.Contains(out, "Journal intègre") {
		t.Errorf("journal verify: %s", out)
	}
	var alerts struct {
		Alerts []struct {
			DocumentID string `json:"document_id"`
			Kind       string
		}
	}
	srv.getJSON(t, "/api/v1/alerts?person_id=p1", &alerts)
	kinds := map[string]string{}
	for _, a := range alerts.Alerts {
		kinds[a.DocumentID] = a.Kind
	}
	if kinds[cni] != "expired" || kinds[avis] != "expired" || len(alerts.Alerts) != 2 {
		t.Errorf("alerts %+v, want the CNI and the avis expired, once each", alerts.Alerts)
	}
}

// TestServeRestartLosesNothing: the in-process queue dies with the
// process; the documents it held are queued again at the next start.
func TestServeRestartLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("real OCR")
	}
	env := []string{"COFFRE_DATA_DIR=" + t.TempDir()}
	srv := startCoffre(t, env, "serve", "--addr", "127.0.0.1:0", "--workers", "1")
	token := authorize(t, env, "p1")
	srv.token = token
	var ids []string
	for _, f := range []string{"avis-002-clean.png", "caf-014-clean.png", "titre-sejour-041-clean.png"} {
		ids = append(ids, srv.upload(t, "p1", corpusFile(f)))
	}
	srv.kill(syscall.SIGKILL) // mid-OCR of the first, the others queued
	srv = startCoffre(t, env, "serve", "--addr", "127.0.0.1:0", "--workers", "1")
	srv.token = token
	docs := srv.waitDone(t, ids, 2*time.Minute)
	for _, id := range ids {
		if d := docs[id]; d.State != "done" || d.Type == "unknown" {
			t.Errorf("%s after restart: %s %s, want done and read", id, d.State, d.Type)
		}
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeBurst: 500 uploads at once, 50 clients; every document ends
// done, none processed twice. The pages are small blank images, so that
// the queue, not OCR, is what is tested.
func TestServeBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("500 documents")
	}
	env := []string{"COFFRE_DATA_DIR=" + t.TempDir(), "COFFRE_UPLOAD_LIMIT=0"} // a burst of imports, on purpose
	srv := startCoffre(t, env, "serve", "--addr", "127.0.0.1:0", "--workers", "2")
	srv.token = authorize(t, env, "p1")
	const n, clients = 500, 50
	ids := make([]string, n)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < n; i += clients {
				ids[i] = srv.uploadPages(t, "p1", blankPNG(t, i))
			}
		}()
	}
	wg.Wait()
	docs := srv.waitDone(t, ids, 4*time.Minute)
	for _, id := range ids {
		d := docs[id]
		finished := 0
		for _, h := range d.History {
			if h.To == "done" || h.To == "failed" || h.To == "needs_review" {
				finished++
			}
		}
		if d.State != "done" || finished != 1 {
			t.Errorf("%s: state %s, finished %d times; want done once", id, d.State, finished)
		}
	}
}

// blankPNG is a small white page, distinct for each i.
func blankPNG(t testing.TB, i int) []byte {
	g := image.NewGray(image.Rect(0, 0, 200, 280))
	for j := range g.Pix {
		g.Pix[j] = 255
	}
	g.Pix[i%len(g.Pix)], g.Pix[(i/len(g.Pix)+7)%len(g.Pix)] = 250, 250
	var b bytes.Buffer
	if err := png.Encode(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
