package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// multipartBody builds a seed: a multipart body of parts (a part named
// "file" is sent with filename) and its Content-Type.
func multipartBody(filename string, parts ...part) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.SetBoundary("coffre-fuzz-boundary")
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.name == "file" {
			h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"`)
		}
		w, _ := mw.CreatePart(h)
		w.Write([]byte(p.value))
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// FuzzUpload sends arbitrary bodies and content types to POST
// /api/v1/documents: the answer is never a 5xx, always a JSON object, and
// a 202 has a document id. Seeds are real uploads (of the hostile files
// too) and broken ones.
func FuzzUpload(f *testing.F) {
	person := part{"person_id", "p1"}
	for _, seed := range [][]part{
		{person, page("recto")},
		{person, page("recto"), page("verso")},
		{person, {"queue", "bulk"}, page("x")},
		{person, {"queue", "vip"}, page("x")},
		{person, {"file", ""}},
		{person, {"file", "<!DOCTYPE html><html></html>"}},
		{{"person_id", "../etc"}, page("x")},
		{person},
		{page("x")},
	} {
		ct, body := multipartBody("page.jpg", seed...)
		f.Add(ct, body)
	}
	ct, body := multipartBody("../../../../etc/passwd", person, page("x"))
	f.Add(ct, body)
	f.Add(ct, body[:len(body)/2])                                            // cut short
	f.Add("multipart/form-data", body)                                       // no boundary
	f.Add("multipart/form-data; boundary=\"", body)                          // bad parameter
	f.Add("application/json", []byte(`{"person_id":"p1"}`))                  // not multipart
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\n\r\n--x--\r\n")) // a part without headers
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x01\"\r\n\r\nx\r\n--x--\r\n"))
	if entries, err := os.ReadDir("../testdata/hostile"); err == nil {
		for _, e := range entries {
			if data, err := os.ReadFile(filepath.Join("../testdata/hostile", e.Name())); err == nil && len(data) < 64<<10 {
				ct, body := multipartBody(e.Name(), person, part{"file", string(data)})
				f.Add(ct, body)
			}
		}
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		if strings.ContainsFunc(ctype, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			t.Skip("net/http does not send control characters in a header")
		}
		req, err := http.NewRequest("POST", fx.srv.URL+"/api/v1/documents", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+fx.agent)
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode >= 500 || resp.StatusCode < 200 || (resp.StatusCode >= 300 && resp.StatusCode < 400) {
			t.Fatalf("status %d for Content-Type %q: %s", resp.StatusCode, ctype, answer)
		}
		var out map[string]any
		if err := json.Unmarshal(answer, &out); err != nil {
			t.Fatalf("answer %d is not a JSON object: %q", resp.StatusCode, answer)
		}
		if id, _ := out["id"].(string); resp.StatusCode == http.StatusAccepted && id == "" {
			t.Fatalf("202 without an id: %s", answer)
		}
		if msg, _ := out["error"].(string); resp.StatusCode >= 400 && msg == "" {
			t.Fatalf("%d without an error message: %s", resp.StatusCode, answer)
		}
	})
}
