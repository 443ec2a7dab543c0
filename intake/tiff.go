package intake

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
)

// tiffCodec decodes the page whose IFD the header points to.
var tiffCodec = codecs["image/tiff"]

// openTIFF decodes every page of a TIFF. x/image/tiff only reads the IFD
// the header points to, so each page is decoded from a copy of the file
// whose header offset is patched to that page's IFD.
func openTIFF(ctx context.Context, data []byte, lim Limits) ([]Page, error) {
	ifds, err := tiffIFDs(data, lim)
	if err != nil {
		return nil, err
	}
	patched := bytes.Clone(data)
	bo := tiffByteOrder(data)
	pages := make([]Page, 0, len(ifds))
	for i, off := range ifds {
		if err := checkCtx(ctx, i); err != nil {
			return nil, err
		}
		bo.PutUint32(patched[4:8], off)
		g, err := decodeWith(tiffCodec, patched, i+1, lim)
		if err != nil {
			return nil, err
		}
		if pages, err = addPage(pages, Page{Image: g}, lim); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// tiffByteOrder reads the byte order mark of a TIFF header ("II" or "MM").
func tiffByteOrder(data []byte) binary.ByteOrder {
	if len(data) >= 2 && data[0] == 'M' && data[1] == 'M' {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// tiffIFDs walks the chain of image file directories and returns their
// offsets, refusing more pages than lim leaves before any is decoded.
// The walk checks bounds and loops itself because the chain is untrusted.
func tiffIFDs(data []byte, lim Limits) ([]uint32, error) {
	if len(data) < 8 || !(string(data[:2]) == "II" || string(data[:2]) == "MM") {
		return nil, corrupt(errors.New("tiff: bad header"))
	}
	bo := tiffByteOrder(data)
	if magic := bo.Uint16(data[2:4]); magic != 42 {
		// 43 is BigTIFF, which x/image/tiff does not read.
		return nil, corrupt(fmt.Errorf("tiff: unsupported magic number %d", magic))
	}
	var ifds []uint32
	seen := map[uint32]bool{}
	for off := bo.Uint32(data[4:8]); off != 0; {
		if seen[off] {
			return nil, corrupt(fmt.Errorf("tiff: IFD chain loops at offset %d", off))
		}
		seen[off] = true
		if lim.usedPages+len(ifds) >= lim.MaxPages {
			return nil, tooManyPages(fmt.Sprintf("more than %d", lim.MaxPages), lim.MaxPages)
		}
		next, err := tiffNextIFD(data, bo, off)
		if err != nil {
			return nil, corrupt(fmt.Errorf("tiff: IFD %d: %w", len(ifds)+1, err))
		}
		ifds = append(ifds, off)
		off = next
	}
	if len(ifds) == 0 {
		return nil, corrupt(errors.New("tiff: no IFD"))
	}
	return ifds, nil
}

// tiffNextIFD returns the offset of the IFD following the one at off.
func tiffNextIFD(data []byte, bo binary.ByteOrder, off uint32) (uint32, error) {
	start := int64(off)
	if start+2 > int64(len(data)) {
		return 0, fmt.Errorf("offset %d beyond end of file", off)
	}
	end := start + 2 + 12*int64(bo.Uint16(data[start:]))
	if end+4 > int64(len(data)) {
		return 0, fmt.Errorf("entries at %d run beyond end of file", off)
	}
	return bo.Uint32(data[end : end+4]), nil
}
