//go:build nodegrade

package main

import (
	"errors"
	"image"
)

// Built with -tags nodegrade (before the degrade package exists): only
// clean and digital renderings work; run with -draft.

func photoJPEG(image.Image, Item) ([]byte, error) { return nil, errors.New("built without degrade") }

func scanPDF([]image.Image, Item) ([]byte, error) { return nil, errors.New("built without degrade") }
