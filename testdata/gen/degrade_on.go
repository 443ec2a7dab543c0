//go:build !nodegrade

package main

import (
	"image"

	"coffre/testdata/gen/degrade"
)

func photoJPEG(page image.Image, it Item) ([]byte, error) {
	return degrade.Photo(page, degrade.PhotoOptions{Rotate: it.Rotate, Blur: it.Blur, Dark: it.Dark,
		Megapixels: it.MP, Seed: it.Seed, EXIFRotate: it.EXIF})
}

func scanPDF(pages []image.Image, it Item) ([]byte, error) {
	return degrade.Scan(pages, it.Seed)
}
