package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostileCase is an entry of testdata/hostile/expected.json (written by
// testdata/gen/hostile, described in testdata/hostile/README.md).
type hostileCase struct {
	File          string
	UploadName    string `json:"upload_name"`
	Code, Mime    string
	Message       string
	Upload        int
	UploadMessage string `json:"upload_message"`
}

const hostileDir = "../../testdata/hostile"

// maxServeHWM bounds the serve process's peak resident memory over the
// whole of TestServeHostile (VmHWM). Measured: see the log line; the
// 200 MB upload is refused after the 50 MiB budget was read into memory.
const maxServeHWM = 400 << 20

// TestServeHostile uploads every hostile file to a real `coffre serve`,
// then a streamed 200 MB file: each is refused at upload with a French
// error or accepted and then failed with the French message of its code
// (or read, for the files that are valid after all); the service stays up
// and its peak memory bounded.
func TestServeHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("real service and OCR")
	}
	b, err := os.ReadFile(filepath.Join(hostileDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostileCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	env := []string{"COFFRE_DATA_DIR=" + t.TempDir()}
	srv := startCoffre(t, env, "serve", "--addr", "127.0.0.1:0", "--workers", "2")
	srv.token = authorize(t, env, "p1")

	ids := map[string]hostileCase{}
	for _, tc := range cases {
		data, err := os.ReadFile(filepath.Join(hostileDir, tc.File))
		if err != nil {
			t.Fatal(err)
		}
		name := tc.File
		if tc.UploadName != "" {
			name = tc.UploadName
		}
		status, out := srv.postFile(t, "p1", name, bytes.NewReader(data))
		switch {
		case tc.Upload != 0:
			if status != tc.Upload || !strings.Contains(out.Error, tc.UploadMessage) {
				t.Errorf("%s: upload answered %d %q, want %d %q", tc.File, status, out.Error, tc.Upload, tc.UploadMessage)
			}
		case status != http.StatusAccepted || out.ID == "":
			t.Errorf("%s: upload answered %d %q, want 202", tc.File, status, out.Error)
		default:
			ids[out.ID] = tc
		}
	}

	hwmFiles := peakRSS(t, srv.cmd.Process.Pid)

	// 200 MB, streamed: never held by the test, refused by the service
	// once past its 50 MiB budget.
	big := io.MultiReader(bytes.NewReader([]byte("\xff\xd8\xff\xe0")), io.LimitReader(zeroReader{}, 200<<20))
	status, out := srv.postFile(t, "p1", "enorme.jpg", big)
	if status != http.StatusRequestEntityTooLarge || !strings.HasPrefix(out.Error, "Le fichier 1 dépasse 50 Mo") {
		t.Errorf("200 MB upload: %d %q, want 413 and the French limit", status, out.Error)
	}
	uploaded := time.Since(start)

	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	docs := srv.waitDone(t, list, 2*time.Minute)
	for id, tc := range ids {
		d := docs[id]
		if tc.Code != "" {
			if d.State != "failed" || !strings.HasPrefix(d.Error, tc.Message) {
				t.Errorf("%s: state %s, error %q; want failed with %q", tc.File, d.State, d.Error, tc.Message)
			}
			continue
		}
		var rec struct{ Mime, State, Error string }
		srv.getJSON(t, "/api/v1/documents/"+id, &rec)
		if rec.State == "failed" || rec.Error != "" || rec.Mime != tc.Mime {
			t.Errorf("%s: state %s, mime %s, error %q; want read as %s", tc.File, rec.State, rec.Mime, rec.Error, tc.Mime)
		}
	}

	resp, err := http.Get(srv.addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the service is down after the hostile files: %v %v\n%s", resp, err, srv.out)
	}
	resp.Body.Close()
	hwm := peakRSS(t, srv.cmd.Process.Pid)
	t.Logf("%d files and a 200 MB upload: uploads %v, all processed %v; serve peak RSS (VmHWM) %d MiB after the files, %d MiB in all (bound %d MiB)",
		len(cases), uploaded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), hwmFiles>>20, hwm>>20, maxServeHWM>>20)
	if hwm > maxServeHWM {
		t.Errorf("serve peak RSS %d MiB, over the %d MiB bound", hwm>>20, maxServeHWM>>20)
	}
}

// zeroReader reads zeros forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type uploadAnswer struct{ ID, Error string }

// postFile uploads one file part named name (sent as is in the part's
// header, control characters included), streaming data.
func (p *proc) postFile(t *testing.T, person, name string, data io.Reader) (int, uploadAnswer) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("person_id", person)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, name))
		h.Set("Content-Type", "image/jpeg")
		w, err := mw.CreatePart(h)
		if err == nil {
			_, err = io.Copy(w, data)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", p.addr+"/api/v1/documents", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := p.do(t, req)
	defer resp.Body.Close()
	pr.CloseWithError(io.ErrClosedPipe) // the service may answer before reading it all
	var out uploadAnswer
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &out); err != nil {
		t.Errorf("%q: answer %d is not JSON: %q", name, resp.StatusCode, body)
	}
	return resp.StatusCode, out
}

// peakRSS reads the peak resident set size (VmHWM) of process pid.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
