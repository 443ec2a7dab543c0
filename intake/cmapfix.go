package intake

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// ledongthuc/pdf maps a code inside a ToUnicode bfrange by adding the
// offset to the last byte only. That is right for ranges within one
// 256-code block, but generators such as fpdf write the identity map as
// one range <0000> <FFFF> <0000>, and then "’" (U+2019) comes out as
// U+0019, "œ" as "S" and "€" as "¬". textLayerPDF rewrites such ranges
// into per-block ranges on a copy of the file before text extraction.

// maxBFEntries caps how many ranges a rewritten CMap may hold, so that a
// hostile map cannot make the rewrite expensive.
const maxBFEntries = 4096

// maxCMapBytes bounds a decoded ToUnicode map; real ones are a few KB.
const maxCMapBytes = 1 << 20

var (
	bfBlock = regexp.MustCompile(`(?s)(\d+)\s+beginbfrange(.*?)endbfrange`)
	bfEntry = regexp.MustCompile(`<([0-9A-Fa-f]{2,8})>\s*<([0-9A-Fa-f]{2,8})>\s*<([0-9A-Fa-f]{2,8})>`)
)

// textLayerPDF returns data with its ToUnicode maps split for
// ledongthuc/pdf, or data itself when none needs it or the rewrite fails
// (the text then only loses characters beyond U+00FF). Since the text
// reader inflates ToUnicode maps without limit, a map inflating past
// maxCMapBytes is refused here.
func textLayerPDF(data []byte, lim Limits) ([]byte, error) {
	pc, err := api.ReadContext(bytes.NewReader(data), pdfConfig(lim))
	if err != nil {
		return data, nil
	}
	fixed := 0
	for _, entry := range pc.Table {
		if entry == nil {
			continue
		}
		if d, ok := entry.Object.(types.Dict); ok {
			n, err := fixFonts(pc, d, 0)
			if err != nil {
				return nil, err
			}
			fixed += n
		}
	}
	if fixed == 0 || pc.E != nil { // encrypted files would need re-encrypting
		return data, nil
	}
	var b bytes.Buffer
	if err := api.WriteContext(pc, &b); err != nil {
		return data, nil
	}
	return b.Bytes(), nil
}

// fixFonts fixes d if it is a font dict and looks into the dicts nested
// in d, where fonts declared inline in a resource dict live.
func fixFonts(pc *model.Context, d types.Dict, depth int) (int, error) {
	n, err := fixToUnicode(pc, d)
	if err != nil || depth == 3 {
		return n, err
	}
	for _, v := range d {
		if sub, ok := v.(types.Dict); ok {
			m, err := fixFonts(pc, sub, depth+1)
			if err != nil {
				return 0, err
			}
			n += m
		}
	}
	return n, nil
}

// fixToUnicode splits the ranges of font dict d's ToUnicode map and
// returns 1 if it changed it.
func fixToUnicode(pc *model.Context, d types.Dict) (int, error) {
	if d.Type() == nil || *d.Type() != "Font" || d.IndirectRefEntry("ToUnicode") == nil {
		return 0, nil
	}
	entry, ok := pc.FindTableEntryForIndRef(d.IndirectRefEntry("ToUnicode"))
	if !ok || entry == nil {
		return 0, nil
	}
	sd, ok := entry.Object.(types.StreamDict)
	if !ok {
		return 0, nil
	}
	if err := sd.DecodeWithLimit(maxCMapBytes); errors.Is(err, filter.ErrDecodeLimitExceeded) {
		return 0, tooLarge(msgTooLarge, fmt.Errorf("ToUnicode map inflates past %d bytes: %w", maxCMapBytes, err))
	} else if err != nil {
		return 0, nil
	}
	content, ok := splitBFRanges(sd.Content)
	if !ok {
		return 0, nil
	}
	sd.Content = content
	if sd.Encode() != nil {
		return 0, nil
	}
	entry.Object = sd
	return 1, nil
}

// splitBFRanges rewrites every bfrange block holding a range that spans
// several last-byte blocks; blocks with array destinations are kept.
func splitBFRanges(cmap []byte) ([]byte, bool) {
	changed, total := false, 0
	out := bfBlock.ReplaceAllFunc(cmap, func(block []byte) []byte {
		body := bfBlock.FindSubmatch(block)[2]
		if bytes.IndexByte(body, '[') >= 0 {
			return block
		}
		var entries []byte
		n := 0
		for _, m := range bfEntry.FindAllSubmatch(body, -1) {
			for _, e := range splitRange(string(m[1]), string(m[2]), string(m[3])) {
				entries = append(entries, e...)
				n++
			}
		}
		if total += n; total > maxBFEntries || n == len(bfEntry.FindAllIndex(body, -1)) {
			return block
		}
		changed = true
		return fmt.Appendf(nil, "%d beginbfrange\n%sendbfrange", n, entries)
	})
	return out, changed
}

// splitRange cuts lo..hi (hex codes) into ranges that differ only in the
// last byte, each with its destination shifted accordingly.
func splitRange(lo, hi, dst string) []string {
	l, err1 := strconv.ParseUint(lo, 16, 32)
	h, err2 := strconv.ParseUint(hi, 16, 32)
	d, err3 := strconv.ParseUint(dst, 16, 32)
	if err1 != nil || err2 != nil || err3 != nil || len(lo) != len(hi) || h < l || h-l > 0xFFFF {
		return []string{fmt.Sprintf("<%s> <%s> <%s>\n", lo, hi, dst)}
	}
	var out []string
	for start := l; start <= h; start = start | 0xFF + 1 {
		end := min(h, start|0xFF)
		out = append(out, fmt.Sprintf("<%0*X> <%0*X> <%0*X>\n", len(lo), start, len(hi), end, len(dst), d+start-l))
	}
	return out
}
