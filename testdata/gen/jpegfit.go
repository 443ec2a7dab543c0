package main

import (
	"bytes"
	"image"
	"image/jpeg"
)

// fitJPEG re-encodes a photo at decreasing quality until it fits budget
// bytes (as a messaging app would recompress it), keeping the original's
// EXIF segment so an EXIF orientation survives. Small files are kept as is.
func fitJPEG(orig []byte, budget int) ([]byte, error) {
	if len(orig) <= budget {
		return orig, nil
	}
	img, err := jpeg.Decode(bytes.NewReader(orig))
	if err != nil {
		return nil, err
	}
	var out []byte
	for q := 74; q >= 40; q -= 6 {
		if out, err = encodeWithExif(img, q, exifSegment(orig)); err != nil || len(out) <= budget {
			break
		}
	}
	return out, err
}

func encodeWithExif(img image.Image, q int, exif []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if exif == nil {
		return b, nil
	}
	return append(append(append([]byte{}, b[:2]...), exif...), b[2:]...), nil
}

// exifSegment returns the APP1 "Exif" segment of a JPEG, or nil.
func exifSegment(b []byte) []byte {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		marker := b[i+1]
		n := int(b[i+2])<<8 | int(b[i+3])
		if marker == 0xDA || i+2+n > len(b) {
			return nil
		}
		seg := b[i : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg[4:], []byte("Exif")) {
			return seg
		}
		i += 2 + n
	}
	return nil
}
