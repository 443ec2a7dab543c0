package degrade

import (
	"encoding/binary"
	"errors"
)

// orientationTag maps a clockwise viewing turn to the EXIF Orientation value
// a viewer must honour: 6 means "rotate 90° clockwise to display".
func orientationTag(turn int) uint16 {
	switch turn {
	case 90:
		return 6
	case 180:
		return 3
	case 270:
		return 8
	}
	return 1
}

// exifOrientation builds an APP1 segment holding a big-endian TIFF header
// and a single IFD0 with one entry, Orientation (0x0112, SHORT, count 1).
// That is the smallest structure readers (libexif, goexif, browsers,
// ImageMagick) accept.
func exifOrientation(orientation uint16) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8}        // byte order, magic, IFD0 offset
	tiff = binary.BigEndian.AppendUint16(tiff, 1)      // entry count
	tiff = binary.BigEndian.AppendUint16(tiff, 0x0112) // tag
	tiff = binary.BigEndian.AppendUint16(tiff, 3)      // type SHORT
	tiff = binary.BigEndian.AppendUint32(tiff, 1)      // count
	tiff = binary.BigEndian.AppendUint16(tiff, orientation)
	tiff = append(tiff, 0, 0)                     // value field is 4 bytes; pad
	tiff = binary.BigEndian.AppendUint32(tiff, 0) // no next IFD

	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2)) // length counts itself
	return append(seg, payload...)
}

// insertAfterSOI puts seg right after the JPEG start-of-image marker, where
// the Exif APP1 segment is required to be.
func insertAfterSOI(jpg, seg []byte) ([]byte, error) {
	if len(jpg) < 2 || jpg[0] != 0xFF || jpg[1] != 0xD8 {
		return nil, errors.New("degrade: not a JPEG stream")
	}
	out := make([]byte, 0, len(jpg)+len(seg))
	out = append(out, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...), nil
}
