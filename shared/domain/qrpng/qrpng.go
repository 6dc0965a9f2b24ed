// Package qrpng draws QR codes as PNG images: a booking's ticket
// (shared/domain/ticket) and a state fee's payment code (applications).
// It is apart from the ticket package so that drawing a code links the QR
// encoder alone, not the ticket's PDF library, whose package init every
// start of a function linking it runs.
package qrpng

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Reasons Encode decides (errs.Reason); clients meet only their kind.
const (
	// ReasonEmptyPayload (Internal): nothing to encode in a QR code.
	ReasonEmptyPayload errs.Reason = "empty_payload"
	// ReasonQRTooLarge (Invalid): the payload does not fit a QR code.
	ReasonQRTooLarge errs.Reason = "qr_too_large"
)

// MaxSize bounds Encode's image side in pixels.
const MaxSize = 4096

// Encode draws payload as a QR code PNG of size×size pixels (256 when size is
// 0 or less) with medium error correction, which survives a creased printout
// while keeping the code sparse. Every module is a whole number of pixels,
// centred with the quiet zone included, so cheap scanners read it reliably;
// when the code needs more pixels than size, the image is as small as the
// code allows. Errors: Internal for an empty payload or a failure to encode;
// Invalid for a size over 4096.
func Encode(payload string, size int) ([]byte, error) {
	const op = "qrpng.Encode"
	if payload == "" {
		return nil, errs.E(op, errs.Internal, ReasonEmptyPayload)
	}
	if size <= 0 {
		size = 256
	}
	if size > MaxSize {
		return nil, errs.E(op, errs.Invalid, ReasonQRTooLarge)
	}
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	bits := q.Bitmap() // includes the four-module quiet zone
	n := len(bits)
	px := size / n
	if px < 1 {
		px, size = 1, n
	}
	off := (size - n*px) / 2
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := 0; dy < px; dy++ {
				i := img.PixOffset(off+x*px, off+y*px+dy)
				for dx := 0; dx < px; dx++ {
					img.Pix[i+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	return buf.Bytes(), nil
}
