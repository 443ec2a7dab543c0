// Package pdfbuild writes small PDFs object by object, for tests and
// generators that need a precise (or precisely broken) file rather than
// what a PDF library would write.
package pdfbuild

import "fmt"

// Build writes objects 1..n (1 is the catalog) with a correct xref.
func Build(objs ...[]byte) []byte {
	out := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, len(out))
		out = fmt.Appendf(out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := len(out)
	out = fmt.Appendf(out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		out = fmt.Appendf(out, "%010d 00000 n \n", off)
	}
	return fmt.Appendf(out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
}

// Stream is a stream object of data with the entries of dict.
func Stream(dict string, data []byte) []byte {
	return fmt.Appendf(nil, "<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}
