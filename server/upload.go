package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"regexp"
	"sync"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/sync/semaphore"

	"coffre"
	"coffre/intake"
	"coffre/vault"
)

// Upload messages: what went wrong and what to do.
const (
	msgNoPerson   = "Indiquez la personne (person_id) à qui appartient le document."
	msgNoFile     = "Aucun fichier reçu : joignez la photo ou le PDF du document."
	msgEmptyFile  = "Le fichier %d est vide : reprenez la photo ou renvoyez le fichier."
	msgTooLarge   = "Le fichier %d dépasse %d Mo : réduisez la résolution de la photo ou envoyez moins de pages."
	msgTooMany    = "Trop de fichiers pour un seul document (%d au plus) : envoyez seulement les pages utiles."
	msgBadForm    = "Envoi incomplet ou mal formé : renvoyez le document."
	msgBadQueue   = "File inconnue : « interactive » ou « bulk »."
	msgSlowDown   = "Trop d'envois en peu de temps : attendez une minute puis recommencez."
	msgTooBig     = "L'envoi dépasse %d Mo en tout : envoyez moins de pages, ou des photos moins lourdes."
	msgBusy       = "Le coffre est très sollicité : renvoyez le document dans quelques minutes."
	defaultMaxMiB = 50
	// defaultMaxTotalMiB is an upload's budget: twenty 5 MB phone photos.
	defaultMaxTotalMiB = 100
)

var personIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// upload stores the pages of one document (multipart: person_id, queue,
// and one file part per page, in order), sealed and on disk, and answers
// 202 at once; the workers read it.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, u vault.User) {
	if !s.UploadsPerUser.allow(u.ID, s.Now()) || !s.UploadsPerAddr.allow(ClientAddr(r), s.Now()) {
		w.Header().Set("Retry-After", "60")
		s.fail(w, r, http.StatusTooManyRequests, msgSlowDown, nil)
		return
	}
	body := &heldBody{ReadCloser: r.Body, ctx: r.Context(), budget: s.held}
	r.Body = body
	defer body.release()
	form, code, msg := s.readUpload(w, r)
	defer form.release()
	if msg != "" {
		s.fail(w, r, code, msg, nil)
		return
	}
	if !s.uploadTarget(w, r, u, form.person) {
		return
	}
	// Uploads take turns to be stored, in the order they came, MaxStoring
	// at a time; their bodies are read already, so a slow phone holds no
	// turn. When a burst all stored at once, each went at the pace of the
	// whole burst and the last answers came far behind the others: p99
	// 146-171 ms at 50 clients on 2 cores, against 102-111 ms with turns.
	turns := s.storing // a Handler built again meanwhile (tests do) makes new turns
	s.waiting.Add(1)
	select {
	case turns <- struct{}{}:
		s.waiting.Add(-1)
		defer func() { <-turns }()
	case <-r.Context().Done(): // the client left, or the deadline passed
		s.waiting.Add(-1)
		w.Header().Set("Retry-After", "60")
		s.fail(w, r, http.StatusServiceUnavailable, msgBusy, r.Context().Err())
		return
	}
	doc := &vault.Document{
		ID: vault.NewID(), PersonID: form.person, UploadedBy: u.ID, State: vault.StateReceived, Queue: form.queue,
		SHA256: documentHash(form.files), Pages: make([]vault.Page, len(form.files)),
	}
	for i, f := range form.files {
		doc.Pages[i] = vault.Page{Mime: mimetype.Detect(f).String(), Size: int64(len(f))}
	}
	if err := s.Originals.Save(r.Context(), doc, form.files); err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	// The upload's journal entry is committed with the document: one
	// commit (one fsync) rather than two in turn.
	now := s.Now()
	entry := vault.Entry{At: now, Actor: u.ID, PersonID: doc.PersonID, Action: actionUpload}
	orig, created, err := s.Store.CreateJournaled(r.Context(), doc, now, entry)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, err)
		return
	}
	answer := map[string]any{"id": doc.ID, "state": orig.State, "pages": len(doc.Pages)}
	if !created {
		answer["duplicate_of"] = orig.ID
	} else if err := s.Queue.Enqueue(r.Context(), doc); err != nil && s.Logger != nil {
		// Stored is what matters: the requeue loop will queue it.
		s.Logger.WarnContext(r.Context(), "enqueue failed; the requeue loop will retry", "document_id", doc.ID, "err", err)
	}
	w.Header().Set("Location", "/api/v1/documents/"+doc.ID)
	writeJSON(w, http.StatusAccepted, answer)
}

type uploadForm struct {
	person, queue string
	files         [][]byte
	bufs          []*bytes.Buffer // holding files, from fileBuffers
	// declared is the request's Content-Length (-1 if unknown), less the
	// files read so far: a file is at most that long.
	declared int64
}

// fileBuffers holds buffers that uploaded files are read into, for the
// uploads to come once these are sealed: a new one for each photo was
// fresh memory from the system, zeroed, and more garbage to collect.
var fileBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled is the largest buffer kept for reuse: a phone photo fits, and
// an upload of larger files need not keep their memory.
const maxPooled = 8 << 20

// release gives the form's buffers back; its files must not be used after.
func (f *uploadForm) release() {
	for _, b := range f.bufs {
		if b.Cap() <= maxPooled {
			fileBuffers.Put(b)
		}
	}
	f.files, f.bufs = nil, nil
}

// readUpload reads the multipart form, holding each file to the byte
// budget as it streams in: a 100 MB upload is refused without being kept.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (uploadForm, int, string) {
	maxBytes, maxFiles := s.limits()
	total, request := s.uploadBudgets()
	if r.ContentLength > request {
		return uploadForm{}, http.StatusRequestEntityTooLarge, fmt.Sprintf(msgTooBig, total>>20)
	}
	r.Body = http.MaxBytesReader(w, r.Body, request)
	mr, done, err := multipartReader(r)
	if err != nil {
		return uploadForm{}, http.StatusBadRequest, msgBadForm
	}
	defer done()
	form := uploadForm{queue: vault.QueueInteractive, declared: r.ContentLength}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return form, http.StatusRequestEntityTooLarge, fmt.Sprintf(msgTooBig, total>>20)
		}
		if err != nil {
			return form, http.StatusBadRequest, msgBadForm
		}
		if code, msg := s.readPart(part, &form, maxBytes, total, maxFiles); msg != "" {
			return form, code, msg
		}
	}
	switch {
	case !personIDRe.MatchString(form.person):
		return form, http.StatusBadRequest, msgNoPerson
	case len(form.files) == 0:
		return form, http.StatusBadRequest, msgNoFile
	case form.queue != vault.QueueInteractive && form.queue != vault.QueueBulk:
		return form, http.StatusBadRequest, msgBadQueue
	}
	return form, 0, ""
}

// multipartReader is r.MultipartReader reading the body 64 kB at a time
// rather than 4 kB: a photo in 4 kB reads cost some seventy system calls.
// done gives its buffer back, for the next upload, once the form is read.
func multipartReader(r *http.Request) (mr *multipart.Reader, done func(), err error) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, nil, err
	}
	if mediaType != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, http.ErrNotMultipart
	}
	br := bodyReaders.Get().(*bufio.Reader)
	br.Reset(r.Body)
	return multipart.NewReader(br, params["boundary"]), func() { br.Reset(nil); bodyReaders.Put(br) }, nil
}

// bodyReaders are multipartReader's buffers: one per upload was a seventh
// of the memory an upload allocated.
var bodyReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

func (s *Server) readPart(part *multipart.Part, form *uploadForm, maxBytes, total int64, maxFiles int) (int, string) {
	defer part.Close()
	switch part.FormName() {
	case "person_id", "queue":
		v, err := io.ReadAll(io.LimitReader(part, 256))
		if err != nil {
			return http.StatusBadRequest, msgBadForm
		}
		if part.FormName() == "queue" {
			form.queue = string(v)
		} else {
			form.person = string(v)
		}
	case "file":
		n := len(form.files) + 1
		if n > maxFiles {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf(msgTooMany, maxFiles)
		}
		buf := fileBuffers.Get().(*bytes.Buffer)
		form.bufs = append(form.bufs, buf)
		err := readFile(buf, part, maxBytes+1, form.declared)
		data := buf.Bytes()
		form.declared -= int64(len(data))
		_, overTotal := errors.AsType[*http.MaxBytesError](err)
		switch {
		case overTotal:
			return http.StatusRequestEntityTooLarge, fmt.Sprintf(msgTooBig, total>>20)
		case err != nil:
			return http.StatusBadRequest, msgBadForm
		case int64(len(data)) > maxBytes:
			return http.StatusRequestEntityTooLarge, fmt.Sprintf(msgTooLarge, n, maxBytes>>20)
		case len(data) == 0:
			return http.StatusBadRequest, fmt.Sprintf(msgEmptyFile, n)
		}
		if err := intake.Accepts(data); err != nil {
			return http.StatusUnsupportedMediaType, fmt.Sprintf("Fichier %d : %s", n, coffre.ErrorMessage(err))
		}
		form.files = append(form.files, data)
	}
	return 0, ""
}

// readFile reads up to limit bytes of a file part into buf, which it
// first grows to the size the request declares, up to 1 MiB (a length is
// only a claim until the bytes arrive), so that a photo is read in one go
// rather than copied through ever larger buffers.
func readFile(buf *bytes.Buffer, part io.Reader, limit, declared int64) error {
	buf.Reset()
	if declared > 0 {
		// MinRead more: ReadFrom wants that much room to read the end.
		buf.Grow(int(min(declared, limit, 1<<20)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(part, limit))
	return err
}

// ClientAddr is the address limits count by: the peer's IP. Behind a
// reverse proxy every request shares the proxy's, so the proxy should
// limit by address itself (README, Security).
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// uploadBudgets are the bytes an upload's files may hold together, and
// its request with the form around them. The request is held to them as
// it is read, and a declared length over them fails at once: files are
// held in memory until sealed, and twenty of 50 MiB each would be 1 GB.
func (s *Server) uploadBudgets() (files, request int64) {
	maxBytes, _ := s.limits()
	files = max(maxBytes, int64(defaultMaxTotalMiB)<<20)
	return files, files + 64<<10
}

// heldChunk is the most a heldBody charges at once; Server.held is never
// smaller than a request and a chunk, so that one upload alone goes.
const heldChunk = 64 << 10

// heldBody charges the bytes read of an upload's body to the server's
// budget (Server.MaxHeld) as they arrive, so that a slow phone holds
// only what it sent; release gives them back once the upload is stored.
// A read waits for room, as long as the request lasts.
type heldBody struct {
	io.ReadCloser
	ctx    context.Context
	budget *semaphore.Weighted
	held   int64
}

func (b *heldBody) Read(p []byte) (int, error) {
	p = p[:min(len(p), heldChunk)]
	if err := b.budget.Acquire(b.ctx, int64(len(p))); err != nil {
		return 0, err
	}
	n, err := b.ReadCloser.Read(p)
	b.budget.Release(int64(len(p) - n))
	b.held += int64(n)
	return n, err
}

func (b *heldBody) release() {
	b.budget.Release(b.held)
	b.held = 0
}

func (s *Server) limits() (int64, int) {
	maxBytes, maxFiles := s.MaxBytes, s.MaxFiles
	if maxBytes <= 0 {
		maxBytes = defaultMaxMiB << 20
	}
	if maxFiles <= 0 {
		maxFiles = 20
	}
	return maxBytes, maxFiles
}

// documentHash is the SHA-256 of the files' SHA-256s in order: the same
// pages in the same order are the same document.
func documentHash(files [][]byte) string {
	h := sha256.New()
	for _, f := range files {
		sum := sha256.Sum256(f)
		h.Write(sum[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}
